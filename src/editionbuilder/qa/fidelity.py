"""The fidelity gate: the words of every output are the model's words.

``editionbuilder check`` (and ``make check``) reads the text back out of
each written file, the EPUB's XHTML documents in spine order and the PDFs
through Poppler's ``pdftotext``, and compares it word by word with the
edition model:

- **lost**: the model is cut into streams, each in reading order: the main
  text (chapter titles and blocks), each note, each glossary entry, each
  bibliography entry as printed, each reader's response. Every stream is
  matched with the output's words in order; a model word that cannot be
  matched in order is lost or moved. Notes may stand anywhere (the foot of a page,
  the end of a chapter), so each note is its own stream. A stream is
  found in the output as the longest chain of 4-word runs in the same
  order in both (``in_order``), the gaps between them word by word.
- **added**: an output word that no stream matched and that is not the
  edition's apparatus (``apparatus_words``: the labels the writers print,
  the metadata on title and copyright pages, running heads and contents
  entries, which are chapter titles, the colophon, folios and note numbers)
  was put there by nobody: injected or duplicated text.

Words are runs of letters and digits (``accounting.WORD``), compared in
NFKC (ligatures ``ﬁ`` -> ``fi``) and case-folded (print headings may be set
in capitals); a line that ends with the hyphen the layout added is joined
to the next. Punctuation, quotes and spacing are typography's business and
are not compared.

The source-to-model half of the guarantee (no source word lost, outside
the lines the report lists as removed) is checked on every build by the
tests of the readers (``tests/test_reader_sources.py``).
"""

from __future__ import annotations

import bisect
import re
import subprocess
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..diagnostics import InputError
from ..model import Citation, Edition, Heading, Inline, Table, TermRef
from ..model.text import WORD, block_texts, inline_text
from .align import gram_index, in_order, whole_run

HYPHENATE_CHARACTER = "\u2010"  # what WeasyPrint adds at a hyphenated line end
_SKIP = frozenset(
    {
        "{http://www.w3.org/1999/xhtml}head",
        "{http://www.w3.org/1999/xhtml}script",
        "{http://www.w3.org/1999/xhtml}style",
    }
)
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_WBR = "{http://www.w3.org/1999/xhtml}wbr"
# Italics and bold may cover part of a word ("<em>P</em>son", from a
# source's "_P_son"): their end is no word boundary, as in the model.
_IN_WORD = frozenset(f"{{http://www.w3.org/1999/xhtml}}{tag}" for tag in ("em", "i", "strong", "b"))
FORMATS = ("epub", "pdf", "press")  # the files of an edition whose words are the book's (``options.OUTPUT_NAMES``)
SHOWN = 12  # lost or added words quoted in a report


@dataclass(frozen=True, slots=True)
class Fidelity:
    """One output file compared with the model."""

    output: str
    model_words: int
    output_words: int
    lost: tuple[tuple[str, str], ...]  # (stream, context) of each lost word, first SHOWN
    lost_count: int
    added: tuple[str, ...]  # context of each added word, first SHOWN
    added_count: int

    @property
    def passed(self) -> bool:
        return self.lost_count == 0 and self.added_count == 0


def words(text: str) -> list[str]:
    """The words of ``text`` as the gate compares them."""
    return WORD.findall(unicodedata.normalize("NFKC", text).casefold())


# --------------------------------------------------------------------------
# The model's streams
# --------------------------------------------------------------------------


def streams(edition: Edition) -> list[tuple[str, list[str]]]:
    """(name, words) of each run of model text that an output keeps in order."""
    out = [("text", words("\n".join(_chapter_texts(edition))))]
    out += [(f"note {n.marker or n.id}", words("\n".join(_blocks(n.blocks)))) for n in edition.notes]
    out += [(f"glossary {g.term}", words("\n".join([g.term, *_blocks(g.blocks)]))) for g in edition.glossary]
    out += [(f"reference {r.id}", words(_inlines(r.formatted) if r.formatted else r.raw)) for r in edition.references]
    out += [(f"response {c.number}", words("\n".join(_blocks(c.blocks)))) for c in edition.comments]
    return [(name, ws) for name, ws in out if ws]


def _chapter_texts(edition: Edition) -> Iterator[str]:
    for c in edition.chapters:
        yield _inlines(c.title)
        yield from _blocks(c.blocks)


