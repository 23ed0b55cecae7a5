"""Notes, displayed quotations and glossaries in the plain-text reader,
convention by convention, on small documents written for these tests (their
people, places and words are invented)."""

from __future__ import annotations

import pytest

from editionbuilder.model import BlockQuote, LineBreak, NoteRef, Paragraph
from editionbuilder.model.walk import iter_inlines
from readerkit import codes, flat, read_text, shape

# ---------------------------------------------------------------------------
# Notes
# ---------------------------------------------------------------------------


def _calls(ed) -> list[tuple[str, str]]:
    """(marker, text of the note it points to) for every call of the body."""
    notes = {n.id: flat(n.blocks[0].inlines) for n in ed.notes}
    blocks = tuple(b for c in ed.chapters for b in c.blocks)
    return [(n.marker, notes.get(n.note_id, "")) for n in iter_inlines(blocks) if isinstance(n, NoteRef)]


def _warned(diags, code: str) -> list[int]:
    return [d.pos.line for d in diags.items if d.code == code]


SYMBOLS = """\
Ropewalks of the Estuary

The ropewalk was a quarter of a mile long.* Nobody now alive has seen it working.

* The length is given in the rate book of 1840.

Hemp came by sea from the Baltic, and the spinners walked backwards as they worked.† The ropes went to the naval yard.‡

† A spinner walked some twelve miles a day.

‡ The yard took every cable the walk could make until 1871.

A second ropewalk opened upriver in 1850.** It closed within three years.

** Its site is now a car park.
"""


def test_symbol_notes_pair_by_mark(tmp_path):
    ed, diags = read_text(tmp_path, SYMBOLS)
    assert [(n.marker, n.pos.line) for n in ed.notes] == [("*", 5), ("†", 9), ("‡", 11), ("**", 15)]
    assert _calls(ed) == [
        ("*", "The length is given in the rate book of 1840."),
        ("†", "A spinner walked some twelve miles a day."),
        ("‡", "The yard took every cable the walk could make until 1871."),
        ("**", "Its site is now a car park."),
    ]
    assert not [c for c in codes(diags) if c.startswith("note-")]


def _at_the_end(text: str, notes: tuple[int, ...]) -> str:
    """``text`` with the paragraphs at indexes ``notes`` moved to its end."""
    paras = text.rstrip("\n").split("\n\n")
    kept = [p for i, p in enumerate(paras) if i not in notes]
    return "\n\n".join(kept + [paras[i] for i in notes]) + "\n"


# The SYMBOLS text with its marks in the other styles: the same notes.
STYLES = {
    "symbols": ("*", "†", "‡", "**"),
    "brackets": ("[1]", "[2]", "[3]", "[4]"),
    "superscripts": ("¹", "²", "³", "⁴"),
}


def _styled(marks: tuple[str, ...]) -> str:
    """SYMBOLS with its four marks replaced, in calls and in notes."""
    text = SYMBOLS.replace("**", "\x00")
    for old, new in zip(("*", "†", "‡", "\x00"), marks, strict=True):
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("style", list(STYLES))
def test_moving_notes_to_the_end_leaves_the_notes_the_same(tmp_path, style):
    # Metamorphic: where a note's text stands (after its paragraph or in a
    # block at the end) does not change what the notes say or which call
    # points to which, whatever the marks.
    text = _styled(STYLES[style])
    moved = _at_the_end(text, (2, 4, 5, 7))
    assert moved.endswith("Its site is now a car park.\n") and moved != text
    before, _ = read_text(tmp_path, text, name="a.txt")
    after, diags = read_text(tmp_path, moved, name="b.txt")
    assert len(before.notes) == 4
    assert [(n.marker, shape(n.blocks)) for n in after.notes] == [(n.marker, shape(n.blocks)) for n in before.notes]
    assert _calls(after) == _calls(before)
    assert [text for _, text in _calls(after)] == [flat(n.blocks[0].inlines) for n in after.notes]
    assert shape(after.chapters[0].blocks) == shape(before.chapters[0].blocks)
    assert not [c for c in codes(diags) if c.startswith("note-")]


