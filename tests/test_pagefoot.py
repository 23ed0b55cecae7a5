"""No word broken across the foot of a recto (writers/pagefoot.py): found
in a WeasyPrint layout, and mended by laying the paragraph out unhyphenated.
The books' own figures are measured by bench/typography.py."""

from __future__ import annotations

import weasyprint

from editionbuilder.writers.print.pagefoot import LAYOUT_HYPHEN, no_hyphens_css, recto_foot_breaks

WORDS = (
    "the characteristically interdisciplinary considerations of extraordinarily "
    "unrepresentative administrations notwithstanding "
) * 12
CSS = (
    "@page { size: 2.4in 2.4in; margin: 0.25in; } "
    "body { margin: 0; hyphens: auto; text-align: justify; font-size: 11pt; line-height: 1.3 }"
)
HTML = f'<html lang="en-US"><head><style>{CSS}</style></head><body><p>{WORDS}</p><p>{WORDS}</p></body></html>'


def layout(extra: str = "") -> weasyprint.Document:
    return weasyprint.HTML(string=HTML).render(stylesheets=[weasyprint.CSS(string=extra)] if extra else [])


def test_broken_words_at_a_rectos_foot_are_found():
    document = layout()
    found = recto_foot_breaks(document, first_folio=1)
    assert found, "the narrow pages end some rectos in a broken word"
    assert all(b.page % 2 == 0 for b in found)  # page 0 is folio 1, a recto
    assert all(b.word.endswith(LAYOUT_HYPHEN) for b in found)
    # the same pages numbered from 2: the other side's pages are the rectos
    assert all(b.page % 2 == 1 for b in recto_foot_breaks(document, first_folio=2))


def test_the_paragraphs_unhyphenated_end_no_recto_in_a_broken_word():
    document = layout()
    css = no_hyphens_css(document, recto_foot_breaks(document, 1))
    assert css == (
        "html > body:nth-child(2) > p:nth-child(1) { hyphens: manual; }\n"
        "html > body:nth-child(2) > p:nth-child(2) { hyphens: manual; }\n"
    )
    assert recto_foot_breaks(layout(css), 1) == []
