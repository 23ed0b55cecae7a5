"""Which CSL type a bibliography entry is, and whether its words said so.

A type is *told* when the entry carries a mark of it: ``Interview by``, a
manuscript, ``Retrieved … from``, a container with an editor or ``In``
(chapter), a volume, issue or pages (journal), a day date (newspaper), a
report's word in the title (``Report``, ``Minutes``, ``Circular no. 17``),
a publisher or place for a book. Otherwise it is *guessed*, and the
reader says so: a part whose container has none of those marks is taken
for a journal article; a work a body wrote and published itself, without
a report's word, for a book when a place or an edition is given (the book
trade's marks), else for a pamphlet (its own imprint alone: a society's or
a union's booklet); a title and a date alone for a book.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ....lazyre import lazy_compile
from ....model import Reference
from .matching import name_keys, normalise

# Words of a report's title, whoever wrote it.
_REPORT_RE = lazy_compile(
    r"\b(?:reports?|minutes|(?:working|discussion|consultation|briefing|white|green|policy)\s+paper|"
    r"circular\s+no\.?|technical\s+note|bulletin\s+no\.?)\b",
    re.I,
)
# Words that make a body's work a report: accounts, surveys, statements.
_BODY_REPORT_RE = lazy_compile(r"\b(?:accounts|survey|statement|circular|census|returns|review of|results)\b", re.I)
# Words of a manuscript or a script in a title or genre, in the languages
# bibliographies commonly cite.
_MANUSCRIPT_RE = lazy_compile(
    r"\b(?:manuscript|typescript|manuskript|manuscrit|manoscritto|manuscrito|screenplay|shooting script)\b", re.I
)


@dataclass(frozen=True, slots=True)
class Typed:
    """A type, and why: the mark that told it, or why it was guessed."""

    type: str
    told: bool
    why: str = ""


def type_part(kind: str, ref: Reference) -> Typed:
    """A part (a quoted title, or anything with a container)."""
    if kind == "chapter":
        return Typed("chapter", bool(ref.editor or ref.publisher or ref.page))
    if kind == "newspaper":
        return Typed("article-newspaper", True)
    if kind == "journal" or ref.volume or ref.issue:
        return Typed("article-journal", True)
    if ref.issued.month:
        return Typed("article-magazine", False, "a part dated by month, taken for a magazine article")
    return Typed("article-journal", False, "a part whose container has no volume, issue or pages")


def type_work(kind: str, ref: Reference, by_body: bool) -> Typed:
    """A whole work: interview, manuscript, web page, report or book."""
    if kind in ("interview", "manuscript", "webpage"):
        return Typed(kind, True)
    words = f"{ref.title} {ref.genre}"
    if _MANUSCRIPT_RE.search(words):
        return Typed("manuscript", True)
    if _REPORT_RE.search(words) or (by_body and _BODY_REPORT_RE.search(words)):
        return Typed("report", True)
    if by_body and _self_published(ref):
        # A body's own publication with no report's word. Printed with a
        # place or an edition it is listed as books are; with its own
        # imprint alone, most often a pamphlet (rules, a guide, an appeal
        # printed for its members). Either way a guess, reported.
        if ref.publisher_place or ref.edition:
            return Typed(
                "book", False, "a work a body published itself, with no word saying it is a report or a pamphlet"
            )
        return Typed("pamphlet", False, "a work a body published itself under its own imprint, taken for a pamphlet")
    if ref.publisher or ref.publisher_place or ref.edition or ref.translator:
        return Typed("book", True)
    return Typed("book", False, "a title and a date with no publisher or place")


def _self_published(ref: Reference) -> bool:
    """No publisher, or the body itself (``Guild of X``, ``GX``)."""
    if not ref.publisher:
        return True
    keys = {k for n in ref.author or ref.editor for k in name_keys(n)}
    return normalise(ref.publisher) in keys


def by_body(ref: Reference) -> bool:
    names = ref.author or ref.editor
    return bool(names) and all(n.literal for n in names)