SUPERSCRIPTS = """\
The Tide Mill at Orford Reach

The mill ground corn on the ebb for two hundred years.¹ Its wheel was rebuilt in 1790, and again in 1855² by the estate.

Its last miller wrote in his daybook:

“Water low. Wheel stopped at four. Sent the boy home.”³

The room measured some 40 m² and the pond held 10³ tons of water at the spring tides.

Notes

¹ Estimated from the manor's rentals, which name the mill in 1612.

² The second rebuilding is dated by a stone over the door.

³ Daybook of Amos Keble, entry for 3 March 1911.

Works Cited
"""


def test_superscript_notes_under_a_notes_heading(tmp_path):
    ed, diags = read_text(tmp_path, SUPERSCRIPTS)
    assert [(n.marker, n.pos.line) for n in ed.notes] == [("¹", 13), ("²", 15), ("³", 17)]
    body = shape(ed.chapters[0].blocks)
    assert (
        body[0]
        == "P The mill ground corn on the ebb for two hundred years.⟨¹⟩ Its wheel was rebuilt in 1790, and again in 1855⟨²⟩ by the estate."
    )
    # a quotation closed before its call is still a displayed one
    assert body[2] == "Q “Water low. Wheel stopped at four. Sent the boy home.”⟨³⟩"
    # exponents and units are no calls
    assert body[3] == "P The room measured some 40 m² and the pond held 10³ tons of water at the spring tides."
    assert [m for m, _ in _calls(ed)] == ["¹", "²", "³"]
    # the heading after the notes is not a note's second paragraph
    assert [len(n.blocks) for n in ed.notes] == [1, 1, 1]
    assert not [c for c in codes(diags) if c.startswith("note-")]
    assert any(r.pos.line == 11 and "notes" in r.reason for r in ed.removed)


def test_notes_numbered_past_999_are_notes_of_their_own(tmp_path):
    # Four-figure labels: "[1000]" once merged into note 999 as its second
    # paragraph, silently.
    labels = [998, 999, 1000, 1001, 5000]
    calls = " ".join(f"Claim {n}.[{n}]" for n in labels)
    notes = "\n\n".join(f"[{n}] Source of claim {n}." for n in labels)
    ed, diags = read_text(tmp_path, f"A Long Apparatus\n\n{calls}\n\nFOOTNOTES:\n\n{notes}\n")
    assert [n.marker for n in ed.notes] == [str(n) for n in labels]
    assert [flat(n.blocks[0].inlines) for n in ed.notes] == [f"Source of claim {n}." for n in labels]
    assert [len(n.blocks) for n in ed.notes] == [1] * 5
    assert _calls(ed) == [(str(n), f"Source of claim {n}.") for n in labels]
    assert not [c for c in codes(diags) if c.startswith("note-")]


def test_a_bracketed_year_is_no_call(tmp_path):
    text = (
        "Translations\n\nThe English edition (London, 2012 [1964]) kept the title.[1]\n\n[1] Its publisher's choice.\n"
    )
    ed, diags = read_text(tmp_path, text)
    assert shape(ed.chapters[0].blocks) == ["P The English edition (London, 2012 [1964]) kept the title.⟨1⟩"]
    assert not [c for c in codes(diags) if c.startswith("note-")]


def test_calls_around_citations_and_quotations(tmp_path):
    text = (
        "Salt Roads\n\n"
        "Salt went inland by packhorse (Ashby 1971, 40).† Later it went by canal.\n\n"
        "A salter's letter says the road was “worse than the sea”[1] and he meant it.\n\n"
        "The last packhorse train ran in 1830.** (Ashby 1971, 52)\n\n"
        "† The horses carried two hundredweight each.\n\n"
        "** The date is disputed.\n\n"
        "[1] Letter of 1788, in private hands.\n"
    )
    ed, diags = read_text(tmp_path, text)
    assert [n.marker for n in ed.notes] == ["†", "**", "1"]
    assert shape(ed.chapters[0].blocks) == [
        "P Salt went inland by packhorse (Ashby 1971, 40).⟨†⟩ Later it went by canal.",
        "P A salter’s letter says the road was “worse than the sea”⟨1⟩ and he meant it.",
        "P The last packhorse train ran in 1830.⟨**⟩ (Ashby 1971, 52)",
    ]
    assert _calls(ed) == [
        ("†", "The horses carried two hundredweight each."),
        ("1", "Letter of 1788, in private hands."),
        ("**", "The date is disputed."),
    ]
    assert not [c for c in codes(diags) if c.startswith("note-")]


