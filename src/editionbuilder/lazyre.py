"""Regular expressions compiled when first used.

The readers' patterns take about half the time of starting a build:
those for names and citations spell out every capital and small letter of
Latin-1 and Latin Extended (``bibliography_names.UPPER``), and ``re``
compiles each such class letter by letter. A text uses a fraction of them
(a one-page essay with no bibliography, none of the reference grammar; a
text with no web page chrome, none of the chrome rules), so the modules of
the readers and transforms declare their patterns with ``lazy_compile``:
the same pattern, compiled on its first use.
"""

from __future__ import annotations

import re
from typing import Any, cast


class _LazyPattern:
    """Stands for ``re.compile(pattern, flags)`` and compiles it when an
    attribute is first asked for; each attribute is then kept on the
    object, so later calls cost what the compiled pattern's do. Its
    ``pattern`` (the source, as a compiled pattern gives it) is there from
    the start: a pattern built from another's source compiles neither."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)
        self.pattern = pattern

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_source":  # Python's own protocols, or before __init__ ran
            raise AttributeError(name)
        value = getattr(re.compile(*self._source), name)
        setattr(self, name, value)
        return value

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return lazy_compile, self._source  # pickled (sent to another process) as the pattern

    def __repr__(self) -> str:
        return f"lazy_compile({self._source[0]!r}, {self._source[1]!r})"


def lazy_compile(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled on first use."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, int(flags)))
