"""The catalogue of diagnostic codes: every code a build can report, with
its severity and a one-line meaning for an editor.

A code's name is what an edition config silences (``silence = [...]``), so
names never change. Emitters name the entries here (``codes.LINK_LOST``),
never a string, and take the entry's severity; ``config_values`` refuses
a name in ``silence`` that is not here. The README's table of codes is
made by ``markdown_table`` (run ``python -m editionbuilder.codes``) and a
test keeps the two equal.
"""

from __future__ import annotations

from .diagnostics import Code, Severity

_CATALOGUE: list[Code] = []


def _define(name: str, severity: Severity, meaning: str) -> Code:
    code = Code(name, severity, meaning)
    _CATALOGUE.append(code)
    return code


_WARNING, _INFO = Severity.WARNING, Severity.INFO

# -- reading any source -----------------------------------------------------------
TEXT_NORMALISED = _define(
    "text-normalised",
    _WARNING,
    "a source held separators or control characters text should not (U+2029, a form feed, a bell): each became a space or was removed",
)

LINK_DROPPED = _define(
    "link-dropped",
    _WARNING,
    "a link with a scheme other than http, https or mailto (javascript:, file:, data:) is printed as its text only",
)

NESTING_FLATTENED = _define(
    "nesting-flattened",
    _WARNING,
    "a manuscript nested quotations, lists or emphasis deeper than 12 levels: the deeper ones were replaced by their contents",
)

# -- the plain-text reader -----------------------------------------------------
MOJIBAKE_REPAIRED = _define(
    "mojibake-repaired",
    _WARNING,
    "mis-decoded characters of the source (such as Ã© for é) were repaired: check the repair",
)
LINK_LOST = _define(
    "link-lost",
    _WARNING,
    'a line pointed to a link lost when the page was copied: it is left out (reader.lost_links = "keep" keeps it)',
)
QUOTE_UNCLOSED = _define(
    "quote-unclosed", _WARNING, "a quotation opens and is never closed, or not before its citation: check where it ends"
)
NOTE_UNREFERENCED = _define("note-unreferenced", _WARNING, "a note has no call in the text: it is kept")
NOTE_CALL_UNMATCHED = _define("note-call-unmatched", _WARNING, "a footnote call has no note: it is kept as text")
NOTE_CALLED_TWICE = _define("note-called-twice", _INFO, "one note is called more than once in the text")
NOTES_RENUMBERED = _define(
    "notes-renumbered",
    _INFO,
    "the notes of a chapter are numbered 1, 2, 3… in the edition where the source marked them otherwise "
    "(numbers restarting on each printed page, asterisks and daggers)",
)
EMPHASIS_IN_WORD = _define(
    "emphasis-in-word",
    _INFO,
    "underscores inside a word (_P_son, 1_s._) were read as italics on part of the word, "
    "as Gutenberg marks an italic letter or unit: check the word",
)
NOTE_CONTINUED = _define(
    "note-continued",
    _INFO,
    "a paragraph with no mark in a block of notes was read as the next paragraph of the note before it",
)
GLOSSARY_INFERRED = _define(
    "glossary-inferred",
    _INFO,
    "paragraphs in the form 'term — definition' with no Glossary heading above them were read as glossary entries",
)
GLOSSARY_CONTINUED = _define(
    "glossary-continued",
    _INFO,
    "a paragraph after a Definition: entry's text was read as more of that definition",
)
GLOSSARY_LIKE_TEXT = _define(
    "glossary-like-text",
    _WARNING,
    "a paragraph shaped like a glossary entry ('term — definition') stands alone: it is kept as text",
)
GLOSSARY_HEADING_EMPTY = _define(
    "glossary-heading-empty",
    _WARNING,
    "a Glossary heading is followed by no entry in a form the reader knows: it is kept as text",
)
COMMENTS_MISSING = _define(
    "comments-missing", _WARNING, "the page announces more readers' comments than the copy holds: some were lost"
)
COMMENTS_COUNT = _define("comments-count", _WARNING, "the page announces fewer readers' comments than the copy holds")
# -- the plain-text reader: a digitised book's own apparatus (sourcematter.py)
LICENCE_MOVED = _define(
    "licence-moved",
    _INFO,
    "a Project Gutenberg header or licence left the text: kept whole in the rights metadata and the report, summed up in an “About this text” note",
)
ADVERTISEMENT_REMOVED = _define(
    "advertisement-removed",
    _INFO,
    "a publisher's advertisements at the end or start of a book (a list of books with formats or prices) were removed",
)
ADVERTISEMENT_SUSPECT = _define(
    "advertisement-suspect",
    _WARNING,
    "lines beside a publisher's advertisements, not themselves a list of books for sale (a journal's blurb, an address), were removed with them: check them",
)
# -- the plain-text reader: a web page's structure (page.py, head.py, comments.py)
BOILERPLATE_SUSPECT = _define(
    "boilerplate-suspect",
    _WARNING,
    "a line kept as text looks like the page's chrome (a date, a count, a menu word between paragraphs): check it",
)
BOILERPLATE_CONTEXT = _define(
    "boilerplate-context",
    _INFO,
    "short lines among the page's chrome (tags, another post's title, a widget's heading) were left out as chrome",
)
CHROME_TEXT_REMOVED = _define(
    "chrome-text-removed",
    _WARNING,
    "a sentence among the page's chrome (a subscribe box's blurb; in the comment section, under no commenter's name) was left out: check it",
)
APPARATUS_AS_TEXT = _define(
    "apparatus-as-text",
    _WARNING,
    "a paragraph that looks like part of the apparatus (a note opening with its mark, a bibliography or glossary entry by its shape) is kept as text: no rule read it",
)
BYLINE_INFERRED = _define(
    "byline-inferred",
    _INFO,
    "a line holding a name alone, under the title and over a date, a reading time or a Follow button, is taken for the byline",
)
COMMENT_AUTHOR_INFERRED = _define(
    "comment-author-inferred",
    _INFO,
    'readers\' comments whose heads name no one in a platform\'s form ("says:", "said...", "•"): each author is a name over a date',
)
BYLINE_SUSPECT = _define(
    "byline-suspect", _WARNING, "a line left in the text reads like a byline naming someone other than the author"
)
TITLE_CHOSEN = _define(
    "title-chosen",
    _INFO,
    "the title was chosen by where it stands (before the byline or the text), the lines above it taken for the site's header",
)

