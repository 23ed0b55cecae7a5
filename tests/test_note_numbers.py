"""The edition numbers its notes 1, 2, 3… in each chapter, whatever the
source did (``transforms.number_notes``), and every output prints and
links those numbers: the EPUB's calls and notes part, the print's
footnotes, the web edition's pages.

The O'Brien Gutenberg text keeps its printed book's per-page numbers (a
page calls 2, 1, 1, 2, 1): the edition must not.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from editionbuilder.diagnostics import Diagnostics
from editionbuilder.layout import book as html
from editionbuilder.model import Chapter, Comment, Edition, Metadata, Note, NoteRef, Paragraph, Position, Text
from editionbuilder.model.walk import iter_inlines, walk_inlines
from editionbuilder.options import BuildOptions, EditionOptions
from editionbuilder.pipeline import read_edition
from editionbuilder.transforms.notenumbers import number_notes, numbered_order
from editionbuilder.writers import WriteContext, get_writer
from paths import OBRIEN, ROOT, corpus_file

X = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module")
def obrien() -> tuple[Edition, Diagnostics]:
    corpus_file(OBRIEN)
    diags = Diagnostics()
    options = EditionOptions(name="obrien", sources=(f"tests/corpus/{OBRIEN}",))
    return read_edition(options, ROOT, diags), diags


def calls_by_chapter(edition: Edition) -> dict[str, list[NoteRef]]:
    """The note calls of each chapter, in reading order."""
    out = {}
    for c in edition.chapters:
        refs = [n for n in (*walk_inlines(c.title), *iter_inlines(c.blocks)) if isinstance(n, NoteRef)]
        if refs:
            out[c.id] = refs
    return out


def test_obrien_calls_read_one_to_n_in_each_chapter(obrien):
    edition, diags = obrien
    notes = {n.id: n for n in edition.notes}
    chapters = calls_by_chapter(edition)
    assert len(chapters) >= 4
    source_marks_restart = False
    for chapter, refs in chapters.items():
        first_calls = list(dict.fromkeys(r.note_id for r in refs))
        assert [notes[i].label for i in first_calls] == [str(k) for k in range(1, len(first_calls) + 1)], chapter
        assert all(notes[i].chapter == chapter for i in first_calls)
        marks = [notes[i].marker for i in first_calls]
        source_marks_restart |= marks != [str(k) for k in range(1, len(marks) + 1)]
    assert source_marks_restart  # the source did not number them so: the pass did
    # Labels are unique within a chapter, and every note has one.
    for chapter in {n.chapter for n in edition.notes}:
        labels = [n.label for n in edition.notes if n.chapter == chapter]
        assert sorted(labels, key=int) == [str(k) for k in range(1, len(labels) + 1)]
    assert all(n.label and n.chapter in chapters for n in edition.notes)
    renumbered = [d for d in diags.items if d.code == "notes-renumbered"]
    assert len(renumbered) == len(chapters) and all(d.pos.line for d in renumbered)


def test_every_medium_prints_the_models_labels(obrien):
    edition, _ = obrien
    notes = {n.id: n for n in edition.notes}
    refs = [r for rs in calls_by_chapter(edition).values() for r in rs]
    for medium in (html.EPUB, html.PRINT, html.WEB):
        lay = html.layout(edition, medium)
        assert [lay.view.call(r).label for r in refs] == [notes[r.note_id].label for r in refs]
    # Print: the first call of each note sets the note itself at the foot of the page.
    view = html.layout(edition, html.PRINT).view
    first = {}
    for r in refs:
        first.setdefault(r.note_id, r)
    assert all((view.call(r).note is notes[r.note_id]) == (first[r.note_id] is r) for r in refs)


def test_a_hand_made_model_is_numbered_per_chapter_with_symbols_and_nested_calls():
    f = "t.txt"
    one = Chapter(
        "c1",
        (Text("One"),),
        (Paragraph((Text("a"), NoteRef("n2", "†"), Text(" b"), NoteRef("n1", "*")), Position(f, 3, 3)),),
        source=f,
        pos=Position(f, 1, 1),
    )
    two = Chapter(
        "c2",
        (Text("Two"),),
        (Paragraph((Text("c"), NoteRef("n3", "*")), Position(f, 20, 20)),),
        source=f,
        pos=Position(f, 18, 18),
    )
    notes = (
        Note("n1", (Paragraph((Text("first"), NoteRef("n4", "‡"))),), "*", pos=Position(f, 5, 5)),
        Note("n2", (Paragraph((Text("second"),)),), "†", pos=Position(f, 6, 6)),
        Note("n3", (Paragraph((Text("third"),)),), "*", pos=Position(f, 22, 22)),
        Note("n4", (Paragraph((Text("inside n1"),)),), "‡", pos=Position(f, 7, 7)),
        Note("n5", (Paragraph((Text("never called"),)),), "§", pos=Position(f, 25, 25)),
    )
    diags = Diagnostics()
    out = number_notes(Edition(Metadata(title="T"), (one, two), notes), diags)
    assert [n.id for n in out.notes] == ["n1", "n2", "n3", "n4", "n5"]  # the reader's order
    assert [(n.id, n.chapter, n.label) for n in numbered_order(out)] == [
        ("n2", "c1", "1"),  # first called
        ("n1", "c1", "2"),
        ("n4", "c1", "3"),  # called from inside n1
        ("n3", "c2", "1"),  # numbering starts again
        ("n5", "c2", "§"),  # uncalled: the chapter its lines fall in, with its own mark
    ]
    assert [d.code for d in diags.items] == ["notes-renumbered", "notes-renumbered"]
    # said at the line of the chapter's first note in its numbering (n2, called first), not at its title
    assert "'One'" in diags.items[0].message and diags.items[0].pos.line == 6
    # The EPUB's notes part lists them chapter by chapter, under the chapter's title.
    entries = next(p for p in html.layout(out, html.EPUB).parts if p.key == html.NOTES_KEY).content
    assert [(e.label, e.heading) for e in entries] == [("1", "One"), ("2", ""), ("3", ""), ("1", "Two"), ("§", "")]


def test_an_uncalled_note_keeps_its_mark_unless_a_number_of_its_chapter_has_it():
    f = "t.txt"
    chapter = Chapter("c", (Text("C"),), (Paragraph((NoteRef("a", "7"),), Position(f, 2, 2)),), source=f)
    notes = (
        Note("a", (), "7", pos=Position(f, 4, 4)),
        Note("b", (), "1", pos=Position(f, 5, 5)),  # "1" is note a's number now
        Note("c", (), "53", pos=Position(f, 6, 6)),  # the mark its table prints
        Note("d", (), "", pos=Position(f, 7, 7)),
        Note("e", (), "*", pos=Position(f, 9, 9)),  # called from a reader's response
    )
    response = Comment("r", 1, (Paragraph((Text("Quite."), NoteRef("e", "*"))),))
    out = number_notes(Edition(Metadata(title="T"), (chapter,), notes, comments=(response,)), Diagnostics())
    assert [(n.id, n.label) for n in numbered_order(out)] == [
        ("a", "1"),
        ("e", "2"),  # called: numbered
        ("b", "3"),
        ("d", "4"),
        ("c", "53"),
    ]


def test_unmarked_notes_numbered_without_a_report():
    chapter = Chapter("c", (Text("C"),), (Paragraph((NoteRef("a"), NoteRef("b"))),))
    edition = Edition(Metadata(title="T"), (chapter,), (Note("b", ()), Note("a", ())))
    diags = Diagnostics()
    out = number_notes(edition, diags)
    assert [(n.id, n.label) for n in out.notes] == [("b", "2"), ("a", "1")] and diags.items == []


def test_obrien_epub_links_each_call_to_its_note(obrien, tmp_path):
    """In the EPUB each call's text is the label of the note it links to,
    and that note stands under its chapter's heading in the notes part."""
    edition, _ = obrien
    options = EditionOptions("obrien", (f"tests/corpus/{OBRIEN}",))
    ctx = WriteContext(options, BuildOptions(source_date_epoch=0), Diagnostics(), Path(ROOT))
    target = tmp_path / "obrien.epub"
    get_writer("epub")(edition, target, ctx)
    with zipfile.ZipFile(target) as z:
        docs = {n.rsplit("/", 1)[-1]: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}
    notes_doc = docs["notes.xhtml"]
    heading_of = {}
    for ol in notes_doc.iter(X + "ol"):
        h2 = ol.getprevious()
        assert h2 is not None and h2.tag == X + "h2"
        for div in ol.iter(X + "div"):
            heading_of[div.get("id")] = "".join(h2.itertext())
    checked = 0
    for name, doc in docs.items():
        title = doc.findtext(f"{X}head/{X}title") or ""
        for a in doc.iter(X + "a"):
            if a.get(EPUB_TYPE) != "noteref":
                continue
            file, _, anchor = a.get("href").partition("#")
            assert file == "notes.xhtml"
            note = notes_doc.find(f".//*[@id='{anchor}']")
            label = "".join(note.find(f"{X}span[@class='note-label']").itertext())
            assert a.text == label, (name, anchor)
            assert " ".join(heading_of[anchor].split()) == " ".join(title.split()), (name, anchor)
            checked += 1
    assert checked == sum(len(rs) for rs in calls_by_chapter(edition).values())
