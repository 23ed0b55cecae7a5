"""One font subset of each face for a whole book (writers/print/subsets.py):
the parts' PDFs defer their subsets of the book's faces, and the joined
file holds one subset of each face for the glyphs of all its parts, drawn
as WeasyPrint's own subsets in each part draw them."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import subprocess
from pathlib import Path

import pikepdf
import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont

from editionbuilder.diagnostics import Diagnostics, RenderError
from editionbuilder.writers.print import assemble, pagesetup, subsets
from editionbuilder.writers.print import engine as pdf
from editionbuilder.writers.print.fonts import DEFAULT_FONTS, MONO_FAMILY, font_css
from printkit import GEOMETRY, screen_job

REGULAR = next(f.path for f in DEFAULT_FONTS if f.style == "normal" and f.weight == 400 and f.family != MONO_FAMILY)
MONO = next(f.path for f in DEFAULT_FONTS if f.family == MONO_FAMILY)


def test_a_deferral_reads_back_and_a_font_is_no_deferral():
    data = Path(REGULAR).read_bytes()
    d = subsets.Deferral(hashlib.sha256(data).hexdigest(), 0, False, (3, 17, 240))
    made = subsets.deferral(data, d)
    assert made[:4] == data[:4] == b"OTTO"  # WeasyPrint's writer reads a CFF font from these
    assert len(made) < 300 and subsets.read_deferral(made) == d
    for path in (REGULAR, MONO):
        assert subsets.read_deferral(Path(path).read_bytes()) is None


def _outlines(font: TTFont, names: list[str]) -> list:
    glyphs = font.getGlyphSet()
    found = []
    for name in names:
        pen = RecordingPen()
        glyphs[name].draw(pen)
        found.append((glyphs[name].width, pen.value))
    return found


@pytest.mark.parametrize("path", [REGULAR, MONO], ids=["cff", "truetype"])
def test_a_subset_keeps_its_glyphs_at_their_ids_and_nothing_after_the_last(path):
    data = Path(path).read_bytes()
    whole = TTFont(io.BytesIO(data))
    cmap = whole.getBestCmap()
    ids = sorted({whole.getGlyphID(cmap[ord(c)]) for c in "Quiet fox, 1984"})
    made = TTFont(io.BytesIO(subsets.subset(data, 0, ids, False)))
    assert made["maxp"].numGlyphs == ids[-1] + 1  # the empty glyphs after the last one used are left out
    order, kept = whole.getGlyphOrder(), made.getGlyphOrder()
    # the same outlines and advances at the same ids (a CFF desubroutinised draws the same)
    assert _outlines(made, [kept[i] for i in ids]) == _outlines(whole, [order[i] for i in ids])
    dropped = [i for i in range(1, ids[-1]) if i not in ids][:20]
    assert dropped and all(not pen for _w, pen in _outlines(made, [kept[i] for i in dropped]))
    assert "GSUB" not in made and "GPOS" not in made


def _job(body: str, deferred: frozenset[str]) -> pdf.PdfJob:
    return screen_job(body, deferred_fonts=deferred)


# Two parts of different glyphs, each in the text face, its italic, the bold and the monospace face.
PARTS = (
    "<h1>Quiet</h1><p>The quick brown fox jumps over the lazy dog; <em>italic words</em>, <strong>bold</strong>.</p>"
    "<pre>mono text</pre>",
    "<h1>ZYXW 1984</h1><p>VAT: 42 &amp; 17, <em>QRST</em> &#8212; <strong>GHK</strong>.</p><pre>{[0x7F]}</pre>",
)


def _parts(deferred: frozenset[str]) -> list[bytes]:
    return [pdf.render_document(_job(body, deferred), Diagnostics()).part_pdf() for body in PARTS]


def _programs(data: bytes) -> list[bytes]:
    """Every font program of a PDF, once each."""
    with pikepdf.open(io.BytesIO(data)) as doc:
        found = {}
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                program = obj.get("/FontFile3") or obj.get("/FontFile2")
                found[program.objgen] = program.read_bytes()
        return list(found.values())


def _descriptors(doc: pikepdf.Pdf) -> dict[str, list[list[float]]]:
    """The box of each font descriptor the fonts use, by their font's name
    without its subset tag."""
    found: dict[str, dict[tuple[int, int], list[float]]] = {}
    for obj in doc.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and "/FontDescriptor" in obj:
            d = obj.FontDescriptor
            found.setdefault(str(obj.BaseFont)[8:], {})[d.objgen] = [float(v) for v in d.FontBBox]
    return {name: list(boxes.values()) for name, boxes in found.items()}


def _pages(data: bytes, folder: Path) -> list[bytes]:
    """The pages rasterised, and the text, as a reader of the file sees them."""
    path = folder / f"{hashlib.sha256(data).hexdigest()[:12]}.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "72", str(path), str(path.with_suffix(""))], check=True)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    return [p.read_bytes() for p in sorted(folder.glob(f"{path.stem}-*.ppm"))] + [text]


def test_the_book_makes_one_subset_of_each_face_drawn_as_the_parts_own(tmp_path):
    faces = subsets.known_faces(DEFAULT_FONTS)
    assert {hashlib.sha256(Path(f.path).read_bytes()).hexdigest() for f in DEFAULT_FONTS} <= set(faces)
    own, deferring = _parts(frozenset()), _parts(frozenset(faces))
    # each deferring part carries deferrals, no font program of the book's faces
    for part in deferring:
        programs = _programs(part)
        assert len(programs) >= 4 and all(subsets.read_deferral(p) is not None for p in programs)
    joined = assemble.assemble([assemble.PartPdf(p, frozenset()) for p in deferring], faces=faces)
    plain = assemble.assemble([assemble.PartPdf(p, frozenset()) for p in own])
    programs = _programs(joined)
    assert not any(subsets.read_deferral(p) for p in programs)
    # one descriptor a face and name, its box holding what every part's glyphs need
    with pikepdf.open(io.BytesIO(joined)) as doc, pikepdf.open(io.BytesIO(plain)) as theirs:
        ours, boxes = _descriptors(doc), _descriptors(theirs)
        assert len(ours) == len(programs) and all(len(found) == 1 for found in ours.values())
        for name, (box,) in ours.items():
            parts = boxes[name]
            assert len(parts) == 2
            assert box[:2] == [min(b[i] for b in parts) for i in (0, 1)]
            assert box[2:] == [max(b[i] for b in parts) for i in (2, 3)]
    assert len(programs) == len(_programs(deferring[0])) < len(_programs(plain))  # one a face, not one a part
    assert len(joined) < len(plain)
    # drawn and read as the parts' own subsets draw them, pixel for pixel
    assert _pages(joined, tmp_path) == _pages(plain, tmp_path)
    # the same parts, the same bytes
    again = assemble.assemble([assemble.PartPdf(p, frozenset()) for p in deferring], faces=faces)
    assert again == joined
    (tmp_path / "joined.pdf").write_bytes(joined)
    listed = subprocess.run(["pdffonts", str(tmp_path / "joined.pdf")], capture_output=True, check=True)
    rows = [line.split() for line in listed.stdout.decode().splitlines()[2:]]
    assert rows and all(r[-5:-3] == ["yes", "yes"] for r in rows)  # embedded, subset
    subprocess.run(["qpdf", "--check", str(tmp_path / "joined.pdf")], check=True, capture_output=True)


def test_a_face_the_book_does_not_know_is_embedded_by_each_part(tmp_path):
    faces = subsets.known_faces(DEFAULT_FONTS)
    mono = hashlib.sha256(Path(MONO).read_bytes()).hexdigest()
    known = frozenset(faces) - {mono}
    parts = _parts(known)
    for part in parts:
        programs = _programs(part)
        assert sum(subsets.read_deferral(p) is None for p in programs) == 1  # the monospace face's own subset
    joined = assemble.assemble([assemble.PartPdf(p, frozenset()) for p in parts], faces=faces)
    with pikepdf.open(io.BytesIO(joined)) as doc:
        names = {}
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                program = obj.get("/FontFile3") or obj.get("/FontFile2")
                names.setdefault(str(obj.FontName)[8:], set()).add(program.objgen)
    mono_names = [n for n in names if "Mono" in n]
    assert len(mono_names) == 1 and len(names[mono_names[0]]) == 2  # a subset in each part
    assert all(len(objs) == 1 for n, objs in names.items() if n not in mono_names)
    assert _pages(joined, tmp_path) == _pages(
        assemble.assemble([assemble.PartPdf(p, frozenset()) for p in _parts(frozenset())]), tmp_path
    )


def test_a_face_changed_since_the_parts_were_typeset_is_an_error(tmp_path):
    faces = subsets.known_faces(DEFAULT_FONTS)
    parts = _parts(frozenset(faces))
    other = tmp_path / "other.otf"
    other.write_bytes(Path(REGULAR).read_bytes() + b"\0")
    regular = hashlib.sha256(Path(REGULAR).read_bytes()).hexdigest()
    with pytest.raises(RenderError, match="font file changed"):
        assemble.assemble([assemble.PartPdf(p, frozenset()) for p in parts], faces={**faces, regular: str(other)})
    with pytest.raises(RenderError, match="font file changed"):
        assemble.assemble([assemble.PartPdf(p, frozenset()) for p in parts], faces={})


def test_a_face_of_a_font_collection_is_deferred_as_the_kind_of_font_it_is(tmp_path):
    """A collection's file opens with "ttcf": the deferral of its CFF face
    says "OTTO", so that WeasyPrint's writer makes a CFF font of it, as it
    does of the face's own subset."""
    from fontTools.ttLib.ttCollection import TTCollection

    collection = TTCollection()
    collection.fonts = [TTFont(REGULAR), TTFont(next(f.path for f in DEFAULT_FONTS if f.style == "italic"))]
    path = tmp_path / "faces.otc"
    collection.save(str(path))
    assert path.read_bytes()[:4] == b"ttcf"
    faces = tuple(dataclasses.replace(f, path=str(path)) if f.path == REGULAR else f for f in DEFAULT_FONTS)
    known = subsets.known_faces(faces)
    assert hashlib.sha256(path.read_bytes()).hexdigest() in known

    def parts(deferred: frozenset[str]) -> list[bytes]:
        made = []
        for body in PARTS:
            job = dataclasses.replace(
                _job(body, deferred), fonts=faces, extra_css=font_css(faces, calls=False) + pagesetup.page_css(GEOMETRY)
            )
            made.append(pdf.render_document(job, Diagnostics()).part_pdf())
        return made

    joined = assemble.assemble([assemble.PartPdf(p, frozenset()) for p in parts(frozenset(known))], faces=known)
    plain = assemble.assemble([assemble.PartPdf(p, frozenset()) for p in parts(frozenset())])
    with pikepdf.open(io.BytesIO(joined)) as doc:
        kinds = {
            (str(font.DescendantFonts[0].Subtype), "/FontFile3" in font.DescendantFonts[0].FontDescriptor)
            for font in doc.objects
            if isinstance(font, pikepdf.Dictionary)
            and font.get("/Subtype") == "/Type0"
            and str(font.BaseFont).endswith("+Edition-Text")  # the collection's face
        }
    assert kinds == {("/CIDFontType0", True)}  # a CFF font, not a TrueType one holding a CFF program
    assert _pages(joined, tmp_path) == _pages(plain, tmp_path)