# -- typography and citations --------------------------------------------------
QUOTE_REPAIRED = _define("quote-repaired", _WARNING, "a quotation closed with the wrong mark: the closing quote is set")
HEADING_CASE_SET = _define(
    "heading-case-set",
    _INFO,
    "a title or heading written in capitals is set in title case (the edition's case), in every output; "
    'with heading_case = "small-caps", displayed in small capitals',
)
CITATION_UNRESOLVED = _define(
    "citation-unresolved", _WARNING, "a citation names no entry of the bibliography, so it links to none"
)
CITATION_YEAR_MISMATCH = _define(
    "citation-year-mismatch", _WARNING, "a citation gives another year than the work of the bibliography it points to"
)
CITATION_AMBIGUOUS = _define(
    "citation-ambiguous", _INFO, "a citation fits several works by its author: the message names the one chosen and why"
)
CITATION_SEPARATOR = _define(
    "citation-separator", _WARNING, "the items of one citation are separated by different marks: the first mark is kept"
)

# -- citations and references of the plain-text reader ---------------------------
CITATION_UNPARSED = _define(
    "citation-unparsed",
    _WARNING,
    "a parenthesis looks like a citation (a name with a year or page) but its form was not recognised: it stays text",
)
REFERENCE_TYPE_GUESSED = _define(
    "reference-type-guessed",
    _WARNING,
    "no word of a bibliography entry said what kind of work it is: the type printed is a guess",
)

# -- bibliographies (the pandoc reader) and their formatting (CSL) -------------
BIBLIOGRAPHY_BESIDE = _define(
    "bibliography-beside", _INFO, "the manuscript names no bibliography: the file of its name beside it is used"
)
BIBLIOGRAPHY_MISSING = _define(
    "bibliography-missing", _WARNING, "a bibliography file cannot be read: the citations of its works stay unresolved"
)
BIBLIOGRAPHY_UNREADABLE = _define(
    "bibliography-unreadable", _WARNING, "a bibliography file, or the manuscript's references, could not be parsed"
)
BIBLIOGRAPHY_FORMAT = _define(
    "bibliography-format",
    _WARNING,
    "a bibliography file is not a format pandoc reads (.bib, .json, .yaml): it is not used",
)
REFERENCE_DUPLICATE = _define(
    "reference-duplicate", _WARNING, "a citation key is defined twice: the first entry is kept"
)
REFERENCE_FIELDS_DROPPED = _define(
    "reference-fields-dropped",
    _INFO,
    "fields of a bibliography entry that the edition has no place for are not printed",
)
REFERENCE_NOT_FORMATTED = _define(
    "reference-not-formatted",
    _WARNING,
    "the bibliography style printed nothing for a work: its entry prints as written",
)
REFERENCE_WORDS_UNUSED = _define(
    "reference-words-unused", _WARNING, "words of a bibliography line no field took, so the style does not print them"
)
REFERENCE_YEAR_RELABELLED = _define(
    "reference-year-relabelled",
    _INFO,
    "the style would label a year otherwise than the source (1981b for its 1981a): the source's label is kept "
    "where it can be, since the text cites it",
)
PANDOC_WARNING = _define(
    "pandoc-warning", _WARNING, "pandoc warned while reading a manuscript, formatting the bibliography or exporting"
)

