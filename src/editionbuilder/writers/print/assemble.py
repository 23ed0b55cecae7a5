"""One PDF from the PDFs of a book's parts: the only module that imports pikepdf.

A book is typeset part by part (``typeset``): the front matter, each
chapter, each section of the back matter, every one opening on a recto.
Each part is a PDF of WeasyPrint's (a long part laid out in stretches, a
PDF of each stretch's pages: ``typeset.PartResult.more``), with the same
metadata, output intent and fonts; this module joins them into the
book's file:

- the pages, in order, with a blank verso where a part ends on a recto;
- the named destinations of internal links, each kept from the part (or
  stretch) that holds its anchor (a part also names the anchors of other
  parts its links point to, at its last page, so that WeasyPrint keeps
  those links);
- the bookmarks, chained part after part (a part written in stretches:
  made from its bookmark tree);
- the tags of a PDF/UA file: one ``Document`` element holding every part's
  elements, the parent tree renumbered (pages' ``StructParents``, links'
  ``StructParent``), so that each marked content still finds its element;
- the catalog, metadata and document information of the first part;
- one copy of each colour profile (every part embeds the same ICC stream);
- one subset of each face for the glyphs of all the parts, where the parts
  left it to the book (``subsets``): their font descriptors of the face
  all point to it;
- a subset tag of its own for each subset: WeasyPrint tags a subset by its
  font ("ABCDEF+Face"), so the parts' different subsets of one face (of a
  face a part embedded itself) share a tag, and ISO 32000-1 (9.6.4) says
  different subsets in one file shall have different tags. The new tag is
  made from the subset's own bytes (the same subset, the same tag).

The result is saved with a deterministic file ID: the same parts give the
same bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pikepdf

from ...diagnostics import RenderError
from . import subsets

Boxes = Callable[[int], dict[str, tuple[float, float, float, float]]]


@dataclass(frozen=True, slots=True)
class PartPdf:
    """A part's PDF and the anchors it holds (names its links may be sent to);
    its margin sheet (``typeset.margin_sheet``: a PDF of as many pages,
    drawn over its own), and how far its first page's content moves to the
    right (in points; the next page's as far to the left, and so on): a
    part laid out from a recto that opens on a verso. A part written a
    stretch at a time (``typeset.PartResult.more``): ``data`` and
    ``anchors`` are its first stretch's, ``more`` the PDF and anchors of
    each of the others, whose pages follow."""

    data: bytes
    anchors: frozenset[str]
    margins: Sequence[bytes] | None = None  # the pieces of its margin sheet, in order (each read when reached)
    shift: float = 0.0
    more: tuple[tuple[bytes, frozenset[str]], ...] = ()
    outline: tuple = ()  # its bookmarks, when ``more`` (``typeset.PartResult.outline``)
    # Whether it may hold a figure (``typeset.PartResult.figures``): the
    # structure elements of a part that holds none are not walked for one.
    figures: bool = True


def assemble(
    parts: Iterable[PartPdf | None], boxes: Boxes | None = None, faces: Mapping[str, str] | None = None
) -> bytes:
    """The book's PDF: ``parts`` in order, ``None`` standing for a blank
    verso, each joined as it comes (an iterator may make them meanwhile).
    ``boxes(index)`` gives page ``index``'s boxes (TrimBox, BleedBox) by
    its place in the book, when the pages carry bleed. ``faces``: the font
    files whose subsets the parts left to the book, by the SHA-256 of their
    bytes (``subsets.known_faces``)."""
    parts = iter(parts)
    first = next(parts)
    assert first is not None  # a blank verso follows a part: the book opens with one (the front matter)
    base = pikepdf.open(io.BytesIO(first.data))
    book = _Book(base, dict(faces or {}))
    book.add_first(first)
    for part in parts:
        if part is None:
            book.add_blank()
            continue
        with contextlib.ExitStack() as opened:
            sheet = _Sheet(part.margins, opened) if part.margins is not None else None
            start, offset = len(book.pdf.pages), 0  # offset: of the stretch's pages in the part
            for data, anchors in ((part.data, part.anchors), *part.more):
                with pikepdf.open(io.BytesIO(data)) as src:
                    book.add(src, anchors, sheet, part.shift, offset, outlines=not part.more, figures=part.figures)
                    offset += len(src.pages)
            if part.more:  # the bookmarks of a part written a stretch at a time: the stretches' own are cut short
                book.add_outline(part.outline, list(book.pdf.pages)[start:], part.shift)
    book.finish(boxes)
    out = io.BytesIO()
    base.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


class _Sheet:
    """A part's margin sheet, its pieces opened (in ``opened``) as the
    book reaches their pages."""

    def __init__(self, pieces: Sequence[bytes], opened: contextlib.ExitStack) -> None:
        self.pieces, self.opened = pieces, opened
        self.pages: list[tuple[pikepdf.Pdf, pikepdf.Page]] = []
        self._opened = 0  # pieces opened

    def page(self, index: int) -> tuple[pikepdf.Pdf, pikepdf.Page]:
        """Page ``index`` of the sheet, and the file it is in."""
        while index >= len(self.pages):
            piece = self.opened.enter_context(pikepdf.open(io.BytesIO(self.pieces[self._opened])))
            self._opened += 1
            self.pages += [(piece, page) for page in piece.pages]
        return self.pages[index]


@dataclass
class _Deferred:
    """The fonts of the parts that left their subset of one face to the book
    (``subsets``): the glyphs they use, and each font's dictionaries (the
    font, its descendants, its descriptor and the descriptor's key of the
    font program)."""

    glyphs: set[int] = field(default_factory=set)
    fonts: list[tuple[pikepdf.Object, list[pikepdf.Object], pikepdf.Object, str]] = field(default_factory=list)


class _Book:
    """The book being assembled into ``pdf`` (the first part's file)."""

    def __init__(self, pdf: pikepdf.Pdf, faces: dict[str, str] | None = None):
        self.pdf = pdf
        self.faces = faces or {}
        self.deferred: dict[tuple[str, int, bool], _Deferred] = {}
        self.dests: dict[str, pikepdf.Object] = {}
        self.outlines: list[pikepdf.Object] = []
        self.profiles: dict[bytes, pikepdf.Object] = {}
        self.tags = "/StructTreeRoot" in pdf.Root
        self.next_key = 0  # the parent tree's next free key
        self._streams: dict[str, pikepdf.Stream] = {}
        self._digests: dict[tuple[int, int], bytes] = {}  # of each ICC stream, by object (``_share_profiles``)

    # -- parts -------------------------------------------------------------

    def add_first(self, part: PartPdf) -> None:
        # the front matter: on a recto, with no margin sheet, never laid out in stretches
        assert not part.more and part.margins is None and not part.shift
        pages = list(self.pdf.pages)
        self._retag_fonts(pages)
        self._keep_dests(self.pdf, part.anchors, {p.obj.objgen: p.obj for p in pages})
        self._take_outlines(self.pdf)
        if self.tags:
            self.next_key = _max_key(self.pdf.Root.StructTreeRoot) + 1
        self._share_profiles(pages)

    def add(
        self,
        src: pikepdf.Pdf,
        anchors: frozenset[str],
        sheet: _Sheet | None = None,
        shift: float = 0.0,
        first: int = 0,
        outlines: bool = True,
        figures: bool = True,
    ) -> None:
        """The pages of ``src`` after the book's: a part, or its stretch
        from page index ``first`` of the part on (its pages from page
        ``first`` of the part's margin sheet, moved as that page is);
        ``outlines``: with its bookmarks; ``figures``: whether it may hold
        a figure, whose box moves with its page (``_shift_figures``)."""
        start = len(self.pdf.pages)
        with warnings.catch_warnings():
            # pikepdf warns that named destinations are not copied with the
            # pages: _keep_dests copies them, sending each to its new page.
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            self.pdf.pages.extend(src.pages)
        pages = list(self.pdf.pages)[start:]
        moved = {old.obj.objgen: new.obj for old, new in zip(src.pages, pages, strict=True)}
        # how far each page's content moves (``PartPdf.shift``), by page
        shifts = _shifts(pages, shift, first)
        if sheet is not None:
            self._draw_margins(pages, sheet, shifts, first)
        self._retag_fonts(pages)
        self._keep_dests(src, anchors, moved, shifts)
        if outlines:
            taken = len(self.outlines)
            self._take_outlines(src)
            if shifts:
                _shift_outlines(self.outlines[taken:], shifts)
        if self.tags and "/StructTreeRoot" in src.Root:
            self._add_tags(src, pages, shifts if figures else None)
        self._share_profiles(pages)

    def add_outline(self, tree: tuple, pages: list[pikepdf.Page], shift: float = 0.0) -> None:
        """Bookmarks of ``pages`` (a part's) from ``tree`` (``PartPdf.outline``),
        moved with their pages' content as ``add`` moves it."""
        items, _count = self._outline_items(tree, pages, None)
        if shift:
            _shift_outlines(items, _shifts(pages, shift))
        self.outlines += items

    def _outline_items(
        self, tree: tuple, pages: list[pikepdf.Page], parent: pikepdf.Object | None
    ) -> tuple[list[pikepdf.Object], int]:
        """The outline items of ``tree`` and the count of those open, made
        as WeasyPrint makes them (pdf/anchors.py, ``add_outlines``)."""
        items: list[pikepdf.Object] = []
        count = len(tree)
        for title, page, x, y, children, state in tree:
            dest = pikepdf.Array([pages[page].obj, pikepdf.Name.XYZ, x, y, 0])
            item = self.pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String(title), Dest=dest))
            kids, kids_count = self._outline_items(children, pages, item)
            item.Count = -kids_count if state == "closed" else kids_count
            if state != "closed":
                count += kids_count
            if items:
                item.Prev = items[-1]
                items[-1].Next = item
            if kids:
                item.First, item.Last = kids[0], kids[-1]
            if parent is not None:
                item.Parent = parent
            items.append(item)
        return items, count

    def add_blank(self) -> None:
        """A blank verso: a page of the book's size with no content."""
        first = self.pdf.pages[0]
        box = [float(v) for v in first.obj.MediaBox]
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=pikepdf.Array(box),
            Resources=pikepdf.Dictionary(),
            Contents=self.pdf.make_stream(b""),
        )
        self.pdf.pages.append(pikepdf.Page(page))

    def _draw_margins(self, pages: list[pikepdf.Page], sheet: _Sheet, shifts: dict, first: int = 0) -> None:
        """Each page with the same page of the margin sheet drawn over it, as
        a form XObject marked as a pagination artifact (PDF/UA: running heads
        and folios are not part of the text), its own content moved as
        ``shifts`` says (its links with it). The page's content is wrapped in
        ``q``/``Q`` first (WeasyPrint's leaves its coordinate system
        flipped), so that the sheet is drawn in the page's default space;
        the content streams this adds are the same for every page moved as
        far, and shared. ``pages`` are drawn over with the sheet's pages
        from index ``first`` on."""
        for n, page in enumerate(pages):
            owner, sheet_page = sheet.page(first + n)
            form = self.pdf.copy_foreign(owner.make_indirect(sheet_page.as_form_xobject()))
            # WeasyPrint's pages share one resource dictionary: each page
            # gets its own (the same entries), naming its own margins.
            resources = pikepdf.Dictionary(dict(page.obj.get("/Resources", {}).items()))
            xobjects = pikepdf.Dictionary(dict(resources.get("/XObject", {}).items()))
            xobjects.Margins = form
            resources.XObject = xobjects
            page.obj.Resources = resources
            dx = shifts.get(page.obj.objgen, 0.0)
            page.contents_add(self._stream(f"q 1 0 0 1 {dx:.4f} 0 cm\n" if dx else "q\n"), prepend=True)
            page.contents_add(self._stream("Q\n/Artifact <</Type /Pagination>> BDC\nq /Margins Do Q\nEMC\n"))
            for annot in page.obj.get("/Annots", ()) if dx else ():
                _shift_array(annot, "/Rect", dx)
                _shift_array(annot, "/QuadPoints", dx)

    def _stream(self, content: str) -> pikepdf.Stream:
        """A content stream of ``content``, one for the whole book."""
        if content not in self._streams:
            self._streams[content] = self.pdf.make_stream(content.encode("ascii"))
        return self._streams[content]

    # -- what the parts share ----------------------------------------------

    def _keep_dests(self, src: pikepdf.Pdf, anchors: frozenset[str], moved: dict, shifts: dict | None = None) -> None:
        """Named destinations of the anchors ``src`` holds (not the names it
        only gives so that its links to other parts, or to other stretches
        of its part, are kept), each sent to
        its page in the book (``moved``: the part's page -> the book's), and
        moved with its page's content (``shifts``)."""
        names = src.Root.get("/Names")
        tree = names.get("/Dests") if names is not None else None
        if tree is None:
            return
        for name, dest in pikepdf.NameTree(tree).items():
            if name in anchors and name not in self.dests:
                page, *where = list(dest)
                self.dests[name] = pikepdf.Array([moved[page.objgen], *where])
                _shift_dest(self.dests[name], shifts or {})

    def _take_outlines(self, src: pikepdf.Pdf) -> None:
        outlines = src.Root.get("/Outlines")
        item = outlines.get("/First") if outlines is not None else None
        while item is not None:
            self.outlines.append(item if src is self.pdf else self.pdf.copy_foreign(item))
            item = item.get("/Next")

    def _add_tags(self, src: pikepdf.Pdf, pages: list[pikepdf.Page], shifts: dict | None = None) -> None:
        """``src``'s structure elements under the book's Document element,
        its parent tree keys moved past the book's; a figure's box moved
        with its page's content (``shifts``)."""
        root = self.pdf.Root.StructTreeRoot
        doc = _document(root)
        offset = self.next_key
        theirs = self.pdf.copy_foreign(src.Root.StructTreeRoot)
        for kid in _kids(_document(theirs)):
            if isinstance(kid, pikepdf.Dictionary):
                kid.P = doc
            doc.K.append(kid)
        if shifts:
            _shift_figures(_kids(_document(theirs)), shifts)
        nums = root.ParentTree.Nums
        pairs = list(theirs.ParentTree.Nums)
        for key, value in zip(pairs[::2], pairs[1::2], strict=True):
            nums.append(int(key) + offset)
            nums.append(value)
        for page in pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", ()):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        self.next_key = offset + _max_key(theirs) + 1

    def _retag_fonts(self, pages: list[pikepdf.Page]) -> None:
        """Each font subset of ``pages`` tagged from its own program's bytes."""
        for font in _fonts(pages):
            name = str(font.get("/BaseFont", ""))
            if not _SUBSET_TAG.match(name):
                continue
            descendants = list(font.get("/DescendantFonts", ()))
            descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
            key = next(
                (k for k in ("/FontFile", "/FontFile2", "/FontFile3") if descriptor is not None and k in descriptor),
                None,
            )
            if descriptor is None or key is None:  # no descriptor: no program either
                continue
            program = descriptor[key]
            deferral = _deferral(program)
            if deferral is not None:  # tagged with the book's subset (``finish``)
                deferred = self.deferred.setdefault(deferral.face, _Deferred())
                deferred.glyphs.update(deferral.glyphs)
                deferred.fonts.append((font, descendants, descriptor, key))
                continue
            _rename(font, descendants, descriptor, _tag(program.read_raw_bytes()))

    def _make_subsets(self) -> None:
        """One subset of each face the parts left to the book, for all their
        glyphs, tagged from its bytes; and one font descriptor for each name
        the face goes by. The parts' descriptors of a face under one name
        differ only in what their own glyphs made of them (the box of their
        widths, whether all are as wide): the first is given what all the
        glyphs make of it (a box holding every part's, fixed pitch when the
        widths of all the parts' glyphs say so), and the fonts of every part
        point to it."""
        made = subsets.subsets({face: d.glyphs for face, d in self.deferred.items()}, self.faces)
        for face in sorted(self.deferred):
            data = made[face]
            key = "/FontFile3" if data[:4] == b"OTTO" else "/FontFile2"
            extra = {"/Subtype": pikepdf.Name.OpenType} if key == "/FontFile3" else {"/Length1": len(data)}
            stream = self.pdf.make_stream(data, extra)
            tag = _tag(data)
            shared: dict[str, pikepdf.Object] = {}
            widths: dict[str, dict[int, float]] = {}
            for font, descendants, descriptor, found in self.deferred[face].fonts:
                if found != key:  # the part was written for another kind of program
                    raise RenderError(f"a part's font {font.BaseFont} is not the kind of font its file is")
                name = str(font.BaseFont)[7:]  # "+Face", after "/ABCDEF"
                for holder in descendants:
                    widths.setdefault(name, {}).update(_widths(holder.get("/W")))
                first = shared.get(name)
                if first is None:
                    first = shared[name] = descriptor
                    first[key] = stream
                else:
                    _widen(first, descriptor)
                    for holder in descendants or [font]:
                        holder.FontDescriptor = first
                _rename(font, descendants, first, tag)
            for name, descriptor in shared.items():
                # As WeasyPrint says it of a document's glyphs: fixed pitch when
                # more than one is used, all as wide (pdf/fonts.py).
                used = widths.get(name, {})
                flags = int(descriptor.get("/Flags", 0)) & ~_FIXED_PITCH
                fixed = len(used) > 1 and len(set(used.values())) == 1
                descriptor.Flags = flags | _FIXED_PITCH if fixed else flags

    def _share_profiles(self, pages: list[pikepdf.Page]) -> None:
        """One ICC profile stream for all pages (and their margin sheets) that
        use the same profile."""
        for resources in _resources(pages):
            spaces = resources.get("/ColorSpace")
            if spaces is None:
                continue
            for name in list(spaces.keys()):
                space = spaces[name]
                if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == "/ICCBased":
                    stream = space[1]  # one object for all the pages of a part: read once
                    digest = self._digests.get(stream.objgen) if stream.is_indirect else None
                    if digest is None:
                        digest = hashlib.sha256(stream.read_raw_bytes()).digest()
                        if stream.is_indirect:
                            self._digests[stream.objgen] = digest
                    spaces[name] = self.profiles.setdefault(digest, space)

    # -- the catalog ---------------------------------------------------------

    def finish(self, boxes: Boxes | None) -> None:
        if self.deferred:
            self._make_subsets()
        root = self.pdf.Root
        if self.dests:
            names = root.get("/Names") or pikepdf.Dictionary()
            flat = pikepdf.Array()
            for key in sorted(self.dests, key=lambda k: k.encode("utf-8")):  # a name tree's order
                flat.append(pikepdf.String(key))
                flat.append(self.dests[key])
            names.Dests = self.pdf.make_indirect(pikepdf.Dictionary(Names=flat))
            root.Names = names
        if self.outlines:
            self._chain_outlines()
        if self.tags:
            root.StructTreeRoot.ParentTreeNextKey = self.next_key
        if boxes is not None:
            for index, page in enumerate(self.pdf.pages):
                for key, box in boxes(index).items():
                    page.obj[key] = pikepdf.Array(box)

    def _chain_outlines(self) -> None:
        top = self.pdf.Root.get("/Outlines")
        if top is None:
            top = self.pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
            self.pdf.Root.Outlines = top
        count = 0
        for n, item in enumerate(self.outlines):
            item.Parent = top
            for key in ("/Prev", "/Next"):
                if key in item:
                    del item[key]
            if n:
                item.Prev = self.outlines[n - 1]
                self.outlines[n - 1].Next = item
            count += 1 + max(int(item.get("/Count", 0)), 0)
        top.First, top.Last, top.Count = self.outlines[0], self.outlines[-1], count


