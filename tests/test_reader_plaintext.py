"""The plain-text reader, rule by rule, on small documents written for these
tests in the conventions of web-copied essays (different people, titles and
words from the sample documents)."""

from __future__ import annotations

import pytest

from editionbuilder.model import BlockQuote, Paragraph, SectionBreak
from paths import BRADLEY, CORPUS, corpus_file
from readerkit import codes, flat, read_text, shape

ESSAY = """\
The Harbour Strike of 1911 – A Retrospective

For the Dockers' Union reply to this piece, click here.

by Mara Lindqvist


The strike began on a Monday. Nobody on the quays expected it to last -- least of all the owners.

“The men came out as one body, and the owners did not believe it until the third day.” (Okafor, p.12)

Okafor's account is the fullest we have. (Okafor, 1988, p.40) Even so, it says little about the women.


By the second week the city ran short of coal.
"""


def test_title_subtitle_byline_and_lost_link(tmp_path):
    ed, diags = read_text(tmp_path, ESSAY)
    assert ed.metadata.title == "The Harbour Strike of 1911"
    assert ed.metadata.subtitle == "A Retrospective"
    assert ed.metadata.authors == ("Mara Lindqvist",)
    assert "link-lost" in codes(diags)
    removed = [r for r in ed.removed if "link" in r.reason]
    assert [r.pos.line for r in removed] == [3]
    assert "click here" in removed[0].text


def test_lost_link_kept_when_configured(tmp_path):
    ed, diags = read_text(tmp_path, ESSAY, lost_links="keep")
    assert "link-lost" in codes(diags)
    assert not [r for r in ed.removed if "link" in r.reason]
    assert "P For the Dockers’ Union reply to this piece, click here." in shape(ed.chapters[0].blocks)


def test_paragraphs_sections_and_a_displayed_quotation(tmp_path):
    ed, _ = read_text(tmp_path, ESSAY)
    blocks = shape(ed.chapters[0].blocks)
    assert blocks == [
        "P The strike began on a Monday. Nobody on the quays expected it to last—least of all the owners.",
        "Q “The men came out as one body, and the owners did not believe it until the third day.” — {(Okafor, p.12→?)}",
        "P Okafor’s account is the fullest we have. {(Okafor, 1988, p.40→?)} Even so, it says little about the women.",
        "BREAK",
        "P By the second week the city ran short of coal.",
    ]


def test_citations_with_a_page_warn_in_a_source_without_references(tmp_path):
    # With no bibliography, a name with a page is still a citation, of a work
    # the page does not list: each is linked to nothing and reported; a name
    # with a year alone could be an aside or an imprint, and stays text.
    _, diags = read_text(tmp_path, ESSAY)
    warned = [(d.code, d.pos.line) for d in diags.items if d.code.startswith("citation")]
    assert warned == [("citation-unresolved", 10), ("citation-unresolved", 12)]


MULTI_QUOTE = """\
On Cooperatives

The founders set out their aims plainly:

“We hold that the store belongs to those who buy at it.

Profit, where there is any, returns to the members in proportion to their purchases.

No member shall hold more than one vote.” (Rochdale Pioneers, 1844, p.2)

Their rules spread quickly.

“A quotation that opens and never closes, running on without its mark

Another paragraph follows it.

She called it “the only sane arrangement” and left.
"""


def test_multi_paragraph_quotation_is_one_block_quote(tmp_path):
    ed, _diags = read_text(tmp_path, MULTI_QUOTE)
    blocks = ed.chapters[0].blocks
    quote = blocks[1]
    assert isinstance(quote, BlockQuote)
    assert len(quote.blocks) == 3
    assert flat(quote.attribution) == "{(Rochdale Pioneers, 1844, p.2→?)}"
    assert (quote.pos.line, quote.pos.end_line) == (5, 9)


