"""The print edition's page numbers in the EPUB (EPUB Accessibility 1.1 §3.2).

The press PDF is typeset first. ``pdf.Rendered.print_layout`` reads
WeasyPrint's layout boxes, page by page, and gives the book's main-flow
words in reading order with, for each page, the index of the first word
that begins on it and the folio the page carries (``PrintLayout``). The
layout boxes are used rather than the PDF's text: they are exact (no
guessing of reading order or of which line is a running head), cost
nothing more than the layout the press file is made from, and say which
text is generated (note calls, leaders, page references) and which is the
book's own.

``mark_pages`` then places one marker per printed page in the EPUB's XHTML
documents, before the word that begins that page:

    <span epub:type="pagebreak" role="doc-pagebreak" id="page-12" aria-label="12"/>

The EPUB and the print book are rendered from the same model by the same
templates, but their extras differ (the print half-title, copyright page
and contents with page numbers; the EPUB's imprint and endnotes). The two
word sequences are therefore aligned rather than assumed
equal (``align``): a page that begins with a word both editions have gets its marker
right before that word; a page that begins with print-only text (the
half-title, the contents) gets its marker where the next shared word is.

A marker is never put inside a word, nor inside a link or a note
reference: when the page begins within a link's text, the marker goes
before the link (before the word the link's text begins in, when that
word starts before the link: "(<a>Medvedev, 1979</a>)"); when it begins
with a heading, before the heading (inside, its label would become part
of the heading's accessible name). After the last word (a page of
print-only text at the end), the marker goes where that word ends, past
any inline markup splitting it (``sev<em>en</em>``). Note text is left
out on both sides (footnotes in print, endnotes in the EPUB), so no
marker lands in a note.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ... import codes
from ...diagnostics import Diagnostics
from ...fsutil import atomic_write_bytes
from ...layout.pages import Alignments, PrintedPage, PrintLayout
from ...qa.align import align

if TYPE_CHECKING:
    from ..context import WriteContext

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
EPUB_TYPE = f"{{{OPS}}}type"
# What is not running text in an EPUB document: the head; note references
# (their print twin is the footnote call, generated text); notes and the
# navigation (no page starts inside them).
_SKIP_TYPES = frozenset({"noteref", "footnote", "endnote", "endnotes", "footnotes", "toc", "landmarks", "page-list"})
_SKIP_TAGS = frozenset({f"{{{XHTML}}}head", f"{{{XHTML}}}nav", f"{{{XHTML}}}script", f"{{{XHTML}}}style"})
_LINK = f"{{{XHTML}}}a"
_HEADINGS = frozenset(f"{{{XHTML}}}h{n}" for n in range(1, 7))
# Phrasing elements that may sit inside a word; any other element (a
# paragraph, a heading, <br/>) ends the word before it.
_INLINE = frozenset(
    f"{{{XHTML}}}{t}"
    for t in (
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "dfn",
        "em",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
    )
)
_WORD = re.compile(r"\S+")  # a run of non-space characters: a word with its punctuation


@dataclass(frozen=True, slots=True)
class PageTarget:
    """A page-list entry: the folio and the marker's href."""

    folio: str
    href: str


# --------------------------------------------------------------------------
# Markers in the EPUB
# --------------------------------------------------------------------------


@dataclass(slots=True)
class _Word:
    """A word of an EPUB document: where its text starts (the element whose
    ``text`` or ``tail`` holds it, and the offset), the document index, and
    where it ends (``end_owner``, ``end_in_tail``, ``end``: the same text
    node unless inline markup splits the word, as in ``wo<em>rd</em>``)."""

    doc: int
    owner: etree._Element
    in_tail: bool
    offset: int
    text: str
    end_owner: etree._Element
    end_in_tail: bool
    end: int


def _skipped(el: etree._Element) -> bool:
    if el.tag in _SKIP_TAGS:
        return True
    types = set((el.get(EPUB_TYPE) or "").split())
    return bool(types & _SKIP_TYPES)


