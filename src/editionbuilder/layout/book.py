"""The edition as the templates need it: the parts of the book in order, and a view.

``layout(edition, medium)`` is the one entry point the writers call. It
places the readers' chapters (front, body, back), the notes, the apparatus
built from ``Edition`` fields (glossary, bibliography, readers' responses)
and the late back matter (a source's colophon), then, for a medium with
navigation (the EPUB), the generated front matter: cover, title page,
imprint and the navigation document. The pieces live in ``view`` (value
types), ``notes`` (calls and note entries), ``apparatus`` (chapters,
glossary, bibliography, responses, backlinks) and ``frontmatter``.
"""

from __future__ import annotations

from ..model import Chapter, Edition, Heading
from .apparatus import (  # noqa: F401
    BIBLIOGRAPHY_KEY,
    GLOSSARY_KEY,
    apparatus_parts,
    backlinks,
    chapter_parts,
    glossary_anchor,
    group_by_source,
    reference_anchor,
    reference_text,
    term_anchors,
)
from .frontmatter import (  # noqa: F401
    front_parts,
    heading_anchors,
    identifier,
    landmarks,
    nav_part,
    table_of_contents,
    title_page,
)
from .labels import LABELS, labels_for
from .notes import NOTES_KEY, layout_notes, note_labels  # noqa: F401
from .view import (  # noqa: F401
    EPUB,
    PRINT,
    WEB,
    Landmark,
    Layout,
    Medium,
    Part,
    TocEntry,
    View,
    xml_id,
)


def layout(edition: Edition, medium: Medium) -> Layout:
    """The parts of the book in order and the view their templates print from."""
    main, late = chapter_parts(edition)
    apparatus = apparatus_parts(edition)
    notes = layout_notes(edition, main + apparatus + late, medium)
    notes_part = (
        [Part(NOTES_KEY, "notes", LABELS["notes"], "back", notes.entries, "endnotes", "doc-endnotes")]
        if notes.entries
        else []
    )
    parts = tuple(main + notes_part + apparatus + late)
    front = front_parts(edition.metadata, medium)
    anchors = heading_anchors(parts)
    toc: tuple[TocEntry, ...] = ()
    marks: tuple[Landmark, ...] = ()
    if medium.navigation:
        toc = table_of_contents((*front, *parts), anchors, medium)
        marks = landmarks((*front, nav_part(toc, ()), *parts), medium)
        front.append(nav_part(toc, marks))
    terms = term_anchors(parts)
    uses, cites = backlinks(parts, medium, terms)
    view = View(
        lang=edition.metadata.language or "en",
        medium=medium,
        labels=labels_for(edition.metadata.language or "en").book,
        calls=notes.calls,
        ref_hrefs={r.id: medium.href(BIBLIOGRAPHY_KEY, reference_anchor(r.id)) for r in edition.references},
        term_hrefs={g.id: medium.href(GLOSSARY_KEY, glossary_anchor(g.id)) for g in edition.glossary},
        heading_ids=anchors,
        term_ids=terms,
        term_uses=uses,
        citations_of=cites,
        fragments=_fragments(parts, anchors, medium),
    )
    return Layout(view, parts, tuple(front), marks, toc)


def _fragments(parts, anchors: dict[int, str], medium: Medium) -> dict[str, str]:
    """Model id -> href of every chapter and of every heading with an id."""
    out: dict[str, str] = {}
    for part in parts:
        if not isinstance(part.content, Chapter):
            continue
        out[part.content.id] = medium.href(part.key)
        for block in part.content.blocks:
            if isinstance(block, Heading) and block.id and id(block) in anchors:
                out[block.id] = medium.href(part.key, anchors[id(block)])
    return out
