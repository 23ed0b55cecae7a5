"""A web page's head and chrome into the edition: the title, subtitle and
authors into the metadata, with the lines they came from; every line the
page's structure set apart (chrome, comment heads, headings of the
apparatus) into the removed lines; editorial lines whose link was lost
dropped or kept, as configured; the page's decisions on weak signals
reported."""

from __future__ import annotations

from dataclasses import dataclass, field

from ... import codes
from ...model import Credit, Position, Removed
from ...model.text import WORD
from ..context import ReadContext
from .front import find_credits
from .page import Page
from .paragraphs import Para


@dataclass
class Front:
    title: str = ""
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    credits: tuple[Credit, ...] = ()
    description: str = ""
    origins: list[Position] = field(default_factory=list)
    # The line of the page's title (the first chapter's position).
    title_line: int = 0


@dataclass
class WebFront:
    ctx: ReadContext
    removed: list[Removed]

    @property
    def file(self) -> str:
        return self.ctx.display

    def read(self, page: Page) -> tuple[Front, list[Para]]:
        """The metadata the page's head gives, and the paragraphs of its
        text (with the lost links kept, when configured)."""
        head = page.head
        front = Front(head.title, head.subtitle)
        if head.title_unit >= 0:
            front.title_line = page.units[head.title_unit].para.start
            subtitle = [i for i in head.removed if not head.removed[i]]
            front.origins += [self.pos(page.units[i].para) for i in subtitle]
        for i in head.bylines:
            self.byline(front, head.names[i], page.units[i].para)
        for names, p in page.bylines:
            self.byline(front, names, p)
        for p, reason in page.removed:
            self.remove(p, reason)
        text = list(page.text)
        for p in page.lost_links:
            if self.lost_link(p):
                text.append(p)
        text.sort(key=lambda p: p.start)
        for flag in page.flags:
            self.ctx.diagnostics.add(flag.code, flag.message, Position(self.file, flag.first, flag.last))
        credits(front, text[:2])
        return front, text

    def byline(self, front: Front, names: tuple[str, ...], p: Para) -> None:
        """A byline's authors go to the metadata and its line to their
        origins; a byline that says more than "by NAME" (a date, a time), or
        names no one new (the same byline again), is also listed as
        removed, since those words are in no field."""
        new = tuple(n for n in names if n not in front.authors)
        if not new:
            self.remove(p, "the byline again (its author is named above)")
            return
        front.authors = (*front.authors, *new)
        front.origins.append(self.pos(p))
        said = {w.lower() for a in new for w in WORD.findall(a)}
        if any(w.lower() not in said and w.lower() != "by" for w in WORD.findall(p.text)):
            self.remove(p, "byline: its author is in the metadata, the rest (a date, a time) is left out")

    def lost_link(self, p: Para) -> bool:
        """Reports an editorial line whose link was lost; whether it is kept."""
        kept = self.ctx.options.lost_links == "keep"
        self.ctx.diagnostics.add(
            codes.LINK_LOST,
            "this line pointed to a link that was lost when the page was copied; "
            + ("it is kept as text" if kept else 'it is left out (set reader.lost_links = "keep" to keep it)'),
            self.pos(p),
        )
        if not kept:
            self.remove(p, "editorial line whose link was lost in copying")
        return kept

    def pos(self, p: Para) -> Position:
        return Position(self.file, p.start, p.end)

    def remove(self, p: Para, reason: str) -> None:
        self.removed.append(Removed(self.pos(p), reason, "\n".join(p.lines)))


def credits(front: Front, paras: list[Para]) -> None:
    """Credits named in a description paragraph near the top."""
    for p in paras:
        found = find_credits(p.text)
        if found:
            front.credits = found
            front.description = p.text
            if not front.authors:
                front.authors = tuple(c.name for c in found if c.role == "author")[:3]
            return
