"""The marks of a publisher's advertisement (``sourcematter.ad_marks``).

``ad_marks`` looks for a word before some patterns, and writes the
shillings pattern with its digit first, so that ``re`` skips through a
paragraph quickly. Neither may change what is counted: the counts are
compared with the patterns written plainly (each opening on ``\\b``, none
with a word looked for first) on every paragraph of the corpus books and
web pages, on a list of advertisements' lines, and on generated text made
of the characters the patterns turn on.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from editionbuilder.readers.plaintext.sourcematter import ad_marks
from paths import CORPUS, GUTENBERG, corpus_file

# The marks as plain patterns: what ``ad_marks`` must count.
PLAIN = [
    re.compile(p, re.I)
    for p in (
        r"[$£]\s?\d+(?:\.\d\d)?\b",
        r"\b\d{1,2}s\.(?:\s?\d{1,2}d\.)?|\b\d{1,2}/\d{1,2}\s+net\b|\b\d{1,2}/-",
        r"(?:\d|8vo|mo|cloth)[.,]?\s+_?net_?\b",
        r"\b(?:\d{1,2}mo|[48]vo|4to|Fcap\.?|Foolscap)\b",
        r"\bcloth\b.{0,20}\d|\bPrice,?\s+[$£\d]",
        r"\bPp\.\s+[ivxlc]+\s*\+\s*\d+",
        r"^(?:By the same author|Works by\b|Uniform with\b|Now ready\b|In preparation\b|Books by\b)",
        r"\((?:_)?(?:Second|Third|Fourth|New)\s+(?:Impression|Edition)(?:_)?\)",
        r"\bannual\s+(?:subscription|dues)\b|\bsingle\s+(?:numbers|copies)\b",
    )
]


def plain_marks(text: str) -> int:
    return sum(1 for p in PLAIN if p.search(text))


LINES = {
    # shillings, a format, cloth before a digit ("6d. net": no digit before "net")
    "Crown 8vo, cloth, 7s. 6d. net.": 3,
    "Demy 8vo. 12s. 6d. NET": 2,
    "3/6 net": 2,  # shillings (3/6 net), net after a digit
    "Price 2/-": 2,
    "x7s. 6d. and 17s.": 1,  # "x7s." is no price; "17s." is
    "a7/- b": 0,
    "123s. 6d.": 0,  # three digits are no shillings
    "Pp. vii + 269. $1.50": 2,
    "PP. XII + 31": 1,
    "ſingle copies, 6d.": 1,  # the long s is an s to ``re.I``
    "Annual Subscription, post free": 1,
    "Now ready. (Second Impression)": 2,
    "Now ready. (Second Impression.)": 1,  # a full stop inside the brackets
    "It was a net gain of 5 net": 1,
    "he went on to the 4to": 1,
    "Ten years passed, and the price of wool rose.": 0,
}


def test_lines_of_advertisements_are_counted_as_the_plain_patterns_count_them():
    for line, marks in LINES.items():
        assert plain_marks(line) == marks, line  # the table itself, read against the plain patterns
        assert ad_marks(line) == marks, line


def test_every_paragraph_of_the_corpus_counts_the_same():
    paragraphs = []
    for name in GUTENBERG:
        paragraphs += corpus_file(name).read_text(encoding="utf-8", errors="replace").split("\n\n")
    for page in sorted((CORPUS / "web").glob("*.txt")):
        paragraphs += page.read_text(encoding="utf-8").split("\n\n")
    assert len(paragraphs) > 2500
    marked = 0
    for text in paragraphs:
        assert ad_marks(text) == plain_marks(text), text
        marked += plain_marks(text) > 0
    assert marked > 20  # the books' own advertisements and prices are there


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789٣sdSDnetNETpPvVoOcl .,/-_$£ſıİ\u212a\n(", max_size=40))
def test_generated_text_counts_the_same(text):
    assert ad_marks(text) == plain_marks(text)