# -- the pandoc reader -----------------------------------------------------------
TITLE_FROM_HEADING = _define(
    "title-from-heading", _INFO, "the manuscript names no title: its first heading is taken as the title"
)
NOTE_KIND_UNKNOWN = _define(
    "note-kind-unknown", _WARNING, "a DOCX's footnotes and endnotes could not be told apart: all are taken as footnotes"
)
CHAPTER_MATTER_UNKNOWN = _define(
    "chapter-matter-unknown",
    _WARNING,
    "a heading's matter attribute is not one the edition knows: the chapter is body matter",
)
SECTION_TEXT_KEPT = _define(
    "section-text-kept", _WARNING, "text under the glossary or comments heading that is neither is kept as a chapter"
)
ATTRIBUTION_BLOCK = _define(
    "attribution-block", _WARNING, "a quotation's attribution holds a block other than a paragraph: its text is kept"
)
STYLE_DROPPED = _define(
    "style-dropped",
    _WARNING,
    "underlining, strikeout, superscript, subscript or small capitals are not kept (the text is)",
)
MATH_AS_TEXT = _define("math-as-text", _WARNING, "math is kept as its TeX source, set as code")
RAW_DROPPED = _define(
    "raw-dropped", _WARNING, "raw markup or a comment of the manuscript is left out (the report lists it as removed)"
)
ELEMENT_DROPPED = _define("element-dropped", _WARNING, "a pandoc element the edition has no place for is left out")
IMAGE_MISSING = _define("image-missing", _WARNING, "an image file is not there: its description is kept as text")
IMAGE_DROPPED = _define(
    "image-dropped", _WARNING, "an image is left out (the edition has no images): its description is kept as text"
)
TABLE_SIMPLIFIED = _define(
    "table-simplified",
    _WARNING,
    "a manuscript's table holds what a table of the edition cannot (several paragraphs or a list in a cell, "
    "a cell spanning columns or rows): it is kept, simplified, as the message says",
)

# -- the writers and the build -------------------------------------------------
EPUB_DATE_FORMAT = _define(
    "epub-date-format", _WARNING, "the edition's date is not YYYY, YYYY-MM or YYYY-MM-DD, so the EPUB leaves it out"
)
PAGE_LIST_NOT_MADE = _define(
    "page-list-not-made",
    _INFO,
    "the print edition was not typeset in this build, so the EPUB has no print page numbers",
)
PDF_RENDER = _define("pdf-render", _WARNING, "WeasyPrint warned while setting a PDF (bad CSS, a file it cannot reach)")
NOTE_OFF_PAGE = _define("note-off-page", _WARNING, "a PDF sets a footnote on another page than its call")
REMEDIES_LIMITED = _define(
    "remedies-limited",
    _INFO,
    "a part too long to lay out again for every remedy (notes off their page, a recto ending in a broken word)",
)
TOO_SHORT_FOR_PRESS = _define(
    "too-short-for-press",
    _WARNING,
    "the book has fewer pages than print-on-demand takes (24): no press file is written",
)
SPINE_TEXT_OMITTED = _define("spine-text-omitted", _INFO, "a spine too narrow for 6 pt type is left bare")
COVER_BLURB_MISSING = _define(
    "cover-blurb-missing", _WARNING, "the back cover would carry no text: set metadata.blurb (or metadata.description)"
)
COVER_BLURB_LONG = _define(
    "cover-blurb-long", _WARNING, "the back-cover text may run into the barcode area: shorten metadata.blurb"
)
ISBN_INVALID = _define(
    "isbn-invalid",
    _WARNING,
    "the print identifier is meant as an ISBN but is not a valid ISBN-13 (a placeholder, a wrong check digit): "
    "no barcode is printed, and preflight and check fail",
)
PRINT_NOT_ENABLED = _define(
    "print-not-enabled",
    _WARNING,
    "a press file was asked of an edition whose config does not ask for print: none is written",
)
COVER_NOT_WRITTEN = _define(
    "cover-not-written", _INFO, "no cover is made: there is no print interior to size its spine"
)
TEXT_OVERFLOW = _define(
    "text-overflow",
    _WARNING,
    "text was laid out past the edge of a page and is cut off in the PDF (a line with no place to break)",
)
CACHE_ENTRY_DISCARDED = _define(
    "cache-entry-discarded",
    _INFO,
    "a typeset part, a cover image or a document's page markers kept in the output folder's .cache was damaged: "
    "it was thrown away and made again",
)
STALE_OUTPUT_REMOVED = _define(
    "stale-output-removed",
    _INFO,
    "a press file or cover of an earlier build that this build does not make (a book now under 24 pages) was removed",
)

# -- the site --------------------------------------------------------------------
SITE_EDITION_SKIPPED = _define(
    "site-edition-skipped",
    _INFO,
    "an edition in the output folder has no web edition (a one-off build, or one by an older version): it is not on the site",
)

CATALOGUE: tuple[Code, ...] = tuple(_CATALOGUE)
_BY_NAME = {code.name: code for code in CATALOGUE}


def named(name: str) -> Code:
    """The code of this name (a name kept as data, such as in a cache)."""
    return _BY_NAME[name]


def names() -> tuple[str, ...]:
    return tuple(_BY_NAME)


def markdown_table() -> str:
    """The README's table of codes, in alphabetical order."""
    rows = ["| code | severity | meaning |", "|---|---|---|"]
    rows += [f"| `{c.name}` | {c.severity.value} | {c.meaning} |" for c in sorted(CATALOGUE, key=lambda c: c.name)]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown_table(), end="")