def document_words(root: etree._Element, doc: int) -> list[_Word]:
    """The running text's words of one XHTML document, in reading order.
    A word split by inline markup with no space (``<em>Wor</em>d``) is one
    word, as a reader sees it; a block boundary always ends a word."""
    words: list[_Word] = []
    glue = False  # the last text seen ended inside a word, with no boundary since

    def take(owner: etree._Element, in_tail: bool, text: str | None) -> None:
        nonlocal glue
        if not text:
            return
        found = _WORD.finditer(text)
        if glue and words and not text[0].isspace():  # the text goes on the last word
            m = next(found)
            last = words[-1]
            last.text += m.group()
            last.end_owner, last.end_in_tail, last.end = owner, in_tail, m.end()
        words.extend([_Word(doc, owner, in_tail, m.start(), m.group(), owner, in_tail, m.end()) for m in found])
        glue = not text[-1].isspace()

    def boundary(el: etree._Element) -> None:
        nonlocal glue
        if el.tag not in _INLINE:
            glue = False

    def walk(el: etree._Element) -> None:
        if not isinstance(el.tag, str) or _skipped(el):
            return
        boundary(el)
        take(el, False, el.text)
        for child in el:
            walk(child)
            boundary(child)
            take(child, True, child.tail)

    walk(root)
    return words


def normal(word: str) -> str:
    """A word as compared between the editions: case and the punctuation
    around it aside (print headings may be set in capitals)."""
    return word.strip(".,;:!?\"'()[]{}\u2018\u2019\u201c\u201d\u2014\u2013").casefold() or word


def mark_pages(
    documents: Sequence[bytes],
    layout: PrintLayout,
    names: Sequence[str],
    alignments: Alignments | None = None,
    kept: MarkedDocuments | None = None,
) -> tuple[list[bytes], list[PageTarget]]:
    """``documents`` (XHTML bytes, spine order; ``names`` their file names,
    each a part's key and a suffix: ``ch001.xhtml``, or ``ch001.html`` on the web)
    with a page-break marker for every printed page that carries text, and
    the page-list entries in page order. Documents without a marker are
    returned unchanged (the same bytes). ``alignments``: the alignments of
    parts' words made by earlier calls, and kept for the next: a part
    whose printed and XHTML words are those of one kept is not aligned
    again (``Products.alignments``). ``kept``: documents marked by the
    last build, each taken again when its bytes and its pages are the same
    (``MarkedDocuments``: a rebuild after one changed sentence that moves
    no page break into another part marks one document).

    Each document is marked on its own (``_mark_each``) when every print
    part has an EPUB counterpart; else the whole book's words are aligned
    at once (``_mark_whole``). Both put every marker at the same word."""
    alignments = {} if alignments is None else alignments
    marked = _mark_each(documents, layout, names, alignments, kept)
    return marked if marked is not None else _mark_whole(documents, layout, names, alignments)


def _mark_whole(
    documents: Sequence[bytes], layout: PrintLayout, names: Sequence[str], alignments: Alignments
) -> tuple[list[bytes], list[PageTarget]]:
    """``mark_pages`` with the words of every document at once."""
    trees = [etree.fromstring(d) for d in documents]
    words: list[_Word] = []
    spans: list[tuple[int, int]] = []  # each document's words: words[start:end]
    for n, tree in enumerate(trees):
        start = len(words)
        words += document_words(tree, n)
        spans.append((start, len(words)))
    if not words:
        return list(documents), []
    positions = _positions(layout, [w.text for w in words], spans, names, alignments)
    used: set[str] = set()
    marks = [
        (page, _page_id(page, used), positions[page.first_word] if page.first_word < len(positions) else len(words))
        for page in layout.pages
        if page.text
    ]
    docs = _in_place(words, [(at, n, ident, page.folio) for n, (page, ident, at) in enumerate(marks)])
    targets = [PageTarget(page.folio, f"{names[docs[ident]]}#{ident}") for page, ident, _ in marks]
    changed = set(docs.values())
    out = [_serialised(t) if n in changed else documents[n] for n, t in enumerate(trees)]
    return out, targets


