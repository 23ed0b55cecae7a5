"""Typography on running text: curly quotes, dashes, ellipses, spaces.

Only punctuation and spacing change, never a word: straight quotes become
curly by context, a quotation closed with the wrong mark is repaired (and
reported, so the reader can warn ``quote-repaired``), dashes between words
become em dashes (or spaced en dashes), a hyphen between two numbers becomes
an en dash, three full stops become an ellipsis (four closed up to a word,
a period and an ellipsis), runs of spaces become one
space and the space after a page/volume/number abbreviation before a number
becomes a no-break space. Existing curly characters are kept as typed.

A paragraph arrives as *pieces*: the Text nodes between its other inline
nodes (emphasis, note references, citations, links). Quotation context
crosses those nodes: ``"`` + *Title* + ``"`` is an opening and a closing
quote. So the pieces are joined with a *joint* character standing for the
node between them; the joint counts as a word character for context, is
never replaced, and splitting on it gives back the same number of pieces.

Decision on number ranges: ``1976-80``, ``pp.5-6``, ``1918-1919`` take an en
dash (``1976–80``), as the Chicago Manual of Style (6.78) asks; the digits
are untouched. Chains of numbers (dates ``2006-05-01``, ISBNs), decimals and
numbers glued to letters (``COVID-19``) keep their hyphens. A spaced dash
between two numbers (``5 - 3``) may be a minus sign and is left alone.

Everything here is pure: no I/O, no printing, no third-party imports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..lazyre import lazy_compile

_SENTENCE_PUNCT = ".,;:!?…"
# After one of these a quote mark opens a quotation.
_OPENERS = "([{<«‹“‘„"
_DASH_CHARS = "-‐‑‒–—―"
_SINGLES = "'‘’"
# Every character the quote pass decides or counts: straight and curly quotes.
_QUOTE_MARKS = lazy_compile("[\"'‘’“”]")

# The patterns below that open with a lookbehind open with a lookahead on
# their first character before it: the same matches, but ``re`` tests one
# character, not the lookbehind, at each position that cannot begin one.

# Spaces and dashes a word-separating dash may be written with: the class of
# the characters that must NOT stand right next to it.
_NOT_WORDLIKE = r"\s\-\u2010-\u2015"

# A dash between two words: a double or triple hyphen (spaces optional), a
# spaced hyphen or en dash, or an em dash with spaces (either side). The
# lookarounds demand a non-space, non-dash character on each side, so rules
# of hyphens, line-initial bullets ("- item") and hyphenated words are left
# alone. NBSP counts as a space: word processors put it before dashes.
_DASH = lazy_compile(
    rf"(?=[ \u00a0\-—])(?<=[^{_NOT_WORDLIKE}])"
    r"(?:[ \u00a0]?-{2,3}[ \u00a0]?|[ \u00a0][-–][ \u00a0]|[ \u00a0]?—[ \u00a0]?)"
    rf"(?=[^{_NOT_WORDLIKE}])"
)

# A hyphen between two numbers of at most four digits (1976-80, pp.5-6,
# 1918-1919): a range. The lookbehinds skip numbers glued to a word, chains
# (2006-05-01) and decimals (3.5-4); the lookahead does the same on the right.
_RANGE = lazy_compile(
    r"(?=\d)(?<![\w\-\u2010-\u2015/])(?<!\d[.,])(\d{1,4})-"
    r"(?=\d{1,4}(?![\w\-\u2010-\u2015/]|[.,]\d))"
)

# Three full stops, together or spaced (". . ."), that are not part of a
# longer run of dots (leaders in a contents list, "....").
_ELLIPSIS = lazy_compile(r"(?=\.)(?<![.…])(?:\.\.\.|\. \. \.)(?![.…]| \.)")

# Four full stops closed up to the word before them ("attention....",
# "attention. . . ."): the sentence's own period, then an ellipsis marking
# what was left out after it (Chicago 13.53). They become the period and
# an ellipsis, joined by a no-break space so that a line never begins with
# the ellipsis. Dots after a space, and runs of five or more (leaders), are
# not this and are left alone.
_PERIOD_ELLIPSIS = lazy_compile(r"(?=\.)(?<=[^\s.…])(?:\.{4}|\. \. \. \.)(?![.…]| \.)")

# An ellipsis character with full stops glued to it, closed up to the word
# before it ("fall…..", "fall.…", "fall…."): a web page's trailing dots,
# typed partly as the ellipsis an editor's autocorrect made. Four dots in
# all are the period and an ellipsis (as ``_PERIOD_ELLIPSIS``); any other
# count, one ellipsis. Only one ellipsis character with its dots, before a
# space, a closing mark, a letter ("Stalin….OMG") or the end: a contents
# list's leaders ("…… 5") are not this.
_GLUED_ELLIPSIS = lazy_compile(r"(?=[.…])(?<=[^\s.…])(\.+…\.*|…\.+)(?![.…])(?=[\s’”)\]]|[^\W\d_]|$)")


def _glued_ellipsis(m: re.Match[str]) -> str:
    return ".\u00a0…" if len(m.group(1)) == 2 else "…"  # "…." or ".…": four dots in all


# Two or more ordinary spaces inside running text.
_SPACES = lazy_compile(r" {2,}")

# A page, volume or issue abbreviation followed by a space and a number
# ("p. 232", "pp. 5-6", "vol. 36", "No. 4"): the space becomes a no-break
# space so a line never starts with the bare number. "p.1" stays as written.
_LOCATOR = lazy_compile(r"(?=[pPvVN])(?<![\w.])(pp?|Pp?|PP|vols?|Vols?|VOL|Nos?|NO)\. (?=\d)")

# Elisions that begin with an apostrophe, so "'" before them is not an
# opening quote: '90s, '05, rock 'n' roll, 'tis, 'twas, 'em, 'cause, 'til.
_ELISION = lazy_compile(
    r"'(?:\d\d(?!\d)|n'(?!\w)|(?:tis|twas|twere|twill|em|cause|til|bout)(?!\w))",
    re.IGNORECASE,
)

# What may follow a closing quote at the end of a quotation: a footnote
# marker (*, †, ‡, [1]) before a space, the end of the text or an inline node.
_MARKER = lazy_compile(r"(?:\*+|[†‡§]+|\[\d{1,3}\])?")

# A closing double quote at the end of a paragraph, possibly followed by
# punctuation and/or a footnote marker (*, †, [1]) and trailing spaces.
_ENDS_QUOTE = lazy_compile(r"”[.,;:!?…)\]]*(?:\*+|[†‡]+|\[\d{1,3}\])?[.,;:!?…]*\s*\Z")


@dataclass(frozen=True, slots=True)
class QuoteRepair:
    """A wrong closing mark replaced: ``before`` (as written) became ``after``.

    ``piece`` is the index of the text piece and ``offset`` the position of
    ``before`` inside that piece as given (after NFC, which changes nothing
    for text that came through ``sources.decode``).
    """

    piece: int
    offset: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Smartened:
    """The pieces after typography (same count and order), and repairs made."""

    pieces: tuple[str, ...]
    repairs: tuple[QuoteRepair, ...] = ()


def smarten(pieces: Sequence[str], dash: str = "em") -> Smartened:
    """Apply typography to the text pieces of one paragraph.

    ``dash`` is ``"em"`` (a dash between words becomes an unspaced em dash)
    or ``"en"`` (it becomes a spaced en dash). Never raises on any text.
    """
    if dash not in ("em", "en"):
        raise ValueError(f"dash must be 'em' or 'en', not {dash!r}")
    pieces = [unicodedata.normalize("NFC", p) for p in pieces]
    if not pieces:
        return Smartened(())
    joint = _pick_joint(pieces)
    # Quotes first: their context is the text as written, and repair
    # offsets then point into the pieces as given. Spaces are collapsed
    # before dashes and ellipses so "a  --  b" and ". .  ." are still found.
    scan = _QuoteScan(joint.join(pieces), joint)
    text = scan.run()
    text = _SPACES.sub(" ", text)
    text = _PERIOD_ELLIPSIS.sub(".\u00a0…", text)
    text = _ELLIPSIS.sub("…", text)
    text = _GLUED_ELLIPSIS.sub(_glued_ellipsis, text)
    text = _DASH.sub(lambda m: _dash(m, dash), text)
    text = _RANGE.sub(r"\1–", text)
    text = _LOCATOR.sub("\\1.\u00a0", text)
    repairs = tuple(_locate(pieces, joint, r) for r in scan.repairs)
    return Smartened(tuple(text.split(joint)), repairs)


def quote_balance(text: str) -> int:
    """Double quotations opened minus closed in ``text`` (curly or straight).

    Apostrophes and single quotes do not count, except a single mark that
    wrongly closes a double quotation (``“…revolution. '*``), which counts
    as the closing it stands for. A paragraph that continues a quotation
    opened earlier can give a negative number.
    """
    scan = _QuoteScan(unicodedata.normalize("NFC", text), "")
    scan.run()
    return scan.opened - scan.closed


def starts_with_quote(text: str) -> bool:
    """Whether the paragraph opens with a double quote (curly or straight)."""
    return text.lstrip()[:1] in ('"', "“")


def ends_quote(text: str) -> bool:
    """Whether the paragraph ends by closing a double quotation.

    A closing quote may be followed by punctuation and/or a footnote marker
    (``”.``, ``.”*``, ``”[1]``). Straight and wrongly-closed quotes are read
    the way ``smarten`` would read them.
    """
    scan = _QuoteScan(unicodedata.normalize("NFC", text), "")
    return bool(_ENDS_QUOTE.search(scan.run()))


def _pick_joint(pieces: Sequence[str]) -> str:
    """A character absent from every piece, to stand for the nodes between them.

    Unicode noncharacters (U+FDD0..U+FDEF) are reserved for exactly this
    internal use; private-use characters are the fallback. Exhausting them
    all would take a paragraph of over 70,000 distinct characters.
    """
    present = set().union(*pieces)
    candidates = (range(0xFDD0, 0xFDF0), range(0xE000, 0xF900), range(0xF0000, 0xFFFFE))
    for cp in (cp for block in candidates for cp in block):
        if chr(cp) not in present:
            return chr(cp)
    raise ValueError("no free joint character")


def _locate(pieces: Sequence[str], joint: str, repair: tuple[int, str, str]) -> QuoteRepair:
    """Turn an index into the joined text back into (piece, offset)."""
    index, before, after = repair
    for number, piece in enumerate(pieces):
        if index < len(piece):
            return QuoteRepair(number, index, before, after)
        index -= len(piece) + len(joint)
    return QuoteRepair(len(pieces) - 1, index, before, after)  # pragma: no cover


def _dash(match: re.Match[str], style: str) -> str:
    """The replacement for one word-separating dash, or the match unchanged."""
    found = match.group()
    text, start, end = match.string, match.start(), match.end()
    if text[start - 1].isdigit() and text[end].isdigit():
        return found  # "5 - 3" may be a minus sign, "1980 – 0.5%" a list: unsure
    if style == "en":
        return found if "—" in found else " – "
    return "—"


def _kind(ch: str, joint: str) -> str:
    """Classify a neighbour of a quote mark for the context rules."""
    if not ch:
        return "edge"
    if ch == joint:
        return "joint"
    if ch.isspace():
        return "space"
    if unicodedata.category(ch)[0] in "LNM":
        return "word"
    if ch in _OPENERS:
        return "open"
    if ch in _DASH_CHARS:
        return "dash"
    return "punct"


@dataclass
class _QuoteScan:
    """One left-to-right pass deciding every quote mark of a paragraph.

    Mutable state is kept to this pass: how many double and single
    quotations are open, and the counts ``quote_balance`` reports.
    """

    text: str
    joint: str
    out: list[str] = field(default_factory=list)
    doubles: int = 0
    singles: int = 0
    opened: int = 0
    closed: int = 0
    repairs: list[tuple[int, str, str]] = field(default_factory=list)

    def run(self) -> str:
        text, done = self.text, 0
        for mark in _QUOTE_MARKS.finditer(text):
            i = mark.start()
            self.out.extend(text[done:i])  # no quote mark: kept as it is
            done = i + 1
            ch = text[i]
            if ch in _SINGLES and self._repair(i):
                continue
            if ch == '"':
                ch = self._straight_double(i)
            elif ch == "'":
                ch = self._straight_single(i)
            else:
                self._existing(i, ch)
            self.out.append(ch)
        self.out.extend(text[done:])
        return "".join(self.out)

    def _around(self, i: int) -> tuple[str, str]:
        """The kinds of the characters before and after position ``i``.

        The one before is taken as already decided, so in ``"'Hi'"`` the
        single quote follows an opening “ and opens too.
        """
        before = self.out[-1] if self.out else ""
        return _kind(before, self.joint), _kind(self.text[i + 1 : i + 2], self.joint)

    def _open_double(self) -> str:
        self.doubles += 1
        self.opened += 1
        return "“"

    def _close_double(self) -> str:
        self.doubles = max(0, self.doubles - 1)
        self.closed += 1
        return "”"

    def _existing(self, i: int, ch: str) -> None:
        """Keep a curly mark as typed, but track what it opens or closes."""
        if ch == "“":
            self._open_double()
        elif ch == "”":
            self._close_double()
        elif ch == "‘":
            self.singles += 1
        elif ch == "’" and self.singles and self._around(i)[1] != "word":
            self.singles -= 1

    def _straight_double(self, i: int) -> str:
        """“ or ” for a straight double quote, or ``"`` kept as an inch mark."""
        before, after = self._around(i)
        if before in ("edge", "space", "open"):
            decision = "balance" if after in ("edge", "space") else "open"
        elif before == "dash":
            decision = {"word": "open", "open": "open", "joint": "open", "edge": "close", "space": "close"}.get(
                after, "balance"
            )
        elif before == "joint" or after == "word":
            decision = "balance"  # a"b, .”Next, *Title*"…: the open count decides
        else:
            decision = "close"
        if decision == "balance":
            decision = "close" if self.doubles else "open"
        if decision == "close" and not self.doubles and self.out[-1:] and self.out[-1].isdigit():
            return '"'  # 12" with no quotation open: an inch mark
        return self._open_double() if decision == "open" else self._close_double()

    def _straight_single(self, i: int) -> str:
        """‘ for an opening single quote; ’ for apostrophes and closings."""
        before, after = self._around(i)
        prev = self.out[-1] if self.out else ""
        if prev.isdigit() and self.text[i + 1 : i + 2].isdigit():
            return "'"  # 5'10: a foot mark
        if before in ("word", "joint") and after == "word":
            return "’"  # don't, d'état, 1980's, *Title*'s
        if before != "word" and _ELISION.match(self.text, i):
            return "’"  # '90s, 'n', 'tis
        if before in ("edge", "space", "open", "dash") and after not in ("edge", "space"):
            self.singles += 1
            return "‘"
        if self.singles:
            self.singles -= 1  # closes the open single quotation
        elif prev.isdigit():
            return "'"  # 6' with nothing open: a foot mark
        return "’"  # Jones', or a closing single quote

    def _repair(self, i: int) -> bool:
        """Replace a single mark that closes an open double quotation.

        ``“At a certain stage … revolution. '*``: a double quotation is open,
        no single one is, and the mark follows sentence punctuation (perhaps
        after stray spaces: one or several, as they are collapsed only after
        this pass, so that a text smartened twice reads the same) and
        precedes only a footnote marker, a space or the end. It becomes ”,
        the stray spaces go, and the repair is kept.
        """
        if not self.doubles or self.singles:
            return False
        start = i
        while start > 1 and self.text[start - 1] == " ":
            start -= 1
        punct = self.text[start - 1] if start else ""
        if not punct or punct not in _SENTENCE_PUNCT:
            return False
        marker = _MARKER.match(self.text, i + 1)
        assert marker is not None  # the pattern is optional: it matches, if only the empty string
        tail = marker.end()
        follower = self.text[tail : tail + 1]
        if follower and not follower.isspace() and follower != self.joint:
            return False
        del self.out[len(self.out) - (i - start) :]  # the stray spaces, a character each
        self.repairs.append((start, self.text[start : i + 1], "”"))
        self.out.append(self._close_double())
        return True
