"""Metamorphic tests of the plain-text reader on web pages: change a page in
one place, the way another platform, another editor or another copy would
have it, and the model must stay the same everywhere else.

Each perturbation is a general transformation of a page's lines, told
where to act by the page's key (``tests/corpus/web``) or by the seed's
known lines: reword the editorial line whose link was lost, put another
platform's header above the title or its footer under the page, move the
byline (under the title with no blank line, to the foot of the text as
"Posted by", as a signature), put an advertisement or a subscribe box
between two paragraphs, and write the comment section's heading in
another platform's form. The model is compared as words and structure
(title, authors, the text's blocks, notes, references, glossary, comments
with their authors), never by line numbers, which the perturbation moves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from editionbuilder.diagnostics import Diagnostics
from editionbuilder.model import BlockQuote, Edition, Heading, Paragraph, SectionBreak
from editionbuilder.options import ReaderOptions
from editionbuilder.readers import ReadContext
from editionbuilder.readers.plaintext import read_plaintext
from editionbuilder.readers.plaintext.comments import header_count
from paths import ROOT
from webscore import CORPUS, inline_text, key_path, load_key, pages, words

SEED = ROOT / "seeds" / "001_72f3cb4c218735c2.txt"
# The seed's editorial line, byline and comment heading, by line number.
SEED_KEY: dict[str, Any] = {
    "title": {"line": 1},
    "editorial": [{"line": 3, "dropped": True}],
    "authors": [{"name": "Ted Hankin", "line": 5}],
    "paragraphs": [{"line": 8}, {"line": 76}],
    "removed": [{"line": 162, "text": "3 thoughts on “Why Did the Soviet Union Collapse?"}],
}


# -- the model as compared -----------------------------------------------------


def _block(b: Any) -> str:
    if isinstance(b, SectionBreak):
        return "BREAK"
    if isinstance(b, Heading):
        return "H " + " ".join(words(inline_text(b.inlines)))
    if isinstance(b, Paragraph):
        return "P " + " ".join(words(inline_text(b.inlines)))
    if isinstance(b, BlockQuote):
        inner = " / ".join(_block(x) for x in b.blocks)
        return f"Q {inner} — {' '.join(words(inline_text(b.attribution)))}"
    return type(b).__name__


def signature(ed: Edition) -> dict[str, Any]:
    """What the model says, without where it says it."""
    return {
        "title": words(ed.metadata.title),
        "subtitle": words(ed.metadata.subtitle),
        "authors": sorted(" ".join(words(a)) for a in ed.metadata.authors),
        "chapters": [(c.role, [_block(b) for b in c.blocks]) for c in ed.chapters],
        "notes": [(n.marker, [_block(b) for b in n.blocks]) for n in ed.notes],
        "references": [" ".join(words(r.raw)) for r in ed.references],
        "glossary": [(g.term, [_block(b) for b in g.blocks]) for g in ed.glossary],
        "comments": [(" ".join(words(c.author)), [_block(b) for b in c.blocks]) for c in ed.comments],
    }


# -- the pages -----------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    lines: list[str]
    key: dict[str, Any]


def _page(path: Path, key: dict[str, Any]) -> Page:
    return Page(path.name, path.read_text(encoding="utf-8").split("\n"), key)


PAGES = [_page(p, load_key(key_path(p))) for p in pages(CORPUS)] + [_page(SEED, SEED_KEY)]


def _read(tmp_path: Path, lines: list[str]) -> Edition:
    """The plain-text reader's model of the page (without the pipeline's
    later passes, which format the bibliography through pandoc: the same
    words, at a tenth of the time)."""
    path = tmp_path / "page.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return read_plaintext(ReadContext(path, path.name, "s1", ReaderOptions(), Diagnostics()))


def _insert(lines: list[str], after: int, block: str) -> list[str]:
    """``block`` (its own paragraphs) inserted after line ``after`` (1-based),
    with a blank line before it; the blank lines that followed stay after it."""
    return [*lines[:after], "", *block.split("\n"), *lines[after:]]


def _paragraph_end(lines: list[str], line: int) -> int:
    n = line
    while n < len(lines) and lines[n].strip():
        n += 1
    return n


# -- perturbations: each returns the perturbed lines, or None where it does not apply


def reword_editorial(wording: str) -> Callable[[Page], list[str] | None]:
    def perturb(page: Page) -> list[str] | None:
        dropped = [e for e in page.key.get("editorial", []) if e["dropped"]]
        if not dropped:
            return None
        lines = list(page.lines)
        for e in dropped:
            lines[e["line"] - 1] = wording
        return lines

    return perturb


EDITORIAL_WORDINGS = [
    "For the council's answer to this post, see here.",
    "The first part of this series is here.",
    "You can read the earlier post here.",
    "Read part two: the long winter",
    "Download the full report (PDF, 2.3 MB)",
    "Listen to this post (MP3, 9 min)",
    "This post is a reply to Anna Berg's column on the same subject.",
    "A longer version of this piece, with its tables, can be found here.",
    "Previously: the lease nobody read",
    "This essay responds to Anna Berg's column of last week.",
    "Click here for the podcast version.",
    "Download the full report",
]

HEADERS = {
    "medium": "Open in app\n\nSign up\n\nSign in\n\nWrite\n",
    "substack": "The Weekly Ledger\n\nSubscribe\nSign in\n",
    "ghost": "The Weekly Ledger\n\nHome  Archive  About  Sign in  Subscribe\n",
    "blogger": "Monday, 3 April 2023\n",
    "newsletter": "View this email in your browser\n",
    "wordpress-tagline": "The Weekly Ledger\n\nNotes on harbours, ferries and the people in them\n",
    "blogger-dated": "The Weekly Ledger\n\nMonday, 3 April 2023\n",
}

FOOTERS = {
    "wordpress": "Blog at WordPress.com.\n\nFollow Following\n\nThe Weekly Ledger\n\nSign me up\n\n"
    "Already have a WordPress.com account? Log in now.",
    "substack": "© 2024 Anna Berg\nPrivacy ∙ Terms ∙ Collection notice\nStart Writing\nGet the app\n"
    "Substack is the home for great culture",
    "ghost": "The Weekly Ledger © 2024\n\nPowered by Ghost",
    "medium": "Help\n\nStatus\n\nAbout\n\nCareers\n\nPress\n\nBlog\n\nPrivacy\n\nTerms\n\nText to speech\n\nTeams",
    "blogger": "Newer Post Older Post Home\n\nSubscribe to: Post Comments (Atom)",
}


def swap_header(header: str) -> Callable[[Page], list[str] | None]:
    """The lines above the title replaced by another platform's header."""

    def perturb(page: Page) -> list[str] | None:
        title = page.key["title"]["line"]
        return header.split("\n") + page.lines[title - 1 :]

    return perturb