def _in_place(words: list[_Word], markers: Sequence[tuple[int, int, str, str]]) -> dict[str, int]:
    """Put each marker (the word it goes before, its page's index among
    the book's pages, its id and folio) in place (``_insert``); the
    document of each, by id. Markers are put from the last word back, so
    that the text offsets still to use stay valid (a split text node keeps
    its start), and markers at one word from the last page back, so that
    they keep their pages' order there."""
    return {
        ident: _insert(_marker(ident, folio), words, at) for at, _page, ident, folio in sorted(markers, reverse=True)
    }


def _marker(ident: str, folio: str) -> etree._Element:
    marker = etree.Element(f"{{{XHTML}}}span")
    marker.set(EPUB_TYPE, "pagebreak")
    marker.set("role", "doc-pagebreak")
    marker.set("id", ident)
    marker.set("aria-label", folio)
    return marker


def _serialised(tree: etree._Element) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


# --------------------------------------------------------------------------
# One document at a time
# --------------------------------------------------------------------------

# A page's marker: the page's index among the book's pages, its id and its folio.
_Mark = tuple[int, str, str]


@dataclass(frozen=True, slots=True)
class _Job:
    """What marking one document takes besides its bytes: the markers
    that come to its first word from the documents before it (a page
    whose first word stands past the last word of its own part's
    document), and the print parts aligned with it, each as its printed
    words and the markers of the pages beginning in it, by the index of
    the page's first word among the part's words. ``last``: the book's
    last document with words, where a marker past its last word goes after
    that word, with the markers of ``trailing`` (those no later document
    could take)."""

    incoming: tuple[_Mark, ...]
    parts: tuple[tuple[tuple[str, ...], tuple[tuple[int, _Mark], ...]], ...]
    last: bool = False
    trailing: tuple[_Mark, ...] = ()


@dataclass(frozen=True, slots=True)
class _Marked:
    """One document marked: its bytes (None: unchanged), its word count,
    the ids of the markers placed in it, and the markers that go on to the
    next document with words (for a document with no words, those that
    came to it and those of the pages that begin in its parts)."""

    body: bytes | None
    words: int
    placed: tuple[str, ...]
    onward: tuple[_Mark, ...]


