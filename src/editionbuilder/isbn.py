"""ISBN-13 check digits, and the bars of the book's EAN-13 with its price add-on.

An ISBN-13 is an EAN-13 (GS1 General Specifications §7.9; ISO 2108): 13
digits, prefix 978 or 979, the last a check digit from the first twelve
weighted 1, 3, 1, 3, ... A print identifier that names another scheme
(``urn:uuid:...``, a DOI) does not claim to be an ISBN: it is printed as an
"Identifier" and no barcode is drawn. Anything else is taken for an ISBN and
must be a valid one: a placeholder ("TBD", "978-0-00-000000-0" with a wrong
check digit) fails ``editionbuilder preflight`` and ``check``.

The bars are modules ("1" dark, "0" light), as the specification draws them:

- EAN-13 (GS1 §5.2.1.2): guard 101, six digits from tables L and G (which of
  the two, digit by digit, encodes the first digit), centre guard 01010, six
  digits from table R, guard 101: 95 modules.
- EAN-5 add-on (GS1 §5.2.2.5), the suggested price in books ("5" and the
  price in US cents, "90000" for no suggested price): guard 1011, five digits
  from L and G (the pattern chosen by a checksum), each pair separated by 01:
  47 modules, set 7 to 12 modules right of the EAN-13.

Nothing here imports the package: the config, the writers and preflight use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A URI scheme at the start ("urn:", "doi:", "https:"): an identifier that is
# not an ISBN. "ISBN:" and "urn:isbn:" are ISBN labels, stripped before it.
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# The labels an ISBN may be written with: "ISBN", "ISBN-13", "ISBN:", "urn:isbn:".
_LABEL = re.compile(r"^\s*(?:urn:isbn:|isbn(?:-13)?:?)\s*", re.IGNORECASE)
# What may separate an ISBN's digit groups: hyphens and spaces.
_SEPARATORS = re.compile(r"[\s\u2010\u2011-]+")

# Table L (odd parity) of each digit; table R is its complement, table G its
# complement reversed (GS1 §5.2.1.2.1).
_L = ("0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011")
_R = tuple("".join("1" if bit == "0" else "0" for bit in code) for code in _L)
_G = tuple(code[::-1] for code in _R)
# Which table (L or G) encodes each of the left six digits, by the first digit.
_EAN13_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")
# The tables of the five add-on digits, by the add-on's checksum.
_EAN5_PARITY = ("GGLLL", "GLGLL", "GLLGL", "GLLLG", "LGGLL", "LLGGL", "LLLGG", "LGLGL", "LGLLG", "LLGLG")

NO_PRICE = "90000"  # the add-on of a book with no suggested retail price


@dataclass(frozen=True, slots=True)
class IsbnCheck:
    """What a print identifier is: ``claimed`` whether it is meant as an
    ISBN; ``digits`` its 13 digits when it is a valid one; ``problem`` why
    it is not (empty when valid or not claimed)."""

    text: str
    claimed: bool
    digits: str = ""
    problem: str = ""

    @property
    def valid(self) -> bool:
        return bool(self.digits)

    @property
    def shown(self) -> str:
        """The identifier as the copyright page prints it after "ISBN": without a label."""
        return _LABEL.sub("", self.text) if self.claimed else self.text


def check_digit(first12: str) -> str:
    """The EAN-13 check digit of twelve digits (weights 1, 3, 1, 3, ...)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def check_isbn(identifier: str) -> IsbnCheck:
    """``identifier`` (a config's ``print_identifier``) checked as an ISBN-13."""
    text = identifier.strip()
    if not text:
        return IsbnCheck(text, False)
    bare = _LABEL.sub("", text)
    if bare == text and _SCHEME.match(text):
        return IsbnCheck(text, False)
    digits = _SEPARATORS.sub("", bare)
    if not digits.isdigit() or not digits.isascii():
        return IsbnCheck(text, True, problem="is not an ISBN: an ISBN-13 is 13 digits (hyphens allowed)")
    if len(digits) != 13:
        return IsbnCheck(text, True, problem=f"has {len(digits)} digits: an ISBN-13 has 13")
    if digits[:3] not in ("978", "979"):
        return IsbnCheck(text, True, problem="does not begin 978 or 979, as every ISBN-13 does")
    want = check_digit(digits[:12])
    if digits[12] != want:
        return IsbnCheck(
            text, True, problem=f"ends in the check digit {digits[12]}, where its first 12 digits give {want}"
        )
    return IsbnCheck(text, True, digits)


def hyphenless(digits: str) -> str:
    return _SEPARATORS.sub("", digits)


def ean13_modules(digits: str) -> str:
    """The 95 modules of the EAN-13 of ``digits`` (13 digits, check digit included)."""
    if len(digits) != 13 or not digits.isdigit():
        raise ValueError(f"an EAN-13 is 13 digits, not {digits!r}")
    parity = _EAN13_PARITY[int(digits[0])]
    left = "".join((_L if p == "L" else _G)[int(d)] for p, d in zip(parity, digits[1:7], strict=True))
    right = "".join(_R[int(d)] for d in digits[7:])
    return "101" + left + "01010" + right + "101"


def ean5_checksum(digits: str) -> int:
    """The EAN-5 checksum: digits 1, 3, 5 weighted 3 and 2, 4 weighted 9, mod 10."""
    return sum(int(d) * (3 if i % 2 == 0 else 9) for i, d in enumerate(digits)) % 10


def ean5_modules(digits: str) -> str:
    """The 47 modules of the EAN-5 add-on of ``digits`` (five digits)."""
    if len(digits) != 5 or not digits.isdigit():
        raise ValueError(f"an EAN-5 add-on is 5 digits, not {digits!r}")
    parity = _EAN5_PARITY[ean5_checksum(digits)]
    codes = [(_L if p == "L" else _G)[int(d)] for p, d in zip(parity, digits, strict=True)]
    return "1011" + "01".join(codes)


def runs(modules: str) -> list[tuple[int, int]]:
    """The dark bars of ``modules``: (first module, width in modules) of each."""
    return [(m.start(), m.end() - m.start()) for m in re.finditer("1+", modules)]