def test_unpaired_calls_and_notes_are_warned_with_their_lines(tmp_path):
    text = (
        "Brick Kilns\n\n"
        "The kiln fired forty thousand bricks a week.† The clay came from the river bank.‡\n\n"
        "A second kiln stood by the church.¹\n\n"
        "† Figure from the owner's ledger.\n\n"
        "* A note whose call was lost.\n"
    )
    ed, diags = read_text(tmp_path, text)
    assert _warned(diags, "note-call-unmatched") == [3, 5]
    assert _warned(diags, "note-unreferenced") == [9]
    # the unpaired calls are text again, as written
    assert shape(ed.chapters[0].blocks) == [
        "P The kiln fired forty thousand bricks a week.⟨†⟩ The clay came from the river bank.‡",
        "P A second kiln stood by the church.¹",
    ]
    assert [n.marker for n in ed.notes] == ["†", "*"]


def test_an_asterisk_closing_emphasis_is_no_call(tmp_path):
    text = "Mills\n\nThe *real* cost was the water.* Nobody paid it.\n\n* Water rights were leased.\n"
    ed, diags = read_text(tmp_path, text)
    assert shape(ed.chapters[0].blocks) == ["P The *real* cost was the water.⟨*⟩ Nobody paid it."]
    assert not [c for c in codes(diags) if c.startswith("note-")]


def test_a_reused_mark_pairs_in_order(tmp_path):
    # Both notes marked "*" at the end: each takes the next call.
    text = "Ferries\n\nThe first ferry ran in 1820.*\n\nThe second in 1851.*\n\n* By the parish.\n\n* By a company.\n"
    ed, _ = read_text(tmp_path, text)
    assert _calls(ed) == [("*", "By the parish."), ("*", "By a company.")]


def test_notes_after_a_heading_of_their_own_pair_with_the_text_above(tmp_path):
    # A capitals heading opens a chapter; the notes under it answer the
    # calls of the chapter before, and a note whose chapter calls its mark
    # stays there.
    text = (
        "Lighthouse Keepers\n\nThe keepers were paid quarterly.¹ Their lamps burned colza oil.†\n\n\n"
        "SOURCES AND NOTES\n\nThe board's minutes are the main source.*\n\n"
        "¹ Board minutes, 1851.\n\n† Colza was replaced by paraffin in 1870.\n\n* Held at the county archive.\n"
    )
    ed, diags = read_text(tmp_path, text)
    assert [(c.role, len(c.blocks)) for c in ed.chapters] == [("chapter", 1), ("chapter", 1)]
    assert _calls(ed) == [
        ("¹", "Board minutes, 1851."),
        ("†", "Colza was replaced by paraffin in 1870."),
        ("*", "Held at the county archive."),
    ]
    assert not [c for c in codes(diags) if c.startswith("note-")]


def test_notes_one_to_a_line_are_notes_of_their_own(tmp_path):
    text = (
        "Turnpikes\n\nThe gate took a penny a horse.¹ Carts paid more.²\n\n"
        "¹ Toll board of 1790.\n² 1801 schedule, revised.\n[3] A note with no call.\n"
    )
    ed, diags = read_text(tmp_path, text)
    assert [(n.marker, n.pos.line) for n in ed.notes] == [("¹", 5), ("²", 6), ("3", 7)]
    assert _calls(ed) == [("¹", "Toll board of 1790."), ("²", "1801 schedule, revised.")]
    assert _warned(diags, "note-unreferenced") == [7]