def _mark_each(
    documents: Sequence[bytes],
    layout: PrintLayout,
    names: Sequence[str],
    alignments: Alignments,
    kept: MarkedDocuments | None,
) -> tuple[list[bytes], list[PageTarget]] | None:
    """``mark_pages`` one document at a time, each taken from ``kept``
    when its bytes and its ``_Job`` are those of a document marked before;
    None where ``_mark_whole`` must align the whole book: a print part with
    no EPUB counterpart.

    As in ``_mark_whole`` (``_positions``), a part's words are aligned with
    its counterpart's alone, and a page whose first word stands past the
    counterpart's last, or that begins in a part whose counterpart has no
    running text, goes before the next document's first word: the word
    that follows in the whole book's words (a marker past the book's last
    word goes after it, in the last document with words, marked again for
    it). A kept document's markers that do not account for every page
    (a damaged entry the digest let through) are thrown away with it: the
    book is marked again with nothing kept."""
    if not layout.words or len(layout.parts) != len(layout.words):
        return None
    runs = _part_runs(layout, names)
    if any(doc < 0 for _s, _e, doc in runs):
        return None
    starts = [r[0] for r in runs]
    used: set[str] = set()
    marks: list[tuple[PrintedPage, str]] = []
    begun: dict[int, list[tuple[int, _Mark]]] = {}  # by run: (first word in the run, marker)
    past: list[_Mark] = []  # pages that begin past the printed words: after the book's last word
    for page in layout.pages:
        if not page.text:
            continue
        ident = _page_id(page, used)
        mark = (len(marks), ident, page.folio)
        marks.append((page, ident))
        if page.first_word >= len(layout.words):
            past.append(mark)
            continue
        r = bisect.bisect_right(starts, page.first_word) - 1
        begun.setdefault(r, []).append((page.first_word - runs[r][0], mark))
    parts: dict[int, list] = {}
    for r, (first, end, doc) in enumerate(runs):
        parts.setdefault(doc, []).append((layout.words[first:end], tuple(begun.get(r, ()))))
    norm: dict[str, str] = {}

    def marked(n: int, job: _Job) -> _Marked:
        key = kept.key(documents[n], job) if kept is not None else ""
        done = kept.get(key) if kept is not None else None
        if done is None:
            done = _mark_one(documents[n], n, job, alignments, norm)
            if kept is not None:
                kept.put(key, done)
        return done

    done: list[_Marked] = []
    jobs: list[_Job] = []
    incoming: tuple[_Mark, ...] = ()
    for n in range(len(documents)):
        jobs.append(_Job(incoming, tuple(parts.get(n, ()))))
        done.append(marked(n, jobs[-1]))
        incoming = done[-1].onward
    with_words = [n for n, d in enumerate(done) if d.words]
    if not with_words:
        return list(documents), []
    if incoming or past:
        # Markers past the book's last word: after it. The last document
        # with words is marked again, taking its own markers past its end.
        n = with_words[-1]
        later = tuple(m for m in incoming if m not in done[n].onward)
        jobs[n] = replace(jobs[n], last=True, trailing=tuple(sorted([*later, *past])))
        done[n] = marked(n, jobs[n])
    out = [data if d.body is None else d.body for data, d in zip(documents, done, strict=True)]
    placed = {ident: n for n, d in enumerate(done) for ident in d.placed}
    if kept is not None and (len(placed) != len(marks) or any(ident not in placed for _page, ident in marks)):
        kept.discard("its markers do not account for the book's pages")
        return _mark_each(documents, layout, names, alignments, None)
    return out, [PageTarget(page.folio, f"{names[placed[ident]]}#{ident}") for page, ident in marks]


def _mark_one(data: bytes, n: int, job: _Job, alignments: Alignments, norm: dict[str, str]) -> _Marked:
    """Document ``n`` marked for ``job`` (``_mark_each``)."""
    tree = etree.fromstring(data)
    words = document_words(tree, n)
    if not words:  # its pages' markers go on, with those that came to it
        return _Marked(None, 0, (), tuple(sorted([*job.incoming, *(m for _p, pages in job.parts for _i, m in pages)])))
    normal_of = norm.get

    def normalised(texts) -> tuple[str, ...]:
        out = []
        for text in texts:
            found = normal_of(text)
            if found is None:
                found = norm[text] = normal(text)
            out.append(found)
        return tuple(out)

    epub = normalised(w.text for w in words)
    here: list[tuple[_Mark, int]] = [(mark, 0) for mark in job.incoming]
    here += [(mark, len(words)) for mark in job.trailing]
    onward: list[_Mark] = []
    for printed, pages in job.parts:
        if not pages:
            continue
        pair = (normalised(printed), epub)
        found = alignments.get(pair)
        if found is None:
            found = alignments[pair] = tuple(align(*pair))
        for index, mark in pages:
            at = found[index]
            # ``align`` gives the slice's length for a word past its last
            if at < len(words) or job.last:
                here.append((mark, at))
            else:
                onward.append(mark)
    _in_place(words, [(at, page, ident, folio) for (page, ident, folio), at in here])
    body = _serialised(tree) if here else None
    return _Marked(body, len(words), tuple(ident for (_p, ident, _f), _at in sorted(here)), tuple(sorted(onward)))


# --------------------------------------------------------------------------
# Marked documents kept between builds
# --------------------------------------------------------------------------

MARKED_VERSION = "2"
# The modules whose code decides where a marker goes: a change to one marks every document again.
_MARKING_CODE = (__file__, align.__code__.co_filename)
_CODE: list[str] = []


