"""Plain text's inline marks: `_italics_` always become emphasis, inside a
word too (`_P_son`, `1_s._`, as Gutenberg transcribes a printed book's
italic letter or unit), each such guess reported at its line; and no raw
underscore or four-dot ellipsis of the Gutenberg texts reaches the model.
"""

from __future__ import annotations

import re

import pytest

from editionbuilder.diagnostics import Diagnostics
from editionbuilder.model import Emphasis, Text
from editionbuilder.model.walk import iter_inlines
from editionbuilder.options import EditionOptions
from editionbuilder.pipeline import read_edition
from editionbuilder.readers.plaintext.inlines import parse_inlines
from paths import BRADLEY, OBRIEN, ROOT, corpus_file
from readerkit import read_text


def em(text: str) -> Emphasis:
    return Emphasis((Text(text),))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("a _word_ and _two words_ here", (Text("a "), em("word"), Text(" and "), em("two words"), Text(" here"))),
        ("if anie _P_son or", (Text("if anie "), em("P"), Text("son or"))),
        ("from 6 _d._ to 1_s._ 6", (Text("from 6 "), em("d."), Text(" to 1"), em("s."), Text(" 6"))),
        ("_Historia_.... Then", (em("Historia"), Text(".... Then"))),
        # Both edges glued: an identifier, not italics.
        ("the snake_case_name stays", (Text("the snake_case_name stays"),)),
        ("and __init__ too", (Text("and __init__ too"),)),
        # A path or an address keeps its underscores.
        ("see site.org/_static_files now", (Text("see site.org/_static_files now"),)),
        ("mail a_b_@c.org", (Text("mail a_b_@c.org"),)),
        ("a lone _ underscore", (Text("a lone _ underscore"),)),
    ],
)
def test_underscores_read_as_italics(given, expected):
    assert parse_inlines(given) == expected


TEXT = """\
Statutes of the Realm

The statute of 1597 provided that no such _P_son should convert
tillage to pasture, and no _P_son hold two farms.

Land let at from 6 _d._ to 1_s._ an acre, as the _Survey_ says; the
variable snake_case_name is no italic.

    _Rent_         _Acres_
    2_s._            40
    1_s._ 6_d._      12
"""


def test_italics_inside_a_word_are_reported_at_their_line(tmp_path):
    ed, diags = read_text(tmp_path, TEXT)
    inlines = [n for c in ed.chapters for n in iter_inlines(c.blocks)]
    assert [n.children[0].text for n in inlines if isinstance(n, Emphasis)][:5] == ["P", "P", "d.", "s.", "Survey"]
    texts = "".join(n.text for n in inlines if isinstance(n, Text))
    assert "snake_case_name" in texts and "_P_" not in texts and "1_s" not in texts
    found = [(d.pos.line, d.message) for d in diags.items if d.code == "emphasis-in-word"]
    assert found == [
        (3, "'_P_son' is read as italics inside the word"),
        (4, "'_P_son' is read as italics inside the word"),
        (6, "'1_s._' is read as italics inside the word"),
        (10, "'2_s._' is read as italics inside the word"),  # in a table's cells too
        (11, "'1_s._' is read as italics inside the word"),
        (11, "'6_d._' is read as italics inside the word"),
    ]


# An underscore at a word's edge: emphasis markup left as text (not snake_case).
UNDERSCORE = re.compile(r"(?<!\w)_(?=\w)|(?<=\w)_(?!\w)")
FOUR_DOTS = re.compile(r"(?<!\.)\.{4}(?!\.)|(?:\. ){3}\.")


@pytest.mark.parametrize("name", [BRADLEY, OBRIEN])
def test_no_underscore_markup_or_four_dots_reach_the_model(name):
    corpus_file(name)
    diags = Diagnostics()
    edition = read_edition(EditionOptions("t", (f"tests/corpus/{name}",)), ROOT, diags)
    holders = [*edition.chapters, *edition.notes]
    texts = [n.text for h in holders for n in iter_inlines(h.blocks) if isinstance(n, Text)]
    assert len(texts) > 500
    assert [t for t in texts if UNDERSCORE.search(t)] == []
    assert [t for t in texts if FOUR_DOTS.search(t)] == []