def test_what_follows_a_block_of_notes_is_not_a_note(tmp_path):
    text = (
        "Canal Tolls\n\nBoats paid by the ton.[1] Empty boats paid nothing.[2]\n\n"
        "Notes\n\n"
        "[1] Toll board of 1802.\n\n"
        "The board was repainted in 1850, and the rates on it are those of that year.\n\n"
        "[2] By a resolution of the proprietors.\n\n"
        "Canal History\n\n"
        'The Lock-Keeper\'s Cottage\n12 May 2020\nIn "Waterways"\n'
    )
    ed, diags = read_text(tmp_path, text)
    assert [len(n.blocks) for n in ed.notes] == [2, 1]
    assert _warned(diags, "note-continued") == [9]
    # the related posts after the notes (a widget's heading, a post's title,
    # its date and category) are no note: the page's chrome, removed
    assert shape(ed.chapters[0].blocks) == ["P Boats paid by the ton.⟨1⟩ Empty boats paid nothing.⟨2⟩"]
    assert sorted(line for line, why in _removed(ed).items() if "boilerplate" in why) == [13, 15, 16, 17]


# ---------------------------------------------------------------------------
# Displayed quotations
# ---------------------------------------------------------------------------


def _quotes(ed) -> list[BlockQuote]:
    return [b for b in ed.chapters[0].blocks if isinstance(b, BlockQuote)]


def test_epigraph_with_a_dash_attribution_line(tmp_path):
    text = (
        "Lamps on the Quay\n\n"
        "“Every harbour light is a promise kept by somebody you will never meet.”\n"
        "— Ada Penrose, Notes from the Breakwater\n\n"
        "The first lamps on the quay burned whale oil.\n"
    )
    ed, _ = read_text(tmp_path, text)
    (quote,) = _quotes(ed)
    assert flat(quote.attribution) == "Ada Penrose, Notes from the Breakwater"
    assert shape(quote.blocks) == ["P “Every harbour light is a promise kept by somebody you will never meet.”"]
    assert (quote.pos.line, quote.pos.end_line) == (3, 4)


def test_dash_attribution_in_the_next_paragraph_and_on_the_same_line(tmp_path):
    text = (
        "Bells\n\n"
        "“Ring for the living, toll for the dead.”\n\n"
        "— Inscription on the tenor bell, 1702\n\n"
        "The bells were recast in 1889.\n\n"
        "“A ringer keeps time with his whole body.” — Tobias Wren\n\n"
        "“Nobody listens to the treble.” — and that was the end of it, for the treble was cracked.\n"
    )
    ed, _ = read_text(tmp_path, text)
    quotes = _quotes(ed)
    assert [flat(q.attribution) for q in quotes] == ["Inscription on the tenor bell, 1702", "Tobias Wren"]
    assert [(q.pos.line, q.pos.end_line) for q in quotes] == [(3, 5), (9, 9)]
    # a dash going on with a sentence attributes nothing: running text
    assert shape(ed.chapters[0].blocks)[-1].startswith("P “Nobody listens to the treble.”—and that")


def test_citation_alone_in_the_next_paragraph_is_the_attribution(tmp_path):
    text = (
        "Bells\n\n"
        "“A bell is cast once and heard for three hundred years.”\n\n"
        "(Whitby, 1921, p. 8)\n\n"
        "The tenor was recast anyway.\n"
    )
    ed, _ = read_text(tmp_path, text)
    (quote,) = _quotes(ed)
    # a citation (the page lists no works: it stays unresolved, and is reported)
    assert flat(quote.attribution) == "{(Whitby, 1921, p. 8→?)}"
    assert (quote.pos.line, quote.pos.end_line) == (3, 5)
    assert shape(ed.chapters[0].blocks)[-1] == "P The tenor was recast anyway."


