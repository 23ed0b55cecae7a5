"""The head of a web page: what stands before the text of the post.

A copied page opens with the site's header (its name, a menu, sign-in
links, a date header, a section tag), then the post's title, maybe a
subtitle, a byline (alone or with a date, a reading time, counts and
buttons), and maybe editorial lines pointing elsewhere. The title is found
from where it stands, not from its words: the lines just before the byline
(or, with no byline, before the first line of text) that are neither chrome
nor a byline; of two such lines, a sentence under a headline is the
subtitle; anything above them is the site's header.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...lazyre import lazy_compile
from .chrome import META_LINE, READING_TIME, interface, is_label
from .comments import HANDLE, header_count
from .front import byline_names, is_lost_link_line, is_name, split_names, split_title
from .unit import OPENS_QUOTE, SENTENCE_END, Unit, is_prose

# The head ends, at the latest, at the first paragraph this long: the text
# has begun.
LONG_PROSE_WORDS = 30
# A line this long after a byline is text, whatever its last mark, unless
# it capitalises its words as a headline does.
TEXT_MIN_WORDS = 12
# A subtitle is a line of up to this many words.
SUBTITLE_MAX_WORDS = 45
# A headline-shaped line of this many words or more under the title reads
# as a subtitle (a standfirst) even without a full stop.
SUBTITLE_MIN_WORDS = 9
# A note led by a short label ("Update:", "Update, 2 February:", "Editor's
# note:", "Correction:") and going on as a sentence: text of the post,
# never its title or subtitle (a title may read "Brutal Kindness: The
# Library").
EDITORS_NOTE = lazy_compile(r"^(?:[^\W\d_][\w'’]*\s?){1,3}(?:,[^:]{1,20})?:\s")


@dataclass
class Head:
    title: str = ""
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    # Units consumed by the head: index -> what it is (for the report).
    removed: dict[int, str] = field(default_factory=dict)
    bylines: list[int] = field(default_factory=list)
    # The names each byline gives.
    names: dict[int, tuple[str, ...]] = field(default_factory=dict)
    lost_links: list[int] = field(default_factory=list)
    title_unit: int = -1
    subtitle_unit: int = -1
    # Lines that could have been the title, taken for the site's header.
    passed_over: list[int] = field(default_factory=list)
    # Bylines that are a name alone over a date or a button.
    inferred: list[int] = field(default_factory=list)
    # The first unit of the text.
    body: int = 0


def is_dated(text: str) -> bool:
    return bool(META_LINE.match(text.strip()))


def read_head(units: list[Unit]) -> Head:
    """The head: its anchor is the byline's group, or the first line of
    text; the title (and subtitle) are the lines above the anchor; the
    bylines, dates, buttons and editorial lines below the title up to the
    text are taken or removed."""
    head = Head()
    end = _window(units)
    group = _author_group(units, end)
    anchor = group if group is not None else _text_start(units, end)
    if anchor is None:
        return _bare_head(units, head)
    candidates = _candidates(units, anchor, allow_sentences=group is not None and _standfirst_allowed(units, group))
    if not candidates:
        return _bare_head(units, head)
    _set_title(units, candidates, head, bylined=group is not None)
    i = _consume_after(units, head.title_unit + 1, head)
    head.body = i
    _lost_links(units, head, end)
    return head


def _window(units: list[Unit]) -> int:
    """Where the head ends at the latest: where the comments begin, or the
    text surely runs (a long line, unless a byline follows it: a long
    standfirst)."""
    for i, u in enumerate(units):
        if header_count(u.text)[0]:
            return i
        if u.words >= LONG_PROSE_WORDS and not (i + 1 < len(units) and _starts_byline(units, i + 1)):
            return i
    return len(units)


def _starts_byline(units: list[Unit], i: int) -> bool:
    return _is_byline(units, i) or _name_over_date(units, i)


def _author_group(units: list[Unit], end: int) -> int | None:
    """The first line of the byline's group after a title: an explicit
    byline ("by NAME", "Posted by ...", "NAME · DATE"), a name over a date,
    a reading time or a Follow button (Medium, Substack, Ghost), or the
    date or reading time alone."""
    seen_candidate, prose = False, 0
    for i in range(end):
        u = units[i]
        # An explicit byline anchors the head; a date or a name alone, only
        # when the text follows it (a blog's date header stands above the
        # title).
        weak = _name_over_date(units, i) or is_dated(u.text)
        if seen_candidate and (_is_byline(units, i) or (weak and _text_follows(units, i + 1))):
            return i
        if u.chrome is None and not is_prose(u):
            seen_candidate = True
        # A standfirst is one sentence; a second one is the text: a byline
        # below it is at the foot of the post.
        prose += u.chrome is None and is_prose(u) and not is_lost_link_line(u.text)
        if prose >= 2:
            return None
    return None


def _standfirst_allowed(units: list[Unit], group: int) -> bool:
    """A sentence above a byline is its post's standfirst; above a bare
    date, only when it gives a reading time (a diary's date under its first
    paragraph is no byline)."""
    u = units[group]
    return not is_dated(u.text) or bool(READING_TIME.search(u.text)) or _name_over_date(units, group)


def _text_follows(units: list[Unit], i: int) -> bool:
    """Nothing but the byline's company (dates, counts, buttons, editorial
    lines) stands between ``i`` and the text: a date above the post's title
    (a blog's date header under its name) anchors nothing."""
    for j in range(i, len(units)):
        u = units[j]
        if u.chrome is not None or _labelled(units, j) or is_lost_link_line(u.text):
            continue
        if byline_names(u.text, is_dated) or _names(u.text):
            continue
        return is_prose(u) or (u.words >= TEXT_MIN_WORDS and not title_case(u.text))
    return True


def _is_byline(units: list[Unit], i: int) -> bool:
    """A byline, but not a quotation's attribution ("— NAME" under the
    quoted words)."""
    return bool(byline_names(units[i].text, is_dated)) and not attribution(units, i)


# A paragraph indented this much (every line) is an indented quotation, as
# blocks.py reads it.
QUOTE_MIN_INDENT = 2


def attribution(units: list[Unit], i: int) -> bool:
    """A "— NAME" line right after a line that opens a quotation, in its
    paragraph or the one before, or right after an indented quotation: the
    quotation's attribution."""
    u = units[i]
    if not u.text.startswith(("—", "–")) or i == 0:
        return False
    before = units[i - 1]
    indented = before.para.min_indent >= QUOTE_MIN_INDENT and u.para.min_indent < before.para.min_indent
    return before.group == u.group or bool(OPENS_QUOTE.match(before.text)) or indented


def _name_over_date(units: list[Unit], i: int) -> bool:
    """A name over a date, a reading time or a Follow button (past an icon
    such as "·"); a one-word name or handle only over a Follow button, since
    a one-word title may stand over a date."""
    full, single = bool(_names(units[i].text)), bool(HANDLE.match(units[i].text))
    if not (full or single) or units[i].chrome is not None:
        return False
    for u in units[i + 1 : i + 3]:
        if u.chrome is not None and _is_follow(u.text):
            return True
        if u.chrome is not None and full and (is_dated(u.text) or READING_TIME.search(u.text)):
            return True
        if u.chrome is None or u.words > 1:
            return False
    return False


def _is_follow(text: str) -> bool:
    return interface(text) is not None and "follow" in text.lower()


def _text_start(units: list[Unit], end: int) -> int | None:
    """With no byline, the head ends at the first line of text or the
    first editorial line."""
    for i in range(min(end + 1, len(units))):
        u = units[i]
        if u.chrome is None and (is_prose(u) or _short_sentence(u) or is_lost_link_line(u.text)) and i > 0:
            return i
    return None


# A sentence this short is text when it ends with a full stop in sentence
# case ("The hall reopens in May."): a site's header and a title end with
# no stop, and a headline capitalises its words.
SHORT_SENTENCE_MIN_WORDS = 3


def _short_sentence(u: Unit) -> bool:
    text = u.text.rstrip()
    return (
        u.words >= SHORT_SENTENCE_MIN_WORDS
        and text.endswith(".")
        and bool(SENTENCE_END.search(text))
        and not title_case(text)
    )


def _candidates(units: list[Unit], anchor: int, allow_sentences: bool) -> list[int]:
    """Title and subtitle candidates: the lines right before ``anchor``
    that are neither chrome nor a byline (skipping dates and editorial
    lines between them and the anchor); only the last may be a sentence
    (``allow_sentences``: a standfirst above a byline)."""
    j = anchor - 1
    while j >= 0 and (
        is_lost_link_line(units[j].text) or units[j].chrome is not None or _labelled(units, j) or _note(units[j])
    ):
        j -= 1
    out: list[int] = []
    while j >= 0 and _is_candidate(units[j], allow_sentences and not out):
        out.insert(0, j)
        j -= 1
    # A sentence is a subtitle only under a title.
    return [] if len(out) == 1 and is_prose(units[out[0]]) else out


def _labelled(units: list[Unit], j: int) -> bool:
    """The value of a label on the line above ("Published in" / "NAME")."""
    return j > 0 and bool(is_label(units[j - 1].text)) and units[j].words <= 6


def _is_candidate(u: Unit, allow_sentences: bool) -> bool:
    if u.chrome is not None or byline_names(u.text, is_dated) or u.words > SUBTITLE_MAX_WORDS:
        return False
    if _note(u):
        return False
    return allow_sentences or not is_prose(u)


def _note(u: Unit) -> bool:
    """An editor's note or an update ("Update: the engine was found.")."""
    return bool(EDITORS_NOTE.match(u.text)) and (u.text.split(":", 1)[1].strip()[:1].islower() or is_prose(u))


def _subtitle_like(u: Unit) -> bool:
    """A standfirst rather than a headline: a sentence or a long line, in
    sentence case (a headline capitalises its words)."""
    sentence = bool(SENTENCE_END.search(u.text))
    return (sentence or u.words >= SUBTITLE_MIN_WORDS) and not title_case(u.text)


def title_case(text: str) -> bool:
    """Most words of four letters or more after the first are capitalised."""
    words = [w for w in text.split()[1:] if sum(c.isalpha() for c in w) >= 4]
    return bool(words) and sum(w[0].isupper() for w in words) * 3 >= len(words) * 2


def _set_title(units: list[Unit], candidates: list[int], head: Head, bylined: bool) -> None:
    # A standfirst line stands between a title and its byline (Medium,
    # Substack, Ghost); with no byline, two lines above the text are the
    # site's name and the title.
    last, before = (units[candidates[-1]], units[candidates[-2]]) if len(candidates) >= 2 else (None, None)
    if bylined and last and before and _subtitle_like(last) and not _subtitle_like(before):
        title, sub = candidates[-2], candidates[-1]
        head.title, head.subtitle = units[title].text, units[sub].text
        head.subtitle_unit = sub
        head.removed[sub] = ""  # taken into the metadata
    else:
        title = candidates[-1]
        parts = split_title(units[title].text)
        head.title, head.subtitle = parts.title, parts.subtitle
    head.title_unit = title
    head.passed_over = [i for i in candidates if i < title]
    for i in range(title):
        head.removed[i] = "web page boilerplate (the site's header: its name, menu, date and sign-in links)"


def _bare_head(units: list[Unit], head: Head) -> Head:
    """No byline and no text to anchor on: the first line that is not
    chrome is the title (a short text, a test)."""
    i = next((n for n, u in enumerate(units) if u.chrome is None), None)
    if i is None:
        return head
    parts = split_title(units[i].text)
    head.title, head.subtitle, head.title_unit = parts.title, parts.subtitle, i
    for n in range(i):
        head.removed[n] = "web page boilerplate (the site's header: its name, menu, date and sign-in links)"
    head.body = _consume_after(units, i + 1, head)
    _lost_links(units, head, _window(units))
    return head


def _consume_after(units: list[Unit], i: int, head: Head) -> int:
    """Bylines, dates, counts and buttons under the title, up to the text."""
    while i < len(units):
        u = units[i]
        if i in head.removed:
            i += 1
        elif names := (byline_names(u.text, is_dated) if _is_byline(units, i) else ()) or _bare_author(units, i):
            head.authors += [n for n in names if n not in head.authors]
            head.bylines.append(i)
            head.names[i] = names
            if not _is_byline(units, i):
                head.inferred.append(i)
            i += 1
        elif u.chrome is not None:
            head.removed[i] = u.chrome.reason
            if is_label(u.text) and i + 1 < len(units) and units[i + 1].words <= 6:
                head.removed[i + 1] = "web page boilerplate (a label of the page's header)"
            i += 1
        elif is_lost_link_line(u.text) and not _ends_text(units, i):
            head.lost_links.append(i)
            i += 1
        else:
            break
    return i


def _bare_author(units: list[Unit], i: int) -> tuple[str, ...]:
    if not _name_over_date(units, i):
        return ()
    return _names(units[i].text) or (units[i].text.strip(),)


def _names(text: str) -> tuple[str, ...]:
    """The authors a line naming them alone gives ("Jane Doe", "Jane Doe
    and John Roe"): full names, two words or more each."""
    names = split_names(text)
    return names if names and all(is_name(n, min_words=2) for n in names) else ()


def _lost_links(units: list[Unit], head: Head, end: int) -> None:
    """Editorial lines whose link was lost among the first paragraphs of the
    text, up to the first long one (those above the text are read with the
    byline)."""
    for i in range(head.body, min(end, len(units))):
        if i in head.lost_links or units[i].chrome is not None:
            continue
        if is_lost_link_line(units[i].text) and not _ends_text(units, i):
            head.lost_links.append(i)


def _ends_text(units: list[Unit], i: int) -> bool:
    """A line in the middle of a paragraph of text is never an editorial line."""
    return i > 0 and units[i - 1].group == units[i].group and not SENTENCE_END.search(units[i - 1].text)