# "/ABCDEF+Face": the name of a font subset, its tag six capitals (ISO 32000-1, 9.6.4).
_SUBSET_TAG = re.compile(r"^/[A-Z]{6}\+")


def _rename(font: pikepdf.Object, descendants: list[pikepdf.Object], descriptor: pikepdf.Object, tag: str) -> None:
    """A font subset's name given the subset tag ``tag``: in the font, its
    descendants and its descriptor."""
    new = pikepdf.Name("/" + tag + str(font.BaseFont)[7:])  # [7:]: "+Face", after "/ABCDEF"
    font.BaseFont = new
    for d in descendants:
        d.BaseFont = new
    descriptor.FontName = new


def _deferral(program: pikepdf.Object) -> subsets.Deferral | None:
    """The subset a part left to the book in place of ``program``, if it did
    (a program that cannot be read is none: it is kept as it is)."""
    try:
        return subsets.read_deferral(program.read_bytes())
    except pikepdf.PdfError:
        return None


# The flag of a font descriptor saying all the glyphs are as wide (ISO 32000-1, 9.8.2).
_FIXED_PITCH = 1


def _widen(descriptor: pikepdf.Object, other: pikepdf.Object) -> None:
    """``descriptor`` made to hold what ``other`` says of its glyphs too:
    the box of both (WeasyPrint's box runs from the face's descent to its
    ascent, the same in every part, and to the widest glyph's width; its
    fixed pitch is the book's glyphs', ``_make_subsets``)."""
    a, b = [float(v) for v in descriptor.FontBBox], [float(v) for v in other.FontBBox]
    box = [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]
    descriptor.FontBBox = pikepdf.Array([_number(v) for v in box])