def test_indented_quotation_with_its_source_below(tmp_path):
    text = (
        "Two Extracts\n\n"
        "The first:\n\n"
        "    The sea gives and the sea takes, and the parish\n"
        "    keeps the account.\n"
        "    — Parish register, 1740\n\n"
        "The second:\n\n"
        "    Every wreck is a harvest for somebody.\n\n"
        "— Tobias Wren, Coast Notes\n\n"
        "And that was the end of it.\n"
    )
    ed, _ = read_text(tmp_path, text)
    first, second = _quotes(ed)
    assert flat(first.attribution) == "Parish register, 1740"
    assert "Parish register" not in " ".join(shape(first.blocks))
    assert flat(second.attribution) == "Tobias Wren, Coast Notes"
    assert (second.pos.line, second.pos.end_line) == (11, 13)
    assert shape(ed.chapters[0].blocks)[-1] == "P And that was the end of it."


def test_multi_paragraph_quotation_with_a_dash_attribution(tmp_path):
    text = (
        "The Rules of the Reading Room\n\n"
        "“No book shall leave the room.\n\n"
        "“No lamp shall be lit after nine.”\n"
        "— Rules of the Institute, 1858\n\n"
        "They were kept for a century.\n"
    )
    ed, _ = read_text(tmp_path, text)
    (quote,) = _quotes(ed)
    assert len(quote.blocks) == 2
    assert flat(quote.attribution) == "Rules of the Institute, 1858"


def test_verse_keeps_its_lines_and_prose_does_not(tmp_path):
    text = (
        "Two Quotations\n\n"
        "“The gulls come in before the weather,\n"
        "the boats come in behind,\n"
        "and the harbour wall takes both.” (Marr, 1931, p.7)\n\n"
        "Between them, a longer passage copied with its lines wrapped at a fixed width:\n\n"
        '"The harbour commissioners met on the first Monday of every month, and their\n'
        'minutes record the state of the wall in more detail than anything else." (Lusk, 1990, p.2)\n'
    )
    ed, _ = read_text(tmp_path, text)
    verse, prose = _quotes(ed)
    (stanza,) = verse.blocks
    assert isinstance(stanza, Paragraph)
    assert sum(isinstance(n, LineBreak) for n in stanza.inlines) == 2
    assert flat(verse.attribution) == "{(Marr, 1931, p.7→?)}"
    assert not [n for n in prose.blocks[0].inlines if isinstance(n, LineBreak)]
    assert flat(prose.attribution) == "{(Lusk, 1990, p.2→?)}"


def test_quotation_in_single_marks(tmp_path):
    text = (
        "Wharves\n\n"
        "‘The wharfingers’ book is the only honest record of the port.’ (Dacre, 1911, p.9)\n\n"
        "‘It was,’ she said, ‘the busiest quay on the coast.’\n\n"
        "'Tis said the quay was older than the town.\n"
    )
    ed, diags = read_text(tmp_path, text)
    (quote,) = _quotes(ed)
    assert shape(quote.blocks) == ["P ‘The wharfingers’ book is the only honest record of the port.’"]
    assert flat(quote.attribution) == "{(Dacre, 1911, p.9→?)}"
    # dialogue, and an elision, are running text, with no warning
    assert shape(ed.chapters[0].blocks)[1:] == [
        "P ‘It was,’ she said, ‘the busiest quay on the coast.’",
        "P ’Tis said the quay was older than the town.",
    ]
    assert "quote-unclosed" not in codes(diags)


def test_unattributed_quotation_and_a_call_after_the_citation(tmp_path):
    text = (
        "Tolls\n\n"
        "“No cart shall pass without payment.”\n\n"
        "“The toll is the road's only friend.” (Hesketh, 1822, p.3)*\n\n"
        "* Hesketh kept the gate at Marsh End.\n"
    )
    ed, diags = read_text(tmp_path, text)
    first, second = _quotes(ed)
    assert first.attribution == ()
    assert flat(second.attribution) == "{(Hesketh, 1822, p.3→?)}⟨*⟩"
    assert [n.note_id for n in second.attribution if isinstance(n, NoteRef)] == [ed.notes[0].id]
    assert not [c for c in codes(diags) if c.startswith("note-")]


# ---------------------------------------------------------------------------
# Glossaries
# ---------------------------------------------------------------------------


def _glossary(ed) -> list[tuple[str, int, str]]:
    return [(g.term, g.pos.line, " ".join(shape(g.blocks))) for g in ed.glossary]


