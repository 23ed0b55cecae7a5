"""The catalog feeds of the site, validated offline.

- OPDS 2.0 (``opds/catalog.json``): against the official JSON Schemas of
  tests/schemas/opds2/, every file loaded into a ``referencing`` registry
  by its ``$id``, so that resolving a ``$ref`` never reaches the network
  (a reference the registry lacks is an error, not a download).
- OPDS 1.2 (``opds/catalog.xml``): read back by feedparser, as a reading
  app's library would; validated with lxml against RFC 4287's RELAX NG
  schema (tests/schemas/atom.rng) and the RFC's rules the schema leaves
  to Schematron; and held to OPDS 1.2's rules for acquisition feeds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest
from jsonschema import Draft7Validator, FormatChecker
from lxml import etree
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource

from conftest import BOOKS
from editionbuilder.catalog import EPUB_TYPE, OPDS_ATOM_TYPE, PDF_TYPE

SCHEMAS = Path(__file__).parent / "schemas"
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/terms/}"
ACQUISITION = "http://opds-spec.org/acquisition"


def _no_fetch(uri: str):
    raise NoSuchResource(ref=uri)


# The schemas' patterns are ECMA-262 regular expressions, as JSON Schema
# says: their named groups "(?<name>" are Python's "(?P<name>". They are
# translated as the schemas are loaded (the files stay as they came).
_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z])")


def _python_patterns(node):
    if isinstance(node, list):
        return [_python_patterns(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "pattern" and isinstance(value, str):
            out[key] = _NAMED_GROUP.sub("(?P<", value)
        elif key == "patternProperties" and isinstance(value, dict):
            out[key] = {_NAMED_GROUP.sub("(?P<", k): _python_patterns(v) for k, v in value.items()}
        else:
            out[key] = _python_patterns(value)
    return out


@pytest.fixture(scope="session")
def opds2_validator():
    resources = []
    for path in sorted((SCHEMAS / "opds2").rglob("*.schema.json")):
        schema = _python_patterns(json.loads(path.read_text(encoding="utf-8")))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry = Registry(retrieve=_no_fetch).with_resources(resources)
    feed = registry.contents("https://drafts.opds.io/schema/feed.schema.json")
    return Draft7Validator(feed, registry=registry, format_checker=FormatChecker())


@pytest.fixture(scope="session")
def feeds(full_build) -> Path:
    return full_build / "site" / "opds"


def test_the_schemas_are_the_shared_copy_with_provenance_and_licence():
    assert (SCHEMAS / "opds2/PROVENANCE.md").is_file() and (SCHEMAS / "opds2/webpub/LICENSE").is_file()
    assert len(list((SCHEMAS / "opds2").rglob("*.schema.json"))) == 30


def test_the_opds2_feed_is_valid(feeds, opds2_validator):
    feed = json.loads((feeds / "catalog.json").read_text(encoding="utf-8"))
    errors = sorted(opds2_validator.iter_errors(feed), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    assert len(feed["publications"]) == len(BOOKS)


def test_the_validator_is_not_vacuous(feeds, opds2_validator):
    """A publication without an acquisition link, or a link without an
    href, fails: the registry resolves the schemas' references."""
    feed = json.loads((feeds / "catalog.json").read_text(encoding="utf-8"))
    feed["publications"][0]["links"] = [{"rel": "alternate", "href": "x.html"}]
    del feed["publications"][1]["images"][0]["href"]
    messages = [e.message for e in opds2_validator.iter_errors(feed)]
    assert any("are valid under the given schema" in m and "x.html" in m for m in messages), messages
    assert any("'href' is a required property" in m for m in messages), messages