def _widths(array: pikepdf.Object | None) -> dict[int, float]:
    """The glyph widths of a CIDFont's ``/W`` array (ISO 32000-1, 9.7.4.3):
    a first glyph and an array of widths, or a first glyph, a last one and
    the width of all between."""
    found: dict[int, float] = {}
    items = list(array) if isinstance(array, pikepdf.Array) else []
    i = 0
    while i + 1 < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            found.update((first + n, float(w)) for n, w in enumerate(items[i + 1]))
            i += 2
        elif i + 2 < len(items):
            found.update((g, float(items[i + 2])) for g in range(first, int(items[i + 1]) + 1))
            i += 3
        else:
            break
    return found


def _number(value: float) -> int | float:
    """A PDF number, an integer where it is one (as WeasyPrint writes the box)."""
    return int(value) if value == int(value) else value


def _tag(data: bytes) -> str:
    """Six capital letters from ``data``'s digest."""
    digest = hashlib.sha256(data).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


def _resources(pages: list[pikepdf.Page]) -> list[pikepdf.Object]:
    """The resource dictionaries of the pages and of their form XObjects."""
    found, todo = [], [p.obj.get("/Resources") for p in pages]
    while todo:
        resources = todo.pop()
        if resources is None:
            continue
        found.append(resources)
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                todo.append(xobject.Resources)
    return found