def test_unclosed_quotation_warns_and_keeps_text(tmp_path):
    ed, diags = read_text(tmp_path, MULTI_QUOTE)
    warned = [d.pos.line for d in diags.items if d.code == "quote-unclosed"]
    assert warned == [13]
    texts = shape(ed.chapters[0].blocks)
    assert "P “A quotation that opens and never closes, running on without its mark" in texts
    assert "P Another paragraph follows it." in texts


def test_inline_quotation_stays_in_running_text(tmp_path):
    ed, _ = read_text(tmp_path, MULTI_QUOTE)
    assert shape(ed.chapters[0].blocks)[-1] == "P She called it “the only sane arrangement” and left."


def test_quotation_closed_with_the_wrong_mark_is_repaired_and_warned(tmp_path):
    text = "Notes on Grain\n\nHe wrote:\n\n“Bread is the first question of politics. '*\n\nThat was all.\n\n* Quoted from a speech of 1890.\n"
    ed, diags = read_text(tmp_path, text)
    quote = ed.chapters[0].blocks[1]
    assert isinstance(quote, BlockQuote)
    assert flat(quote.blocks[0].inlines) == "“Bread is the first question of politics.”⟨*⟩"
    assert "quote-repaired" in codes(diags)
    assert flat(ed.notes[0].blocks[0].inlines) == "Quoted from a speech of 1890."


def test_star_note_is_paired_and_unmatched_ones_warn(tmp_path):
    text = "Salt\n\nSalt was taxed heavily.* It was smuggled.\n\nA second claim.*\n\n* The gabelle.\n"
    ed, diags = read_text(tmp_path, text)
    assert len(ed.notes) == 1
    first = shape(ed.chapters[0].blocks)
    assert first[0] == "P Salt was taxed heavily.⟨*⟩ It was smuggled."
    assert first[1] == "P A second claim.*"
    assert codes(diags).count("note-call-unmatched") == 1


BRACKETED = """\
A Short History of Tolls

by Ivo Marek


Roads were kept by parishes.[1] The system failed.[2]

Turnpike trusts followed.[A]


FOOTNOTES:

[1] Statute of 1555.

[2] See the parish books.

    A second paragraph of the second note, indented.

[A] A lettered note.

[9] A note nobody calls.
"""


def test_bracketed_notes_pair_by_label(tmp_path):
    ed, diags = read_text(tmp_path, BRACKETED)
    assert [n.marker for n in ed.notes] == ["1", "2", "A", "9"]
    assert len(ed.notes[1].blocks) == 2
    assert shape(ed.chapters[0].blocks) == [
        "P Roads were kept by parishes.⟨1⟩ The system failed.⟨2⟩",
        "P Turnpike trusts followed.⟨A⟩",
    ]
    assert [d.code for d in diags.items if d.code.startswith("note-")] == ["note-unreferenced"]
    assert any("heading of a block of notes" in r.reason for r in ed.removed)


def test_inline_footnotes_pair_in_order_within_their_group(tmp_path):
    text = (
        "Weights and Measures\n\nThe pound varied by town.[1] So did the yard.[2]\n\n"
        "[Footnote 1: In some towns by a third.]\n\n[Footnote 1: Misnumbered in the source.]\n\n"
        "The bushel was worse.[1]\n\n[Footnote: 1 A variant form.]\n"
    )
    ed, diags = read_text(tmp_path, text)
    assert [flat(n.blocks[0].inlines) for n in ed.notes] == [
        "In some towns by a third.",
        "Misnumbered in the source.",
        "A variant form.",
    ]
    refs = [flat(b.inlines) for b in ed.chapters[0].blocks]
    assert refs == ["The pound varied by town.⟨1⟩ So did the yard.⟨2⟩", "The bushel was worse.⟨1⟩"]
    # the second call, [2], is paired with the note misnumbered "1"
    assert ed.chapters[0].blocks[0].inlines[3].note_id == ed.notes[1].id
    assert not [d for d in diags.items if d.code.startswith("note-")]