def test_each_opds2_publication_says_what_a_library_needs(feeds, full_build):
    feed = json.loads((feeds / "catalog.json").read_text(encoding="utf-8"))
    by_name = {p["links"][0]["href"].split("/")[1]: p for p in feed["publications"]}
    assert set(by_name) == set(BOOKS)
    anthology = by_name["anthology"]
    md = anthology["metadata"]
    assert md["title"] == "On the Soviet Collapse" and md["language"] == "en"
    assert md["identifier"] == "urn:uuid:3f8521a6-04f0-40fb-ae4f-21e434e76e4f"
    assert md["published"] == "2026-11-25" and md["description"].startswith("Two texts on the collapse")
    assert [a["name"] for a in md["author"]] == ["Ted Hankin", "Juhan Aare"]
    for name, publication in by_name.items():
        acquisitions = {link["type"]: link for link in publication["links"] if link["rel"] == ACQUISITION}
        assert set(acquisitions) == {EPUB_TYPE, PDF_TYPE}
        assert acquisitions[EPUB_TYPE]["size"] == (full_build / f"{name}.epub").stat().st_size
        assert acquisitions[PDF_TYPE]["size"] == (full_build / f"{name}.pdf").stat().st_size
        rels = [image["rel"] for image in publication["images"]]
        assert rels == ["http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"]
        assert all((feeds / image["href"]).resolve().is_file() for image in publication["images"])
        assert all((feeds / link["href"]).resolve().is_file() for link in publication["links"])


@pytest.fixture(scope="session")
def atom(feeds) -> etree._ElementTree:
    return etree.parse(str(feeds / "catalog.xml"))


def test_the_opds1_feed_is_valid_atom(atom):
    schema = etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))
    assert schema.validate(atom), schema.error_log
    # The rules RFC 4287's schema states in Schematron (which lxml does not run):
    feed = atom.getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert feed.find(f"{ATOM}author") is not None or all(e.find(f"{ATOM}author") is not None for e in entries)
    for entry in entries:
        links = entry.findall(f"{ATOM}link")
        assert any(link.get("rel") in (None, "alternate") for link in links) or entry.find(f"{ATOM}content") is not None


def test_the_atom_schema_is_not_vacuous(atom):
    schema = etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))
    broken = etree.fromstring(etree.tostring(atom))
    entry = broken.find(f"{ATOM}entry")
    entry.remove(entry.find(f"{ATOM}id"))
    assert not schema.validate(etree.ElementTree(broken))


def test_the_opds1_feed_follows_the_acquisition_feed_rules(atom, feeds, full_build):
    feed = atom.getroot()
    links = {link.get("rel"): link for link in feed.findall(f"{ATOM}link")}
    assert links["self"].get("type") == OPDS_ATOM_TYPE and links["start"].get("type") == OPDS_ATOM_TYPE
    assert "profile=opds-catalog" in OPDS_ATOM_TYPE and "kind=acquisition" in OPDS_ATOM_TYPE
    for entry in feed.findall(f"{ATOM}entry"):
        rels = [link.get("rel") for link in entry.findall(f"{ATOM}link")]
        assert "http://opds-spec.org/image" in rels and "http://opds-spec.org/image/thumbnail" in rels
        acquisitions = [link for link in entry.findall(f"{ATOM}link") if link.get("rel") == ACQUISITION]
        assert {link.get("type") for link in acquisitions} == {EPUB_TYPE, PDF_TYPE}
        for link in acquisitions:
            file = (feeds / link.get("href")).resolve()
            assert int(link.get("length")) == file.stat().st_size
        for tag in (f"{DC}language", f"{DC}identifier", f"{DC}issued", f"{ATOM}summary"):
            assert entry.find(tag) is not None, tag


def test_a_reading_app_reads_the_opds1_feed_back(feeds):
    parsed = feedparser.parse((feeds / "catalog.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Bookshelf" and len(parsed.entries) == len(BOOKS)
    anthology = next(e for e in parsed.entries if e.title == "On the Soviet Collapse")
    assert [a.name for a in anthology.authors] == ["Ted Hankin", "Juhan Aare"]
    assert anthology.id == "urn:uuid:3f8521a6-04f0-40fb-ae4f-21e434e76e4f"
    assert anthology.summary.startswith("Two texts on the collapse") and anthology.updated.startswith("2026-11-25")
    assert anthology.dcterms_language == "en" and anthology.published.startswith("2026-11-25")  # dc:issued
    kinds = {(link.rel, link.type) for link in anthology.links}
    assert {(ACQUISITION, EPUB_TYPE), (ACQUISITION, PDF_TYPE), ("http://opds-spec.org/image", "image/png")} <= kinds
    engels = next(e for e in parsed.entries if e.title.startswith("Socialism"))
    assert engels.summary  # no description in its config: the opening words of the text
