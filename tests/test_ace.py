"""DAISY Ace, the accessibility checker of the publishing world, on every EPUB:
the shipped editions and a Gutenberg edition, built once per session. Ace runs
axe-core in headless Chromium over every content document and checks the
package's accessibility metadata; any violation fails, listed with its rule,
impact, file, element and HTML, so that it can be fixed in the templates.

Ace takes about 5 s a book; the books are checked two at a time (2 cores).
"""

from __future__ import annotations

import re

import pytest

from conftest import BOOKS
from epubkit import AceFailed, doc_name, spine_hrefs


def report_of(ace_reports, name: str) -> dict:
    report = ace_reports[name]
    if isinstance(report, AceFailed):
        pytest.fail(str(report), pytrace=False)
    return report


# Ace's HTML snippets repeat the namespace declarations on every element, and
# append the opening tags of related elements after <!--##-->: keep the
# element itself, without the declarations.
_XMLNS = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')


def violations(report: dict) -> list[dict[str, str]]:
    """Every failed check of the report: one per rule and element."""
    found = []
    for doc in report["assertions"]:
        for check in doc.get("assertions", []):
            result, test = check["earl:result"], check["earl:test"]
            if result.get("earl:outcome") != "fail":
                continue
            pointer = result.get("earl:pointer", {})
            found.append(
                {
                    "rule": test.get("dct:title", "?"),
                    "impact": test.get("earl:impact", "?"),
                    "file": doc["earl:testSubject"]["url"],
                    "element": ", ".join(dict.fromkeys(pointer.get("css", []))),
                    "rule_says": test.get("dct:description", ""),
                    "found": result.get("dct:description", "").strip(),
                    "html": _XMLNS.sub("", result.get("html", "")).split("<!--##-->")[0].strip(),
                    "help": test.get("help", {}).get("url", ""),
                }
            )
    return found


def explain(name: str, found: list[dict[str, str]]) -> str:
    """The violations grouped by rule: what the rule asks once, then each
    element (file, CSS path, what Ace saw, its HTML)."""
    lines = [f"DAISY Ace found {len(found)} violation(s) in {name}.epub:"]
    rules = dict.fromkeys((v["rule"], v["impact"], v["rule_says"], v["help"]) for v in found)
    for rule, impact, says, help_url in rules:
        lines.append(f"{rule} [{impact}]: {says} ({help_url})")
        for v in (v for v in found if v["rule"] == rule):
            lines += [
                f"  - {v['file']} {v['element']}: {v['html'][:300]}",
                *(f"      {line}" for line in v["found"].splitlines()),
            ]
    return "\n".join(lines)


@pytest.mark.parametrize("name", BOOKS)
def test_ace_finds_no_violation(ace_reports, name):
    found = violations(report_of(ace_reports, name))
    if found:
        pytest.fail(explain(name, found), pytrace=False)


@pytest.mark.parametrize("name", BOOKS)
def test_ace_checked_every_content_document(ace_reports, shipped_epubs, name):
    """A report without violations means something only if Ace opened every
    document of the spine (and the package document for the metadata)."""
    report = report_of(ace_reports, name)
    checked = {doc_name(doc["earl:testSubject"]["url"]) for doc in report["assertions"]}
    spine = {doc_name(href) for href in spine_hrefs(shipped_epubs[name])}
    assert spine <= checked, f"not checked by Ace: {sorted(spine - checked)}"
    assert any(u.endswith(".opf") for u in checked)