def _code_digest() -> str:
    """A digest of what decides a marked document's bytes besides its
    inputs: this module's and ``align``'s code, lxml's and libxml2's
    versions (parsing, serialising) and Python's (its Unicode tables: what
    ``\\S``, ``isspace`` and ``casefold`` take a word to be). Raises
    ``OSError`` when the code cannot be read (``kept_marks``: then nothing
    is kept)."""
    if not _CODE:
        versions = (MARKED_VERSION, etree.LXML_VERSION, etree.LIBXML_VERSION, sys.version)
        h = hashlib.sha256(repr(versions).encode())
        for path in _MARKING_CODE:
            h.update(Path(path).read_bytes())
        _CODE.append(h.hexdigest())
    return _CODE[0]


def _framed(h: hashlib._Hash, *fields: bytes) -> None:
    """Each of ``fields`` into ``h``, its length first: no two sequences of
    fields give the same bytes."""
    for data in fields:
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)


def _entry_digest(marked: _Marked) -> str:
    """The digest of everything a kept entry gives back: the document's
    bytes, its word count and its markers."""
    h = hashlib.sha256()
    _framed(h, marked.body or b"", repr((marked.words, marked.placed, marked.onward)).encode())
    return h.hexdigest()


@dataclass
class MarkedDocuments:
    """The documents one edition's EPUB or web edition marked at its last
    build (``_Marked``, by the digest of the document's bytes and its
    ``_Job``), kept in one file, ``folder/NAME.marked``: a line of JSON
    (each entry's place in the file, its word count and markers, and the
    SHA-256 of all it gives back, ``_entry_digest``), then the marked
    documents' bytes. A build reads it once, and writes it again with the
    entries it used when they are not the ones it read (``save``): a
    document no longer made is dropped. A damaged file (cut short, edited)
    is reported and its documents marked again: an entry is only taken
    when its digest is the one written."""

    folder: Path
    name: str  # "EDITION.epub" or "EDITION.web"
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    _kept: dict[str, tuple[dict, bytes]] | None = None  # read on first use
    _used: dict[str, _Marked] = field(default_factory=dict)
    _made: bool = False  # an entry marked in this build, not read

    @property
    def path(self) -> Path:
        return self.folder / f"{self.name}.marked"

    def key(self, data: bytes, job: _Job) -> str:
        """The digest of a document's bytes and its ``_Job``, each field
        framed by its length (a part's printed words joined by a control
        character, not each one's ``repr``: a long book's part has
        thousands, and none holds the character: the engine splits its
        lines into words at every whitespace, ``str.split``)."""
        h = hashlib.sha256()
        _framed(h, _code_digest().encode(), data, repr((job.incoming, job.last, job.trailing)).encode())
        for printed, pages in job.parts:
            _framed(h, "\x1f".join(printed).encode(), repr(pages).encode())
        return h.hexdigest()

    def get(self, key: str) -> _Marked | None:
        if key in self._used:
            return self._used[key]
        entry = self._entries().get(key)
        if entry is None:
            return None
        meta, body = entry
        try:
            marks = tuple((int(p), str(i), str(f)) for p, i, f in meta["onward"])
            found = _Marked(body if body else None, int(meta["words"]), tuple(map(str, meta["placed"])), marks)
            if _entry_digest(found) != meta["sha256"]:
                raise ValueError("it is not what was kept")
        except (ValueError, TypeError, KeyError) as exc:
            self.discard(f"an entry ({exc})")
            return None
        self._used[key] = found
        return found

    def put(self, key: str, marked: _Marked) -> None:
        self._used[key] = marked
        self._made = True

    def save(self) -> None:
        """Keep the documents this build used, and no other (nothing is
        written when they are the ones read)."""
        if not self._made and self._kept is not None and set(self._kept) == set(self._used):
            return
        index: dict[str, dict] = {}
        bodies: list[bytes] = []
        offset = 0
        for key, m in self._used.items():
            body = m.body or b""
            index[key] = {
                "at": offset,
                "size": len(body),
                "sha256": _entry_digest(m),
                "words": m.words,
                "placed": list(m.placed),
                "onward": [list(mark) for mark in m.onward],
            }
            bodies.append(body)
            offset += len(body)
        head = json.dumps({"version": _code_digest(), "entries": index}, sort_keys=True).encode("utf-8")
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, head + b"\n" + b"".join(bodies))

    def discard(self, what: str) -> None:
        """Report the kept file damaged (``what`` of it) and take nothing
        more from it; the next ``save`` writes it anew."""
        self.diagnostics.add(
            codes.CACHE_ENTRY_DISCARDED,
            f"the page markers kept in {self.path.name} were damaged ({what}): the pages are marked again",
        )
        self._kept, self._used, self._made = {}, {}, True

    def _entries(self) -> dict[str, tuple[dict, bytes]]:
        if self._kept is None:
            self._kept = {}
            if self.path.is_file():
                try:
                    data = self.path.read_bytes()
                    head, _, rest = data.partition(b"\n")
                    found = json.loads(head)
                    if found.get("version") == _code_digest():  # marked by other code: marked again
                        for key, meta in found["entries"].items():
                            at, size = int(meta["at"]), int(meta["size"])
                            if at < 0 or size < 0 or at + size > len(rest):
                                raise ValueError("it is cut short")
                            self._kept[key] = (meta, rest[at : at + size])
                except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
                    self.discard(f"the file ({type(exc).__name__}: {exc})")
        return self._kept


