"""The bytes of a source file, turned into clean text or a one-line ``InputError``.

Sources reach us copied from web pages, saved by word processors on Windows,
or downloaded from archives that still serve ISO-8859-1 with CRLF line ends.
Every reader starts here so that all of them see the same thing: a ``str``
with ``\\n`` line ends only, in Unicode NFC, with mojibake repaired, and with
exactly one output line per input line so that diagnostics point at the line
an editor sees in the file.

Decisions, in order (each has a reason next to the code that applies it):

1. Known binary formats (by magic number), NUL bytes and text made largely
   of control characters are refused: a renamed image must not become a
   chapter of garbage.
2. A byte-order mark decides (UTF-32, UTF-8, UTF-16). Without one, strict
   UTF-8 is tried first: it almost never decodes text that is not UTF-8.
3. Otherwise the file is a single-byte Western encoding. Bytes 0x80-0x9F
   are printable in Windows-1252 (curly quotes, dashes, ellipsis) and C1
   controls in ISO-8859-1, which nobody types; so their presence means
   Windows-1252, their absence ISO-8859-1 (the two agree on every other
   byte, so only the recorded name differs).
4. CRLF and lone CR become LF; nothing else about line structure changes.
5. Lines carrying mojibake signatures (UTF-8 read as Windows-1252, ``â€™``,
   ``Ã©``) are repaired with ftfy, and each repair is recorded for a
   ``mojibake-repaired`` warning. Other lines are never handed to ftfy.
6. NFC, so that ``é`` is one code point whichever way it was typed.
7. Separators and controls that text should not hold are normalised, and
   each kind is recorded for a ``text-normalised`` warning: U+2028 LINE
   SEPARATOR, U+2029 PARAGRAPH SEPARATOR, U+0085 NEXT LINE, form feed and
   vertical tab become a space (a line of the source stays one line, so
   positions hold; the break they stood for is reported, never guessed);
   other control characters (C0 but tab and line end, DEL, C1) are removed:
   XML cannot hold most of them, and a renderer may choke on the others.

ftfy is imported here and nowhere else in the package, and only when a
line shows the signature of mojibake (loading it takes longer than reading
a short text).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from .diagnostics import InputError
from .lazyre import lazy_compile

# Leading bytes of formats that are sometimes renamed ``.txt`` by mistake.
# A ``.docx``/``.epub``/``.odt`` is a zip; the reader registry routes those
# elsewhere before text decoding, so a zip arriving here is refused.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive"),
    (b"PK\x05\x06", "zip archive"),
    (b"PK\x07\x08", "zip archive"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
)

# Byte-order marks, longest first: the UTF-32 LE mark begins with the
# UTF-16 LE one. Each maps to (codec name without BOM handling, label).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

# Bytes that Windows-1252 leaves undefined. Browsers (WHATWG) map them to the
# C1 control with the same number, and so do we, so that ftfy can still
# recognise ``â€\x9d`` (the mojibake of a right double quote).
_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_UNDEFINED_TO_C1 = {0xDC00 + b: b for b in _CP1252_UNDEFINED}

# Control characters that ordinary text does contain.
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")
# Above this share of other control characters the data is not prose.
_MAX_CONTROL_SHARE = 0.05
# ... provided there are more than a couple: one stray BEL in a short note
# is a typo to keep, not proof of binary data.
_MIN_CONTROLS = 2
# The control characters the share counts: category Cc (all of it below
# U+00A0) but those.
_OTHER_CONTROLS = "".join(
    c for c in map(chr, range(0xA0)) if unicodedata.category(c) == "Cc" and c not in _TEXT_CONTROLS
)
_OTHER_CONTROL = lazy_compile(f"[{re.escape(_OTHER_CONTROLS)}]")

# CRLF, or a CR standing alone (classic Mac OS): each is one line end.
_LINE_END = lazy_compile(r"\r\n?")

# What UTF-8 continuation bytes 0x80-0xBF look like once wrongly decoded as
# Windows-1252 (undefined bytes shown as their C1 control).
_CONT = re.escape(bytes(range(0x80, 0xC0)).decode("cp1252", "surrogateescape").translate(_UNDEFINED_TO_C1))
# A UTF-8 lead byte read as Windows-1252 followed by as many continuation
# bytes as it announces: 2-byte (Ã©), 3-byte (â€™) or 4-byte (ðŸ˜€)
# sequences. A bare "â€" is matched too: the third byte is often lost.
_MOJIBAKE = lazy_compile(
    rf"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}|\u00e2\u20ac|[\u00f0-\u00f4][{_CONT}]{{3}}"
)


@dataclass(frozen=True, slots=True)
class MojibakeRepair:
    """One repaired line: its 1-based number and its text before and after."""

    line: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Normalised:
    """Characters of one kind that decoding replaced or removed: how many,
    and the first line (1-based) that held one."""

    name: str  # "U+2029 PARAGRAPH SEPARATOR"
    count: int
    line: int
    replacement: str  # "a space" or "nothing"


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A source as text, plus what decoding found out about it.

    ``encoding`` is a Python codec name (``utf-8``, ``utf-16-le``,
    ``windows-1252``, ``iso-8859-1``); ``newline`` is ``lf``, ``crlf``,
    ``cr`` or ``mixed``; ``sha256`` is of the raw bytes, for the build report.
    """

    text: str
    encoding: str
    had_bom: bool = False
    newline: str = "lf"
    repaired: tuple[MojibakeRepair, ...] = ()
    sha256: str = ""
    normalised: tuple[Normalised, ...] = ()

    @property
    def lines(self) -> tuple[str, ...]:
        """Lines split on ``\\n`` only, numbered like the source (index + 1).

        ``str.splitlines`` would also split on form feeds, U+2028 and NEL and
        so shift every later line number; readers should use this instead.
        A final line end does not start another line (as ``wc -l`` counts).
        """
        body = self.text[:-1] if self.text.endswith("\n") else self.text
        return tuple(body.split("\n"))

    @property
    def line_count(self) -> int:
        return len(self.lines)


