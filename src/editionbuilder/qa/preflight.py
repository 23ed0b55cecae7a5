"""Preflight: check press PDFs against the print-on-demand rules.

A print shop's preflight, done here before upload: the interior and the
cover are opened with pikepdf (the only module that imports it) and their
text boxes read with poppler's ``pdftotext -bbox``. Each rule is one
``Check`` with a pass/fail and a detail an editor can act on; nothing here
prints. The rules and numbers are KDP's and IngramSpark's published ones
(the numbers are in ``options.py``):

- page count 24-828 (KDP), even (a press file);
- every page's MediaBox equals the trim size, plus the bleed when there is
  bleed (KDP: 0.125 in on the outside edge, 0.125 in top and bottom);
  TrimBox equal to the trim, BleedBox present;
- every font embedded; no annotations (KDP forbids links); no bookmarks;
- a PDF/X output intent with its ICC profile embedded;
- no text outside the live area: 0.5 in from every trim edge
  (IngramSpark's minimum, stricter than KDP's 0.25/0.375 in), and the
  inside margin at least KDP's gutter for the page count;
- the cover: width bleed + trim + spine + trim + bleed, height trim + 2
  bleed, the spine from the page count and paper; the 2 x 1.2 in barcode
  area at the back cover's lower right holds nothing but the barcode of
  the edition's ISBN, and a print identifier meant as an ISBN is a valid
  ISBN-13 (``isbn.check_isbn``): a placeholder fails.
"""

from __future__ import annotations

import html
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from ..diagnostics import RenderError
from ..isbn import check_isbn
from ..options import PAPER_CALIPER, kdp_gutter_in

PT = 72.0  # PostScript points per inch
TOLERANCE_PT = 0.5  # rounding in page boxes
BLEED_IN = 0.125
LIVE_MARGIN_IN = 0.5  # IngramSpark: no text within 0.5 in of a trim edge
BARCODE_IN = (2.0, 1.2)  # width, height of the barcode area (KDP)
PAGES_MIN, PAGES_MAX = 24, 828

# One word of `pdftotext -bbox` output: its box, in points from the top left.
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
# The start of a page in that output, with its size.
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


@dataclass(frozen=True, slots=True)
class Check:
    rule: str
    passed: bool
    detail: str = ""
    skipped: bool = False  # not applicable to this edition (it passes)

    @property
    def result(self) -> str:
        return "skip" if self.skipped else "pass" if self.passed else "FAIL"


@dataclass(frozen=True, slots=True)
class Spec:
    """What a file should be: trim size in inches, bleed, paper, page count."""

    width_in: float
    height_in: float
    bleed: bool = False
    paper: str = "white"
    pages: int = 0  # the interior's page count (for the cover's spine)
    caliper_in: float = 0.0  # paper thickness per page; 0: PAPER_CALIPER[paper]
    print_identifier: str = ""  # the config's: an ISBN-13, another identifier (a URN), or none


@dataclass(frozen=True, slots=True)
class Report:
    file: str
    kind: str  # "interior" | "cover"
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


def preflight_interior(path: Path, spec: Spec) -> Report:
    with _open(path) as pdf:
        pages = len(pdf.pages)
        checks = [
            Check("page count 24-828", PAGES_MIN <= pages <= PAGES_MAX, f"{pages} pages"),
            Check("even page count", pages % 2 == 0, f"{pages} pages"),
            _page_size(pdf, _interior_size(spec)),
            _trim_box(pdf, spec),
            *_common(pdf),
        ]
    checks.append(_live_area(path, spec, pages))
    return Report(str(path), "interior", tuple(checks))


def preflight_cover(path: Path, spec: Spec) -> Report:
    with _open(path) as pdf:
        checks = [
            Check("one page", len(pdf.pages) == 1, f"{len(pdf.pages)} pages"),
            _page_size(pdf, cover_size(spec)),
            *_common(pdf),
        ]
    checks.append(_barcode_area(path, spec))
    return Report(str(path), "cover", tuple(checks))


def spine_in(spec: Spec) -> float:
    return spec.pages * (spec.caliper_in or PAPER_CALIPER[spec.paper])


def cover_size(spec: Spec) -> tuple[float, float]:
    """The wrap's size in inches: bleed + back + spine + front + bleed."""
    return 2 * BLEED_IN + 2 * spec.width_in + spine_in(spec), spec.height_in + 2 * BLEED_IN


def _interior_size(spec: Spec) -> tuple[float, float]:
    if not spec.bleed:
        return spec.width_in, spec.height_in
    return spec.width_in + BLEED_IN, spec.height_in + 2 * BLEED_IN


def _open(path: Path) -> pikepdf.Pdf:
    try:
        return pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as exc:
        raise RenderError(f"{path}: cannot open as PDF ({exc})") from exc


