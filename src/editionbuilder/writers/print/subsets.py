"""The book's font subsets, made once for the whole book when its parts are
joined (``assemble``), not once for each part.

WeasyPrint embeds in every PDF it writes a subset of each font the PDF
uses: the glyphs of that document. A book typeset part by part (``typeset``)
would carry a subset of each face for every part and every margin sheet,
each made and compressed in its worker and all of them kept in the book's
file: 166 programs of the faces and narrow twins a 500-page book uses, 5.0
MB where WeasyPrint's own file of the whole book is 1.5 MB.

So a part's PDF carries, in place of each of its subsets of a face the
build knows by its bytes (``PartTask.deferred_fonts``: the book's faces and
their narrow twins), a *deferral*: four bytes by which WeasyPrint's writer
tells a CFF font from a TrueType one, a mark, and what the subset would be
made of: the file's SHA-256, the face's index in it, whether hints are
kept, and the glyphs the part uses (``deferral``; written by ``engine``).
Joining the parts, ``assemble`` makes one subset of each face for the
glyphs of all the parts, as WeasyPrint makes it for one document
(``subset``, with the HarfBuzz that uharfbuzz brings), and every part's
fonts of the face point to it. Glyph ids are kept (WeasyPrint's subsets
retain them), so the parts' text, widths and Unicode maps stay as they
were written.

WeasyPrint embeds in the part, as before: a face the build does not know
by its bytes (a fallback fontconfig found, a compressed web font, a face
changed on a Dask worker's machine), a variable, colour, bitmap or CFF2
font, a face with glyphs missing or used in a form, and every face of a
PDF 1.4 file or one asked for with full fonts. Without uharfbuzz, no face
is deferred (``known_faces``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...diagnostics import RenderError
from .facefiles import face_digest
from .fonts import FontFace, narrow_twins

# Follows a deferral's first four bytes; no font file has it there (its
# table directory's version and table count).
MARK = b"\0editionbuilder deferred font subset\0"

# The tables WeasyPrint drops from its subsets (pdf/fonts.py), beside
# HarfBuzz's default ones: the shaping and bitmap tables a PDF does not use.
_DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


@dataclass(frozen=True, slots=True)
class Deferral:
    """A subset left to the book: of the face at ``index`` in the file whose
    SHA-256 is ``digest``, with or without its hints, for ``glyphs``."""

    digest: str
    index: int
    hinting: bool
    glyphs: tuple[int, ...]

    @property
    def face(self) -> tuple[str, int, bool]:
        """What the book makes one subset for."""
        return self.digest, self.index, self.hinting


def deferral(head: bytes, d: Deferral) -> bytes:
    """What a part embeds instead of its subset of a face: ``head`` ("OTTO"
    for a CFF face, the TrueType version for another: what WeasyPrint's
    writer reads the font program's kind from), ``MARK``, and ``d`` as
    JSON."""
    body = {"sha256": d.digest, "index": d.index, "hinting": d.hinting, "glyphs": list(d.glyphs)}
    return head[:4] + MARK + json.dumps(body, separators=(",", ":"), sort_keys=True).encode("ascii")


def read_deferral(program: bytes) -> Deferral | None:
    """The deferral ``program`` is (``deferral``), or None for a font program."""
    if program[4 : 4 + len(MARK)] != MARK:
        return None
    body = json.loads(program[4 + len(MARK) :])
    return Deferral(str(body["sha256"]), int(body["index"]), bool(body["hinting"]), tuple(body["glyphs"]))


def known_faces(fonts: Sequence[FontFace]) -> dict[str, str]:
    """The font files a book's parts may leave their subsets of to the book,
    by the SHA-256 of their bytes: its faces and their narrow twins
    (``fonts.narrow_twins``), whichever the layout uses. Empty when
    uharfbuzz, which makes the book's subsets, is not installed: the parts
    then embed their own."""
    if importlib.util.find_spec("uharfbuzz") is None:
        return {}
    paths = [f.path for f in fonts] + [t.face.path for t in narrow_twins(fonts)]
    found: dict[str, str] = {}
    for path in paths:
        try:
            found.setdefault(face_digest(path), path)
        except OSError:  # ``check_fonts`` names a missing face; a twin gone is not used
            continue
    return found


def subsets(
    wanted: Mapping[tuple[str, int, bool], Iterable[int]], files: Mapping[str, str]
) -> dict[tuple[str, int, bool], bytes]:
    """One subset for each face of ``wanted`` (``Deferral.face``) with its
    glyphs, from the files of ``files`` (``known_faces``)."""
    made = {}
    for face, glyphs in wanted.items():
        digest, index, hinting = face
        path = files.get(digest)
        data = Path(path).read_bytes() if path is not None else b""
        if hashlib.sha256(data).hexdigest() != digest:
            raise RenderError(
                f"a font file changed while the book was typeset ({path or 'a face the build does not know'}): "
                "build it again"
            )
        try:
            made[face] = subset(data, index, sorted(set(glyphs)), hinting)
        except (ImportError, RuntimeError) as exc:  # uharfbuzz gone since the parts were typeset; HarfBuzz failed
            raise RenderError(f"the subset of {path} for the book could not be made: {exc}") from exc
    return made


def subset(data: bytes, index: int, glyphs: Sequence[int], hinting: bool) -> bytes:
    """The subset of the face at ``index`` in the font file ``data`` for
    ``glyphs`` (ids), as WeasyPrint makes one (pdf/fonts.py,
    ``_harfbuzz_subset``): the glyphs kept at their ids, the CFF
    desubroutinised, tables a PDF does not read dropped; then the empty
    glyphs after the last one used left out, and the hints unless
    ``hinting`` (WeasyPrint's option, off by default). Raises
    ``RuntimeError`` when HarfBuzz cannot make it."""
    import uharfbuzz as hb  # only where a book is joined

    face = hb.Face(hb.Blob(data), index)
    first = hb.SubsetInput()
    first.glyph_set.update(glyphs)
    first.flags = hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    first.drop_table_tag_set.update(int.from_bytes(tag, "big") for tag in _DROPPED)
    kept = hb.subset(face, first)
    second = hb.SubsetInput()
    second.glyph_set.add_range(0, max(glyphs))
    flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    second.flags = flags if hinting else flags | hb.SubsetFlags.NO_HINTING
    second.drop_table_tag_set.update(int.from_bytes(tag, "big") for tag in _DROPPED)
    return bytes(hb.subset(kept, second).blob.data)