GLOSSARY_AND_BIB = """\
Markets and Fairs

by Tomas Ek

A fair was a licensed event. (Braudel, 1979, p.60) Tolls were kept low. (Pirenne, 1925, p.8)


BRAUDEL, Fernand, The Wheels of Commerce, Collins, London, 1982.

POSTAN, Michael, Medieval Trade and Finance, CUP, Cambridge, 1973.


Definition: fair.

A periodic market held under a charter.

Definition: staple. A town given the sole right to trade a commodity.

Published by Harbour Press

A small press for economic history.
"""


def test_definitions_become_glossary_entries(tmp_path):
    ed, _ = read_text(tmp_path, GLOSSARY_AND_BIB)
    assert [g.term for g in ed.glossary] == ["fair", "staple"]
    assert shape(ed.glossary[0].blocks) == ["P A periodic market held under a charter."]
    assert shape(ed.glossary[1].blocks) == ["P A town given the sole right to trade a commodity."]
    # the term's first use in the chapter links to its entry
    assert shape(ed.chapters[0].blocks)[0].startswith("P A [[fair]] was a licensed event.")


def test_bibliography_block_and_year_mismatch(tmp_path):
    ed, diags = read_text(tmp_path, GLOSSARY_AND_BIB)
    assert [r.author[0].family for r in ed.references] == ["BRAUDEL", "POSTAN"]
    assert ed.references[0].publisher == "Collins" and ed.references[0].issued.year == 1982
    cite = shape(ed.chapters[0].blocks)[0]
    assert "(Braudel, 1979, p.60→s1-ref1)" in cite
    assert [d.pos.line for d in diags.items if d.code == "citation-year-mismatch"] == [5]
    assert [d.pos.line for d in diags.items if d.code == "citation-unresolved"] == [5]
    assert "{(Pirenne, 1925, p.8→?)}" in cite


def test_publisher_note_goes_to_back_matter(tmp_path):
    ed, _ = read_text(tmp_path, GLOSSARY_AND_BIB)
    about = [c for c in ed.chapters if c.role == "about"]
    assert len(about) == 1 and about[0].matter == "back"
    assert flat(about[0].title) == "Published by Harbour Press"
    assert shape(about[0].blocks) == ["P A small press for economic history."]
    assert len([c for c in ed.chapters if c.role == "chapter"]) == 1


COMMENTS = """\
Notes from a Mill Town

Looms stopped at six.

2 thoughts on “Notes from a Mill Town”

  1. I grew up two streets from that mill and remember the sirens.

    My grandmother said:

    “You could set a clock by them.”

  2. Thank you for writing this down.*

    * The mill closed in 1979.

Leave a Reply

You are commenting using your Twitter account. Log Out /  Change )

Twitter picture

%d bloggers like this:
"""


def test_comments_are_kept_apart_with_their_quotes_and_notes(tmp_path):
    ed, _ = read_text(tmp_path, COMMENTS)
    assert shape(ed.chapters[0].blocks) == ["P Looms stopped at six."]
    assert [c.number for c in ed.comments] == [1, 2]
    assert shape(ed.comments[0].blocks) == [
        "P I grew up two streets from that mill and remember the sirens.",
        "P My grandmother said:",
        "Q “You could set a clock by them.”",
    ]
    assert shape(ed.comments[1].blocks) == ["P Thank you for writing this down.⟨*⟩"]
    assert flat(ed.notes[0].blocks[0].inlines) == "The mill closed in 1979."


def test_boilerplate_removed_and_listed(tmp_path):
    ed, _ = read_text(tmp_path, COMMENTS)
    removed = {r.pos.line: r.reason for r in ed.removed}
    assert sorted(removed) == [5, 17, 19, 21, 23]
    assert "comment section" in removed[5]
    assert all("boilerplate" in removed[n] for n in (17, 19, 21, 23))


def test_comments_can_be_excluded(tmp_path):
    ed, _ = read_text(tmp_path, COMMENTS, include_comments=False)
    assert ed.comments == ()
    assert any("excluded" in r.reason for r in ed.removed)


