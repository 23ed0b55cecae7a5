"""Paragraph-level line breaking: Knuth and Plass's total fit.

WeasyPrint breaks lines one at a time, each as full as it can be: a long
word that does not fit leaves its line wide open. This module chooses all
the breaks of a paragraph together, minimising the sum of every line's
demerits (D. E. Knuth and M. F. Plass, "Breaking Paragraphs into Lines",
Software: Practice and Experience 11, 1981), as TeX does.

A paragraph is a sequence of runs of text, each in one font, as the engine
will shape them (``Run``); ``plan`` measures them through a function of the
engine's (``Measure``, so the widths are the shaped widths of the embedded
font), chooses the breaks, and returns each run's text rewritten so that a
greedy breaker can only break there:

- a space where no line ends becomes a no-break space (U+00A0), which
  WeasyPrint stretches like a space when it justifies a line;
- a word hyphenated at a line's end gets a soft hyphen (U+00AD) at the break,
  which the engine sets as its hyphenate character there and nowhere else.

WeasyPrint only stretches spaces to justify a line, never shrinks them.
So every line but the last is set with spaces narrower by ``SHRINK`` of
their width (the text before the last line, ``Breaks.pieces``, in the
narrow twin of its face, ``fonts.narrow_twins``, or with CSS
``word-spacing`` for a face without one; a run's ``narrow`` font gives
what its spaces shrink by), and the last, which is not justified, with
the face's own: justification then stretches each full line to the measure, so a line
may come out up to that much tighter than the face's space, as TeX's glue
shrinks. A line is judged by how far its spaces stretch or shrink: by
``STRETCH`` of a space's width is a ratio of 1, by ``SHRINK`` a ratio of -1,
each badness 100 (TeX's measure, 100 |r|³), the edge of what an editor
accepts. Three passes, as in TeX: without hyphenation, then with it, each
within ``TOLERANCE``; and when no breaks keep every line within it (a line
of few spaces before a word that cannot be hyphenated), the least bad
breaks. Never more than ``MAX_HYPHEN_RUN`` hyphenated lines in a row.

The engine may also break after a hyphen or a dash of the text itself.
Those opportunities are kept, so a greedy breaker given the rewritten text
breaks at a planned break only if the text up to the next such opportunity
does not fit on the line: a break where it would is not a candidate.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import pyphen

Measure = Callable[[str, Hashable], float]  # (text, font key) -> its shaped width

NBSP = "\u00a0"
SOFT_HYPHEN = "\u00ad"
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character: its width is a hyphenated line's extra

# A space stretches by its own width (the 0.2 em of EB Garamond's space to
# 0.4 em) and shrinks by a third of it, as Computer Modern's space does in
# TeX (3.33 pt, shrinking by 1.11 pt), each at badness 100.
STRETCH = 1.0
SHRINK = 0.33
TOLERANCE = 99  # the worst badness a line may have in the first two passes (ratio 0.997)
MARGIN = 0.05  # px: a planned line is this much shorter than the measure, rounding aside
LINE_PENALTY = 10  # TeX's \linepenalty: fewer lines are better
HYPHEN_PENALTY = 200  # TeX's \hyphenpenalty
EXPLICIT_PENALTY = 50  # TeX's \exhyphenpenalty: a break after a hyphen or dash of the text
DOUBLE_HYPHEN_DEMERITS = 10000  # TeX's \doublehyphendemerits
FINAL_HYPHEN_DEMERITS = 5000  # TeX's \finalhyphendemerits: the last full line hyphenated
ADJACENT_DEMERITS = 10000  # TeX's \adjdemerits: lines of fitness classes two apart
MAX_HYPHEN_RUN = 2  # hyphenated lines in a row, at most
AWFUL = 10000  # badness of a line that cannot stretch enough (TeX's "awful_bad")

# A word the breaker may hyphenate: letters only (an apostrophe, a digit or
# a mark ends it), as pyphen's patterns know words.
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of a paragraph's inline content, in reading order: ``text`` in
    one font (``font``: the key ``Measure`` takes), or a fixed ``width`` with
    no text (an inline element's margin, border and padding). ``lang`` is the
    pyphen language to hyphenate with ("" for none)."""

    text: str = ""
    font: Hashable = None
    lang: str = ""
    width: float = 0.0
    narrow: Hashable = None  # the font its lines but the last are set in, with narrower spaces (None: ``SHRINK``)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph to break: its runs, the width of its first line (less a
    text indent) and of the others, and where the engine may break: indices
    into the runs' texts joined, before which a line may begin. ``limits``:
    the shortest word hyphenated and the fewest letters left before and after
    the break (CSS ``hyphenate-limit-chars``)."""

    runs: tuple[Run, ...]
    first_width: float
    width: float
    opportunities: frozenset[int]
    limits: tuple[int, int, int] = (6, 3, 3)


@dataclass(slots=True)
class _Item:
    """One item of Knuth and Plass's model: a box (``kind`` "box"), glue
    ("glue": a space; ``breakable`` unless it is a no-break space) or a
    penalty ("penalty": a possible break, ``flagged`` when it hyphenates).
    ``at``: the run and the index in its text the item stands for."""

    kind: str
    width: float = 0.0
    stretch: float = 0.0
    shrink: float = 0.0
    penalty: float = 0.0
    flagged: bool = False
    breakable: bool = False
    at: tuple[int, int] = (0, 0)


@dataclass(slots=True)
class _Node:
    """A feasible break, and the best way found to reach it."""

    index: int  # of the item broken at (-1: the paragraph's start)
    fitness: int
    run: int  # hyphenated lines in a row ending here
    demerits: float
    width: float  # sums of the items before the line that follows starts
    stretch: float
    shrink: float
    previous: _Node | None = field(default=None, repr=False)
    line: int = 0


@dataclass(frozen=True, slots=True)
class Breaks:
    """A paragraph's chosen breaks, as its runs' texts rewritten (``texts``),
    and where the narrower spaces end (``_last_line``: before the first
    space of the last line): ``last`` is (run, index in the run's original
    text); the text before it is set with its spaces narrower by ``SHRINK``
    of their width, the rest (the last line's spaces) with the face's own.
    ``starts``: for each run, the indices in its rewritten text where a
    line after a chosen break begins; ``held``: for each of those, whether
    a greedy breaker given the rewritten text stops at that break for
    certain, the next chosen break too far to reach (``_held``)."""

    texts: tuple[str, ...]
    last: tuple[int, int]
    starts: tuple[tuple[int, ...], ...]
    held: tuple[tuple[bool, ...], ...]

    def pieces(self, r: int, original: str) -> tuple[tuple[str, bool], ...]:
        """Run ``r``'s rewritten text cut where the narrower spaces end
        (``last``): each piece, and whether it is set with narrower spaces."""
        run, at = self.last
        text = self.texts[r]
        if r != run or at <= 0:
            return ((text, r < run),)
        cut = _index_map(original, text)[at]
        return ((text[:cut], True), (text[cut:], False))


def plan(paragraph: Paragraph, measure: Measure) -> Breaks | None:
    """The best breaks found for ``paragraph``, or None when it has no break
    to make (it fits on one line) or no breaks keep every line within the
    measure (a word wider than the line)."""
    items, words = _items(paragraph, measure)
    model = _Model.of(items)
    nodes = _breaks(model, paragraph, TOLERANCE)
    if nodes is None:
        model = _Model.of(_hyphenated(paragraph, items, words, measure))
        nodes = _breaks(model, paragraph, TOLERANCE) or _breaks(model, paragraph, float("inf"))
    if not nodes or len(nodes) < 2:
        return None
    items = model.items
    chosen = {n.index for n in nodes}
    texts = _rewrite(paragraph, items, chosen)
    last = _last_line(items, nodes[-2].index, len(paragraph.runs))
    starts = _starts(paragraph, items, nodes[:-1], texts)
    return Breaks(texts, last, starts, _by_run(items, nodes[:-1], len(texts), _held(paragraph, model, nodes)))


def _held(paragraph: Paragraph, model: _Model, nodes: Sequence[_Node]) -> list[bool]:
    """For each chosen break but the paragraph's end, whether a greedy
    breaker stops there for certain. The breaks were chosen so that the
    text up to the next opportunity the rewritten text keeps of its own (a
    hyphen or dash of the text, the paragraph's end: ``_Model.reach``) does
    not fit; but the next chosen break is an opportunity too, and on a
    narrow measure the line after may be short enough to join this one,
    set tight, within ``2 * MARGIN`` of the measure. Such a break is not
    held: the engine decides it."""
    items, widths, shrinks, after = model.items, model.widths, model.shrinks, model.after
    held = []
    for k in range(len(nodes) - 1):
        begin = after[nodes[k - 1].index] if k else 0
        nxt = nodes[k + 1].index
        measure = (paragraph.first_width if k == 0 else paragraph.width) - MARGIN
        extra = items[nxt].width if items[nxt].kind == "penalty" else 0.0
        tight = (widths[nxt] - widths[begin]) - (shrinks[nxt] - shrinks[begin]) + extra
        held.append(tight > measure + 2 * MARGIN)
    return held


def _by_run(
    items: Sequence[_Item], nodes: Sequence[_Node], runs: int, flags: Sequence[bool]
) -> tuple[tuple[bool, ...], ...]:
    """``flags`` (one per node) grouped by the run each node breaks in, as
    ``_starts`` groups the line starts."""
    out: list[list[bool]] = [[] for _ in range(runs)]
    for node, flag in zip(nodes, flags, strict=True):
        r = items[node.index].at[0]
        if r < runs:
            out[r].append(flag)
    return tuple(tuple(f) for f in out)


def _starts(
    paragraph: Paragraph, items: Sequence[_Item], nodes: Sequence[_Node], texts: Sequence[str]
) -> tuple[tuple[int, ...], ...]:
    """Where each line after one of ``nodes`` begins, by run, as an index in
    the run's rewritten text: after the space broken at, or after the soft
    hyphen written at a hyphenation (before the character broken before,
    at a break after a hyphen or dash of the text)."""
    starts: list[list[int]] = [[] for _ in paragraph.runs]
    maps: dict[int, list[int]] = {}
    for node in nodes:
        item = items[node.index]
        r, at = item.at
        if r >= len(texts):
            continue
        if r not in maps:
            maps[r] = _index_map(paragraph.runs[r].text, texts[r])
        j = maps[r][at]
        starts[r].append(j + 1 if item.kind == "glue" or item.flagged else j)
    return tuple(tuple(s) for s in starts)


def _last_line(items: Sequence[_Item], b: int, runs: int) -> tuple[int, int]:
    """Where the narrower spaces end, the last line breaking at item ``b``:
    before the first space of the last line, a no-break space, so that the
    last line keeps the face's spaces, all of them (or at the paragraph's
    end when the last line has none). Not where the last line begins: cut
    there, the text would give the engine a break between two text boxes,
    where it sets no hyphen after a soft hyphen, and which it does not find
    when it has to come back to it (a box inside an inline element:
    WeasyPrint's ``can_break_inside`` looks inside each text box only). A
    word and the no-break space after it are no break (UAX #14)."""
    for item in items[b + 1 :]:
        if item.kind == "glue" and item.at[0] < runs:
            return item.at
    return runs, 0


def _index_map(original: str, text: str) -> list[int]:
    """For every index of ``original`` and its end, the index in ``text``
    (``original`` with soft hyphens added and spaces made no-break) it
    stands at."""
    if SOFT_HYPHEN not in original:
        # Every soft hyphen of ``text`` is an added one: index i of
        # ``original`` ends where its character i - 1 ends in ``text``.
        if len(text) == len(original):
            return list(range(len(original) + 1))
        return [0, *(j + 1 for j, c in enumerate(text) if c != SOFT_HYPHEN)]
    found, i, j = [0], 0, 0
    while i < len(original):
        if text[j] == SOFT_HYPHEN and original[i] != SOFT_HYPHEN:
            j += 1
            continue
        i += 1
        j += 1
        found.append(j)
    return found


# A space, a no-break space, or a word between them.
_TOKEN = re.compile(r" |\u00a0|[^ \u00a0]+")

# A word the second pass may hyphenate, as ``_items`` made it: where its
# items begin and end in the list, and what ``_word`` takes to make it again.
_Word = tuple[int, int, int, int, str, list[int]]  # first item, end, run, start in the run, text, breaks in it


def _items(paragraph: Paragraph, measure: Measure) -> tuple[list[_Item], list[_Word]]:
    """The paragraph as boxes, glue and penalties, with TeX's closing glue
    (infinitely stretchable) and forced break, no word hyphenated; and the
    words long enough to hyphenate, in a run of a language
    (``_hyphenated``)."""
    items: list[_Item] = []
    words: list[_Word] = []
    offset = 0
    inside = sorted(paragraph.opportunities)  # for those within a word
    shortest = paragraph.limits[0]
    for r, run in enumerate(paragraph.runs):
        if not run.text:
            items.append(_Item("box", run.width, at=(r, 0)))
            continue
        space = measure(" ", run.font)
        # A space is the face's: a justified line's spaces come out as wide
        # as its measure makes them, and are judged against the face's
        # space, whatever a no-break space of the face measures (EB
        # Garamond's italic draws it narrower: 182 units against 250). In a
        # line but the last a space is set as a no-break space of the
        # face's narrow twin (``fonts.narrow_twins``: the space narrowed),
        # and shrinks by what the twin takes off it; without a twin, by
        # SHRINK of it, as word spacing narrows it.
        shrink = space - measure(NBSP, run.narrow) if run.narrow is not None else space * SHRINK
        stretch = space * STRETCH
        for m in _TOKEN.finditer(run.text):
            start = m.start()
            word = m.group()
            if word == " " or word == NBSP:
                breakable = word == " " and offset + start + 1 in paragraph.opportunities
                items.append(_Item("glue", space, stretch, shrink, 0.0, False, breakable, (r, start)))
                continue
            lo = bisect.bisect_left(inside, offset + start)
            found = inside[lo : bisect.bisect_left(inside, offset + start + len(word), lo)]
            first = len(items)
            # A word with no break but the one before it, after a space
            # (the space's), is one box: what ``_word`` makes of it, without
            # its searches.
            within = [at - offset - start for at in found]
            if not found or (found == [offset + start] and (start > 0 or _after_space(paragraph, r, 0))):
                items.append(_Item("box", measure(word, run.font), 0.0, 0.0, 0.0, False, False, (r, start)))
            else:
                items.extend(_word(paragraph, run, r, start, word, within, measure, False))
            if run.lang and len(word) >= shortest:
                words.append((first, len(items), r, start, word, within))
        offset += len(run.text)
    items.append(_Item("glue", 0.0, float("inf"), at=(len(paragraph.runs), 0)))
    items.append(_Item("penalty", 0.0, penalty=-float("inf"), at=(len(paragraph.runs), 0)))
    return items, words


def _hyphenated(paragraph: Paragraph, items: list[_Item], words: Sequence[_Word], measure: Measure) -> list[_Item]:
    """``items`` with every word of ``words`` made again with the places
    pyphen may hyphenate it (a shorter word, or one in a run of no language,
    is made the same either way)."""
    out: list[_Item] = []
    done = 0
    for first, end, r, start, text, found in words:
        out += items[done:first]
        out += _word(paragraph, paragraph.runs[r], r, start, text, found, measure, True)
        done = end
    out += items[done:]
    return out


def _word(
    paragraph: Paragraph,
    run: Run,
    r: int,
    start: int,
    text: str,
    opportunities: Sequence[int],
    measure: Measure,
    hyphenate: bool,
) -> list[_Item]:
    """A word of a run (``text``, between spaces, at ``start``) as boxes,
    with a penalty where the engine may break inside it (``opportunities``:
    indices in ``text``; after a hyphen or dash of the text) and, when
    ``hyphenate``, where pyphen may hyphenate it."""
    cuts: dict[int, tuple[float, float, bool]] = {}  # index in text -> (width, penalty, flagged)
    for i in opportunities:
        # Not the break after a space (that is the space's), but one inside
        # the word or where it meets the run before it with no space.
        if i or not _after_space(paragraph, r, start):
            cuts[i] = (0.0, EXPLICIT_PENALTY, False)
    if hyphenate and run.lang:
        total, left, right = paragraph.limits
        hyphen = measure(HYPHEN, run.font)
        for m in _WORD.finditer(text):
            if len(m.group()) >= total:
                for p in _hyphen_points(run.lang, left, right, m.group()):
                    cuts.setdefault(m.start() + p, (hyphen, HYPHEN_PENALTY, True))
    items: list[_Item] = []
    last, last_width = 0, 0.0
    for i in sorted(cuts):
        width = measure(text[:i], run.font)
        items.append(_Item("box", width - last_width, at=(r, start + last)))
        w, penalty, flagged = cuts[i]
        items.append(_Item("penalty", w, penalty=penalty, flagged=flagged, at=(r, start + i)))
        last, last_width = i, width
    items.append(_Item("box", measure(text, run.font) - last_width, at=(r, start + last)))
    return items


def _after_space(paragraph: Paragraph, r: int, start: int) -> bool:
    """Whether the text before index ``start`` of run ``r`` ends with a space
    (or is the paragraph's start), through runs without text."""
    if start:
        return paragraph.runs[r].text[start - 1] in (" ", NBSP)
    for run in reversed(paragraph.runs[:r]):
        if run.text:
            return run.text[-1] in (" ", NBSP)
    return True


@lru_cache(maxsize=8192)
def _hyphen_points(lang: str, left: int, right: int, word: str) -> tuple[int, ...]:
    dictionary = _dictionary(lang, left, right)
    return tuple(dictionary.positions(word)) if dictionary else ()


@lru_cache(maxsize=16)
def _dictionary(lang: str, left: int, right: int) -> pyphen.Pyphen | None:
    """pyphen's patterns for a BCP 47 tag, as WeasyPrint finds them (None: none)."""
    found = pyphen.language_fallback(lang)
    return pyphen.Pyphen(lang=found, left=left, right=right) if found else None


def _breaks(model: _Model, paragraph: Paragraph, tolerance: float) -> list[_Node] | None:
    """The chosen breaks, first to last (the paragraph's end included), or
    None when no breaks keep every line within ``tolerance``.

    The loop runs once for each active node at each legal break: what
    depends on the break alone is read before it, and the active list is
    copied only when a node leaves it or joins it."""
    items, widths, stretches, shrinks = model.items, model.widths, model.stretches, model.shrinks
    after, reach = model.after, model.reach
    inf = float("inf")
    first, other = paragraph.first_width - MARGIN, paragraph.width - MARGIN
    # Each measure, to the planned width and to the edge a greedy breaker
    # goes to (as ``measure + MARGIN`` and ``measure + 2 * MARGIN`` are).
    full = {first: first + MARGIN, other: other + MARGIN}
    far = {first: first + 2 * MARGIN, other: other + 2 * MARGIN}
    capped = tolerance < inf
    # The active nodes, in the order they were found (the first of equal
    # demerits wins at the end), so from the longest line to the shortest.
    active: list[_Node] = [_Node(-1, 1, 0, 0.0, 0.0, 0.0, 0.0)]
    for b in model.legal:
        item = items[b]
        found: dict[tuple[int, int, int], _Node] = {}
        kept: list[_Node] | None = None  # the nodes kept, once one is dropped
        last = item.penalty == -inf
        extra = item.width if item.kind == "penalty" else 0.0
        flagged = item.flagged
        penalised = item.penalty > 0
        w, st, sh, ahead = widths[b], stretches[b], shrinks[b], reach[b]
        for i, node in enumerate(active):
            measure = first if node.line == 0 else other
            natural = w - node.width
            shrink = sh - node.shrink
            tightest = natural - shrink  # as set, spaces narrower by SHRINK
            if tightest > measure:
                # Dropped: every later break makes this line longer still.
                if kept is None:
                    kept = active[:i]
                continue
            if kept is not None:
                kept.append(node)
            width = natural + extra
            if last and natural > measure:
                continue  # the last line is set with the face's own spaces
            if width - shrink > measure:
                continue
            if not last and tightest + ahead <= far[measure]:
                continue  # a greedy breaker would go on to the next opportunity
            # How far the line's spaces stretch (> 0) or shrink (< 0) to fill
            # it, in their stretch or shrink: TeX's glue set ratio.
            slack = full[measure] - width
            if slack >= 0:
                stretch = st - node.stretch
                ratio = slack / stretch if stretch > 0 else (inf if slack > 1e-6 else 0.0)
            else:
                ratio = slack / shrink if shrink > 0 else -inf
            if last:
                badness = 0.0
            else:
                # TeX's badness: 100 times the cube of the ratio, capped at
                # ``AWFUL`` within a finite tolerance; in the last resort,
                # uncapped, so a very loose line is worse than a loose one.
                badness = 100 * abs(ratio) ** 3 if abs(ratio) != inf else AWFUL * AWFUL
                if capped and badness >= AWFUL:
                    badness = AWFUL
            if badness > tolerance:
                if ratio > 0:
                    # Too loose: so is every line from a later node (less
                    # text, fewer spaces, a measure as wide), kept for later.
                    if kept is not None:
                        kept.extend(active[i + 1 :])
                    break
                continue
            run = node.run + 1 if flagged else 0
            if run > MAX_HYPHEN_RUN:
                continue
            fitness = 0 if ratio < -0.5 else 1 if badness <= 12 else 2 if badness <= 100 else 3  # TeX's classes
            # TeX's demerits: the line's badness and penalty, and the
            # hyphenated lines and fitness classes next to each other.
            demerits = (LINE_PENALTY + badness) ** 2
            if penalised:
                demerits += item.penalty**2
            if flagged and node.run:
                demerits += DOUBLE_HYPHEN_DEMERITS
            if last and node.run:
                demerits += FINAL_HYPHEN_DEMERITS
            if abs(fitness - node.fitness) > 1:
                demerits += ADJACENT_DEMERITS
            demerits = node.demerits + demerits
            new = (b, fitness, run)
            if new not in found or found[new].demerits > demerits:
                start = after[b]
                found[new] = _Node(
                    b, fitness, run, demerits, widths[start], stretches[start], shrinks[start], node, node.line + 1
                )
        if kept is None:
            kept = active
        active = kept + list(found.values()) if found else kept
        if not active:
            return None
    ends = [n for n in active if n.index == len(items) - 1]
    if not ends:
        return None
    best: _Node | None = min(ends, key=lambda n: (n.demerits, n.line))
    chosen = []
    while best is not None and best.index >= 0:
        chosen.append(best)
        best = best.previous
    return chosen[::-1]


@dataclass(slots=True)
class _Model:
    """A paragraph's items and what the breaker reads of them, made once:
    the widths, stretches and shrinks of the items before each one; for
    each item, the first box after it (``after``: where a line that follows
    a break there begins, the spaces and penalties at a break dropped);
    where a line may end (``legal``: a breakable space after a box, or a
    penalty that is not infinite); and ``reach``: for each break, the width
    a line set tight would gain by going on to the next opportunity the
    rewritten text keeps (a break after a hyphen or dash of the text, or
    the paragraph's end): a planned break holds only if that much does not
    fit."""

    items: list[_Item]
    widths: list[float]
    stretches: list[float]
    shrinks: list[float]
    after: list[int]
    legal: list[int]
    reach: list[float]

    @classmethod
    def of(cls, items: list[_Item]) -> _Model:
        n = len(items)
        widths, stretches, shrinks, legal = [0.0] * n, [0.0] * n, [0.0] * n, []
        w = st = sh = 0.0
        previous = ""
        for i, item in enumerate(items):
            widths[i], stretches[i], shrinks[i] = w, st, sh
            kind = item.kind
            if kind == "penalty":
                legal.append(i)
            else:
                if kind == "glue" and item.breakable and previous == "box":
                    legal.append(i)
                w, st, sh = w + item.width, st + item.stretch, sh + item.shrink
            previous = kind
        after, reach = [n] * n, [float("inf")] * n
        box = nxt = n - 1
        for i in range(n - 1, -1, -1):
            after[i] = box
            item = items[i]
            if item.kind == "box":
                box = i
            if i < n - 1:
                reach[i] = (widths[nxt] - widths[i]) - (shrinks[nxt] - shrinks[i])
                if item.kind == "penalty" and not item.flagged:
                    nxt = i
        return cls(items, widths, stretches, shrinks, after, legal, reach)


def _rewrite(paragraph: Paragraph, items: Sequence[_Item], chosen: set[int]) -> tuple[str, ...]:
    """Each run's text with a no-break space for every space not broken at
    and a soft hyphen at every hyphenation chosen."""
    texts = [list(run.text) for run in paragraph.runs]
    for i, item in enumerate(items):
        r, at = item.at
        if r >= len(texts):
            continue
        if item.kind == "glue" and item.breakable and i not in chosen:
            texts[r][at] = NBSP
        elif item.kind == "penalty" and item.flagged and i in chosen:
            texts[r][at - 1] += SOFT_HYPHEN
    return tuple("".join(t) for t in texts)
