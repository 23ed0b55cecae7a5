"""Readers' comments on a web page: where they begin, who wrote each, and
what each says.

The section opens with a heading ("3 thoughts on “TITLE”", "2 Responses
to", "4 comments:", "3 Comments", "Responses (2)", "Discussion about this
post", "Member discussion"), or, with none, is a numbered list of long
items ending the page. Each comment has a head naming its author, in the
form its platform uses — WordPress "NAME says:" or a numbered "1. NAME"
over a date, Blogger "NAME said...", Disqus "NAME • 3 years ago", or a
name over a date (Medium, Substack, Ghost, newer Blogger), with badges
("Author", an expertise line) — then its paragraphs, then action lines
(Reply, Like, Share, Delete, counts) that close it. Text with no head
before it belongs to no comment (a related post's excerpt after the
section) and is left out, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...lazyre import lazy_compile
from .chrome import META_LINE, READING_TIME
from .front import is_name
from .paragraphs import Para
from .unit import SENTENCE_END, Unit, footer_start, is_prose

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# "3 thoughts on “TITLE”", "2 Responses to ...", "One thought on ...",
# "4 comments:", "No comments:", "3 Comments", "No responses yet".
COUNTED_HEADER = lazy_compile(
    rf"^(?P<count>\d+|{'|'.join(_NUMBER_WORDS)})\s+(?:thoughts?|responses?|comments?|replies|reply|reactions?)"
    r"(?:\s+(?:on|to)\b.*|\s*:|\s+yet)?$",
    re.I,
)
# "Responses (2)", "Comments (12)".
LISTED_HEADER = lazy_compile(r"^(?:responses|comments|replies|discussion)\s*\((?P<count>\d+)\)$", re.I)
# Headings with no count: "Comments", "Discussion about this post",
# "Member discussion", "Readers' comments", "Join the conversation".
UNCOUNTED_HEADER = lazy_compile(
    r"^(?:(?:member|reader|readers['’]?)\s+)?(?:comments|responses|discussion)"
    r"(?:\s+about this (?:post|article|story|episode|issue))?$|^join the (?:conversation|discussion)\W*$",
    re.I,
)
# "  1. text": a numbered comment (WordPress's ordered list of comments).
NUMBERED = lazy_compile(r"^(?P<indent>\s{0,12})(?P<num>\d{1,3})[.)]\s+(?P<rest>\S.*)$", re.S)
# Comment heads with the author's name: "NAME says:", "NAME said...",
# "NAME wrote:" (WordPress, Blogger, forums).
SAYS = lazy_compile(r"^(?P<who>.+?)\s+(?:says|said|wrote)\s*(?::|\.{3}|…)$", re.I)
# "NAME on 3 May 2021 at 9:12 am said:": the date inside the head.
DATED_WHO = lazy_compile(r"^(?P<who>.+?)\s+(?:on|at)\s+(?P<when>.+)$", re.I)
# "NAME • 3 years ago", "Avatar NAME • 6 years ago", "NAME Mod → OTHER •
# 3 years ago" (Disqus: the first name is the author's, the second the one
# replied to).
BULLET = lazy_compile(r"^(?:avatar\s+)?(?P<who>.+?)\s+[•·]\s+(?P<when>.+)$", re.I)
REPLY_TO = lazy_compile(r"\s+(?:mod|moderator|admin)\b.*$|\s*[→>].*$|\s+replied to\s.*$", re.I)
# Badges beside a commenter's name: "Author", "Mod", "Admin", "Editor".
BADGE = lazy_compile(r"^(?:author|mod|moderator|admin|editor|staff|guest|subscriber|verified|writer|host|op)$", re.I)
# A numbered list read as comments needs items this long on average.
COMMENT_MIN_WORDS = 12
# A line under a commenter's name that is neither date nor badge (Ghost's
# "Amateur astronomer") is part of the head only when this short.
EXPERTISE_MAX_WORDS = 4


@dataclass
class CommentDraft:
    author: str
    text: list[Para] = field(default_factory=list)
    label: str = ""


@dataclass
class Section:
    start: int
    count: int | None = None
    # The line of the heading that announced ``count``.
    header: int | None = None
    comments: list[CommentDraft] = field(default_factory=list)
    removed: dict[int, str] = field(default_factory=dict)
    # Text units that belong to no comment (removed, with a warning).
    stray: list[int] = field(default_factory=list)
    # Whether the comments' heads are a name over a date (no explicit form).
    inferred: bool = False


def header_count(text: str) -> tuple[bool, int | None]:
    """Whether ``text`` heads a comment section, and the count it announces."""
    text = text.strip()
    m = COUNTED_HEADER.match(text) or LISTED_HEADER.match(text)
    if m and len(text) < 200:
        count = m.group("count").lower()
        return True, int(count) if count.isdigit() else _NUMBER_WORDS.index(count)
    return bool(UNCOUNTED_HEADER.match(text)), None


def find_section(units: list[Unit], body: int) -> int | None:
    """Where the comments begin: the first heading after the text began,
    or a numbered list of long items ending the page."""
    for i in range(body, len(units)):
        if header_count(units[i].text)[0]:
            return i
    for i in range(body, len(units)):
        if _starts_comment_list(units, i):
            return i
    return None


def _starts_comment_list(units: list[Unit], i: int) -> bool:
    u = units[i]
    if u.para.blank_before < 2 or not NUMBERED.match(u.para.lines[0]) or u.para.indent > 4:
        return False
    rest = [x for x in units[i:] if x.chrome is None]
    heads = [x for x in rest if x.para.indent <= 4 and NUMBERED.match(x.para.lines[0])]
    others = [x for x in rest if x not in heads]
    if len(heads) < 2 or any(x.para.indent < 2 for x in others):
        return False
    return sum(x.words for x in heads) / len(heads) >= COMMENT_MIN_WORDS


def is_comment_date(text: str) -> bool:
    return bool(META_LINE.match(text.strip())) and not READING_TIME.search(text)


def read_section(units: list[Unit], start: int) -> Section:
    section = Section(start)
    explicit = any(_explicit_head(u.text) for u in units[start:])
    section.inferred = not explicit
    reader = _Reader(units, section, explicit)
    reader.run()
    return section


@dataclass
class _Reader:
    units: list[Unit]
    section: Section
    explicit: bool
    current: CommentDraft | None = None
    open: bool = False
    footer_at: int = 0

    def run(self) -> None:
        i = self.section.start
        self.footer_at = footer_start(self.units, i, len(self.units))
        while i < len(self.units):
            i = self.step(i)
        self.section.comments = [c for c in self.section.comments if c.text]

    def step(self, i: int) -> int:
        u, sec = self.units[i], self.section
        if i >= self.footer_at:
            sec.removed[i] = "web page boilerplate (the page's footer)"
            return i + 1
        is_header, count = header_count(u.text)
        if is_header and not self.open:
            sec.removed[i] = "heading of the comment section (the edition sets its own)"
            if count is not None and sec.count is None:
                sec.count, sec.header = count, u.line
            return i + 1
        author = self.author(i)
        if author is not None:
            return self.head(i, author)
        if (m := NUMBERED.match(u.para.lines[0])) and len(m.group("indent")) <= 12:
            return self.numbered(i, m)
        if u.chrome is not None or BADGE.match(u.text):
            sec.removed[i] = u.chrome.reason if u.chrome else "a commenter's badge"
            if self.current is not None and self.current.text:
                self.open = False
            return i + 1
        return self.text(i)

    def author(self, i: int) -> str | None:
        """The author a comment head at ``i`` names, or None."""
        u = self.units[i]
        if self.explicit:
            return _explicit_head(u.text)
        if u.chrome is None and is_commenter(u.text) and not BADGE.match(u.text) and self.dated_below(i):
            return u.text
        return None

    def dated_below(self, i: int) -> bool:
        """A date right under a name, maybe after a badge or an expertise
        line (never after another name or a button)."""
        for u in self.units[i + 1 : i + 4]:
            if is_comment_date(u.text):
                return True
            if BADGE.match(u.text):
                continue
            if is_prose(u) or u.words > EXPERTISE_MAX_WORDS or is_name(u.text) or _button(u):
                return False
        return False

    def head(self, i: int, author: str) -> int:
        self.start(CommentDraft(author))
        self.section.removed[i] = "a comment's author and date (the author is kept with the comment)"
        return self.head_lines(i + 1)

    def head_lines(self, i: int) -> int:
        """Dates, badges and an expertise line under a commenter's name."""
        while i < len(self.units):
            u = self.units[i]
            short = u.words <= EXPERTISE_MAX_WORDS and not SENTENCE_END.search(u.text) and self.dated_below(i)
            if not (is_comment_date(u.text) or BADGE.match(u.text) or short or (u.chrome and not is_prose(u))):
                break
            self.section.removed[i] = "a comment's author and date (the author is kept with the comment)"
            i += 1
        return i

    def numbered(self, i: int, m: re.Match[str]) -> int:
        u = self.units[i]
        rest = " ".join([m.group("rest").strip(), *(ln.strip() for ln in u.para.lines[1:])])
        if is_commenter(rest) and i + 1 < len(self.units) and is_comment_date(self.units[i + 1].text):
            return self.head(i, rest)
        self.start(CommentDraft("", label=m.group("num")))
        assert self.current is not None
        self.current.text.append(Para((rest,), u.para.start, u.para.blank_before))
        return i + 1

    def text(self, i: int) -> int:
        u = self.units[i]
        if self.current is None or not self.open:
            if self.explicit or self.section.comments:
                self.section.stray.append(i)
                self.section.removed[i] = "text in the comment section that belongs to no comment"
                return i + 1
            self.start(CommentDraft(""))
        assert self.current is not None
        self.current.text.append(u.para)
        return i + 1

    def start(self, draft: CommentDraft) -> None:
        self.section.comments.append(draft)
        self.current, self.open = draft, True


def _button(u: Unit) -> bool:
    return u.chrome is not None and u.chrome.strong


def _explicit_head(text: str) -> str | None:
    """The author of a head in one of the explicit forms, or None. The form
    is the signal, so the name may be a handle ("mike_t says:"); a list
    number before it (WordPress's numbered comments) is no part of it."""
    text = _unnumbered(text)
    if m := SAYS.match(text):
        who = m.group("who")
        if (d := DATED_WHO.match(who)) and is_comment_date(d.group("when")):
            who = d.group("who")
    elif (m := BULLET.match(text)) and is_comment_date(m.group("when")):
        who = REPLY_TO.sub("", m.group("who"))
    else:
        return None
    who = who.strip()
    return who if is_commenter(who) else None


def _unnumbered(text: str) -> str:
    m = NUMBERED.match(text)
    return m.group("rest").strip() if m else text.strip()


# A commenter's handle: one word of letters, figures, dots, hyphens and
# underscores ("mike_t", "jdoe42", "@harbourwatch").
HANDLE = lazy_compile(r"^@?[^\W\d_][\w.-]{1,29}$")


def is_commenter(text: str) -> bool:
    """A name or a handle, as commenters sign."""
    return is_name(text) or bool(HANDLE.match(text))
