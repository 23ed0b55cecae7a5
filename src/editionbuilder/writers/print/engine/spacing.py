"""Even word spacing: each justified paragraph's breaks chosen as a whole
(Knuth–Plass, ``linebreak``) and handed to WeasyPrint's line layout."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import weasyprint
from weasyprint.formatting_structure import boxes as wboxes
from weasyprint.layout import block as wblock
from weasyprint.layout import inline as winline
from weasyprint.layout.percent import resolve_one_percentage
from weasyprint.text import line_break as wlines

from .. import linebreak

# --------------------------------------------------------------------------
# Even word spacing: each justified paragraph's breaks chosen as a whole
# --------------------------------------------------------------------------

# WeasyPrint breaks lines greedily (layout/inline.py). While a document is
# laid out, ``_even_spacing`` wraps the function that lays out the lines of
# a block (``iter_line_boxes``, as layout/block.py calls it): before the
# first line of a justified paragraph, its text boxes are measured with
# WeasyPrint's own shaping (Pango over HarfBuzz, the embedded faces), the
# breaks chosen by ``linebreak.plan`` and written into the boxes (no-break
# spaces, soft hyphens, and the text before the last line cut into a box of
# its own set in the narrow twin of its face, ``fonts.narrow_twins``, or
# with narrower word spacing for a face without one), so the greedy breaker
# finds no other break and lays out the chosen lines. Only the boxes change:
# the HTML and the EPUB are untouched. The internals it relies on are
# WeasyPrint 70's; with another major version the paragraphs are broken
# greedily, as before.
PLANNED_ENGINE = weasyprint.__version__.split(".")[0] == "70"  # the WeasyPrint these hooks are written for


class _Unplannable(Exception):
    """Inline content the breaker does not model (an inline block, an image,
    a preserved line break, text that does not wrap): broken greedily."""


@dataclass
class Measures:
    """What the breaker learnt from the documents laid out with one font
    configuration (a book's parts, and their layouts again): the shaped
    widths of text by font, and each paragraph's breaks by what they were
    chosen from (its runs, widths, limits and language). Widths and breaks
    depend on nothing else, so a paragraph laid out again at a width it had
    is neither measured nor broken again."""

    widths: dict[tuple[str, str], float] = field(default_factory=dict)
    plans: dict[tuple, linebreak.Breaks | None] = field(default_factory=dict)
    # How far into each log of what a pool's workers learnt (``sharing``,
    # by the log's own name) these have read.
    offsets: dict[bytes, int] = field(default_factory=dict)

    def mark(self) -> tuple[int, int]:
        """Where what is learnt from now on begins (``since``)."""
        return len(self.widths), len(self.plans)

    def since(self, mark: tuple[int, int]) -> tuple[dict, dict]:
        """The widths and plans learnt since ``mark``: a dict keeps its keys
        in the order they came, and none is ever taken out."""
        w, p = mark
        return dict(islice(self.widths.items(), w, None)), dict(islice(self.plans.items(), p, None))

    def take(self, widths: Mapping, plans: Mapping) -> None:
        """Widths and plans learnt elsewhere with the same fonts (the same
        text at the same width gives the same, wherever it is worked out)."""
        for key, width in widths.items():
            self.widths.setdefault(key, width)
        for key, breaks in plans.items():
            self.plans.setdefault(key, breaks)


@dataclass
class _Paragraphs:
    """One document's planned paragraphs, by their line box's id."""

    shaper: _Shaper
    plans: dict[tuple, linebreak.Breaks | None]
    greedy: frozenset[tuple[str, str]] = frozenset()  # paragraphs broken greedily (``text_key``)
    narrow: dict[str, str] = field(default_factory=dict)  # ``even_spacing``
    done: dict[int, _Planned] = field(default_factory=dict)
    starts: dict[int, _Lines] = field(default_factory=dict)  # ``_Planned.starts``


class _Shaper:
    """Widths of text in a box's style, shaped by Pango as WeasyPrint shapes
    it (``Measure`` of ``linebreak``); fonts are keyed by their style."""

    def __init__(self, widths: dict[tuple[str, str], float]) -> None:
        self.styles: dict[str, object] = {}
        self.widths = widths
        self.context: object = None
        # One Pango layout per font, given each new text: setting a layout up
        # (a Pango context, the font description, the features) costs more
        # than shaping a word. Only for a style whose ``set_text`` adds no
        # attributes, which a layout given a new text would keep.
        self.layouts: dict[str, Any] = {}

    def font(self, style) -> str:
        # WeasyPrint's key of a font, and what else its layouts read of the
        # style that changes a width: the spacing, kerning (an OpenType
        # feature) and direction.
        key = wlines._font_style_cache_key(style, include_size=True) + repr(
            (style["letter_spacing"], style["word_spacing"], style["font_kerning"], style["direction"])
        )
        self.styles.setdefault(key, style)
        return key

    def __call__(self, text: str, font) -> float:
        width = self.widths.get((font, text))
        if width is None:
            style = self.styles[font]
            layout = self.layouts.get(font)
            if layout is not None:
                layout.set_text(text)
            else:
                layout = wlines.create_layout(text, style, self.context, None, 0)
                if _reusable(style):
                    self.layouts[font] = layout
            line, _ = layout.get_first_line()
            width = self.widths[(font, text)] = wlines.line_size(line, style)[0]
            if self.layouts.get(font) is not layout:
                layout.deactivate()
        return width


def _reusable(style) -> bool:
    """Whether a layout in ``style`` may be given another text: WeasyPrint's
    ``Layout.set_text`` adds attributes for word and letter spacing and for
    words broken anywhere, which would stay on the layout."""
    return (
        not style["word_spacing"]
        and style["letter_spacing"] in ("normal", 0)
        and style["overflow_wrap"] not in ("anywhere", "break-word")
    )


@contextmanager
def even_spacing(
    greedy: frozenset[tuple[str, str]] = frozenset(),
    orphans: Mapping[tuple[str, str], int] | None = None,
    measures: Measures | None = None,
    keep_notes: bool = False,
    narrow: Mapping[str, str] | None = None,
) -> Iterator[None]:
    """Lay out justified paragraphs with ``linebreak``'s breaks (above), but
    for the paragraphs of ``greedy`` (``text_key``). ``orphans``: paragraphs
    (``text_key``) given more CSS orphans than the stylesheet's, the lines
    they must have before a page break (set through the same hook: under
    another major version of WeasyPrint, neither is applied). ``measures``:
    the widths and breaks found before with the same font configuration
    (filled here). ``keep_notes``: a paragraph whose opening lines end a
    page with notes goes to the next page rather than the notes
    (``_notes_kept``). ``narrow``: the family of each family's narrow twin
    (``fonts.narrow_twins``), which the lines before a paragraph's last are
    set in; a text in a family without one is set with narrower word
    spacing instead."""
    original = wblock.iter_line_boxes
    if not PLANNED_ENGINE:
        yield
        return
    measures = measures if measures is not None else Measures()
    state = _Paragraphs(_Shaper(measures.widths), measures.plans, greedy, dict(narrow or {}))
    raised = dict(orphans or {})

    def iter_line_boxes(context, box, position_y, bottom_space, skip_stack, containing_block, *args):
        if raised:
            # ``containing_block`` is the paragraph whose lines these are:
            # block.py's ``_linebox_layout`` reads its orphans after this call.
            wanted = raised.get(text_key(getattr(containing_block, "element", None)))
            if wanted is not None and containing_block.style["orphans"] < wanted:
                _set_orphans(containing_block, wanted)
        if skip_stack is None:
            state.shaper.context = context
            _plan(state, box, containing_block)
        lines = original(context, box, position_y, bottom_space, skip_stack, containing_block, *args)
        return _notes_kept(context, lines, bottom_space, containing_block) if keep_notes else lines

    line_end: list[tuple[int, bool] | None] = [None]  # a planned line's end, for the next ``split_first_line``

    def split_text_box(context, box, available_width, skip, is_line_start=True):
        # A planned box is handed over cut after its next lines (see
        # ``_shortened``), and a planned line found at once (``_first_line``).
        if available_width is not None:
            lines = state.starts.get(id(box))
            short = _shortened(lines, box, skip or 0) if lines is not None else None
            if lines is not None and short is not None:
                line_end[0] = _planned_end(lines, box, skip or 0, available_width)
                at_once = line_end[0] is not None
                try:
                    found = original_split(context, short, available_width, skip, is_line_start)
                finally:
                    line_end[0] = None
                if VERIFY_LINES and at_once:
                    _same_split(found, greedy_split(context, box, short, available_width, skip, is_line_start))
                if found[1] is not None:
                    return found
        return original_split(context, box, available_width, skip, is_line_start)

    def greedy_split(context, box, short, available_width, skip, is_line_start):
        """What the layout gives without a line found at once: WeasyPrint's
        line of the cut box, or of the whole box when the cut one fits."""
        found = original_split(context, short, available_width, skip, is_line_start)
        return found if found[1] is not None else original_split(context, box, available_width, skip, is_line_start)

    def split_first_line(text, style, context, max_width, justification_spacing, *args, **kwargs):
        end, line_end[0] = line_end[0], None
        found = _first_line(text, style, context, max_width, justification_spacing, end) if end is not None else None
        if found is None:
            return original_first_line(text, style, context, max_width, justification_spacing, *args, **kwargs)
        return found

    original_split = winline.split_text_box
    original_first_line = winline.split_first_line
    wblock.iter_line_boxes = iter_line_boxes
    winline.split_text_box = split_text_box
    winline.split_first_line = split_first_line
    try:
        yield
    finally:
        wblock.iter_line_boxes = original
        winline.split_text_box = original_split
        winline.split_first_line = original_first_line


# Notes kept with their calls. When the line that would be a paragraph's
# last allowed opening line on a page (its ``orphans``-th) does not fit,
# WeasyPrint (layout/block.py, ``_linebox_layout``: "first try to report
# footnotes") moves the page's notes to the next page, last first, until it
# fits, and leaves their calls behind. The part layout mended that with a
# second layout in which the paragraph has one orphan more than its lines
# there (``typeset._PartLayout._keep_notes_with_calls``), so that it begins
# on the next page. ``_notes_kept`` makes the same decision in the first
# layout: it sees each line before block.py does, and when the line that
# overflows the page is that line, on a page with notes, it gives the
# paragraph that orphan more; block.py then finds it cannot break after the
# line either, and moves the paragraph whole (``_break_line``), as it does
# on a page without notes (at the head of a page, where nothing can move
# on, it ends the page after the lines that fit, their notes with them).
# A note that does not fit under its call at all is still moved on, and a
# paragraph with bottom padding or borders, which this reads otherwise
# than block.py, may still have its notes moved: the part layout's
# remedies find those.


def _notes_kept(context, lines, bottom_space: float, block) -> Iterator[tuple[Any, Any]]:
    """``lines`` (one page's lines of ``block``, as ``iter_line_boxes``
    yields them), ``block`` given one orphan more when its
    ``orphans``-th line overflows a page that holds notes. Only lines up
    to the first that overflows are looked at: the lines after it are
    those block.py reads ahead (for widows), not lines it places."""
    for placed, (line, resume_at) in enumerate(lines):
        bottom = line.position_y + line.height
        if resume_at is None:  # the paragraph's last line: its bottom padding and border under it
            bottom += block.border_bottom_width + block.padding_bottom
        if context.overflows_page(bottom_space, bottom):
            at_orphans = placed and placed + 1 == block.style["orphans"]
            if at_orphans and context.current_page_footnotes and not context.in_column:
                _set_orphans(block, placed + 2)
            yield line, resume_at
            yield from lines
            return
        yield line, resume_at


def _set_orphans(block, orphans: int) -> None:
    """Give the paragraph ``block`` (its box) ``orphans``, in a style of
    its own: WeasyPrint shares one computed style among the elements the
    same rules match (css/__init__.py, ``computed_cache``), so writing to
    the shared one would give every such paragraph the orphans."""
    block.style = block.style.copy()
    block.style["orphans"] = orphans


# A planned text box is laid out a line at a time, each time from where the
# last line ended to the box's end (layout/inline.py, ``split_text_box``).
# WeasyPrint shapes a short opening of that text, and the whole of it when
# the opening's second line has no break: so in a planned paragraph, where
# every space not broken at is a no-break space, it shapes the rest of the
# paragraph for every line. The first line found in a text depends on no
# text after the first break of its second line, so the box is handed over
# cut ``_LINES_AHEAD`` planned line starts ahead: the line ends at a planned
# start or before, and the next start ends the word WeasyPrint looks ahead
# to. Should the cut text fit whole (it never should), the whole box is
# laid out instead.
_LINES_AHEAD = 2


@dataclass(frozen=True, slots=True)
class _Lines:
    """A planned text box of many lines: the byte offsets in its text where
    its lines after the first begin, and the width they were planned for
    (none of them is a paragraph's first line); ``opening``: the width
    planned for the paragraph's first line when the box begins it (its
    first run, at its start), else None."""

    box: Any
    encoded: bytes  # its text, as the line breaker counts it
    starts: tuple[int, ...]
    measure: float
    opening: float | None
    held: tuple[bool, ...]  # per start: the break before it held (``linebreak.Breaks.held``)


def _shortened(lines: _Lines, box, skip: int):
    """``box`` cut ``_LINES_AHEAD`` planned line starts after byte ``skip``,
    or None (``lines`` is another box's, or too few lines are left to gain
    by it)."""
    if lines.box is not box:
        return None
    at = bisect.bisect_right(lines.starts, skip) + _LINES_AHEAD - 1
    if at >= len(lines.starts):
        return None
    return box.copy_with_text(lines.encoded[: lines.starts[at]].decode().rstrip(" "))


# WeasyPrint finds a line by shaping the text ahead of it several times
# (text/line_break.py, ``split_first_line``): a short opening, then the
# opening with the next word, then the line alone again to measure it
# (``first_line_metrics``). A planned line that begins a paragraph or at a
# planned start and ends at a space or a soft hyphen, laid out at no more
# than the width it was planned for, is the line WeasyPrint would find if it
# fits and its break is held (``linebreak.Breaks.held``): the text up to the
# next opportunity the rewritten text keeps, the next chosen break included,
# does not fit. That line is shaped once, as WeasyPrint shapes the line it
# has found, and handed back as ``split_first_line`` returns it; any other
# line is left to WeasyPrint. ``VERIFY_LINES`` (tests) lays every such line
# out both ways (``split_text_box`` without a line found at once: of the cut
# box, or of the whole box when the cut one fits) and raises if they differ.
VERIFY_LINES = False


def _planned_end(lines: _Lines, box, skip: int, available_width: float) -> tuple[int, bool] | None:
    """Where the line of ``box`` beginning at the planned start ``skip`` (0:
    the paragraph's first line, when the box begins it) ends: the byte from
    ``skip`` after its space or its soft hyphen, and whether it is
    hyphenated; None for any other line. Only a held break (``_Lines.held``:
    the text up to the next opportunity, the next chosen break included, is
    ``MARGIN`` wider than the measure at least), on a line laid out at no
    more than its measure (WeasyPrint's available width is the measure and
    a rounding more). ``lines`` is ``box``'s (``_shortened`` found it)."""
    if skip == 0:
        measure, k = lines.opening, 0
    else:
        at = bisect.bisect_left(lines.starts, skip)
        if at + 1 >= len(lines.starts) or lines.starts[at] != skip:
            return None
        measure, k = lines.measure, at + 1
    if measure is None or available_width > measure + linebreak.MARGIN:
        return None
    if k >= len(lines.held) or not lines.held[k]:
        return None  # the engine may join the next line to this one: it decides
    end = lines.starts[k]
    before = lines.encoded[:end]
    if before.endswith(b" "):
        return end - skip, False
    if before.endswith(_SOFT_HYPHEN):
        return end - skip, True
    return None


_SOFT_HYPHEN = linebreak.SOFT_HYPHEN.encode()


def _first_line(text: str, style, context, max_width: float, justification_spacing: float, found: tuple[int, bool]):
    """``split_first_line``'s result for ``text``'s first line ending, by
    ``found`` (``_planned_end``), at byte ``end``: after its space, or after
    its soft hyphen when ``hyphenated`` (then set with the hyphenate
    character, as WeasyPrint sets a line broken at a soft hyphen); None
    when it does not fit."""
    end, hyphenated = found
    line_text = text.encode()[:end].decode()
    hyphen = style["hyphenate_character"] if hyphenated else ""
    if hyphenated:
        layout = wlines.create_layout(line_text + hyphen, style, context, max_width, justification_spacing)
    else:
        layout = wlines.Layout(style, justification_spacing, max_width)
        layout.set_text(line_text.rstrip(" "))
    line, index = layout.get_first_line()
    width, height = wlines.line_size(line, style)
    if index is not None or width > max_width:
        layout.deactivate()
        return None
    baseline = wlines.pango.pango_layout_get_baseline(layout.layout) * wlines.FROM_UNITS
    length = line.length - len(hyphen.encode())
    layout.deactivate()
    return layout, length, end, width, height, baseline


def _same_split(found, expected) -> None:
    """Raise when a text box's line found at once is not the one the layout
    finds without it (``VERIFY_LINES``): its text, where the next line
    resumes, its size and baseline, and the Pango layout drawn from."""

    def facts(result):
        box, resume, preserved = result
        layout = box.pango_layout
        return (
            box.text,
            resume,
            preserved,
            box.width,
            box.height,
            box.baseline,
            box.margin_top,
            layout.text,
            layout.max_width,
            layout.justification_spacing,
            layout.first_line_direction,
        )

    if facts(found) != facts(expected):
        raise AssertionError(f"line found at once {facts(found)} != the layout's {facts(expected)}")


def _plan(state: _Paragraphs, linebox, block) -> None:
    """Choose the breaks of ``linebox`` (a justified block's lines) and write
    them into its text boxes; once per width it is laid out at."""
    width = block.width
    if block.style["text_align_all"] != "justify" or not isinstance(width, (int, float)) or width <= 0:
        return
    done = state.done.get(id(linebox))
    if done is not None:
        if done.width == width:
            return
        done.restore()  # laid out at another width: plan again
    try:
        if state.greedy and text_key(linebox.element) in state.greedy:
            raise _Unplannable
        pieces = list(_runs(linebox, state.shaper, state.narrow))
    except _Unplannable:
        state.done[id(linebox)] = _Planned(width, linebox)
        return
    resolve_one_percentage(linebox, "text_indent", width)
    runs = tuple(run for _, _, run, _ in pieces)
    total, left, right = linebox.style["hyphenate_limit_chars"]
    limits = (total, left, right)
    key = (runs, width - linebox.text_indent, width, limits, linebox.style["lang"])
    planned = state.done[id(linebox)] = _Planned(width, linebox, starts=state.starts)
    if key in state.plans:
        breaks = state.plans[key]
    else:
        joined = "".join(run.text for run in runs)
        attrs = wlines.get_log_attrs(joined, linebox.style["lang"])
        paragraph = linebreak.Paragraph(
            runs=runs,
            first_width=key[1],
            width=width,
            opportunities=frozenset(i for i in range(1, len(joined)) if attrs[i].is_line_break),
            limits=limits,
        )
        breaks = state.plans[key] = linebreak.plan(paragraph, state.shaper)
    if breaks is not None:
        for r, (text_box, parent, run, twin) in enumerate(pieces):
            if text_box is not None:
                space = state.shaper(" ", run.font)
                opening = key[1] if r == 0 else None  # the box begins the paragraph: its first width
                cut = breaks.pieces(r, run.text)
                planned.write(text_box, parent, cut, space, twin, breaks.starts[r], opening, breaks.held[r])


@dataclass
class _Planned:
    """A paragraph planned for a width: its text boxes' original texts and
    styles, and the original children of the boxes holding them. It keeps
    its line box alive: paragraphs are known by the box's id, which a box
    made and dropped during layout would otherwise pass on to another."""

    width: float
    linebox: Any
    boxes: list[tuple[Any, str, Any]] = field(default_factory=list)
    parents: list[tuple[Any, Any]] = field(default_factory=list)
    # The document's planned boxes of many lines, by id, shared by its
    # paragraphs.
    starts: dict[int, _Lines] = field(default_factory=dict)
    mine: list[int] = field(default_factory=list)  # the ids this paragraph put there

    def write(
        self,
        text_box,
        parent,
        pieces: Sequence[tuple[str, bool]],
        space: float,
        twin,
        starts: Sequence[int],
        opening: float | None,
        held: Sequence[bool],
    ) -> None:
        """Set ``text_box`` as ``pieces`` (text, set with narrower spaces: in
        ``twin``, its style in the narrow twin, else with word spacing
        narrower by ``SHRINK`` of ``space``), a text box each; the
        breaker's soft hyphens are the only hyphenations.
        ``starts``: where the planned lines begin in the pieces joined, and
        ``held``: whether the break before each is held; ``opening``: the
        width of the paragraph's first line when the box begins it."""
        style = text_box.style
        self.boxes.append((text_box, text_box.text, style))
        boxes: list[Any] = []
        offset = 0
        for text, narrow in pieces:
            if not text:
                continue
            box = text_box.copy_with_text(text) if boxes else text_box
            box.text, box.style = text, (twin if narrow and twin is not None else style).copy()
            box.style["hyphens"] = "manual"
            if narrow and twin is None:
                box.style["word_spacing"] = float(box.style["word_spacing"] or 0) - linebreak.SHRINK * space
            boxes.append(box)
            inside = [(s - offset, h) for s, h in zip(starts, held, strict=True) if offset < s < offset + len(text)]
            if len(inside) >= _LINES_AHEAD:
                offsets = tuple(len(text[:s].encode()) for s, _ in inside)
                flags = tuple(h for _, h in inside)
                first = opening if offset == 0 else None
                self.starts[id(box)] = _Lines(box, text.encode(), offsets, self.width, first, flags)
                self.mine.append(id(box))
            offset += len(text)
        if len(boxes) > 1:
            self.parents.append((parent, parent.children))
            children = list(parent.children)
            at = next(i for i, child in enumerate(children) if child is text_box)
            parent.children = [*children[:at], *boxes, *children[at + 1 :]]

    def restore(self) -> None:
        for parent, children in reversed(self.parents):
            parent.children = children
        for text_box, text, style in self.boxes:
            text_box.text, text_box.style = text, style
        self.boxes.clear()
        self.parents.clear()
        for key in self.mine:
            self.starts.pop(key, None)
        self.mine.clear()


def _twin(style, narrow: Mapping[str, str]):
    """``style`` in the narrow twin of its family (``even_spacing``), or
    None when its first family has none. Each family is followed by its
    twin's original, the fallback should the twin's file fail to load."""
    families = style["font_family"]
    if not families or families[0] not in narrow:
        return None
    twin = style.copy()
    twin["font_family"] = tuple(name for f in families for name in ((narrow[f], f) if f in narrow else (f,)))
    return twin


def _runs(box, shaper: _Shaper, narrow: Mapping[str, str]) -> Iterator[tuple[Any, Any, linebreak.Run, Any]]:
    """The in-flow inline content of ``box`` in order: each text box (with
    the box holding it) as a run, and the sides of inline elements as fixed
    widths. A text box comes with its style in its narrow twin (``_twin``;
    None: none), which is the run's ``narrow`` font."""
    for child in box.children:
        if not child.is_in_normal_flow():
            continue  # a footnote, a float: set elsewhere
        if isinstance(child, wboxes.TextBox):
            style = child.style
            if style["white_space"] != "normal" or any(c in child.text for c in "\n\t\u00ad\u200b"):
                raise _Unplannable
            lang = style["lang"] if style["hyphens"] == "auto" and style["lang"] else ""
            twin = _twin(style, narrow)
            tight = shaper.font(twin) if twin is not None else None
            yield child, box, linebreak.Run(child.text, shaper.font(style), lang, narrow=tight), twin
        elif isinstance(child, wboxes.InlineBox):
            yield None, box, linebreak.Run(width=_side(child.style, "left")), None
            yield from _runs(child, shaper, narrow)
            yield None, box, linebreak.Run(width=_side(child.style, "right")), None
        else:
            raise _Unplannable


TEXT_KEY_CHARS = 80


def text_key(element) -> tuple[str, str]:
    """A paragraph known in any layout of the same HTML: its tag and the
    opening of its text (two paragraphs opening alike are both matched,
    which only costs evenness)."""
    if element is None:
        return ("", "")
    return (str(element.tag), "".join(element.itertext())[:TEXT_KEY_CHARS])


def _side(style, side: str) -> float:
    """An inline element's margin, border and padding on one side, in px."""
    total = float(style[f"border_{side}_width"] or 0)
    for name in (f"margin_{side}", f"padding_{side}"):
        value = style[name]
        if value == "auto" or getattr(value, "value", 0) == 0:
            continue
        if getattr(value, "unit", None) != "px":
            raise _Unplannable
        total += value.value
    return total