def read_source(path: str | PathLike[str]) -> DecodedText:
    """Read and decode a source file; an unreadable file is an ``InputError`` too."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return decode(data, str(path))


def decode(data: bytes, path: str) -> DecodedText:
    """Turn the bytes of a source into ``DecodedText``, or raise ``InputError``.

    ``path`` is only used in messages. Any failure is reported as a single
    line naming the file; no ``UnicodeError`` escapes.
    """
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise InputError(f"{path}: empty source")
    _refuse_known_binary(data, path)
    text, encoding, had_bom = _to_str(data, path)
    _refuse_control_text(text, path)
    newline = _newline_style(text)
    text = _LINE_END.sub("\n", text)
    text, repairs = _repair_mojibake(text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text, normalised = normalise_controls(text)
    if _blank(text):
        raise InputError(f"{path}: empty source")
    return DecodedText(text, encoding, had_bom, newline, repairs, digest, normalised)


# Breaks that are not line ends (they would shift every later line number
# if counted as one) and the form feed and vertical tab: each becomes a space.
_AS_SPACE = frozenset("\u2028\u2029\u0085\f\v")
# Control characters text does not hold: C0 but tab and line feed, DEL, C1.
_CONTROL = lazy_compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def normalise_controls(text: str) -> tuple[str, tuple[Normalised, ...]]:
    """``text`` with separators as spaces and other controls removed, and
    what was done, by kind (see the module's step 7)."""
    if not _CONTROL.search(text):
        return text, ()
    found: dict[str, list[int]] = {}
    for m in _CONTROL.finditer(text):
        found.setdefault(m.group(), []).append(m.start())
    out = _CONTROL.sub(lambda m: " " if m.group() in _AS_SPACE else "", text)
    notes = tuple(
        Normalised(_char_name(ch), len(at), text.count("\n", 0, at[0]) + 1, "a space" if ch in _AS_SPACE else "nothing")
        for ch, at in sorted(found.items(), key=lambda kv: kv[1][0])
    )
    return out, notes


def _char_name(ch: str) -> str:
    names = {"\f": "FORM FEED", "\v": "LINE TABULATION", "\u0085": "NEXT LINE"}
    return f"U+{ord(ch):04X} {names.get(ch) or unicodedata.name(ch, 'CONTROL CHARACTER')}"


def _blank(text: str) -> bool:
    """Whitespace only; a stray U+FEFF (a second BOM) counts as blank too."""
    return not text.replace("\ufeff", "").strip()


def _refuse_known_binary(data: bytes, path: str) -> None:
    """Refuse files whose first bytes name a binary format."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"{path}: not a text file ({kind})")


def _to_str(data: bytes, path: str) -> tuple[str, str, bool]:
    """Decode by BOM, else strict UTF-8, else Windows-1252 / ISO-8859-1."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_strict(data[len(bom) :], codec, path), codec, True
    if b"\x00" in data:
        # Text in single-byte encodings and UTF-8 never holds NUL; UTF-16
        # without a BOM would, but that is not a form we accept.
        raise InputError(f"{path}: not a text file (contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    if any(0x80 <= b <= 0x9F for b in data):
        text = data.decode("cp1252", "surrogateescape").translate(_UNDEFINED_TO_C1)
        return text, "windows-1252", False
    return data.decode("iso-8859-1"), "iso-8859-1", False


def _decode_strict(body: bytes, codec: str, path: str) -> str:
    """Decode what follows a BOM; the BOM promised this codec, so no guessing."""
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not valid {codec.upper()} despite its byte-order mark (at byte {exc.start + 1})"
        ) from None
    if "\x00" in text:
        raise InputError(f"{path}: not a text file (contains NUL characters)")
    return text


def _refuse_control_text(text: str, path: str) -> None:
    """Refuse text with a high share of control characters (binary data).

    Random bytes decoded as Windows-1252 are about 13% controls; prose has
    none beyond tabs, line ends and the odd form feed.
    """
    controls = len(_OTHER_CONTROL.findall(text))
    if controls > _MIN_CONTROLS and controls / len(text) > _MAX_CONTROL_SHARE:
        raise InputError(f"{path}: not a text file ({controls} of {len(text)} characters are control characters)")


def _newline_style(text: str) -> str:
    """Name the line-end convention, before line ends are normalised."""
    crlf = text.count("\r\n")
    counts = {"lf": text.count("\n") - crlf, "crlf": crlf, "cr": text.count("\r") - crlf}
    used = [name for name, n in counts.items() if n]
    if not used:
        return "lf"
    return used[0] if len(used) == 1 else "mixed"


def _repair_mojibake(text: str) -> tuple[str, tuple[MojibakeRepair, ...]]:
    """Repair mojibake line by line, touching only lines that show its signature.

    ftfy looks at a whole line and may decline (``daß“`` matches the
    signature but is German, not mojibake); a line is replaced only when
    ftfy changed it and the line count cannot change.
    """
    if not _MOJIBAKE.search(text):
        return text, ()
    lines = text.split("\n")
    repairs: list[MojibakeRepair] = []
    for index, line in enumerate(lines):
        if not _MOJIBAKE.search(line):
            continue
        fixed = _fix_line(line)
        if fixed != line:
            lines[index] = fixed
            repairs.append(MojibakeRepair(index + 1, line, unicodedata.normalize("NFC", fixed)))
    return "\n".join(lines), tuple(repairs)


def _fix_line(line: str) -> str:
    """ftfy's encoding repair of one line, or the line unchanged."""
    import ftfy

    try:
        fixed = ftfy.fix_encoding(line)
    except Exception:
        return line
    # A repair must keep one output line per input line.
    if any(ch in fixed for ch in "\n\r"):
        return line
    return fixed
