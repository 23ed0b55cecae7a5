"""Accessibility metadata (EPUB Accessibility 1.1 §2, schema.org) true of the book.

Each statement is made because the writers make it hold for every edition,
and the tests check the markup behind it:

- ``accessMode`` is ``textual`` only. The one image is the typographic cover,
  which repeats the title, subtitle and authors that the title page gives as
  text; the DAISY Knowledge Base says not to set ``visual`` for cover artwork
  carrying no information needed to understand the content.
- ``accessModeSufficient`` ``textual``: everything can be read as text.
- features: ``tableOfContents`` (nav, nested), ``readingOrder`` (the spine is
  the reading order; notes and apparatus are linked both ways),
  ``structuralNavigation`` (a heading for every part and section, sections
  with ARIA roles), ``alternativeText`` (the cover image has alt text) and
  ``ARIA`` (DPUB-ARIA roles on parts, notes, glossary and bibliography).
  With the print edition typeset in the same build (``page_source``):
  ``pageBreakMarkers`` and ``printPageNumbers`` (its older name, which the
  page-list checks of reading systems and Ace still look for),
  ``pageNavigation`` (the nav's page list), and ``pageBreakSource`` (EPUB meta vocabulary, unprefixed)
  naming the print edition's identifier.
- ``accessibilityHazard`` ``none``: no sound, motion or flashing content.
- ``dcterms:conformsTo`` EPUB Accessibility 1.1 - WCAG 2.2 Level AA, with
  ``a11y:certifiedBy`` naming editionbuilder. The claim is the tool's own
  (its templates and its test suite: EPUBCheck, structural tests), not a
  third party's audit; an editor who audits an edition should name
  themselves there instead (a later config key).
"""

from __future__ import annotations

from ...model import Edition

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
CERTIFIER = "editionbuilder"
CONFORMANCE_ID = "conformance"
FEATURES = ("tableOfContents", "readingOrder", "structuralNavigation", "alternativeText", "ARIA")
PAGE_FEATURES = ("pageBreakMarkers", "printPageNumbers", "pageNavigation")


def accessibility_metadata(edition: Edition, page_source: str = "") -> list[tuple[str, str, dict[str, str]]]:
    """(property, value, extra attributes) for each <meta> of the package;
    ``page_source``: the identifier of the print edition whose pages are
    marked in the text ("" when none are)."""
    metas: list[tuple[str, str, dict[str, str]]] = [
        ("schema:accessMode", "textual", {}),
        ("schema:accessModeSufficient", "textual", {}),
    ]
    metas += [("schema:accessibilityFeature", f, {}) for f in (*FEATURES, *(PAGE_FEATURES if page_source else ()))]
    if page_source:
        metas.append(("pageBreakSource", page_source, {}))
    metas += [
        ("schema:accessibilityHazard", "none", {}),
        ("schema:accessibilitySummary", accessibility_summary(edition, page_source), {}),
        ("dcterms:conformsTo", CONFORMANCE, {"id": CONFORMANCE_ID}),
        ("a11y:certifiedBy", CERTIFIER, {"refines": f"#{CONFORMANCE_ID}"}),
    ]
    return metas


def accessibility_summary(edition: Edition, page_source: str = "") -> str:
    """A summary for a reader deciding whether the book suits them: what is
    in it and how to move through it, saying only what this edition has."""
    sentences = [
        "This ebook is text throughout and can be read aloud or in braille.",
        (
            "Every part has a heading; a table of contents lists the parts and the sections "
            "within them, and landmarks lead to the start of the text."
        ),
    ]
    if edition.notes:
        sentences.append("Note references link to their notes, and each note links back.")
    if edition.glossary:
        sentences.append("Terms link to the glossary, and each definition links back to where the term is used.")
    if edition.references:
        sentences.append("Citations link to the bibliography, and each entry links back to where it is cited.")
    sentences += [
        (
            "The only image is the cover, which shows the title and author also given as text "
            "on the title page, and has a text description."
        ),
        (
            f"The page numbers of the print edition ({page_source}) are marked in the text and listed for navigation."
            if page_source
            else "Page numbers of a printed edition are not included."
        ),
        "There are no sounds, animations or flashing content.",
    ]
    return " ".join(sentences)
