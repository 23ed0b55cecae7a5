"""Which reference a cited name and year point to.

Cited names are compared case-insensitively with what a reference's names
can be called: a person by family name (with or without particle); a body
by its literal, without a leading ``The`` (``WORKER, THE`` is cited as
``The Worker``), by the initials of its words (``HWL`` for a three-word
body, ``NWTF`` counting the halves of a hyphenated word), by the first part
of a slashed acronym (``IWG`` for ``IWG/UK.``), and a person written as a
literal (``CHEN LI-WEN``) by its first word.

A reference is named by its authors, or by its editors when it has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ....lazyre import lazy_compile
from ....model import Name, Reference

# Function words left out of an acronym by some writers (``NUR`` and
# ``NUOR`` both stand for a union "of" a trade).
_FUNCTION_WORDS = frozenset(["of", "the", "and", "for", "in", "on", "de"])

# What separates the words of a body's name for its initials: spaces,
# hyphens, slashes.
_WORD_SPLIT_RE = lazy_compile(r"[\s\-–/]+")

# Words that mark a literal as a body, whose first word alone is no name.
_BODY_WORDS_RE = lazy_compile(
    r"\b(?:party|committee|organi[sz]ation|union|league|institute|association|society|"
    r"commission|council|group|movement|federation|congress|department|ministry|office|"
    r"bureau|cent(?:re|er)|university|collective|front|network|alliance|of|the)\b",
    re.I,
)


def normalise(name: str) -> str:
    """Case, dots, curly apostrophes and a possessive ``’s`` do not matter."""
    name = name.replace("’", "'").strip().lower()
    name = re.sub(r"'s$", "", name)  # a possessive: ``Okonkwo’s``
    return re.sub(r"\.", "", " ".join(name.split()))  # acronym stops: ``HWL.``


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w)


def name_keys(name: Name) -> frozenset[str]:
    """Every normalised form under which ``name`` may be cited."""
    if not name.literal:
        family = normalise(name.family)
        both = normalise(f"{name.particle} {name.family}") if name.particle else family
        return frozenset({family, both})
    literal = normalise(name.literal)
    bare = re.sub(r"^the ", "", literal)  # ``THE WORKER`` is also cited as ``Worker``
    keys = {literal, bare}
    words = [w for w in _WORD_SPLIT_RE.split(bare) if w]
    if len(words) > 1:
        keys.add(_initials(words))
        keys.add(_initials([w for w in words if w not in _FUNCTION_WORDS]))
        keys.add(_initials(literal.replace("-", " ").split()))
    if "/" in literal:
        keys.add(literal.split("/")[0])
    if " " in literal and not _BODY_WORDS_RE.search(literal):
        keys.add(literal.split()[0])  # a person written whole: ``CHEN LI-WEN`` as ``Chen``
    return frozenset(k for k in keys if k)


# A body's acronym written after its name in the entry (``Northern Coasts
# Trust (NCT).``, ``GUILD OF X (GX),``): the name it is cited by.
_ACRONYM_AFTER = r"\s*[(\[](?P<acronym>[A-Z][A-Z&/.\-]{{1,9}})[)\]]"


def _ref_keys(ref: Reference) -> tuple[frozenset[str], ...]:
    keys = [name_keys(n) for n in ref_names(ref)]
    if keys and ref_names(ref)[0].literal:
        m = re.search(re.escape(ref_names(ref)[0].literal) + _ACRONYM_AFTER.format(), ref.raw)
        if m:
            keys[0] = keys[0] | {normalise(m["acronym"])}
    return tuple(keys)


def ref_names(ref: Reference) -> tuple[Name, ...]:
    """The names a reference is cited by: authors, else editors."""
    return ref.author or ref.editor


def year_key(ref: Reference) -> str:
    """``2001a``: the year and suffix a citation would write."""
    return f"{ref.issued.year}{ref.issued.suffix}" if ref.issued.year else ""


def cited_year(year: str) -> str:
    """``1999(b)`` and ``1999b`` are the same year; of a translation's two
    (``1931/1994``) the later is the edition listed."""
    year = year.split("/")[-1].strip()
    return re.sub(r"[()]", "", year)  # the parentheses of ``1999(b)``


@dataclass(frozen=True, slots=True)
class Choice:
    """The outcome of resolving one item: a reference (or None) and why."""

    ref: Reference | None
    candidates: int = 0
    year_mismatch: bool = False
    decided_by: str = ""


class ReferenceIndex:
    """The references of one source, looked up by cited names."""

    def __init__(self, references: tuple[Reference, ...]):
        self.references = references
        self._keys = [_ref_keys(r) for r in references]

    def by_names(self, cited: tuple[str, ...]) -> list[Reference]:
        """References whose names match the cited names in order.

        References with exactly as many names as cited are preferred, so
        ``(Pereira, …)`` goes to Pereira alone before Pereira and Tanaka.
        """
        wanted = [normalise(c) for c in cited]
        found = [r for r, keys in zip(self.references, self._keys, strict=False) if _names_match(wanted, keys)]
        exact = [r for r in found if len(ref_names(r)) == len(wanted)]
        return exact or found

    def by_title(self, title: str) -> list[Reference]:
        """References whose title holds the long words of a short title."""
        words = _long_words(title)
        return [r for r in self.references if words and words <= _long_words(f"{r.title} {r.container_title}")]

    def by_surname(self, word: str) -> list[Reference]:
        """References with ``word`` among their names (for narrative citations)."""
        key = normalise(word)
        return [r for r, keys in zip(self.references, self._keys, strict=False) if any(key in k for k in keys)]

    def choose(self, cited: tuple[str, ...], year: str, hint: str) -> Choice:
        """Resolve names and year; ``hint`` is the locator or title words."""
        return choose(self.by_names(cited), year, hint)


def _names_match(wanted: list[str], keys: tuple[frozenset[str], ...]) -> bool:
    if not wanted or len(wanted) > len(keys):
        return False
    return all(w in k for w, k in zip(wanted, keys, strict=False))


def choose(candidates: list[Reference], year: str, hint: str) -> Choice:
    """Pick among candidates: by year (with suffix), then hint, then first."""
    if not candidates:
        return Choice(None)
    year = cited_year(year)
    pool, decided = candidates, ""
    if year and len(candidates) > 1:
        exact = [r for r in candidates if year_key(r) == year]
        same = exact or [r for r in candidates if str(r.issued.year) == year[:4]]
        if same:
            # An exact year and suffix is no ambiguity; a year without its suffix is.
            pool, decided = same, "" if len(exact) == 1 else "year without its suffix"
    if len(pool) > 1:
        pool, decided = _by_hint(pool, hint), "first listed"
        if len(pool) == 1:
            decided = "locator or title words"
    chosen = pool[0]
    mismatch = bool(year) and year[:4].isdigit() and str(chosen.issued.year) != year[:4]
    return Choice(chosen, len(candidates), mismatch, decided)


def _by_hint(pool: list[Reference], hint: str) -> list[Reference]:
    """Narrow by a page inside a reference's range or shared title words."""
    page = re.search(r"\d+", hint)  # the first page of a locator
    if page and not re.search(r"[A-Za-z]{3,}", hint):  # a locator, not title words
        inside = [r for r in pool if _page_in(r.page, int(page.group(0)))]
        return inside if len(inside) == 1 else pool
    words = _long_words(hint)
    scored = [(len(words & _long_words(f"{r.title} {r.container_title}")), r) for r in pool]
    best = max((s for s, _ in scored), default=0)
    top = [r for s, r in scored if s == best and best > 0]
    return top if len(top) == 1 else pool


def _long_words(text: str) -> set[str]:
    """Words of four letters or more: what title words are compared by."""
    return set(re.findall(r"\w{4,}", text.lower()))


def _page_in(pages: str, page: int) -> bool:
    m = re.fullmatch(r"\s*(\d+)\s*[-–]\s*(\d+)\s*", pages)  # a page range ``23-45``
    return m is not None and int(m.group(1)) <= page <= int(m.group(2))