def _plain_and_deferring(body: str) -> tuple[bytes, pdf.Rendered, pdf.Rendered]:
    """WeasyPrint's own file of ``body`` (from a layout of its own: writing
    a document subsets its fonts in place), and a layout of it that defers
    its faces with the same layout writing without deferring."""
    faces = frozenset(subsets.known_faces(DEFAULT_FONTS))
    expected = pdf.render_document(_job(body, frozenset()), Diagnostics()).pdf()
    rendered = pdf.render_document(_job(body, faces), Diagnostics())
    plain = dataclasses.replace(rendered, job=dataclasses.replace(rendered.job, deferred_fonts=frozenset()))
    return expected, rendered, plain


def test_a_failed_write_gives_the_fonts_back(monkeypatch):
    """A part whose writing fails, its faces deferred, leaves WeasyPrint's
    writer and fonts as they were: the document written again without
    deferrals is WeasyPrint's own file."""
    import weasyprint.pdf as wpdf
    import weasyprint.pdf.fonts as wfonts

    expected, rendered, plain = _plain_and_deferring(PARTS[0])
    writer, vector, made = wpdf.build_fonts_dictionary, wfonts._build_vector_font_dictionary, subsets.deferral
    deferred = []

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(wfonts, "_build_vector_font_dictionary", broken)
    monkeypatch.setattr(subsets, "deferral", lambda head, d: deferred.append(d) or made(head, d))
    with pytest.raises(Exception, match="space"):
        rendered.pdf()
    monkeypatch.setattr(wfonts, "_build_vector_font_dictionary", vector)
    assert len(deferred) == 4  # the text face, its italic, the bold and the monospace face
    assert wpdf.build_fonts_dictionary is writer
    assert plain.pdf() == expected