def _fonts(pages: list[pikepdf.Page]) -> list[pikepdf.Object]:
    """Every font dictionary the pages use, in their resources and in their
    form XObjects' (each once)."""
    seen: dict[tuple[int, int], pikepdf.Object] = {}
    for resources in _resources(pages):
        for font in resources.get("/Font", {}).values():
            seen.setdefault(font.objgen if font.is_indirect else (id(font), 0), font)
    return list(seen.values())


def _document(root: pikepdf.Object) -> pikepdf.Object:
    """The Document element under a StructTreeRoot, its kids an array."""
    doc = root.K
    if isinstance(doc, pikepdf.Array):
        doc = doc[0]
    if not isinstance(doc.get("/K"), pikepdf.Array):
        doc.K = pikepdf.Array([doc.K] if "/K" in doc else [])
    return doc


def _kids(element: pikepdf.Object) -> list:
    kids = element.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else ([kids] if kids is not None else [])


def _max_key(root: pikepdf.Object) -> int:
    nums = list(root.ParentTree.get("/Nums", ()))
    return max((int(k) for k in nums[::2]), default=-1)


def _shift_array(holder: pikepdf.Object, key: str, dx: float) -> None:
    """Every x (even index) of ``holder[key]``, an array of x, y pairs, moved by ``dx``."""
    values = holder.get(key)
    if isinstance(values, pikepdf.Array):
        holder[key] = pikepdf.Array([float(v) + dx if i % 2 == 0 else v for i, v in enumerate(values)])