def _common(pdf: pikepdf.Pdf) -> list[Check]:
    return [_fonts_embedded(pdf), _no_annotations(pdf), _no_bookmarks(pdf), _output_intent(pdf)]


def _page_size(pdf: pikepdf.Pdf, size_in: tuple[float, float]) -> Check:
    want = (size_in[0] * PT, size_in[1] * PT)
    bad = [n for n, page in enumerate(pdf.pages, 1) if not _box_is(page.mediabox, want)]
    detail = f"{size_in[0]:.3f} x {size_in[1]:.3f} in wanted"
    if bad:
        box = pdf.pages[bad[0] - 1].mediabox
        detail += f"; page {bad[0]} is {float(box[2] - box[0]) / PT:.3f} x {float(box[3] - box[1]) / PT:.3f} in"
    return Check("page size = trim (+ bleed)", not bad, detail)


def _box_is(box, want: tuple[float, float]) -> bool:
    w, h = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
    return abs(w - want[0]) <= TOLERANCE_PT and abs(h - want[1]) <= TOLERANCE_PT


def _trim_box(pdf: pikepdf.Pdf, spec: Spec) -> Check:
    want = (spec.width_in * PT, spec.height_in * PT)
    for n, page in enumerate(pdf.pages, 1):
        trim = page.obj.get("/TrimBox")
        if trim is None or not _box_is(trim, want):
            return Check(
                "TrimBox = trim", False, f"page {n}: {'no TrimBox' if trim is None else list(map(float, trim))}"
            )
        if "/BleedBox" not in page.obj:
            return Check("TrimBox = trim", False, f"page {n}: no BleedBox")
    return Check("TrimBox = trim", True, f"{spec.width_in} x {spec.height_in} in on every page")