def _blocks(blocks) -> Iterator[str]:
    """Block text in reading order; a note call is apparatus (the outputs
    print its mark as a link, a superscript or a footnote number), so only
    a word boundary."""
    return block_texts(blocks, note_marks=False)


def _inlines(inlines) -> str:
    return inline_text(inlines, note_marks=False)


def apparatus_words(edition: Edition, labels: Sequence[str]) -> set[str]:
    """Words an output may print besides the text: ``labels`` (the writers'
    headings, link texts and colophon), the metadata, chapter titles
    (running heads, contents), note marks and response numbers, numerals."""
    from ..layout.frontmatter import copyright_notice, date_in_words
    from ..model.walk import iter_blocks

    md = edition.metadata
    texts = [
        *labels,
        md.title,
        md.subtitle,
        *md.authors,
        md.publisher,
        md.rights,
        copyright_notice(md),
        md.date,
        date_in_words(md.date, md.language),
        md.identifier,
        md.print_identifier,
        md.description,
        md.language,
    ]
    texts += [f"{c.role} {c.name}" for c in md.credits]
    texts += [f"{s.title} {s.path}" for s in md.sources]
    texts += [_inlines(c.title) for c in edition.chapters]
    texts += [_inlines(b.inlines) for c in edition.chapters for b in iter_blocks(c.blocks) if isinstance(b, Heading)]
    texts += [m for n in edition.notes for m in (n.marker, n.label)] + [g.term for g in edition.glossary]
    # a table's column heads, which a PDF repeats on every page the table runs on
    texts += [
        _inlines(cell)
        for c in edition.chapters
        for b in iter_blocks(c.blocks)
        if isinstance(b, Table)
        for row in b.rows[: b.head]
        for cell in row
    ]
    # back-links repeat each citation's words ("Cited at: Blum, 1986")
    texts += [i.text for c in _citations(edition) for i in c.items]
    return set(words("\n".join(t for t in texts if t)))


def _citations(edition: Edition) -> Iterator[Citation]:
    return (x for x in _inline_nodes(edition) if isinstance(x, Citation))


def _counted(edition: Edition) -> int:
    """How many things the writers may number: notes, responses, and the
    uses of a work or a term that its entry's back-links count."""
    uses = sum(isinstance(x, Citation | TermRef) for x in _inline_nodes(edition))
    return max(len(edition.notes), len(edition.comments), uses)


def _inline_nodes(edition: Edition) -> Iterator[Inline]:
    from ..model.walk import iter_inlines

    for blocks in (
        [c.blocks for c in edition.chapters]
        + [n.blocks for n in edition.notes]
        + [c.blocks for c in edition.comments]
        + [g.blocks for g in edition.glossary]
    ):
        yield from iter_inlines(blocks)


# --------------------------------------------------------------------------
# Reading the outputs
# --------------------------------------------------------------------------


def epub_text(path: Path) -> str:
    """The text of an EPUB's content documents, in spine order."""
    return "\n".join(_xhtml_text(d) for d in _epub_documents(path))


def _epub_documents(path: Path) -> list[etree._Element]:
    try:
        with zipfile.ZipFile(path) as z:
            container = etree.fromstring(z.read("META-INF/container.xml"))
            rootfile = container.find(".//{*}rootfile")
            opf_path = rootfile.get("full-path") if rootfile is not None else None
            if opf_path is None:
                raise InputError(f"{path}: not a readable EPUB (its container.xml names no package document)")
            opf = etree.fromstring(z.read(opf_path))
            base = opf_path.rpartition("/")[0]
            manifest = {i.get("id"): i.get("href") for i in opf.iter("{*}item")}
            docs = [z.read(f"{base}/{manifest[r.get('idref')]}".lstrip("/")) for r in opf.iter("{*}itemref")]
        return [etree.fromstring(d) for d in docs]
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise InputError(f"{path}: not a readable EPUB ({exc})") from None


def epub_pages(documents: Sequence[etree._Element]) -> int:
    """The highest printed page an EPUB marks (its page list's folios,
    arabic or roman), 0 when it marks none."""
    labels = (el.get("aria-label") or "" for doc in documents for el in doc.iter() if _is_pagebreak(el.get(_EPUB_TYPE)))
    return max((numeral_value(label.casefold()) for label in labels), default=0)


def _is_pagebreak(epub_type: str | None) -> bool:
    return "pagebreak" in (epub_type or "").split()


