"""What surrounds a text rather than being it: web boilerplate and the
Project Gutenberg header and licence.

Boilerplate is removed and listed in the report; the Gutenberg apparatus is
kept apart as a rights/source note (it is the licence the text travels
under), never mixed into the author's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...lazyre import lazy_compile
from .paragraphs import Para

# "*** START OF THIS PROJECT GUTENBERG EBOOK ..." (also "THE", "***START",
# and the marker wrapped over two lines, which one paragraph holds).
GUTENBERG_START = lazy_compile(r"^\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG", re.I)
# The matching end marker.
GUTENBERG_END = lazy_compile(r"^\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG", re.I)
# "End of (the) Project Gutenberg('s) EBook of ...": the line just before the
# end marker, part of the trailer.
GUTENBERG_END_LINE = lazy_compile(r"^End of (?:the )?Project Gutenberg", re.I)
# Credits of the digitisers right after the start marker ("Produced by ...",
# "E-text prepared by ...").
GUTENBERG_CREDIT = lazy_compile(r"^(?:Produced by|E-?text prepared by|Transcribed by)\b", re.I)
# "Title: ...", "Author: ...", "Translator: ..." fields of the header.
GUTENBERG_FIELD = lazy_compile(r"^(Title|Author|Translator|Editor|Language|Release Date):\s*(.+)$")

# A framed box of a Gutenberg transcriber: a rule of "+" and dashes above
# and below, "|" at both ends of every line between.
BOX_RULE = lazy_compile(r"^\s*\+-{3,}\+\s*$")
BOX_LINE = lazy_compile(r"^\s*\|.*\|\s*$")
# The first line inside such a box when it is the transcriber's, not the
# author's: "Transcriber's Note(s)", "Typographical errors corrected",
# "Errata", "Corrections".
TRANSCRIBER_BOX_HEAD = lazy_compile(
    r"^\s*\|\s*(?:Transcriber'?s'? notes?|Typographical errors|Errata|Corrections)\b", re.I
)
# "*   *   *" rows that frame such a box in the source.
ASTERISK_ROW = lazy_compile(r"^\s*(?:\*\s*){3,}$")

# Lines of web pages that are interface, not text: comment forms, log-in
# prompts, account lines, share and like widgets, WordPress placeholders
# (`Connecting to %s`, `%d bloggers like this:` are unfilled format strings).
STRONG_BOILERPLATE = [
    lazy_compile(p, re.I)
    for p in (
        r"^Leave a (?:Reply|Comment)\b.{0,40}$",
        r"^Fill in your details below or click an icon to log in:?$",
        r"^You are commenting using your .{1,40} account\.",
        r"^Connecting to %s$",
        r"^%d bloggers? like this:?$",
        r"^Notify me of (?:new|follow-up) (?:comments|posts)\b",
        r"^(?:Post Comment|Cancel reply|Loading\.\.\.|Like this:|Share this:|Related|Reblog|Subscribe|Comments are closed\.?)$",
        r"^(?:Email|Name|Website) \((?:required|Address never made public)\)",
        r"^Click to (?:share|email|print) ",
        r"^(?:Log ?in|Log ?out|Sign in|Sign up|Register) to (?:comment|reply)\b",
        r"^Follow(?: \w+)? via Email\b",
        r"^Enter your email address to ",
        r"^Create a free website or blog at ",
        r"^Blog at \S+\.$",
        r"^Like Loading\.\.\.$",
        r"^Reply$",
    )
]
# Captions of the log-in provider buttons ("Google photo", "Twitter
# picture", "WordPress.com Logo"): boilerplate only next to strong lines,
# since a caption like this could be text elsewhere.
WEAK_BOILERPLATE = lazy_compile(r"^[\w.]+(?: [\w.]+)? (?:Logo|photo|picture|icon|avatar)$", re.I)


@dataclass(frozen=True, slots=True)
class GutenbergParts:
    header: list[Para]
    body: list[Para]
    trailer: list[Para]
    fields: dict[str, str]


def split_gutenberg(paras: list[Para]) -> GutenbergParts | None:
    """Header, body and trailer of a Project Gutenberg text, or None."""
    start = next((i for i, p in enumerate(paras) if GUTENBERG_START.match(p.text)), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(paras)) if GUTENBERG_END.match(paras[i].text)), len(paras))
    head_end = start + 1
    while head_end < len(paras) and GUTENBERG_CREDIT.match(paras[head_end].text):
        head_end += 1
    tail_start = end
    if end > head_end and GUTENBERG_END_LINE.match(paras[end - 1].text):
        tail_start = end - 1
    fields = _gutenberg_fields(paras[:start])
    return GutenbergParts(paras[:head_end], paras[head_end:tail_start], paras[tail_start:], fields)


def _gutenberg_fields(header: list[Para]) -> dict[str, str]:
    """Header fields; a field's continuation lines go to "<Field>+" (a
    title's second line is its subtitle)."""
    fields: dict[str, str] = {}
    for p in header:
        m = GUTENBERG_FIELD.match(p.lines[0].strip())
        if m and m.group(1) not in fields:
            fields[m.group(1)] = m.group(2).strip()
            more = " ".join(ln.strip() for ln in p.lines[1:])
            if more:
                fields[m.group(1) + "+"] = more
    return fields


def is_transcriber_box(p: Para) -> bool:
    """A paragraph that is one framed box whose first line says it is the
    transcriber's note or list of corrections."""
    lines = p.lines
    return (
        len(lines) >= 3
        and bool(BOX_RULE.match(lines[0]))
        and bool(BOX_RULE.match(lines[-1]))
        and all(BOX_LINE.match(ln) for ln in lines[1:-1])
        and bool(TRANSCRIBER_BOX_HEAD.match(lines[1]))
    )


def find_transcriber_notes(paras: list[Para]) -> set[int]:
    """Indexes of the transcriber's boxes of a Gutenberg body and of the
    asterisk rows right before and after each (they frame the box)."""
    found: set[int] = set()
    for i, p in enumerate(paras):
        if is_transcriber_box(p):
            found.add(i)
            found.update(
                j
                for j in (i - 1, i + 1)
                if 0 <= j < len(paras) and all(ASTERISK_ROW.match(ln) for ln in paras[j].lines)
            )
    return found


def is_strong_boilerplate(text: str) -> bool:
    return any(p.search(text) for p in STRONG_BOILERPLATE)


def find_boilerplate(paras: list[Para]) -> set[int]:
    """Indexes of boilerplate paragraphs.

    Strong lines are boilerplate anywhere; weak ones only when a neighbour
    paragraph is boilerplate too, repeated until nothing changes, so a run of
    widget captions between form lines goes as one.
    """
    marked = {i for i, p in enumerate(paras) if is_strong_boilerplate(p.text)}
    changed = True
    while changed:
        changed = False
        for i, p in enumerate(paras):
            if i in marked or not WEAK_BOILERPLATE.match(p.text):
                continue
            if i - 1 in marked or i + 1 in marked:
                marked.add(i)
                changed = True
    return marked