def test_numbered_list_without_heading_at_the_end_is_read_as_comments(tmp_path):
    text = (
        "A Film About Rivers – Documentary (1999)\n\n"
        "The film follows three rivers to the sea. Directed by ANNA BERG, music by Piet Vos. Delta Films 1999\n\n\n"
        "  1. I saw this at a festival and it stayed with me for weeks afterwards, mostly the estuary scenes.\n\n"
        "    The second half drags a little, though.\n\n"
        "  2. Wonderful photography, but I wanted more about the people who live along the banks of these rivers.\n"
    )
    ed, _ = read_text(tmp_path, text)
    assert [c.number for c in ed.comments] == [1, 2]
    assert shape(ed.comments[0].blocks)[1] == "P The second half drags a little, though."
    assert [(c.role, c.name) for c in ed.metadata.credits] == [
        ("director", "Anna Berg"),
        ("music", "Piet Vos"),
        ("company", "Delta Films"),
        ("year", "1999"),
    ]
    assert ed.metadata.subtitle == "Documentary (1999)"


def test_short_numbered_list_in_the_text_is_not_comments(tmp_path):
    text = "Three Rules\n\nThe rules were:\n\n\n  1. Pay on time.\n\n  2. Keep the books.\n"
    ed, _ = read_text(tmp_path, text)
    assert ed.comments == ()


def test_typography_on_text(tmp_path):
    text = "Prices\n\nHe said \"wait...\" -- and they waited. See p. 232 and pp. 5-6. It's the 'best' case.\n"
    ed, _ = read_text(tmp_path, text)
    assert shape(ed.chapters[0].blocks) == [
        "P He said “wait…”—and they waited. See p.\u00a0232 and pp.\u00a05–6. It’s the ‘best’ case."
    ]


def test_section_break_needs_two_blank_lines(tmp_path):
    ed, _ = read_text(tmp_path, "T\n\nOne.\n\nTwo.\n\n\nThree.\n")
    assert [type(b) for b in ed.chapters[0].blocks].count(SectionBreak) == 1


def test_announced_comment_count_is_checked(tmp_path):
    text = COMMENTS.replace("2 thoughts on", "5 thoughts on")
    _, diags = read_text(tmp_path, text)
    missing = [d for d in diags.items if d.code == "comments-missing"]
    assert len(missing) == 1 and "announces 5 comments; 2 found" in missing[0].message


MINI_GUTENBERG = """\
The Project Gutenberg EBook of Field Notes, by Ada Quill

Title: Field Notes
       A Season on the Marsh

Author: Ada Quill

*** START OF THIS PROJECT GUTENBERG EBOOK FIELD NOTES ***




FIELD NOTES

A SEASON ON THE MARSH




CHAPTER I

THE FIRST WEEK


The reeds were higher than a man that spring, and the water stood late on
the lower fields, so that the herons came in numbers nobody could remember.[1]

[Illustration: _The marsh at dawn_]

      Out on the flats the curlews call,
      And the tide comes in over all.

Footnotes:

[1] Counted by the warden.

End of the Project Gutenberg EBook of Field Notes, by Ada Quill

*** END OF THIS PROJECT GUTENBERG EBOOK FIELD NOTES ***

This file should be named fieldnotes.txt.
"""


def test_gutenberg_apparatus_title_and_chapter(tmp_path):
    ed, diags = read_text(tmp_path, MINI_GUTENBERG)
    assert (ed.metadata.title, ed.metadata.subtitle, ed.metadata.authors) == (
        "Field Notes",
        "A Season on the Marsh",
        ("Ada Quill",),
    )
    body = [c for c in ed.chapters if c.role == "chapter"]
    assert [flat(c.title) for c in body] == ["Chapter I/The First Week"]  # in the edition's case
    assert shape(body[0].blocks) == [
        "P The reeds were higher than a man that spring, and the water stood late on the lower fields, "
        "so that the herons came in numbers nobody could remember.⟨1⟩",
        "P [Illustration: _The marsh at dawn_]",
        "Q Out on the flats the curlews call,/And the tide comes in over all.",
    ]
    # the licence is no chapter: the rights metadata holds it whole, and one
    # short note in ordinary paragraphs says where the text comes from
    assert [c.role for c in ed.chapters] == ["chapter", "source-note"]
    note = ed.chapters[1]
    assert note.matter == "back" and flat(note.title) == "About this text"
    assert all(isinstance(b, Paragraph) for b in note.blocks)
    assert "Project Gutenberg License" in " ".join(flat(b.inlines) for b in note.blocks)
    assert "End of the Project Gutenberg EBook" in ed.metadata.licence and ed.metadata.rights
    # the source's title lines before the text are removed and reported
    assert [r.text for r in ed.removed if "title pages" in r.reason] == ["FIELD NOTES", "A SEASON ON THE MARSH"]
    assert not [d for d in diags.items if d.code.startswith("note-")]


