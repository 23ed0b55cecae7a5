"""The pandoc reader: Markdown, DOCX, HTML, ODT and EPUB manuscripts.

Pandoc reads the manuscript into its JSON AST (never its HTML), and the AST
becomes the edition model, so every transform and writer works on a
manuscript as on a plain-text source. Steps, each in its own module:

* ``source``: run the bundled pandoc once on the file's bytes; decode text
  manuscripts for their lines; read DOCX note kinds from the zip;
* ``scan``: the Markdown lines pandoc leaves no block for (YAML, link and
  footnote definitions, fences);
* ``locate``: each block's source lines, found by its words;
* ``metadata``, ``bibliography``: ``Metadata`` and ``Reference``s;
* ``blocks``, ``special``, ``inlines``, ``cites``: the AST to the model;
  what the model cannot hold degrades with a warning naming the element
  and its line;
* ``build``: chapters at level-1 headings, and the ``Edition``.

``read_manuscript`` is the API for callers that know better than the
suffix (pandoc Markdown in a ``.txt`` file) or add bibliography files.
"""

from __future__ import annotations

from ...diagnostics import InputError
from ...model import Edition
from .. import ReadContext, register
from .build import PandocBuilder, ReadSettings
from .source import FORMATS

__all__ = ["FORMATS", "ReadSettings", "read_manuscript", "read_pandoc"]


@register(*FORMATS)
def read_pandoc(ctx: ReadContext) -> Edition:
    """The registered reader: pandoc's format chosen by the file suffix."""
    settings = ReadSettings(FORMATS[ctx.path.suffix.lower()], bibliography=ctx.options.bibliography)
    return read_manuscript(ctx, settings)


def read_manuscript(ctx: ReadContext, settings: ReadSettings) -> Edition:
    """Read one manuscript with explicit settings."""
    if settings.from_format not in set(FORMATS.values()):
        known = ", ".join(sorted(set(FORMATS.values())))
        raise InputError(f"{ctx.display}: pandoc format {settings.from_format!r} is not read here (known: {known})")
    return PandocBuilder(ctx, settings).run()
