"""The plain-text reader: web-copied essays and Project Gutenberg texts.

Steps, each in its own module: decode the bytes (``sources``), split into
paragraphs, set the Gutenberg apparatus and web boilerplate apart
(``apparatus``), read the head of the page (``front``), classify every
paragraph (``classify``), find the regions (``layout``) and the glossaries
written without `Definition:` (``glossary``), build blocks and
pair notes per scope (``blocks``, ``notes``), then link citations to the
references (``citations``). Every source line ends up in the model or in
``Edition.removed`` with a reason.
"""

from __future__ import annotations

from ...model import Edition
from ..context import ReadContext, register
from .build import DocumentBuilder


# "plain" when named (``--from plain``): pandoc reads no such format, so the
# name cannot mean one of its readers.
@register(".txt", ".text", formats=("plain",))
def read_plaintext(ctx: ReadContext) -> Edition:
    return DocumentBuilder(ctx).run()