def _removed(ed) -> dict[int, str]:
    return {r.pos.line: r.reason for r in ed.removed}


def test_glossary_heading_with_dash_entries(tmp_path):
    text = (
        "Dry-Stone Walls\n\nThe walls of the upper dale were built without mortar.\n\n"
        "Glossary\n\n"
        "through-stone — a long stone laid across the wall to tie its two faces together.\n\n"
        "cope - the row of stones set on edge along the top of a wall.\n\n"
        "Posted in Landscape\n"
    )
    ed, diags = read_text(tmp_path, text)
    assert _glossary(ed) == [
        ("through-stone", 7, "P a long stone laid across the wall to tie its two faces together."),
        ("cope", 9, "P the row of stones set on edge along the top of a wall."),
    ]
    assert "glossary" in _removed(ed)[5]
    # the line after the entries, in no entry's form, is no entry: here the
    # post's category line, removed as the page's chrome
    assert shape(ed.chapters[0].blocks) == ["P The walls of the upper dale were built without mortar."]
    assert "boilerplate" in _removed(ed)[11]
    assert not [c for c in codes(diags) if c.startswith("glossary")]


def test_glossary_of_colon_entries_ends_at_another_form(tmp_path):
    text = (
        "Weirs\n\nEvery mill on the river had its weir.\n\n"
        "Key terms:\n\n"
        "leat: the channel that carries water from the weir to the wheel.\n\n"
        "tail race: the channel that returns it to the river.\n\n"
        "Sources\n\n"
        "Greaves, Ann. 1988. Mills of the Dale. Leeds: Pennine Press.\n"
    )
    ed, _ = read_text(tmp_path, text)
    assert [(t, line) for t, line, _ in _glossary(ed)] == [("leat", 7), ("tail race", 9)]
    assert "Sources" not in " ".join(g.term for g in ed.glossary)


def test_glossary_as_a_definition_list(tmp_path):
    text = (
        "Words of the Salt Marsh\n\nThe marsh has a vocabulary of its own.\n\n"
        "Glossary\n\n"
        "fleet\nA tidal creek, filling and emptying twice a day.\n\n"
        "saltern\nA place where salt was made by evaporating sea water.\n"
    )
    ed, _ = read_text(tmp_path, text)
    assert _glossary(ed) == [
        ("fleet", 7, "P A tidal creek, filling and emptying twice a day."),
        ("saltern", 10, "P A place where salt was made by evaporating sea water."),
    ]
    assert [g.pos.end_line for g in ed.glossary] == [8, 11]


def test_definition_list_with_blank_lines_between_term_and_definition(tmp_path):
    text = (
        "Orchard Words\n\nOld orchards had names for everything.\n\n"
        "Glossary\n\n"
        "wassail\n\nA winter blessing of the trees, sung among them.\n\n"
        "standard\n\nA tree grown on a tall trunk, so that sheep can graze beneath it.\n"
    )
    ed, _ = read_text(tmp_path, text)
    assert [(t, line) for t, line, _ in _glossary(ed)] == [("wassail", 7), ("standard", 11)]
    assert shape(ed.glossary[1].blocks) == ["P A tree grown on a tall trunk, so that sheep can graze beneath it."]


def test_glossary_entries_one_to_a_line(tmp_path):
    text = (
        "Net Making\n\nThe nets were braided by hand.\n\n"
        "Glossary\n\n"
        "mesh: the square of net between four knots.\n"
        "gauge: the flat stick that sets the size of the mesh.\n\n"
        "The nets were tarred every spring.\n\n"
        "braiding — making a net by hand with a needle and gauge.\n"
        "barking — steeping a net in tannin so it lasts longer.\n"
    )
    ed, diags = read_text(tmp_path, text)
    assert [(t, line) for t, line, _ in _glossary(ed)] == [("mesh", 7), ("gauge", 8), ("braiding", 12), ("barking", 13)]
    assert [(d.pos.line, d.pos.end_line) for d in diags.items if d.code == "glossary-inferred"] == [(12, 13)]
    assert shape(ed.chapters[0].blocks) == ["P The nets were braided by hand.", "P The nets were tarred every spring."]


