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

The format is the edition's ``from`` (``--from``) when set, else the
file's suffix. ``read_manuscript`` is the API for callers that know better
than either (pandoc Markdown in a ``.txt`` file) or add bibliography files.
"""

from __future__ import annotations

from ...diagnostics import InputError
from ...model import Edition
from ..context import ReadContext, base_format, register
from .build import PandocBuilder, ReadSettings
from .source import FORMATS, INPUT_FORMATS

__all__ = ["FORMATS", "INPUT_FORMATS", "ReadSettings", "read_manuscript", "read_pandoc"]


@register(*FORMATS, formats=tuple(INPUT_FORMATS), extensions=True)
def read_pandoc(ctx: ReadContext) -> Edition:
    """The registered reader: pandoc's format named by the edition, else
    chosen by the file suffix."""
    from_format = ctx.options.from_format or FORMATS[ctx.path.suffix.lower()]
    return read_manuscript(ctx, ReadSettings(from_format, bibliography=ctx.options.bibliography))


def read_manuscript(ctx: ReadContext, settings: ReadSettings) -> Edition:
    """Read one manuscript with explicit settings."""
    if base_format(settings.from_format) not in INPUT_FORMATS:
        known = ", ".join(sorted(INPUT_FORMATS))
        raise InputError(f"{ctx.display}: pandoc format {settings.from_format!r} is not read here (known: {known})")
    return PandocBuilder(ctx, settings).run()