TRANSCRIBER_BOX = """\
       *       *       *       *       *

    +---------------------------------------------+
    | Transcriber's Note:                         |
    |                                             |
    | Page 12: recieve replaced with receive      |
    +---------------------------------------------+

       *       *       *       *       *
"""


def test_gutenberg_transcriber_boxes_leave_the_text(tmp_path):
    """A transcriber's framed box (and the asterisk rows around it) at the
    end of the text leaves it, reported; a box
    that is the author's (no transcriber's head) stays in the text; the
    header's translator is credited."""
    author_box = "    +------------+\n    | Wool 1d.   |\n    +------------+\n\n"
    text = MINI_GUTENBERG.replace("Author: Ada Quill\n", "Author: Ada Quill\n\nTranslator: Bo Reed\n")
    text = text.replace("Footnotes:", author_box + "Footnotes:").replace(
        "End of the Project", TRANSCRIBER_BOX + "\n\n\nEnd of the Project"
    )
    ed, _ = read_text(tmp_path, text)
    body, note = ed.chapters[0], ed.chapters[1]
    assert note.role == "source-note"
    transcriber = [r for r in ed.removed if "transcriber" in r.reason]
    assert [r.text.split("\n")[0].strip() for r in transcriber] == [
        "*       *       *       *       *",
        "+---------------------------------------------+",
        "*       *       *       *       *",
    ]
    assert "Transcriber" not in " ".join(b.text for b in body.blocks if hasattr(b, "text"))
    assert "Transcriber" not in " ".join(flat(b.inlines) for b in note.blocks)
    assert any("Wool 1d." in b.text for b in body.blocks if hasattr(b, "text"))
    assert [(c.role, c.name) for c in ed.metadata.credits] == [("translator", "Bo Reed")]


# A publisher's pages after the text, in the trade's conventions (made up:
# no book's words): a list of titles with formats and prices, then a short
# page with none.
ADVERTISEMENTS = """




MARSH AND FEN PUBLISHERS


A HISTORY OF THE REED. By Tam Oakes. Crown 8vo. 6s. net.

THE HERON'S YEAR. By Lis Brand. With 12 plates. Demy 8vo, cloth, $2.50 _net_.

     "A charming book."--_The Review_.

SALT AND SILT: Essays. By Ora Fenn. 12mo. $1.25.

WADERS OF THE EAST COAST. By the same author. Fcap. 8vo. 3s. 6d.




OUR QUARTERLY

Published in spring and autumn for members of the society.

"""