def _xhtml_text(root: etree._Element) -> str:
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        if not isinstance(el.tag, str) or el.tag in _SKIP:
            return
        if "noteref" in (el.get(_EPUB_TYPE) or "").split():
            parts.append(f" {''.join(el.itertext())} ")  # the call, apart from the word before it
            return
        parts.append(el.text or "")
        for child in el:
            if child.tag != _WBR:  # a place to break a long word, inside the word
                walk(child)
            parts.append(child.tail or "")
        if el.tag not in _IN_WORD:
            parts.append(" ")  # an element's end is a word boundary for block elements

    walk(root)
    return "".join(parts)


def pdf_text(path: Path) -> str:
    """The text of a PDF as Poppler's ``pdftotext -layout`` reads it (in
    layout mode it leaves a word's own hyphen at a line end alone), with
    the words the layout hyphenated joined again (``join_hyphenated``)."""
    try:
        done = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
        )
    except FileNotFoundError:
        raise InputError("pdftotext (poppler-utils) is needed to read PDFs: run `make`") from None
    except subprocess.CalledProcessError as exc:
        raise InputError(
            f"{path}: pdftotext could not read it ({exc.stderr.decode(errors='replace').strip()})"
        ) from None
    # WeasyPrint prints a <wbr/> (a long word's place to break) as U+200B.
    return join_hyphenated(done.stdout.decode("utf-8", errors="replace").replace("\u200b", ""))


# A line that ends in the hyphen the layout added, and where the rest of the
# word is: the next line, when it begins in lower case; else the word ran
# over the page (the page's footnotes and folio follow it), and the rest
# begins the next page's text, after its running head.
_BROKEN = re.compile(rf"(\w){HYPHENATE_CHARACTER}[ \t]*$")
_CONTINUES = re.compile(r"^\s*([^\W\d_A-Z]\S*)")


def join_hyphenated(text: str) -> str:
    pages = [p.split("\n") for p in text.split("\f")]
    for n, lines in enumerate(pages):
        for k, line in enumerate(lines):
            if not _BROKEN.search(line):
                continue
            later = [(n, m) for m in range(k + 1, len(lines)) if lines[m].strip()][:1]
            if n + 1 < len(pages):
                later += [(n + 1, m) for m, ln in enumerate(pages[n + 1]) if ln.strip()][:2]
            for p, m in later:
                found = _CONTINUES.match(pages[p][m])
                if found:
                    lines[k] = line.rstrip()[:-1] + found.group(1)
                    pages[p][m] = pages[p][m].replace(found.group(1), "", 1)
                    break
    return "\f".join("\n".join(lines) for lines in pages)


# --------------------------------------------------------------------------
# The comparison
# --------------------------------------------------------------------------


def compare(edition: Edition, output: str, text: str, labels: Sequence[str], pages: int = 0) -> Fidelity:
    """``text`` (an output's) against the model of ``edition``; ``pages``:
    the highest page number the output prints (folios, page references)."""
    apparatus = apparatus_words(edition, labels)
    # Numbers the writers print: folios and page references, note and
    # response numbers, back-link counts; none goes past the largest of these.
    limit = max(pages, _counted(edition))
    runs = streams(edition)
    vocab = {w for _, ws in runs for w in ws}
    got = _unglue(_rejoin(words(text), vocab, apparatus), edition, vocab, apparatus)
    index = gram_index(got)
    at_word: dict[str, list[int]] = {}
    for k, w in enumerate(got):
        at_word.setdefault(w, []).append(k)
    taken = [False] * len(got)
    lost: list[tuple[str, str]] = []
    lost_count = total = 0
    # The main text first: it is the longest, and a note or an entry that
    # quotes it must not take its words.
    for name, stream in runs:
        total += len(stream)
        found = in_order(stream, got, index, taken)
        if all(j is None for j in found):
            found = whole_run(stream, got, at_word, taken)
        for i, j in enumerate(found):
            if j is None:
                lost_count += 1
                if len(lost) < SHOWN:
                    lost.append((name, _context(stream, i)))
            else:
                taken[j] = True
    added = [j for j, w in enumerate(got) if not taken[j] and w not in apparatus and not 0 < numeral_value(w) <= limit]
    shown = tuple(_context(got, j) for j in added[:SHOWN])
    return Fidelity(output, total, len(got), tuple(lost), lost_count, shown, len(added))


def _context(ws: Sequence[str], at: int) -> str:
    """The words around ``ws[at]``, each long one cut short, for a report."""
    return " ".join(w if len(w) <= 40 else f"{w[:40]}…" for w in ws[max(0, at - 4) : at + 5])