def test_a_subset_harfbuzz_cannot_make_is_an_error_not_a_traceback(tmp_path):
    broken = tmp_path / "broken.otf"
    broken.write_bytes(b"OTTO" + bytes(200))
    digest = hashlib.sha256(broken.read_bytes()).hexdigest()
    with pytest.raises(RenderError, match="could not be made"):
        subsets.subsets({(digest, 0, False): [1, 2]}, {digest: str(broken)})


def test_without_uharfbuzz_no_face_is_deferred(monkeypatch):
    real = subsets.importlib.util.find_spec
    monkeypatch.setattr(subsets.importlib.util, "find_spec", lambda name: None if name == "uharfbuzz" else real(name))
    assert subsets.known_faces(DEFAULT_FONTS) == {}


def test_fonts_are_given_back_when_a_deferral_fails_midway(monkeypatch):
    """A failure while the faces are being deferred (the second of them)
    leaves the first as it was: the document written again without
    deferrals is WeasyPrint's own file."""
    expected, rendered, plain = _plain_and_deferring(PARTS[0])
    made, calls = subsets.deferral, []

    def second_fails(head, d):
        calls.append(d)
        if len(calls) == 2:
            raise MemoryError("no room for a deferral")
        return made(head, d)

    monkeypatch.setattr(subsets, "deferral", second_fails)
    with pytest.raises(RenderError, match="no room"):
        rendered.pdf()
    monkeypatch.setattr(subsets, "deferral", made)
    assert len(calls) == 2
    assert plain.pdf() == expected