def test_advertisements_at_the_end_are_removed_and_reported(tmp_path):
    """A publisher's list of books after the text is no chapter: its lines
    are removed and reported (advertisement-removed), and the short page
    after it, with no price of its own, is removed as a weak decision
    (advertisement-suspect); the author's chapter stays whole."""
    text = MINI_GUTENBERG.replace("\nEnd of the Project", ADVERTISEMENTS + "\nEnd of the Project")
    ed, diags = read_text(tmp_path, text)
    assert [c.role for c in ed.chapters] == ["chapter", "source-note"]
    assert shape(ed.chapters[0].blocks)[-1] == "Q Out on the flats the curlews call,/And the tide comes in over all."
    lines = text.split("\n")
    start, quarterly = lines.index("MARSH AND FEN PUBLISHERS") + 1, lines.index("OUR QUARTERLY") + 1
    strong = [d for d in diags.items if d.code == "advertisement-removed"]
    weak = [d for d in diags.items if d.code == "advertisement-suspect"]
    assert [(d.pos.line, d.severity.value) for d in strong] == [(start, "info")]
    assert [(d.pos.line, d.pos.end_line, d.severity.value) for d in weak] == [(quarterly, quarterly + 2, "warning")]
    ads = {n for r in ed.removed if "advertisement" in r.reason for n in range(r.pos.line, r.pos.end_line + 1)}
    assert {start, start + 3, quarterly, quarterly + 2} <= ads
    assert not [t for t in ("Reed", "Heron", "Quarterly") if t in " ".join(flat(c.title) for c in ed.chapters)]


def test_a_price_in_the_text_is_no_advertisement(tmp_path):
    """A chapter of text that names a book and its price once stays text."""
    chapter = (
        "\n\n\n\nCHAPTER II\n\nTHE SECOND WEEK\n\n\nThe warden's own account, published later (cloth, $1.00), "
        "tells the same story of the herons and the flooded lower fields that spring.\n\n"
        "He counted the birds each morning from the sea wall and wrote the figures in a book kept for it.\n"
    )
    text = MINI_GUTENBERG.replace("\nEnd of the Project", chapter + "\nEnd of the Project")
    ed, diags = read_text(tmp_path, text)
    assert [flat(c.title) for c in ed.chapters if c.role == "chapter"][-1] == "Chapter II/The Second Week"
    assert not [d for d in diags.items if d.code.startswith("advertisement")]


def _without_wrapper(text: str) -> tuple[str, int]:
    """A Gutenberg text's body: the lines between its ``*** START`` line
    and the ``End of ...`` line before its licence; and how many lines
    went before it."""
    lines = text.split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith("*** START OF"))
    end = next(n for n, line in enumerate(lines) if line.startswith("End of Project Gutenberg"))
    return "\n".join(lines[start + 1 : end]), start + 1


def _ad_spans(diags) -> list[tuple[str, int, int]]:
    return [(d.code, d.pos.line, d.pos.end_line) for d in diags.items if d.code.startswith("advertisement")]


def test_a_books_text_without_gutenbergs_wrapper_loses_its_advertisements_too(tmp_path):
    """Bradley's body without the Gutenberg header and licence reads as a
    book (chapters of dozens of paragraphs): the publisher's lists after
    it are removed and reported at the same lines as in the whole text,
    the chapters and the transcriber's note after the lists stay."""
    whole_text = corpus_file(BRADLEY).read_text(encoding="utf-8")
    body, shift = _without_wrapper(whole_text)
    (tmp_path / "whole").mkdir()
    _, whole_diags = read_text(tmp_path / "whole", whole_text)
    ed, diags = read_text(tmp_path, body)
    found = _ad_spans(diags)
    assert found == [(code, a - shift, b - shift) for code, a, b in _ad_spans(whole_diags)]
    assert [c for c, _, _ in found] == ["advertisement-removed"] * 3 + ["advertisement-suspect"] * 2
    lines = body.split("\n")
    assert found[0][1] == lines.index("Columbia University in the City of New York") + 1
    removed = {
        n for r in ed.removed if "publisher's advertisement" in r.reason for n in range(r.pos.line, r.pos.end_line + 1)
    }
    assert all(a in removed and b in removed for _, a, b in found)
    titles = [flat(c.title) for c in ed.chapters]
    assert titles[1:] == [
        "Introduction",
        "Chapter I/The Price of Wool",
        "Chapter II/The Fertility of the Common Fields",
        "Chapter III/The Disintegration of the Open-Fields",
        "Chapter IV/Enclosure for Sheep Pasture",
        "Transcriber’s Notes:",
    ]
    last = ed.chapters[-2].blocks
    assert "advertisement" not in " ".join(shape(last)) and len(last) > 50
    assert "printing errors were corrected" in " ".join(shape(ed.chapters[-1].blocks))


