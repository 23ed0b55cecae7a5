"""One item of a web page: a line, or lines that go on with each other.

A paragraph copied from a page may stack several items with no blank line
between them (a name over a date, a row of buttons, a title over its
byline); ``paragraphs.split_items`` takes them apart and each becomes a
``Unit``, which remembers its paragraph (``group``) so that what is kept of
a paragraph can be joined again.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...lazyre import lazy_compile
from .chrome import META_LINE, Chrome, is_footer, line_chrome
from .front import byline_names
from .paragraphs import Para, split_items

# Sentence ends, for telling a line of text from a heading or a label:
# a stop, then maybe closing quotes and brackets and note calls ("yard.[2]",
# "claim.[1000]" as notemarks.BRACKET_LABEL allows, "it.”*", "done.¹"), and
# maybe a citation ("low. (Pirenne, 1925, p.8)").
SENTENCE_END = lazy_compile(r"[.!?…](?:[\"”’)\]]|\[\w{1,4}\]|[*†‡§¶⁰¹²³⁴⁵⁶⁷⁸⁹])*(?:\s*\([^()]{1,80}\))?$")
# A sentence this long after a footer line shows the text goes on.
FOOTER_TEXT_WORDS = 12
# A full stop inside a line, before the next sentence's capital.
INNER_STOP = lazy_compile(r"[a-z][.!?]\s+[A-Z]")
# A quotation mark opening a line: a quotation or an epigraph.
OPENS_QUOTE = lazy_compile(r"^[“\"‘'«]")


@dataclass(frozen=True, slots=True)
class Unit:
    para: Para
    group: int
    chrome: Chrome | None

    @property
    def text(self) -> str:
        return self.para.text

    @property
    def words(self) -> int:
        return len(self.para.text.split())

    @property
    def line(self) -> int:
        return self.para.start


def units_of(paras: list[Para]) -> list[Unit]:
    return [Unit(item, n, line_chrome(item.text)) for n, p in enumerate(paras) for item in split_items(p, _alone)]


def _alone(line: str) -> bool:
    """A line that never goes on with the one above: a byline (typed right
    under a long title, with no blank line), a date, a button. A byline
    ends with no full stop: "by Jane Doe." is the end of a sentence
    wrapped onto its own line."""
    chrome = line_chrome(line)
    byline = bool(byline_names(line, _dated)) and not line.rstrip().endswith(".")
    return byline or (chrome is not None and chrome.strong) or _dated(line)


def _dated(text: str) -> bool:
    return bool(META_LINE.match(text.strip()))


def is_prose(u: Unit) -> bool:
    """Running text rather than a heading, a label or a name: a long line,
    a sentence of six words or more (a question needs twelve, since titles
    ask them), two sentences, a line ending in a comma or colon (a
    salutation, a lead-in), or a quotation."""
    text, n = u.text, u.words
    if n >= 25 or text.endswith((",", ":", ";")):
        return True
    if OPENS_QUOTE.match(text) and n >= 6:
        return True
    if text.rstrip('"”’)').endswith("?"):
        return n >= 12
    if INNER_STOP.search(text) and n >= 10:
        return True
    return bool(SENTENCE_END.search(text)) and n >= 6


def is_short(u: Unit) -> bool:
    """A short line that does not end a sentence: a heading, a tag, a name,
    the title of another post."""
    return u.words <= 12 and not SENTENCE_END.search(u.text.rstrip("?")) and not u.text.endswith((",", ";", ":"))


def footer_start(units: list[Unit], lo: int, hi: int) -> int:
    """Where the site's footer begins ("© 2024 NAME", "Powered by Ghost"):
    the first footer line in ``lo:hi`` with no paragraph of text after it,
    so that a photo credit or a sentence on copyright mid-text starts
    nothing. ``hi`` when there is none."""
    for i in range(lo, hi):
        if is_footer(units[i].text) and not any(
            u.chrome is None and u.words >= FOOTER_TEXT_WORDS and is_prose(u) for u in units[i + 1 : hi]
        ):
            return i
    return hi


def join(units: list[Unit]) -> list[Para]:
    """Units back into paragraphs: neighbours of one paragraph join."""
    out: list[Para] = []
    last_group = -1
    for u in units:
        if out and u.group == last_group and out[-1].end + 1 == u.para.start:
            out[-1] = out[-1].with_lines(out[-1].lines + u.para.lines, out[-1].start)
        else:
            out.append(u.para)
        last_group = u.group
    return out