def _fonts(pdf: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """(name, font or descendant font) of every font the pages draw with."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        yield from _resource_fonts(page.obj.get("/Resources", {}), seen)


def _resource_fonts(resources, seen: set[tuple[int, int]]) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """The fonts of one resource dictionary and of the form XObjects it
    holds (a font used only inside a form is in the file all the same).
    Indirect objects are visited once; a direct one has no object number
    to remember it by (its ``objgen`` is (0, 0)), so it is always read."""
    for font in resources.get("/Font", {}).values():
        if font.is_indirect and font.objgen in seen:
            continue
        seen.add(font.objgen)
        for leaf in font.get("/DescendantFonts", [font]):
            yield str(font.get("/BaseFont", "?")), leaf
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            yield from _resource_fonts(xobject.get("/Resources", {}), seen)


# How the program of an embedded TrueType or OpenType font begins: its
# sfnt version (ISO 32000-1, 9.9; the OpenType specification, "Table
# directory"). A CFF font's bare program (FontFile3 of another subtype) and
# a Type 1 program (FontFile) are not read.
_SFNT: tuple[bytes, ...] = (b"\0\1\0\0", b"true")
_OPENTYPE: tuple[bytes, ...] = (b"OTTO", *_SFNT)


def _fonts_embedded(pdf: pikepdf.Pdf) -> Check:
    missing, broken = [], []
    for name, leaf in _fonts(pdf):
        if leaf.get("/Subtype") == "/Type3":
            continue  # glyphs drawn in the file itself
        desc = leaf.get("/FontDescriptor")
        if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            missing.append(name)
        elif (why := _not_a_font_program(desc)) is not None:
            broken.append((name, why))
    detail = ", ".join([*missing, *(f"{name} ({why})" for name, why in broken)])
    return Check("fonts embedded", not missing and not broken, detail or "all embedded")


def _not_a_font_program(descriptor: pikepdf.Object) -> str | None:
    """Why an embedded TrueType or OpenType program is not one a reader
    draws as the font says (None: it is, or it is of another kind)."""
    if "/FontFile2" in descriptor:
        program, kinds = descriptor.FontFile2, _SFNT
    elif "/FontFile3" in descriptor and descriptor.FontFile3.get("/Subtype") == "/OpenType":
        program, kinds = descriptor.FontFile3, _OPENTYPE
    else:
        return None
    try:
        head = program.read_bytes()[:4]
    except (pikepdf.PdfError, AttributeError):  # not a stream, or one that cannot be decoded
        return "its program cannot be read"
    if head == b"ttcf":
        return "its program is a font collection: a reader takes its first face"
    return None if head in kinds else "its program is not a font"


def _no_annotations(pdf: pikepdf.Pdf) -> Check:
    pages = [n for n, page in enumerate(pdf.pages, 1) if len(page.obj.get("/Annots", [])) > 0]
    return Check("no annotations or links", not pages, f"on pages {pages[:10]}" if pages else "none")


def _no_bookmarks(pdf: pikepdf.Pdf) -> Check:
    outlines = pdf.Root.get("/Outlines")
    has = outlines is not None and outlines.get("/First") is not None
    return Check("no bookmarks", not has, "an outline is present" if has else "none")


def _output_intent(pdf: pikepdf.Pdf) -> Check:
    intents: pikepdf.Object | list[pikepdf.Object] = pdf.Root.get("/OutputIntents", [])
    for intent in intents:
        profile = intent.get("/DestOutputProfile")
        if profile is not None and len(profile.read_bytes()) > 128:
            return Check("output intent with ICC profile", True, str(intent.get("/OutputConditionIdentifier", "")))
    return Check("output intent with ICC profile", False, "no /OutputIntents with an embedded profile")


def _words(path: Path) -> Iterator[tuple[int, tuple[float, float], tuple[float, float, float, float], str]]:
    """(page number, page size, word box, word) for every word, in points."""
    try:
        out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise RenderError(f"{path}: pdftotext could not read it ({exc})") from exc
    page, size = 0, (0.0, 0.0)
    for line in out.splitlines():
        if m := _PAGE.search(line):
            page, size = page + 1, (float(m.group(1)), float(m.group(2)))
        elif m := _WORD.search(line):
            yield page, size, tuple(float(x) for x in m.groups()[:4]), html.unescape(m.group(5))  # type: ignore[misc]


def _live_area(path: Path, spec: Spec, pages: int) -> Check:
    """Every word at least 0.5 in inside the trim, and clear of the gutter
    (the inside edge: left on a recto, an odd page; right on a verso)."""
    gutter = max(kdp_gutter_in(pages), LIVE_MARGIN_IN) * PT
    edge = LIVE_MARGIN_IN * PT
    for page, _size, (x0, y0, x1, y1), _text in _words(path):
        tx0, ty0 = _trim_origin(spec, page)
        tx1, ty1 = tx0 + spec.width_in * PT, ty0 + spec.height_in * PT
        inner, outer = (x0 - tx0, tx1 - x1) if page % 2 else (tx1 - x1, x0 - tx0)
        margins = (inner - gutter, outer - edge, y0 - ty0 - edge, ty1 - y1 - edge)
        if min(margins) < -TOLERANCE_PT:
            return Check(
                "text inside the live area",
                False,
                f"page {page}: a word at x {x0:.0f}-{x1:.0f} pt, y {y0:.0f}-{y1:.0f} pt",
            )
    return Check("text inside the live area", True, f"margins ≥ {LIVE_MARGIN_IN} in, gutter ≥ {gutter / PT:.3f} in")


def _trim_origin(spec: Spec, page: int) -> tuple[float, float]:
    """Top-left corner of the trim on a page, in points from the page's top
    left: bleed sits on the outside edge (right of a recto, left of a
    verso) and on the top and bottom, never on the gutter."""
    if not spec.bleed:
        return 0.0, 0.0
    return (0.0 if page % 2 else BLEED_IN * PT), BLEED_IN * PT


BARCODE_RULE = "ISBN and barcode area"
# The words the barcode prints: "ISBN", the hyphenated ISBN, its digits
# and the add-on's (one word per digit or per run of them).
_BARCODE_WORD = re.compile(r"ISBN|[0-9][0-9-]*")


def _barcode_area(path: Path, spec: Spec) -> Check:
    """A print identifier meant as an ISBN is a valid ISBN-13, and no word
    but its barcode's is in the barcode box: lower right of the back
    cover, inside the live margin."""
    isbn = check_isbn(spec.print_identifier)
    if isbn.claimed and not isbn.valid:
        return Check(BARCODE_RULE, False, f"the print identifier {isbn.text!r} {isbn.problem}")
    bw, bh = BARCODE_IN[0] * PT, BARCODE_IN[1] * PT
    right = (BLEED_IN + spec.width_in - LIVE_MARGIN_IN) * PT
    bottom = (BLEED_IN + spec.height_in - LIVE_MARGIN_IN) * PT  # from the top
    box = (right - bw, bottom - bh, right, bottom)
    for _page, _size, (x0, y0, x1, y1), text in _words(path):
        inside = x0 < box[2] and x1 > box[0] and y0 < box[3] and y1 > box[1]
        if inside and not (isbn.valid and _BARCODE_WORD.fullmatch(text)):
            return Check(BARCODE_RULE, False, f"{text!r} at x {x0:.0f} pt, y {y0:.0f} pt in the barcode area")
    size = f"{BARCODE_IN[0]} x {BARCODE_IN[1]} in at the back cover's lower right"
    if isbn.valid:
        return Check(BARCODE_RULE, True, f"ISBN {isbn.digits} valid; {size}: its barcode alone")
    return Check(BARCODE_RULE, True, f"no ISBN; {size}: clear")