def kept_marks(ctx: WriteContext, kind: str) -> MarkedDocuments | None:
    """The marked documents of ``kind`` ("epub", "web") of the edition
    ``ctx`` builds, kept in the build's cache folder; None without one."""
    if not ctx.build.cache_dir:
        return None
    try:
        _code_digest()
    except OSError:  # its code not readable as files (an installation without sources): nothing kept
        return None
    return MarkedDocuments(Path(ctx.build.cache_dir) / "pages", f"{ctx.options.name}.{kind}", ctx.diagnostics)


# Print parts whose EPUB counterpart has another key: the half-title and
# the title page both stand for the EPUB's title page, the copyright page
# for its imprint. (The print contents page has no running text.)
EPUB_COUNTERPART = {"halftitle": "titlepage", "copyright": "imprint"}


def _positions(
    layout: PrintLayout,
    words: Sequence[str],
    spans: Sequence[tuple[int, int]],
    names: Sequence[str],
    alignments: Alignments,
) -> list[int]:
    """For each printed word, the index in ``words`` (the EPUB's, each
    document's ``spans[doc]``) it stands at.

    Each part of the print book is aligned with the EPUB document of the
    same part (``EPUB_COUNTERPART`` for the front matter), so that text both
    parts have (a title on the half-title, the title page and the imprint)
    is found in the right one, and kept in ``alignments``. A part whose
    counterpart has no running text (print notes set as a section, whose
    EPUB twin is all endnotes) stands where that document is: at the next
    document's first word. A part with no counterpart is aligned with the
    whole book."""
    # a book's words are few, each seen many times: each normalised once
    norm = {w: normal(w) for w in {*layout.words, *words}}.__getitem__
    printed, epub = list(map(norm, layout.words)), list(map(norm, words))
    if len(layout.parts) != len(printed):
        return align(printed, epub)
    out: list[int] = []
    whole: list[int] | None = None  # aligned with the whole book, once a part needs it
    for start, end, doc in _part_runs(layout, names):
        first, last = spans[doc] if doc >= 0 else (0, 0)
        if doc >= 0 and last == first:
            out += [first] * (end - start)  # the next document's first word (or past the book's last)
        elif last > first:
            pair = (tuple(printed[start:end]), tuple(epub[first:last]))
            found = alignments.get(pair)
            if found is None:
                found = alignments[pair] = tuple(align(*pair))
            # ``align`` gives the slice's length for a word past its last: the index after it
            out += [first + k for k in found]
        else:
            whole = align(printed, epub) if whole is None else whole
            out += whole[start:end]
    return out