def _shift_dest(dest: pikepdf.Object | None, shifts: dict) -> None:
    """An explicit destination ``[page /XYZ left top zoom]`` moved with its
    page's content (a null left, where the viewer keeps its own, stays)."""
    if not isinstance(dest, pikepdf.Array) or len(dest) < 3 or dest[1] != pikepdf.Name.XYZ or dest[2] is None:
        return
    dx = shifts.get(dest[0].objgen, 0.0)
    if dx:
        dest[2] = float(dest[2]) + dx


def _shifts(pages: list[pikepdf.Page], shift: float, first: int = 0) -> dict:
    """How far each page's content moves (``PartPdf.shift``), by page:
    ``pages`` from page index ``first`` of their part on."""
    return {p.obj.objgen: shift if (first + n) % 2 == 0 else -shift for n, p in enumerate(pages)} if shift else {}


def _shift_outlines(items: list[pikepdf.Object], shifts: dict) -> None:
    """The destinations of bookmarks (and of those under them) moved with their pages' content."""
    todo = list(items)
    while todo:
        item = todo.pop()
        _shift_dest(item.get("/Dest"), shifts)
        child = item.get("/First")
        while child is not None:
            todo.append(child)
            child = child.get("/Next")


# WeasyPrint gives a figure's box (its /A /BBox) in CSS px, 4/3 of a point.
_PX_PER_PT = 4 / 3


def _shift_figures(elements: list, shifts: dict) -> None:
    """Each structure element's layout box (a figure's /A /BBox) moved with its page's content."""
    todo = list(elements)
    while todo:
        element = todo.pop()
        if not isinstance(element, pikepdf.Dictionary):
            continue
        attributes = element.get("/A")
        if isinstance(attributes, pikepdf.Dictionary):  # most elements have none: their page is not looked up
            page = element.get("/Pg")
            if page is not None and page.objgen in shifts:
                _shift_array(attributes, "/BBox", shifts[page.objgen] * _PX_PER_PT)
        todo.extend(_kids(element))