def test_unheaded_run_of_entries_is_a_glossary_reported(tmp_path):
    text = (
        "Coppicing\n\nThe wood was cut every twelve years.\n\n"
        "stool — the stump from which the new shoots of a coppice grow.\n\n"
        "standard — a tree left to grow tall among the coppice.\n"
    )
    ed, diags = read_text(tmp_path, text)
    assert [t for t, _, _ in _glossary(ed)] == ["stool", "standard"]
    assert [(d.pos.line, d.pos.end_line) for d in diags.items if d.code == "glossary-inferred"] == [(5, 7)]


def test_lines_only_shaped_like_entries_stay_text(tmp_path):
    text = (
        "Coming Up at the Hall\n\nThe hall reopens in May.\n\n"
        "Friday 4 May — Dance: the Hall Band, with callers from the county\n\n"
        "Saturday 5 May — Lecture: the history of the hall, with slides\n\n"
        "hedge-laying — the craft of cutting and bending stems to thicken a hedge.\n\n"
        "Glossary\n\nThe glossary will follow next week.\n"
    )
    ed, diags = read_text(tmp_path, text)
    assert ed.glossary == ()
    assert len(shape(ed.chapters[0].blocks)) == 6
    assert _warned(diags, "glossary-like-text") == [9]
    assert _warned(diags, "glossary-heading-empty") == [11]


def test_definition_lines_hard_wrapped_and_a_note_after_them(tmp_path):
    text = (
        "Commons\n\nThe common was stinted.† Each holder could graze a fixed number of beasts.\n\n\n"
        "Glossary\n\n"
        "Definition: stint. The number of animals a commoner may graze, fixed\n"
        "by the manor court and recorded in its rolls.\n\n"
        "† The stint was six sheep to the acre.\n"
    )
    ed, diags = read_text(tmp_path, text)
    assert _glossary(ed) == [
        (
            "stint",
            8,
            "P The number of animals a commoner may graze, fixed by the manor court and recorded in its rolls.",
        )
    ]
    assert [(n.marker, n.pos.line) for n in ed.notes] == [("†", 11)]
    assert _calls(ed) == [("†", "The stint was six sheep to the acre.")]
    assert "glossary" in _removed(ed)[6]
    assert not [c for c in codes(diags) if c.startswith(("note-", "glossary"))]


def test_definition_lines_ending_the_term_other_ways(tmp_path):
    text = (
        "Sluices\n\nThe sluice keeper kept the level.\n\n\n"
        "Definition: penstock\n\nA gate or pipe that lets water to a wheel.\n\n"
        "Definition: freeboard: the height of a bank above the water it holds.\n\n"
        "Definition: sluice — a gate that controls the flow of water.\n"
    )
    ed, _ = read_text(tmp_path, text)
    assert _glossary(ed) == [
        ("penstock", 6, "P A gate or pipe that lets water to a wheel."),
        ("freeboard", 10, "P the height of a bank above the water it holds."),
        ("sluice", 12, "P a gate that controls the flow of water."),
    ]


def test_a_definition_runs_on_over_prose_only(tmp_path):
    text = (
        "Fairs\n\nThe fair was chartered in 1290.\n\n\n"
        "Definition: pie powder court.\n\n"
        "A court held at a fair to settle disputes on the spot, before the dust was off the traders' feet.\n\n"
        "Its records are thin, but one roll survives from 1601 and names eleven cases, most of them debts.\n\n"
        "References\n\n"
        "Labels: fairs, law\n"
    )
    ed, diags = read_text(tmp_path, text)
    (entry,) = ed.glossary
    assert [b.pos.line for b in entry.blocks] == [8, 10]
    assert _warned(diags, "glossary-continued") == [10]
    # a References line above no bibliography stays text; the labels line
    # after it is the page's chrome
    assert shape(ed.chapters[0].blocks)[-2:] == ["P The fair was chartered in 1290.", "P References"]
    assert "boilerplate" in _removed(ed)[14]
