"""Regular expressions compiled when first used.

The readers' patterns take about half the time of starting a build:
those for names and citations spell out every capital and small letter of
Latin-1 and Latin Extended (``bibliography_names.UPPER``), and ``re``
compiles each such class letter by letter. A text uses a fraction of them
(a one-page essay with no bibliography, none of the reference grammar; a
text with no web page chrome, none of the chrome rules), so the modules of
the readers and transforms declare their patterns with ``lazy_compile``:
the same pattern, compiled on its first use; and while they compile,
each character class is made once (``_classes_once``), not again in each
pattern that holds it.

A build also keeps the compiled patterns in its cache folder and in the
installation's (``keep_compiled_patterns``, ``installation``), as it keeps
its compiled templates: what ``re`` makes of a pattern (the program its
matcher runs) is stored with ``marshal``, in a file of the Python version
that made it, and given back to the matcher (``_sre.compile``, which
``re.compile`` ends with, and which checks the program) the next time.
``re`` has no public way to do this, so every step that could fail, a file
of another version, a damaged one, a Python without these internals, falls
back to ``re.compile``: the cache only saves time, and a pattern compiled
either way is the same.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import marshal
import os
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

try:  # the compiler ``re.compile`` runs (CPython 3.11 and later), and its matcher
    _sre: Any = importlib.import_module("_sre")
    _compiler: Any = importlib.import_module("re._compiler")
    _parser: Any = importlib.import_module("re._parser")
    _INTERNALS = all(callable(f) for f in (_sre.compile, _compiler._code, _parser.parse))
except (ImportError, AttributeError):  # another Python: every pattern is compiled by re.compile
    _INTERNALS = False


# What ``re`` makes of each character class, kept for the process by this
# module's compiles (``_classes_once``): the classes of every capital or
# small letter (``UPPER``, ``LOWER``) stand in a third of the readers'
# patterns, 122 times for the essay seed, and the compiler makes each a
# bitmap of the 65,536 characters of the BMP anew (a third of a
# millisecond: 45 of the 110 ms its patterns took to compile). A class is
# made of its items and of the case rules of the pattern's flags (the
# compiler's arguments), which the key holds.
_CLASSES: dict[tuple, tuple[list, bool]] = {}
_CLASSES_LOCK = threading.Lock()
# The compiler's own step, read once: put back after every compile here,
# whatever another thread did meanwhile.
_OPTIMIZE: Any = getattr(_compiler, "_optimize_charset", None) if _INTERNALS else None


def _class_once(*args: Any) -> tuple[list, bool]:
    """``re``'s ``_optimize_charset``, each class made once (``_CLASSES``)."""
    charset, *rules = args
    try:
        key = (tuple(charset), *(id(rule) if isinstance(rule, dict) else rule for rule in rules))
        made = _CLASSES.get(key)
    except TypeError:  # a class or rule of another shape than this Python's: made as re makes it
        return _OPTIMIZE(*args)
    if made is None:
        out, hascased = _OPTIMIZE(*args)
        made = _CLASSES[key] = (list(out), hascased)
    return list(made[0]), made[1]


@contextlib.contextmanager
def _classes_once() -> Iterator[None]:
    """``re``'s compiler, while in this block, makes each character class
    once (``_class_once``); another thread's ``re.compile`` meanwhile gets
    the same results. Nothing where the compiler has no such step."""
    if _OPTIMIZE is None:
        yield
        return
    with _CLASSES_LOCK:
        _compiler._optimize_charset = _class_once
        try:
            yield
        finally:
            _compiler._optimize_charset = _OPTIMIZE


def _after_fork() -> None:
    """A child forked while another thread compiled: the compiler's own
    step back, and a lock no thread of the child holds."""
    global _CLASSES_LOCK
    _CLASSES_LOCK = threading.Lock()
    if _OPTIMIZE is not None:
        _compiler._optimize_charset = _OPTIMIZE


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


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
        value = getattr(_compile(*self._source), name)
        setattr(self, name, value)
        return value

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return lazy_compile, self._source  # pickled (sent to another process) as the pattern

    def __repr__(self) -> str:
        return f"lazy_compile({self._source[0]!r}, {self._source[1]!r})"