def _rejoin(got: list[str], vocab: set[str], apparatus: set[str]) -> list[str]:
    """Join the pieces of a word the layout broke across lines without a
    hyphen (a long word or a URL broken at its places to break): output
    words that are not the model's and, read together, make one of its
    words. A page's folio and running head may stand between two pieces;
    they are kept, after the word."""
    ordered = sorted(vocab)

    def begins_a_word(prefix: str) -> bool:
        k = bisect.bisect_left(ordered, prefix)
        return k < len(ordered) and ordered[k].startswith(prefix)

    def next_piece(joined: str, at: int) -> int:
        """Where the piece after ``joined`` is, past a page's apparatus; -1: none."""
        for end in range(at, min(at + _PAGE_APPARATUS, len(got))):
            if numeral_value(got[end]):
                continue  # a folio or a note's number, never a piece
            if begins_a_word(joined + got[end]):
                return end
            if got[end] not in apparatus:
                return -1
        return -1

    def stray(at: int) -> bool:
        """Whether ``got[at]`` is a piece: no word of the model or the apparatus."""
        return at < len(got) and got[at] not in vocab and got[at] not in apparatus and not numeral_value(got[at])

    out: list[str] = []
    k = 0
    while k < len(got):
        w = got[k]
        # A piece may itself spell a word ("section" of "section3x…"): what
        # follows it, a piece, says so.
        if numeral_value(w) or not begins_a_word(w) or ((w in vocab or w in apparatus) and not stray(k + 1)):
            out.append(w)
            k += 1
            continue
        joined, between, end = w, [], k + 1
        while joined not in vocab and (piece := next_piece(joined, end)) >= 0:
            between += got[end:piece]
            joined, end = joined + got[piece], piece + 1
        if joined in vocab and end > k + 1:
            out += [joined, *between]
            k = end
        else:
            out.append(w)
            k += 1
    return out


# Words a page break puts between two lines of text: a folio, a running
# head (a title may run to a dozen words), a note's number.
_PAGE_APPARATUS = 16


def _unglue(got: list[str], edition: Edition, vocab: set[str], apparatus: set[str]) -> list[str]:
    """Split a note call off the word it is printed against ("mark5",
    "böhme's" + "a"): an output word that is not the model's but is one of
    its words followed by a note's mark becomes the two."""
    marks = sorted({m for n in edition.notes for m in words(f"{n.marker} {n.label}")}, key=len, reverse=True)
    out = []
    for w in got:
        if w not in vocab and w not in apparatus:
            mark = next((m for m in marks if w.endswith(m) and w[: -len(m)] in vocab), None)
            if mark:
                out += [w[: -len(mark)], mark]
                continue
        out.append(w)
    return out


def writer_labels() -> list[str]:
    """Every text the writers print that is not the edition's: headings,
    link texts, the colophon."""
    from ..layout import frontmatter, labels

    return [*labels.LABELS.values(), *labels.PRINT_LABELS.values(), frontmatter.TYPEFACES, frontmatter.TOOLS]


def check_file(edition: Edition, path: Path) -> Fidelity:
    """One written file (``.epub`` or ``.pdf``) against the model."""
    if path.suffix == ".epub":
        documents = _epub_documents(path)
        text, pages = "\n".join(_xhtml_text(d) for d in documents), epub_pages(documents)
    else:
        text = pdf_text(path)
        pages = text.count("\f")  # pdftotext ends every page with a form feed
    return compare(edition, path.name, text, writer_labels(), pages)


_ARABIC = re.compile(r"[1-9][0-9]{0,5}")
# A well-formed roman numeral in lower case (thousands, hundreds, tens,
# units, each in its canonical form): "xiv" is one; "did", "civil" and
# "mild" are not, and "mix" (1009) is, which the page range then refuses.
_ROMAN = re.compile(r"(?=[ivxlcdm])m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"m": 1000, "d": 500, "c": 100, "l": 50, "x": 10, "v": 5, "i": 1}


def numeral_value(word: str) -> int:
    """The value of ``word`` as an arabic numeral (ASCII digits, no leading
    zero) or a well-formed lower-case roman numeral; 0 when it is neither."""
    if _ARABIC.fullmatch(word):
        return int(word)
    if not _ROMAN.fullmatch(word):
        return 0
    values = [_ROMAN_VALUES[ch] for ch in word]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))