def _mono(doc: pikepdf.Pdf) -> pikepdf.Dictionary:
    (found,) = {
        font.DescendantFonts[0].FontDescriptor.objgen: font.DescendantFonts[0].FontDescriptor
        for font in doc.objects
        if isinstance(font, pikepdf.Dictionary)
        and font.get("/Subtype") == "/Type0"
        and "Mono" in str(font.get("/BaseFont", ""))
    }.values()
    return found


def test_the_books_descriptor_says_what_all_its_glyphs_are():
    """A part that sets one glyph of the monospace face does not say it is
    of fixed pitch (WeasyPrint says so of more than one glyph, all as
    wide); the book, whose parts set several, does."""
    faces = subsets.known_faces(DEFAULT_FONTS)
    bodies = ("<p>Text.</p><pre>x</pre>", "<p>More text.</p><pre>WMil</pre>")
    parts = [pdf.render_document(_job(body, frozenset(faces)), Diagnostics()).part_pdf() for body in bodies]
    with pikepdf.open(io.BytesIO(parts[0])) as one:
        assert not int(_mono(one).Flags) & 1
    joined = assemble.assemble([assemble.PartPdf(p, frozenset()) for p in parts], faces=faces)
    with pikepdf.open(io.BytesIO(joined)) as doc:
        mono = _mono(doc)  # one descriptor for both parts
        assert int(mono.Flags) & 1