def lazy_compile(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled on first use."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, int(flags)))


# What a compiled pattern is made of, as ``re._compiler.compile`` passes it
# to ``_sre.compile``: flags, program, group count, group index, group names.
_Parts = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


class _KeptPatterns:
    """The compiled patterns kept in cache folders: ``known`` read from their
    files (``paths``), ``learned`` compiled since (written back by ``save``)."""

    def __init__(self) -> None:
        self.paths: tuple[Path, ...] = ()
        self.known: dict[tuple[str, int], _Parts] = {}
        self.learned = False

    def compile(self, pattern: str, flags: int) -> re.Pattern[str]:
        parts = self.known.get((pattern, flags))
        if parts is not None:
            try:
                return cast("re.Pattern[str]", _sre.compile(pattern, *parts))
            except (RuntimeError, TypeError, ValueError, OverflowError):  # a damaged entry (the matcher
                del self.known[(pattern, flags)]  # checks the program): compiled again below
        parsed = _parser.parse(pattern, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        with _classes_once():
            code = _compiler._code(parsed, flags)
        parts = (
            int(flags | parsed.state.flags),
            [int(op) for op in code],  # opcodes are int subclasses
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
        compiled = cast("re.Pattern[str]", _sre.compile(pattern, *parts))
        self.known[(pattern, flags)] = parts
        self.learned = True
        return compiled


_KEPT = _KeptPatterns()


def _version() -> str:
    """The versions a compiled program depends on: Python's and its matcher's."""
    made = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{_sre.MAGIC}-{_sre.CODESIZE}"
    return hashlib.sha256(made.encode()).hexdigest()[:16]


def _compile(pattern: str, flags: int) -> re.Pattern[str]:
    if not _KEPT.paths:
        return re.compile(pattern, flags)
    return _KEPT.compile(pattern, flags)


def _read(path: Path) -> dict[tuple[str, int], _Parts]:
    """The patterns kept in ``path``; none when it cannot be read or its digest is wrong."""
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        body = path.read_bytes()
        if hashlib.sha256(body[32:]).digest() == body[:32]:
            known = marshal.loads(body[32:])
            if isinstance(known, dict):
                return known
    return {}


def keep_compiled_patterns(cache_dir: str | Path) -> None:
    """Keep the lazy patterns compiled in ``cache_dir/patterns`` ("": none
    there) and in the installation's cache (``installation``) from now on,
    in one file per Python version in each; those of other versions are
    removed (``installation.prune``). A pattern is read from either; a
    file that cannot be read is ignored. A relative ``cache_dir`` is
    resolved at this call (as ``templating.keep_compiled_templates``)."""
    from . import installation

    if not _INTERNALS:
        _KEPT.paths = ()
        return
    name = f"{_version()}.marshal"
    own, shared = installation.kept_in(cache_dir, "patterns")
    paths = tuple(folder / name for folder in (own, shared) if folder is not None)
    if paths == _KEPT.paths:
        return
    _KEPT.paths, _KEPT.known, _KEPT.learned = paths, {}, False
    installation.prune_others(own, shared, name, "*.marshal")  # not another process's file being written
    for path in paths:
        _KEPT.known.update(_read(path))


def save_compiled_patterns() -> None:
    """Write the kept patterns back, to each cache folder, if some were
    compiled since they were read; a folder where it cannot be written is
    tried again at the next save (the cache is only a saving)."""
    from .diagnostics import OutputError
    from .fsutil import atomic_write_bytes

    if not _KEPT.paths or not _KEPT.learned:
        return
    try:
        body = marshal.dumps(_KEPT.known)
    except ValueError:  # not a program marshal can write: nothing kept
        return
    written = 0
    for path in _KEPT.paths:
        with contextlib.suppress(OSError, OutputError, ValueError):
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, hashlib.sha256(body).digest() + body)
            written += 1
    _KEPT.learned = written < len(_KEPT.paths)
