"""What the typesetter shares with the engine, without WeasyPrint.

The build process of a parallel build lays nothing out: it reads the
sources, makes each part's HTML, looks the parts up in the cache and hands
them to the workers, which import the engine (``engine``, WeasyPrint). So
``typeset`` imports the engine only where it lays a part out, and what the
build process needs of it is here: the running text of typeset pages
(``Flow``), the engine's version (part of a typeset part's cache key) and
the types of the callbacks a layout takes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from ...layout.pages import PrintedPage, PrintLayout, infer_folios

FOLIO_BOX = "@bottom-center"  # the margin box where print.css prints the folio (``engine._folio`` reads it)

Progress = Callable[[str], None]

# Called with each page's index (from 0) and layout box as the document is
# laid out: True ends the layout after that page.
LayoutStop = Callable[[int, object], bool]


@dataclass(frozen=True, slots=True)
class Flow:
    """The running text of a typeset document, page by page (``Rendered.flow``)."""

    words: tuple[str, ...]
    starts: tuple[int, ...]  # per page: the index of the first word that begins on it
    printed: tuple[str, ...]  # per page: the folio printed on it ("" none)
    inked: tuple[bool, ...]  # per page: whether it carries any text
    parts: tuple[str, ...]  # per word: the key of the book part it is in

    def layout(self, source: str) -> PrintLayout:
        """Where each page begins among the words (``pagelist``), every
        page's folio inferred from the ones printed."""
        folios = infer_folios(self.printed)
        ends = [*self.starts[1:], len(self.words)]
        pages = tuple(
            PrintedPage(n, folios[n - 1], start, end - start, self.inked[n - 1])
            for n, (start, end) in enumerate(zip(self.starts, ends, strict=True), start=1)
        )
        return PrintLayout(source, self.words, pages, self.parts)


def engine_version() -> str:
    """The typesetting engine and its version (a typeset part's cache key),
    from the installed distribution's metadata: the version the engine
    module reports (``weasyprint.__version__``), without loading it; from
    its package file when it runs without its metadata (a checkout on the
    path)."""
    from importlib.metadata import PackageNotFoundError, version  # for the build process, not the workers

    try:
        return f"WeasyPrint {version('weasyprint')}"
    except PackageNotFoundError:
        # The version its package file declares (``__version__ = '70.0'``),
        # read without loading it; else a digest of that file.
        spec = find_spec("weasyprint")
        source = Path(spec.origin).read_text(encoding="utf-8") if spec is not None and spec.origin else ""
        found = _VERSION.search(source)
        return f"WeasyPrint {found[1] if found else hashlib.sha256(source.encode()).hexdigest()[:16]}"


_VERSION = re.compile(r"""__version__\s*=\s*['"]([^'"]+)['"]""")
