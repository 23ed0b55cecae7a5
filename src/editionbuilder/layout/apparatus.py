"""The edition's own parts in reading order, and the apparatus built from its fields.

Front matter, body and back matter come from the readers' chapters; the
glossary, bibliography and readers' responses are built from ``Edition``
fields, each entry with an element id. Entries link back to the text: a
glossary term to every place the term is linked from (``TermRef`` ids
``term-N``), a reference to every citation of it (``Citation`` ids
``cite-N``), as EPUB 3 SSV ``backlink`` / DPUB-ARIA ``doc-backlink``.
A term use without a model id gets one here (``term_anchors``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model import (
    Chapter,
    Citation,
    Edition,
    Inline,
    Reference,
    SourceInfo,
    TermRef,
    Text,
)
from ..model.text import title_text
from .view import (
    LABELS,
    LATE_ROLES,
    SEMANTICS,
    Backlink,
    Entry,
    Group,
    Medium,
    Part,
    names,
    part_inlines,
    xml_id,
)

GLOSSARY_KEY = "glossary"
BIBLIOGRAPHY_KEY = "bibliography"
RESPONSES_KEY = "responses"


def piece_bylines(edition: Edition) -> dict[int, str]:
    """id(chapter) -> its authors, for the first chapter of each source of
    an anthology whose sources are not all by the same authors (a book of
    one author's pieces names them once, on its title page)."""
    sources = edition.metadata.sources
    if len(sources) < 2 or len({s.authors for s in sources}) < 2:
        return {}
    authors = {s.path: s.authors for s in sources}
    out: dict[int, str] = {}
    seen: set[str] = set()
    for chapter in edition.chapters:
        if chapter.matter != "back" and chapter.source in authors and chapter.source not in seen:
            seen.add(chapter.source)
            out[id(chapter)] = names(authors[chapter.source])
    return out


def glossary_anchor(term_id: str) -> str:
    return xml_id(term_id, "gloss-")


def reference_anchor(ref_id: str) -> str:
    return xml_id(ref_id, "ref-")


def _chapter_part(index: int, chapter: Chapter, byline: str = "") -> Part:
    epub_type, role = SEMANTICS.get(chapter.role, ("", ""))
    title = title_text(chapter.title) or LABELS.get(chapter.role, "") or chapter.role.capitalize() or LABELS["untitled"]
    return Part(f"ch{index:03d}", "chapter", title, chapter.matter, chapter, epub_type, role, byline)


def chapter_parts(edition: Edition) -> tuple[list[Part], list[Part]]:
    """(front + body + back, late back matter), each in source order. A
    source's note on its author or publisher (role ``about``) stays after
    that source's text, as an anthology prints it."""
    rank = {"front": 0, "body": 1, "back": 2}
    ordered = sorted(
        enumerate(edition.chapters), key=lambda p: (1 if p[1].role == "about" else rank.get(p[1].matter, 1), p[0])
    )
    bylines = piece_bylines(edition)
    main: list[Part] = []
    late: list[Part] = []
    for index, (_, chapter) in enumerate(ordered, start=1):
        part = _chapter_part(index, chapter, bylines.get(id(chapter), ""))
        is_late = chapter.matter == "back" and chapter.role in LATE_ROLES
        (late if is_late else main).append(part)
    return main, late


def source_title(source: SourceInfo) -> str:
    return source.title or source.path.rsplit("/", 1)[-1]


def group_by_source(entries: Sequence[Entry], sources: Sequence[SourceInfo]) -> tuple[Group, ...]:
    """Entries grouped by the source they came from (``pos.file`` = source path).

    With one source or none there is one untitled group. Entries from no
    listed source come last, under no title, so none is lost.
    """
    if len(sources) <= 1:
        return (Group("", tuple(entries)),)
    groups = []
    for source in sources:
        mine = tuple(e for e in entries if e.item.pos.file == source.path)
        if mine:
            groups.append(Group(source_title(source), mine, "h3"))
    paths = {s.path for s in sources}
    rest = tuple(e for e in entries if e.item.pos.file not in paths)
    if rest:
        groups.append(Group("", rest, "h3"))
    return tuple(groups)


def apparatus_parts(edition: Edition) -> list[Part]:
    """Glossary, bibliography and responses parts (notes come later: they need the calls)."""
    sources = edition.metadata.sources
    parts = []
    if edition.glossary:
        # A definitions appendix is looked up by term: alphabetical order.
        terms = sorted(edition.glossary, key=lambda g: (g.term.casefold(), g.id))
        entries = tuple(Entry(g, glossary_anchor(g.id)) for g in terms)
        parts.append(Part(GLOSSARY_KEY, "glossary", LABELS["glossary"], "back", entries, "glossary", "doc-glossary"))
    if edition.references:
        parts.append(
            Part(
                BIBLIOGRAPHY_KEY,
                "bibliography",
                LABELS["bibliography"],
                "back",
                group_by_source(bibliography_entries(edition.references), sources),
                "bibliography",
                "doc-bibliography",
            )
        )
    if edition.comments:
        comments = tuple(
            Entry(c, xml_id(c.id, "response-"), f"{LABELS['response']} {c.number}") for c in edition.comments
        )
        parts.append(Part(RESPONSES_KEY, "responses", LABELS["responses"], "back", group_by_source(comments, sources)))
    return parts


def bibliography_entries(references: Sequence[Reference]) -> tuple[Entry, ...]:
    """One entry per reference, uncited ones included, in the edition's
    order (the citation style's, set by the ``format_references`` pass)."""
    return tuple(Entry(r, reference_anchor(r.id), inlines=_reference_inlines(r)) for r in references)


def _reference_inlines(ref: Reference) -> tuple[Inline, ...]:
    """The entry as the citation style formatted it; the source's own text
    for a reference no style has formatted (a model built without passes)."""
    return ref.formatted or (Text(reference_text(ref)),)


def reference_text(ref: Reference) -> str:
    """The source's own text of an entry (used when no style formatted it)."""
    if ref.raw:
        return ref.raw
    names = ", ".join(n.literal or " ".join(p for p in (n.given, n.particle, n.family) if p) for n in ref.author)
    year = ref.issued.literal or (str(ref.issued.year) + ref.issued.suffix if ref.issued.year else "")
    bits = [names, year and f"({year})", ref.title, ref.container_title, ref.publisher]
    return ". ".join(b for b in bits if b)


def term_anchors(parts: Sequence[Part]) -> dict[int, str]:
    """id(TermRef) -> element id of each use of a term, in reading order.

    The model's id (``term-N`` from ``transforms.number_ids``) when it has
    one, else ``term-use-N`` made here, so that a use is never left without
    the anchor its glossary entry links back to.
    """
    anchors, count = {}, 0
    for part in parts:
        for node in part_inlines(part):
            if isinstance(node, TermRef) and id(node) not in anchors:
                count += 1
                anchors[id(node)] = xml_id(node.id) if node.id else f"term-use-{count}"
    return anchors


def backlinks(
    parts: Sequence[Part], medium: Medium, terms: Mapping[int, str]
) -> tuple[dict[str, tuple[Backlink, ...]], dict[str, tuple[Backlink, ...]]]:
    """(glossary id -> its uses, reference id -> its citations), in reading order.

    A use is labelled with the title of the part it stands in, a citation
    with the item as the source wrote it (``Getty, 1985, p.83``), numbered
    when a label repeats. Print
    carries no links, so it gets none.
    """
    uses: dict[str, list[Backlink]] = {}
    cites: dict[str, list[Backlink]] = {}
    if not medium.links:
        return {}, {}
    for part in parts:
        for node in part_inlines(part):
            if isinstance(node, TermRef) and id(node) in terms:
                _add_use(uses.setdefault(node.term_id, []), medium.href(part.key, terms[id(node)]), part.title)
            elif isinstance(node, Citation) and node.id:
                href = medium.href(part.key, xml_id(node.id))
                for item in node.items:
                    if item.key:
                        _add_use(cites.setdefault(item.key, []), href, item.text)
    return _frozen(uses), _frozen(cites)


def _add_use(found: list[Backlink], href: str, title: str) -> None:
    """A label already listed is told apart by its number, "Title (2)", so that
    no two links of one entry read the same (WCAG 2.4.4, link purpose)."""
    same = sum(1 for b in found if b.label == title or b.label.startswith(f"{title} ("))
    found.append(Backlink(href, f"{title} ({same + 1})" if same else title))


def _frozen(table: Mapping[str, list[Backlink]]) -> dict[str, tuple[Backlink, ...]]:
    return {key: tuple(links) for key, links in table.items()}