# Sections of a page's text, a few paragraphs each, and a last section that
# lists books with their prices (made up).
_SECTION = "The ferry ran twice a day in summer, and the timetable was pinned to the door of the shed by the slip.\n\n"
_FOR_SALE = (
    "BOOKS FOR SALE\n\nTHE TIDE TABLES OF THE ESTUARY. Crown 8vo. 6s. net.\n\n"
    "A HISTORY OF THE SLIPWAY. Demy 8vo, cloth, $2.50.\n\nTHE FERRYMAN'S YEAR. 12mo. $1.25.\n"
)


def _sectioned(paragraphs: int) -> str:
    parts = [f"SECTION {n}\n\n" + _SECTION * paragraphs for n in ("ONE", "TWO", "THREE", "FOUR")]
    return "The Ferry\n\n\n" + "\n\n".join(parts) + "\n\n" + _FOR_SALE


def test_a_short_pages_list_of_books_for_sale_stays_a_books_goes(tmp_path):
    """The same list of books with prices after four sections: kept when the
    sections are a page's few paragraphs, removed when they are a book's
    chapters (the reader's test of a book, build._reads_as_book)."""
    (tmp_path / "page").mkdir()
    page, page_diags = read_text(tmp_path / "page", _sectioned(3))
    assert not _ad_spans(page_diags)
    assert [flat(c.title) for c in page.chapters][-2:] == ["Section Four", "Books for Sale"]
    assert "12mo. $1.25." in " ".join(shape(page.chapters[-1].blocks))
    book, book_diags = read_text(tmp_path, _sectioned(12))
    assert [c for c, _, _ in _ad_spans(book_diags)] == ["advertisement-removed"]
    assert [flat(c.title) for c in book.chapters][-1] == "Section Four"


@pytest.mark.parametrize("page", sorted(p.name for p in (CORPUS / "web").glob("*.txt")))
def test_a_web_pages_text_loses_nothing_to_the_advertisement_rule(tmp_path, page):
    ed, diags = read_text(tmp_path, (CORPUS / "web" / page).read_text(encoding="utf-8"))
    assert not _ad_spans(diags)
    assert not [r for r in ed.removed if "publisher's advertisement" in r.reason]


def test_gutenberg_title_repeated_between_chapters_is_removed(tmp_path):
    text = MINI_GUTENBERG.replace(
        "CHAPTER I\n",
        "PREFACE\n\nA preface of some length, written so that it reads as prose and "
        "not as a title page, with enough words in it to count as text.\n\n\n\n"
        "FIELD NOTES\n\nA SEASON ON THE MARSH\n\n\n\n\nCHAPTER I\n",
        1,
    )
    text = text.replace("FIELD NOTES\n\nA SEASON ON THE MARSH\n\n\n\n\nPREFACE", "PREFACE", 1)
    ed, _ = read_text(tmp_path, text)
    titles = [flat(c.title) for c in ed.chapters if c.role == "chapter"]
    assert titles == ["Preface", "Chapter I/The First Week"]  # in the edition's case
    assert any("title repeated" in r.reason for r in ed.removed)


def test_publisher_note_keeps_whatever_follows_whole(tmp_path):
    """A note-like line after "Published by" is the publisher's text, kept
    whole (found by the property test: its number was lost)."""
    ed, _ = read_text(tmp_path, "T\n\nBody.\n\nPublished by Someone\n\n[Footnote 1: inline]\n")
    about = next(c for c in ed.chapters if c.role == "about")
    assert shape(about.blocks) == ["P [Footnote 1: inline]"]


def test_definition_inside_comments_stays_whole(tmp_path):
    ed, _ = read_text(tmp_path, "T\n\nBody.\n\n3 thoughts on “T”\n\nDefinition: term.\n")
    assert shape(ed.comments[0].blocks) == ["P Definition: term."]