def _part_runs(layout: PrintLayout, names: Sequence[str]) -> list[tuple[int, int, int]]:
    """Each print part's words in ``layout`` (``parts``, one per word) as
    (start, end, document): the index among ``names`` of the document of
    the same part (``EPUB_COUNTERPART`` for the front matter), -1 for a
    part with none."""
    doc_of = {name.rsplit(".", 1)[0]: n for n, name in enumerate(names)}
    runs = []
    start = 0
    while start < len(layout.parts):
        end = start
        while end < len(layout.parts) and layout.parts[end] == layout.parts[start]:
            end += 1
        part = layout.parts[start]
        runs.append((start, end, doc_of.get(part, doc_of.get(EPUB_COUNTERPART.get(part, ""), -1))))
        start = end
    return runs


def _page_id(page: PrintedPage, used: set[str]) -> str:
    ident = f"page-{page.folio}" if page.folio else f"page-at-{page.number}"
    if ident in used:
        ident = f"page-at-{page.number}"
    used.add(ident)
    return ident


def _insert(marker: etree._Element, words: list[_Word], at: int) -> int:
    """Put ``marker`` before word ``at`` (after the last word when ``at`` is
    past the end); never inside a link. Returns the document index."""
    if at >= len(words):
        # After the last word: where its text ends, which is in another
        # text node than its start when inline markup splits it.
        last = words[-1]
        _place(marker, last.end_owner, last.end_in_tail, last.end)
        return last.doc
    w = words[at]
    heading = _heading(w)
    if heading is not None and (at == 0 or _heading(words[at - 1]) is not heading):
        # A page that begins with a heading: the marker goes before it, so
        # that the heading's accessible name stays its own text.
        _put_before(heading, marker)
        return w.doc
    link = _outer_link(_container(w))
    if link is not None:
        _before_link(marker, link, words, at)
        return w.doc
    _place(marker, w.owner, w.in_tail, w.offset)
    return w.doc


def _put_before(el: etree._Element, marker: etree._Element) -> None:
    """``marker`` right before ``el``, and before the markers already put
    there (markers are inserted from the last page back)."""
    while (prev := el.getprevious()) is not None and prev.get(EPUB_TYPE) == "pagebreak" and not prev.tail:
        el = prev
    el.addprevious(marker)


def _before_link(marker: etree._Element, link: etree._Element, words: list[_Word], at: int) -> None:
    """``marker`` before ``link``, which holds the start of word ``at``; the
    text before the link stays before the marker, unless the link's text
    goes on a word begun before it ("(<a>Medvedev, 1979</a>)"): then the
    marker goes before that word."""
    first = at
    while first > 0 and _outer_link(_container(words[first - 1])) is link:
        first -= 1
    if first > 0 and _outer_link(_container(words[first - 1], end=True)) is link:
        begun = words[first - 1]
        _place(marker, begun.owner, begun.in_tail, begun.offset)
    else:
        _put_before(link, marker)


def _container(w: _Word, end: bool = False) -> etree._Element | None:
    """The element whose text holds the start of ``w`` (its end: ``end``);
    None only for a tail of the root, which no document word is in."""
    owner, in_tail = (w.end_owner, w.end_in_tail) if end else (w.owner, w.in_tail)
    return owner.getparent() if in_tail else owner


def _heading(w: _Word) -> etree._Element | None:
    """The heading (h1-h6) holding word ``w``, if any."""
    el = _container(w)
    while el is not None:
        if el.tag in _HEADINGS:
            return el
        el = el.getparent()
    return None


def _outer_link(el: etree._Element | None) -> etree._Element | None:
    """The outermost ``<a>`` around ``el`` (inclusive), if any."""
    found = None
    while el is not None:
        if el.tag == _LINK:
            found = el
        el = el.getparent()
    return found


def _place(marker: etree._Element, owner: etree._Element, in_tail: bool, offset: int) -> None:
    """Split the text node at ``offset`` and put ``marker`` there."""
    if in_tail:
        text = owner.tail or ""
        owner.tail = text[:offset]
        marker.tail = text[offset:]
        owner.addnext(marker)
    else:
        text = owner.text or ""
        owner.text = text[:offset]
        marker.tail = text[offset:]
        owner.insert(0, marker)
