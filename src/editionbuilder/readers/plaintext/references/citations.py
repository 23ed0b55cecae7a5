"""Author-date citations in running text become ``Citation`` nodes.

``CitationLinker`` is run over the paragraphs of one source in document
order, because citations lean on what came before them:

* ``(p.6)`` continues the source cited last (in this or an earlier
  paragraph);
* ``(1985, p.83)`` or ``(1985)`` after a sentence naming an author
  (``Lindqvist describes the winters … (1997, p.88)``) takes that author: the sentence
  the parenthesis closes (or stands in) is searched, right to left, for a
  capitalised word that names a listed reference. A bare year is only taken
  when the name stands right before it or one of that author's works has
  that year, so ``the famine year (1846)`` in prose stays text.
* ``(Author, Title Words)`` is only taken when the names match a reference.

The shapes are read by ``citation_syntax``, names are matched by
``citation_match``. Diagnostics (stable codes): ``citation-unresolved`` and
``citation-year-mismatch`` (warnings), ``citation-ambiguous`` (info).
Nothing is rewritten: every character of the input is in the output, in a
``Text`` or in a citation's prefix, items, separators and suffix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .... import codes
from ....diagnostics import Diagnostics
from ....lazyre import lazy_compile
from ....model import (
    NOWHERE,
    Citation,
    CiteItem,
    Emphasis,
    Inline,
    Position,
    Reference,
    Strong,
    Text,
)
from ....model.walk import merge_texts
from .matching import Choice, ReferenceIndex, choose
from .names import UPPER
from .syntax import ItemSyntax, Span, find_spans, is_bare_pages, unparsed_citations

# The end of a sentence: stop mark, closing quotes or brackets, space, and a
# capital (maybe after an opening quote) starting the next one. ``e.g. space``
# and ``p.83`` do not end sentences.
_SENTENCE_END_RE = lazy_compile(rf"[.!?][”’\"')\]]*\s+(?=[“‘\"'(]?[{UPPER}])")

# Text ending with a sentence's stop mark (and closing quotes).
_ENDS_SENTENCE_RE = lazy_compile(r"[.!?][”’\"')\]]*$")

# A capitalised word of running text, with a possessive (``Okonkwo’s``).
_CAP_WORD_RE = lazy_compile(rf"[{UPPER}][\w’'\-]*")


@dataclass(frozen=True, slots=True)
class _Last:
    """The source cited last: what ``(p.N)`` continues."""

    key: str
    year: str
    text: str


def citation_text(citation: Citation) -> str:
    """The citation's characters as the source wrote them."""
    return citation.prefix + citation.separator.join(i.text for i in citation.items) + citation.suffix


