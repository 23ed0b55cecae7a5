"""A web page taken apart: its head, its text, its chrome and its comments.

``head.py`` reads what stands before the text (title, subtitle, bylines,
editorial lines), ``comments.py`` the readers' comments, and this module
what lies between: the post's text and apparatus, with the platform's
chrome among and after it (share and like rows, advertisements, subscribe
boxes, tags, related posts, author boxes' counters, footers).

Chrome is decided in two passes, as the field's boilerplate classifiers do
(jusText's context-sensitive pass): a line chrome by its own shape
(``chrome.line_chrome``) is *strong* (always removed) or *weak* (a date, a
count, a lone menu word: removed beside other chrome, kept with a warning
between lines of text); then short lines (a tag, another post's title)
beside chrome are chrome too, unless text follows them, which makes them a
heading. Removals by context alone are reported (info), and so is what is
kept although it looks like chrome.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ... import codes
from ...diagnostics import Code
from ...lazyre import lazy_compile
from .chrome import SECTION_MARK, is_label
from .classify import APPARATUS_HEADING, AUTHOR_BOX, NOTES_HEADER, classify
from .comments import Section, find_section, read_section
from .front import byline_names
from .head import Head, attribution, is_dated, read_head
from .paragraphs import Para
from .references.reader import is_reference_line
from .unit import Unit, footer_start, is_prose, is_short, join, units_of

# A line of text following a short line makes that line a heading when it
# has at least this many words (or ends a sentence).
HEADING_TEXT_MIN_WORDS = 8
# A line with this many commas is a list or an entry, not a heading.
HEADING_MAX_COMMAS = 3
# A line opening with a quotation mark (a quotation) or a dash (a
# quotation's attribution, "— NAME, Work"; a signature) is never a heading.
NOT_HEADING_START = lazy_compile(r"^(?:[“\"‘'«]|[—–]|--?\s)")
# Short lines in a run this long at most, beside chrome, are chrome.
CONTEXT_RUN_MAX = 6
# A sentence this short with chrome on both sides (a subscribe box's
# blurb) is chrome, as jusText takes a short block between boilerplate.
SANDWICH_MAX_WORDS = 12


@dataclass(frozen=True, slots=True)
class Flag:
    """A decision on a weak signal, to report with its lines."""

    code: Code
    message: str
    first: int
    last: int


@dataclass
class Page:
    head: Head
    units: list[Unit]
    # Body and apparatus, as paragraphs for ``classify``.
    text: list[Para] = field(default_factory=list)
    headings: set[int] = field(default_factory=set)
    removed: list[tuple[Para, str]] = field(default_factory=list)
    lost_links: list[Para] = field(default_factory=list)
    # Bylines found after the head: (names, the line).
    bylines: list[tuple[tuple[str, ...], Para]] = field(default_factory=list)
    section: Section | None = None
    flags: list[Flag] = field(default_factory=list)


def read_page(paras: list[Para]) -> Page:
    units = units_of(paras)
    head = read_head(units)
    page = Page(head, units)
    start = find_section(units, head.body)
    end = len(units) if start is None else start
    roles = _body_roles(units, head.body, end)
    if start is not None:
        page.section = read_section(units, start)
    _collect(page, roles, end)
    return page


# -- the body: chrome by shape, then by context ------------------------------------------


def _body_roles(units: list[Unit], lo: int, hi: int) -> dict[int, str]:
    """Each body unit's role: "text", "heading", "byline", "protected" (an
    apparatus heading, an author box), "chrome", "weak" (chrome beside
    chrome), "context" (a short line among chrome) or "footer"."""
    roles: dict[int, str] = {}
    footer = footer_start(units, lo + 1, hi)
    for i in range(lo, hi):
        roles[i] = "footer" if i >= footer else _own_role(units, i)
    _labels_values(units, roles)
    _context(units, roles, lo, hi)
    return roles


def _own_role(units: list[Unit], i: int) -> str:
    u = units[i]
    if _alone(units, i) and any(p.match(u.text) for p in (APPARATUS_HEADING, NOTES_HEADER, AUTHOR_BOX)):
        return "protected"
    if SECTION_MARK.match(u.text):
        return "protected"  # a section break, whatever stands around it
    if u.chrome is not None:
        return "chrome" if u.chrome.strong else "weak"
    if _is_byline(units, i):
        return "byline"
    return "text"


def _alone(units: list[Unit], i: int) -> bool:
    """The only item of its paragraph (as a heading stands)."""
    return all(x.group != units[i].group for x in units[max(i - 1, 0) : i] + units[i + 1 : i + 2])


def _is_byline(units: list[Unit], i: int) -> bool:
    """A byline standing alone after the head: "Posted by NAME at 10:31",
    "By NAME · ...", a signature "— NAME" (not a quotation's attribution:
    the line before it does not open a quotation)."""
    u = units[i]
    return bool(byline_names(u.text, is_dated)) and len(u.para.lines) == 1 and not attribution(units, i)


def _labels_values(units: list[Unit], roles: dict[int, str]) -> None:
    """The line after a dangling label ("·Writer for" / "Longitude")."""
    for i in sorted(roles):
        label = roles[i] == "weak" and is_label(units[i].text)
        if label and roles.get(i + 1) == "text" and units[i + 1].words <= 6:
            roles[i + 1] = "chrome"


def _context(units: list[Unit], roles: dict[int, str], lo: int, hi: int) -> None:
    """Weak chrome beside chrome is chrome; short lines that are not
    headings, in a run that touches chrome, are chrome; a short sentence
    between chrome is chrome."""
    chromey = {"chrome", "weak", "footer", "context"}
    for i in range(lo, hi):
        if roles[i] == "weak" and not _beside(roles, i, chromey):
            roles[i] = "suspect"
    for i in range(lo, hi):
        if roles[i] == "text" and is_short(units[i]) and _is_heading(units, roles, i):
            roles[i] = "heading"
    _short_runs(units, roles, lo, hi, chromey)
    _sandwiches(units, roles, lo, hi, chromey | {"byline"})


def _short_runs(units: list[Unit], roles: dict[int, str], lo: int, hi: int, chromey: set[str]) -> None:
    """A run of short lines (tags, a related post's title and date) that
    touches chrome is chrome, when it is no longer than a widget's: a
    longer run is a list or a poem, and stays text."""
    i = lo
    while i < hi:
        if roles[i] not in ("text", "suspect") or not is_short(units[i]):
            i += 1
            continue
        j = i
        while j + 1 < hi and roles[j + 1] in ("text", "suspect") and is_short(units[j + 1]):
            j += 1
        if (roles.get(i - 1) in chromey or roles.get(j + 1) in chromey) and j - i < CONTEXT_RUN_MAX:
            for k in range(i, j + 1):
                roles[k] = "context" if roles[k] == "text" else "weak"
        i = j + 1


def _sandwiches(units: list[Unit], roles: dict[int, str], lo: int, hi: int, chromey: set[str]) -> None:
    for i in range(lo, hi):
        if roles[i] == "text" and units[i].words <= SANDWICH_MAX_WORDS and _between(roles, i, chromey):
            # An author box's paragraph stands between its counters and
            # its Follow button: the box's heading, above, keeps it.
            above = next((j for j in range(i - 1, lo - 1, -1) if roles[j] not in chromey), None)
            if above is None or roles[above] != "protected":
                roles[i] = "sandwich"


def _between(roles: dict[int, str], i: int, kinds: set[str]) -> bool:
    return roles.get(i - 1) in kinds and roles.get(i + 1) in kinds


def _beside(roles: dict[int, str], i: int, kinds: set[str]) -> bool:
    return roles.get(i - 1) in kinds or roles.get(i + 1) in kinds


def _is_heading(units: list[Unit], roles: dict[int, str], i: int) -> bool:
    """A short line alone in its paragraph, after text, before text: a
    heading of the post (Medium's and Substack's section headings)."""
    u = units[i]
    if len(u.para.lines) > 1 or not _alone(units, i) or classify(u.para).kind != "content":
        return False
    if u.text.count(",") >= HEADING_MAX_COMMAS or is_reference_line(u.text) or NOT_HEADING_START.match(u.text):
        return False  # a list, an address, a bibliography entry, a quotation or its source
    before = next((j for j in range(i - 1, -1, -1) if roles.get(j) not in ("chrome", "weak")), None)
    after = next((j for j in range(i + 1, len(units)) if roles.get(j) not in ("chrome", "weak")), None)
    if before is None or after is None or roles.get(before) != "text" or roles.get(after) != "text":
        return False
    nxt = units[after]
    return is_prose(units[before]) and (is_prose(nxt) or nxt.words >= HEADING_TEXT_MIN_WORDS)


# -- the page's parts ----------------------------------------------------------


def _collect(page: Page, roles: dict[int, str], end: int) -> None:
    units, head = page.units, page.head
    kept: list[Unit] = []
    for i, u in enumerate(units[:end]):
        if i in head.lost_links:
            page.lost_links.append(u.para)
        elif i < head.body:
            # The head: the title, subtitle and bylines go to the metadata;
            # the rest is the site's header and the byline's chrome.
            if head.removed.get(i):
                page.removed.append((u.para, head.removed[i]))
        else:
            _body_unit(page, roles[i], u, kept)
    page.text = join(kept)
    if page.section is not None:
        for i, reason in page.section.removed.items():
            page.removed.append((units[i].para, reason))
    _flag_runs(page, roles)


def _body_unit(page: Page, role: str, u: Unit, kept: list[Unit]) -> None:
    if role in ("chrome", "weak", "context", "footer", "sandwich"):
        reason = u.chrome.reason if u.chrome is not None else "web page boilerplate (a short line among its chrome)"
        page.removed.append((u.para, "web page boilerplate (the page's footer)" if role == "footer" else reason))
        return
    if role == "byline":
        names = byline_names(u.text, is_dated)
        if not page.head.authors or set(names) <= set(page.head.authors):
            page.bylines.append((names, u.para))
            return
        # Someone other than the author the head names: kept, reported.
        message = f"this line reads like a byline naming {', '.join(names)}, not the author above: kept as text"
        page.flags.append(Flag(codes.BYLINE_SUSPECT, message, u.line, u.para.end))
    if role == "heading":
        page.headings.add(u.para.start)
    if role == "suspect":
        page.flags.append(
            Flag(
                codes.BOILERPLATE_SUSPECT,
                f"kept as text, but this looks like the page's chrome: {u.text[:60]!r}",
                u.line,
                u.line,
            )
        )
    kept.append(u)


def _flag_runs(page: Page, roles: dict[int, str]) -> None:
    """The decisions on weak signals, each reported over the lines it took."""
    _flag_head(page)
    _flag_body(page, roles)
    _flag_comments(page)


def _flag_head(page: Page) -> None:
    """The title chosen below the site's header, and bylines that are a
    name alone."""
    units, head = page.units, page.head
    if head.title_unit > 0 or head.passed_over:
        last = units[head.subtitle_unit if head.subtitle_unit >= 0 else head.title_unit].para
        message = (
            f"the title is taken to be {units[head.title_unit].text[:60]!r} (line {units[head.title_unit].line}), "
            f"by where it stands; the {head.title_unit} line(s) above it are taken for the site's header"
        )
        page.flags.append(Flag(codes.TITLE_CHOSEN, message, units[0].line, last.end))
    for i in head.inferred:
        u = units[i]
        message = f"{u.text!r}, a name alone over a date or a Follow button, is taken for the byline"
        page.flags.append(Flag(codes.BYLINE_INFERRED, message, u.line, u.para.end))


def _flag_body(page: Page, roles: dict[int, str]) -> None:
    units = page.units
    context = sorted(i for i, r in roles.items() if r == "context")
    for run in _runs(context):
        first, last = units[run[0]].para, units[run[-1]].para
        page.flags.append(Flag(codes.BOILERPLATE_CONTEXT, _context_message(len(run)), first.start, last.end))
    for i in sorted(i for i, r in roles.items() if r == "sandwich"):
        message = (
            "a short sentence between lines of the page's chrome (a subscribe box's blurb) left out as chrome: check"
        )
        page.flags.append(Flag(codes.CHROME_TEXT_REMOVED, message, units[i].line, units[i].para.end))


def _flag_comments(page: Page) -> None:
    """Text under no commenter's name; comments whose authors come from a
    name over a date (no "says:", "said..." or "•" form names them)."""
    units, section = page.units, page.section
    if section is None:
        return
    for run in _runs(sorted(section.stray)):
        first, last = units[run[0]].para, units[run[-1]].para
        prose = any(is_prose(units[i]) for i in run)
        code = codes.CHROME_TEXT_REMOVED if prose else codes.BOILERPLATE_CONTEXT
        page.flags.append(Flag(code, _stray_message(prose), first.start, last.end))
    named = [c for c in section.comments if c.author]
    if section.inferred and named:
        message = (
            f"{len(named)} comment(s) with their authors taken from a name over a date "
            f'(the page names commenters in no "says:", "said..." or "•" form): check'
        )
        page.flags.append(
            Flag(codes.COMMENT_AUTHOR_INFERRED, message, units[section.start].line, named[-1].text[-1].end)
        )


def _runs(indexes: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for i in indexes:
        if out and out[-1][-1] == i - 1:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _context_message(n: int) -> str:
    lines = "a short line" if n == 1 else f"{n} short lines"
    return f"{lines} among the page's chrome (buttons, tags, related posts) left out as chrome: check"


def _stray_message(prose: bool) -> str:
    what = "text" if prose else "a short line"
    return f"{what} in the comment section under no commenter's name left out (a related post, a widget): check"