def add_footer(footer: str) -> Callable[[Page], list[str] | None]:
    def perturb(page: Page) -> list[str] | None:
        lines = list(page.lines)
        while lines and not lines[-1].strip():
            lines.pop()
        return _insert(lines, len(lines), "\n" + footer)

    return perturb


# A middle paragraph's end gets the block after it.
ADVERTS = {
    "wordads": "Advertisements\n\nReport this ad",
    "substack": "Thanks for reading The Weekly Ledger! Subscribe for free to receive new posts.\n\nSubscribe",
    "subscribe-now": "Subscribe now",
    "share": "Share",
}


def insert_advert(block: str, where: str = "middle") -> Callable[[Page], list[str] | None]:
    """``block`` after the text's first paragraph or a middle one."""

    def perturb(page: Page) -> list[str] | None:
        paras = page.key.get("paragraphs", [])
        if len(paras) < 3:
            return None
        para = paras[0] if where == "first" else paras[len(paras) // 2]
        end = _paragraph_end(page.lines, para.get("end", para["line"]))
        return _insert(page.lines, end, block)

    return perturb


# Another platform's chrome under a post's text: share and like rows,
# counters, tags.
TAIL_CHROME = {
    "jetpack": "Share this:\n\nTwitter\nFacebook\n\nLike this:\n\nLike Loading...",
    "substack": "Share\n\n12 Likes\n·\n2 Restacks",
    "medium": "History\n\nMaps\n\n--\n\n312\n\n2",
    "blogger": "Email ThisBlogThis!Share to XShare to FacebookShare to Pinterest\n\nLabels: history, maps",
    "ghost": "Share this post\n\nTwitter\nFacebook\nEmail",
}


def insert_tail_chrome(block: str) -> Callable[[Page], list[str] | None]:
    """``block`` right after the last paragraph of the text."""

    def perturb(page: Page) -> list[str] | None:
        paras = page.key.get("paragraphs", [])
        if not paras:
            return None
        last = paras[-1]
        return _insert(page.lines, _paragraph_end(page.lines, last.get("end", last["line"])), block)

    return perturb


# A commenter's name line in the forms WordPress, Blogger and Disqus print.
AUTHOR_LINE = re.compile(r"^(?P<name>.+?)(?: says:| said\.\.\.| • .+)$")
AUTHOR_FORMS = ["{name} says:", "{name} said...", "{name} • 2 years ago", "{name} on 3 May 2021 at 9:12 am said:"]


def comment_author_form(form: str) -> Callable[[Page], list[str] | None]:
    """Each comment's author line (in one of the explicit forms) written in
    another platform's form."""

    def perturb(page: Page) -> list[str] | None:
        lines, changed = list(page.lines), False
        for m in page.key.get("meta", []):
            found = AUTHOR_LINE.match(m["text"])
            if found and " Mod " not in m["text"]:
                lines[m["line"] - 1] = form.format(name=found.group("name"))
                changed = True
        return lines if changed else None

    return perturb


def _standalone(lines: list[str], n: int) -> bool:
    """Line ``n`` is a paragraph of its own (blank lines around it)."""
    before = n == 1 or not lines[n - 2].strip()
    after = n == len(lines) or not lines[n].strip()
    return before and after


def _one_byline(page: Page) -> tuple[str, int] | None:
    authors = page.key.get("authors", [])
    if len(authors) != 1:
        return None
    a = authors[0]
    line = page.lines[a["line"] - 1].strip()
    if not _standalone(page.lines, a["line"]) or line.replace(a["name"], "").strip(" —–-") not in ("by", "By", ""):
        return None
    return a["name"], a["line"]


def move_byline(form: str, where: str) -> Callable[[Page], list[str] | None]:
    """The page's byline (a "by NAME" or a name alone) written as ``form``
    and put ``where``: "under-title" (no blank line between), "end" (after
    the last paragraph of the text)."""

    def perturb(page: Page) -> list[str] | None:
        found = _one_byline(page)
        paras = page.key.get("paragraphs", [])
        if found is None or not paras:
            return None
        name, line = found
        lines = list(page.lines)
        del lines[line - 1 : line + 1]  # the byline and the blank line after it
        shift = lambda n: n - 2 if n > line else n  # noqa: E731
        byline = form.format(name=name)
        if where == "under-title":
            # Under the title, or under the subtitle that stands under it.
            head = page.key.get("subtitle", page.key["title"])["line"]
            title = shift(head)
            return [*lines[:title], byline, *lines[title:]]
        last = paras[-1]
        end = _paragraph_end(lines, shift(last.get("end", last["line"])))
        return _insert(lines, end, byline)

    return perturb


COMMENT_HEADERS = [
    "{n} thoughts on “{title}”",
    "{n} Responses to “{title}”",
    "{n} comments:",
    "{n} Comments",
    "Responses ({n})",
]


def comment_header(form: str) -> Callable[[Page], list[str] | None]:
    def perturb(page: Page) -> list[str] | None:
        for r in page.key.get("removed", []):
            ok, count = header_count(r["text"])
            if ok and count:
                lines = list(page.lines)
                title = re.sub(r"\s+", " ", page.lines[page.key["title"]["line"] - 1].strip())
                lines[r["line"] - 1] = form.format(n=count, title=title)
                return lines
        return None

    return perturb


PERTURBATIONS: dict[str, Callable[[Page], list[str] | None]] = {
    **{f"editorial-{n}": reword_editorial(w) for n, w in enumerate(EDITORIAL_WORDINGS)},
    **{f"header-{k}": swap_header(v) for k, v in HEADERS.items()},
    **{f"footer-{k}": add_footer(v) for k, v in FOOTERS.items()},
    **{f"advert-{k}": insert_advert(v) for k, v in ADVERTS.items()},
    **{f"advert-first-{k}": insert_advert(v, "first") for k, v in ADVERTS.items()},
    **{f"comment-author-{n}": comment_author_form(f) for n, f in enumerate(AUTHOR_FORMS)},
    **{f"tail-{k}": insert_tail_chrome(v) for k, v in TAIL_CHROME.items()},
    "byline-under-title": move_byline("by {name}", "under-title"),
    "byline-posted-by": move_byline("Posted by {name} at 10:31", "end"),
    "byline-signature": move_byline("— {name}", "end"),
    "byline-dated": move_byline("{name} · March 3, 2021", "under-title"),
    "byline-dated-comma": move_byline("{name}, March 3, 2021", "under-title"),
    "byline-guest-post": move_byline("Guest post by {name}", "under-title"),
    "byline-author-label": move_byline("Author: {name}", "under-title"),
    **{f"comments-{n}": comment_header(f) for n, f in enumerate(COMMENT_HEADERS)},
}


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("originals")
    return {p.name: signature(_read(folder, p.lines)) for p in PAGES}


@pytest.mark.parametrize("name", sorted(PERTURBATIONS))
def test_a_perturbed_page_reads_the_same(name: str, originals: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    perturb = PERTURBATIONS[name]
    failures = []
    applied = 0
    for page in PAGES:
        lines = perturb(page)
        if lines is None:
            continue
        applied += 1
        got, want = signature(_read(tmp_path, lines)), originals[page.name]
        diff = {k: (want[k], got[k]) for k in want if got[k] != want[k]}
        if diff:
            failures.append(f"{page.name}: {_describe(diff)}")
    assert applied, f"{name} applies to no page"
    assert not failures, f"{name} changed the model of {len(failures)} page(s):\n" + "\n".join(failures)


def _describe(diff: dict[str, tuple[Any, Any]]) -> str:
    out = []
    for k, (want, got) in diff.items():
        if isinstance(want, list) and isinstance(got, list) and k != "authors":
            gone = [x for x in want if x not in got][:2]
            new = [x for x in got if x not in want][:2]
            out.append(f"{k}: lost {str(gone)[:160]} gained {str(new)[:160]}")
        else:
            out.append(f"{k}: {str(want)[:80]} -> {str(got)[:80]}")
    return "; ".join(out)