class CitationLinker:
    """Finds and resolves citations, paragraph after paragraph of one source."""

    def __init__(self, references: Sequence[Reference], diagnostics: Diagnostics):
        self._index = ReferenceIndex(tuple(references))
        self._diagnostics = diagnostics
        self._last: _Last | None = None
        self._para = ""
        self._pos: Position = NOWHERE

    def link(self, inlines: tuple[Inline, ...], pos: Position) -> tuple[Inline, ...]:
        """The paragraph's inlines with its citations as ``Citation`` nodes.

        A source without references keeps only citations with a locator
        (``(Report, p. 6)``, ``(Archive, LR/2/14)``), each reported as
        unresolved: shape alone cannot tell ``(Smith, 1912)`` from an
        imprint such as ``(Lagos, 1912)``.
        """
        self._para, self._pos = "", pos
        return self._link_inlines(inlines)

    def _link_inlines(self, inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for node in merge_texts(inlines):
            if isinstance(node, Text):
                out.extend(self._link_text(node.text))
            elif isinstance(node, (Emphasis, Strong)):
                out.append(type(node)(self._link_inlines(node.children)))
            else:
                out.append(node)
        return tuple(out)

    def _link_text(self, text: str) -> list[Inline]:
        """Split one string at the citations it holds."""
        out: list[Inline] = []
        at = 0
        spans = find_spans(text)
        for span in spans:
            if span.start < at:
                continue
            citation = self._citation(span, self._para + text[: span.start])
            if citation is None:
                continue
            if span.start > at:
                out.append(Text(text[at : span.start]))
            out.append(citation)
            at = span.end
        if at < len(text):
            out.append(Text(text[at:]))
        self._para += text
        for inside in unparsed_citations(text, spans):
            message = f"“({inside})” looks like a citation, but its form was not recognised: it stays text"
            self._diagnostics.add(codes.CITATION_UNPARSED, message, self._pos)
        return out

    def _citation(self, span: Span, before: str) -> Citation | None:
        """A ``Citation`` for a candidate span, or None when it is prose."""
        author, adjacent = self._author_before(before)
        if not author and all(i.year and i.locator and not i.names for i in span.items):
            # ``Dunmore is harsher. She argues … (1979, p.8)``: a year with a
            # page is a citation, of the author named earlier in the paragraph.
            author, adjacent = self._author_before(before, whole_paragraph=True)
        if not all(self._accepts(item, author, adjacent) for item in span.items):
            return None
        items = tuple(self._resolve(item, author) for item in span.items)
        return Citation(items, span.prefix, span.suffix, span.separator)

    def _accepts(self, item: ItemSyntax, author: str, adjacent: bool) -> bool:
        """Whether an item is a citation, judged with the references at hand."""
        explicit = bool(item.locator) and not is_bare_pages(item.locator)
        if not self._index.references:
            return explicit and bool(item.names or item.title)
        if item.names and (item.title or (is_bare_pages(item.locator) and not item.year)):
            return bool(self._index.by_names(item.names))
        if item.ibid or item.names or item.locator:
            return True
        # A bare year: only right after a name, or a year that name published.
        if not author:
            return False
        years = {str(r.issued.year) for r in self._index.by_surname(author)}
        return adjacent or item.year[:4] in years

    def _resolve(self, item: ItemSyntax, author: str) -> CiteItem:
        """The ``CiteItem`` for one item, with diagnostics for what is off."""
        if item.ibid:
            return self._continue(item)
        if item.names:
            choice = self._index.choose(item.names, item.year, item.title or item.locator)
            described = " and ".join(item.names)
        elif item.title:
            choice = choose(self._index.by_title(item.title), item.year, "")
            described = f"the title “{item.title}”"
        elif item.year and author:
            choice = choose(self._index.by_surname(author), item.year, item.locator)
            described = author
        else:
            return self._continue(item)
        self._report(item, choice, described)
        key = choice.ref.id if choice.ref else ""
        self._last = _Last(key, item.year, item.text.strip())
        return CiteItem(item.text, key, item.names, item.year, item.locator)

    def _continue(self, item: ItemSyntax) -> CiteItem:
        """``(p.6)`` or ``(1985, p.83)`` with nobody named: the last source."""
        last = self._last
        if last is None or (item.year and item.year != last.year):
            self._warn_unresolved(item, "no author is named before it")
            return CiteItem(item.text, "", (), item.year, item.locator)
        if not last.key:
            self._warn_unresolved(item, f"it continues “{last.text}”, which is not listed")
        return CiteItem(item.text, last.key, (), item.year, item.locator)

    def _author_before(self, before: str, whole_paragraph: bool = False) -> tuple[str, bool]:
        """The nearest listed author named in the sentence a citation closes
        (or, with ``whole_paragraph``, anywhere before it in the paragraph).

        Returns the word and whether it stands right before the citation.
        """
        text = before.rstrip()
        end = _ENDS_SENTENCE_RE.search(text)
        adjacent_to = len(text)
        if end:
            text = text[: end.start()]
        starts = [m.end() for m in _SENTENCE_END_RE.finditer(text)]
        sentence_start = starts[-1] if starts and not whole_paragraph else 0
        for m in reversed(list(_CAP_WORD_RE.finditer(text, sentence_start))):
            if self._index.by_surname(m.group(0)):
                return m.group(0), m.end() == adjacent_to
        return "", False

    def _report(self, item: ItemSyntax, choice: Choice, described: str) -> None:
        """Diagnostics for one resolved (or not) item."""
        written = item.text.strip()
        ref = choice.ref
        if ref is None:
            year = f" ({item.year})" if item.year else ""
            self._warn_unresolved(item, f"no listed work by {described}{year}")
            return
        if choice.year_mismatch:
            self._diagnostics.add(
                codes.CITATION_YEAR_MISMATCH,
                f"citation “{written}” gives {item.year}, but the work by {described} "
                f"it points to ({ref.id}) is dated {ref.issued.year}{ref.issued.suffix}",
                self._pos,
            )
        if choice.decided_by:
            self._diagnostics.add(
                codes.CITATION_AMBIGUOUS,
                f"citation “{written}” fits {choice.candidates} works by {described}; "
                f"chose {ref.id} by {choice.decided_by}",
                self._pos,
            )

    def _warn_unresolved(self, item: ItemSyntax, why: str) -> None:
        message = f"citation “{item.text.strip()}” is not resolved: {why}"
        self._diagnostics.add(codes.CITATION_UNRESOLVED, message, self._pos)


def find_trailing_citation(text: str) -> tuple[str, str] | None:
    """``(text before, the parenthetical)`` when a paragraph ends in a citation.

    The reader uses it to split a quotation's attribution off. A full stop
    after the parenthesis stays with it; only the whitespace between the
    two parts is dropped. Without references, a bare year is not enough:
    an item must name an author with a year or locator, or give a locator.
    """
    spans = find_spans(text)
    if not spans:
        return None
    last = spans[-1]
    if not re.fullmatch(r"\s*\.?\s*", text[last.end :]):  # only a full stop may follow
        return None
    if not all(i.locator or (i.names and (i.year or i.title)) for i in last.items):
        return None
    return text[: last.start].rstrip(), text[last.start :].rstrip()
