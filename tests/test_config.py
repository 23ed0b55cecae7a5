"""The edition config: every refusal is one clear line, every value typed.

Each test writes a small ``editions.toml`` into ``tmp_path`` (with source
files ``a.txt`` and ``b.txt`` beside it) and checks ``ConfigError.format()``,
the line the CLI prints, because that line is what a publisher reads.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest

from editionbuilder.config import (
    FALLBACK_EPOCH,
    LATEST_EPOCH,
    SourceOptions,
    load_config,
    one_off_edition,
    source_date_epoch,
)
from editionbuilder.diagnostics import ConfigError
from editionbuilder.options import EditionOptions, MetadataOverrides, ReaderOptions

REPO = Path(__file__).resolve().parents[1]
ESSAY = "seeds/001_72f3cb4c218735c2.txt"
FILM = "seeds/000_daf78f6bae771185.txt"

# One valid edition, to which each test adds the key it is about.
EDITION = '[[edition]]\nname = "a"\nsources = ["a.txt"]\n'


def write_config(tmp_path: Path, text: str) -> Path:
    """``editions.toml`` holding ``text``, with two source files beside it."""
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Text.\n", encoding="utf-8")
    path = tmp_path / "editions.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def config_error(tmp_path: Path, text: str) -> str:
    """The one line the CLI would print for a config that must be refused."""
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    line = info.value.format()
    assert "\n" not in line
    assert line.startswith((f"{path}: ", f"{path}:")), line
    assert info.value.exit_code == 2
    return line.removeprefix(str(path))


def load(tmp_path: Path, text: str) -> tuple[EditionOptions, ...]:
    return load_config(write_config(tmp_path, text)).editions


# --------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (EDITION + "sorces = []\n", ': edition "a": unknown key "sorces" (did you mean "sources"?)'),
        (
            EDITION + "[edition.metadata]\ntitel = 'x'\n",
            ': edition "a": unknown key "metadata.titel" (did you mean "metadata.title"?)',
        ),
        (
            EDITION + "[edition.print]\npaperr = 'cream'\n",
            ': edition "a": unknown key "print.paperr" (did you mean "print.paper"?)',
        ),
        (EDITION + "[edition.reader]\nquotes = 'curly'\n", ': edition "a": unknown key "reader.quotes"'),
        ("[editions]\n" + EDITION, ': unknown key "editions" (did you mean "edition"?)'),
        ("[defaults]\nlanguag = 'en'\n" + EDITION, ': defaults: unknown key "languag" (did you mean "language"?)'),
    ],
)
def test_unknown_keys_are_refused_with_their_path(tmp_path, text, expected):
    assert config_error(tmp_path, text) == expected


@pytest.mark.parametrize("trim", ["7x", "6x9x", "6 x 9", "6x9cm", "b5", "", "140x216in", "0x9in"])
def test_bad_trim_sizes(tmp_path, trim):
    line = config_error(tmp_path, EDITION + f'print = {{ trim = "{trim}" }}\n')
    assert line.startswith(f': edition "a": print.trim: bad trim size "{trim}"')


def test_bad_trim_in_defaults_names_the_defaults(tmp_path):
    line = config_error(tmp_path, '[defaults.print]\ntrim = "7x"\n' + EDITION)
    assert line.startswith(': defaults: print.trim: bad trim size "7x"')


@pytest.mark.parametrize("tag", ["english", "en_GB", "e", "C", "en-", "123", "i-klingon"])
def test_language_must_be_a_bcp47_tag(tmp_path, tag):
    line = config_error(tmp_path, EDITION + f'metadata.language = "{tag}"\n')
    assert line.startswith(f': edition "a": metadata.language: "{tag}" is not a BCP 47 language tag')


@pytest.mark.parametrize(
    "tag", ["en", "en-GB", "en-gb", "fr", "yue", "zh-Hant-TW", "sr-Latn", "es-419", "de-CH-1996", "en-x-house"]
)
def test_valid_language_tags(tmp_path, tag):
    (edition,) = load(tmp_path, EDITION + f'metadata.language = "{tag}"\n')
    assert edition.metadata.language == tag


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ('["a.txt", "seeds/x.txt"]', "sources[1]: no such file seeds/x.txt"),
        ('["../outside.txt"]', "sources[0]: path leaves the project directory"),
        ('["sub/../../a.txt"]', "sources[0]: path leaves the project directory"),
        ('["/etc/hostname"]', "sources[0]: path leaves the project directory"),
        ('["a.txt", "./a.txt"]', "sources[1]: ./a.txt is already sources[0]"),
        ('["."]', "sources[0]: . is a directory, not a file"),
        ('["a.txt", 3]', "sources[1]: expected a file path, got 3"),
        ("[]", "sources: expected a non-empty array of file paths, got an empty array"),
        ('"a.txt"', 'sources: expected a non-empty array of file paths, got "a.txt"'),
    ],
)
def test_bad_sources(tmp_path, sources, expected):
    line = config_error(tmp_path, f'[[edition]]\nname = "a"\nsources = {sources}\n')
    assert line == f': edition "a": {expected}'


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ('"../built"', "output: ../built leaves the project directory: built files stay inside it"),
        ('"/tmp/built"', "output: /tmp/built leaves the project directory: built files stay inside it"),
        ('"."', "output: the output folder cannot be the project folder itself: name a folder such as output"),
        ('"a.txt"', "output: a.txt is a file, not a folder"),
        ("3", "output: expected a folder path, got 3"),
    ],
)
def test_an_output_folder_outside_the_project_is_refused(tmp_path, output, expected):
    assert config_error(tmp_path, f"output = {output}\n" + EDITION) == f": {expected}"


def test_the_output_folder_is_relative_to_the_project(tmp_path):
    config = load_config(write_config(tmp_path, 'output = "build/books/"\n' + EDITION))
    assert config.output == "build/books" and config.output_dir == tmp_path / "build/books"
    assert load_config(write_config(tmp_path, EDITION)).output_dir == tmp_path / "output"


def test_duplicate_edition_names(tmp_path):
    text = EDITION + EDITION.replace('"a.txt"', '"b.txt"')
    assert config_error(tmp_path, text).startswith(': edition "a": name: duplicate of edition "a"')


def test_edition_names_differing_only_in_case_are_duplicates(tmp_path):
    text = EDITION + EDITION.replace('"a"', '"A"')
    assert config_error(tmp_path, text).startswith(': edition "A": name: duplicate of edition "a"')


@pytest.mark.parametrize("name", ["my book", "../x", "a/b", "a.b", "-a", "_a", "é", "x" * 65])
def test_edition_names_must_be_safe_file_stems(tmp_path, name):
    line = config_error(tmp_path, f'[[edition]]\nname = "{name}"\nsources = ["a.txt"]\n')
    assert line.startswith(f': edition "{name}": name: "{name}" is not a safe file name')


def test_a_name_that_is_not_a_string_is_labelled_by_position(tmp_path):
    line = config_error(tmp_path, EDITION + '[[edition]]\nname = 3\nsources = ["a.txt"]\n')
    assert line.startswith(": edition 2: name: 3 is not a safe file name")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[edition]]\nsources = ["a.txt"]\n', ': edition 1: missing key "name"'),
        ('[[edition]]\nname = "a"\n', ': edition "a": missing key "sources"'),
        ('[defaults]\nlanguage = "en"\n', ": declares no edition: add one [[edition]] table per edition"),
        ("defaults = 3\n" + EDITION, ": defaults: expected a table, got 3"),
        ("edition = [1]\n", ": edition 1: expected a table, got 1"),
        (
            '[edition]\nname = "a"\nsources = ["a.txt"]\n',
            ": edition: expected an array of tables: write [[edition]], one per edition",
        ),
    ],
)
def test_missing_parts(tmp_path, text, expected):
    assert config_error(tmp_path, text) == expected


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[[edition]]\nname = "a"\nsources = ["a.txt"\n', 3),
        ('[[edition]]\nname = "a"\nsources = ["a.txt"\nprint = true\n', 4),
        ("[defaults]\nlanguage = en\n", 2),
        ('[[edition]]\nname = "a"\nname = "b"\n', 3),
    ],
)
def test_toml_syntax_errors_give_the_line(tmp_path, text, line):
    message = config_error(tmp_path, text)
    assert message.startswith(f":{line}: TOML syntax error at "), message


@pytest.mark.parametrize(
    "date", ["25/11/2026", "2026-13", "2026-02-30", "2026-11-25T10:00", "26-11-25", "2026-1-5", "0000"]
)
def test_dates_must_be_iso_8601(tmp_path, date):
    line = config_error(tmp_path, EDITION + f'metadata.date = "{date}"\n')
    assert line == f': edition "a": metadata.date: "{date}" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)'


@pytest.mark.parametrize("date", ["2026", "2026-11", "2026-11-25", "2024-02-29"])
def test_valid_dates(tmp_path, date):
    (edition,) = load(tmp_path, EDITION + f'metadata.date = "{date}"\n')
    assert edition.metadata.date == date


def test_toml_dates_are_taken_and_datetimes_refused(tmp_path):
    (edition,) = load(tmp_path, EDITION + "metadata.date = 2026-11-25\n")
    assert edition.metadata.date == "2026-11-25"
    line = config_error(tmp_path, EDITION + "metadata.date = 2026-11-25T10:00:00Z\n")
    assert line.startswith(': edition "a": metadata.date: 2026-11-25 10:00:00+00:00 has a time')


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ('include_comments = "yes"', 'include_comments: expected true or false, got "yes"'),
        ('print = "yes"', 'print: expected a table, got "yes"'),
        ("print.bleed = 1", "print.bleed: expected true or false, got 1"),
        ('print.paper = "glossy"', 'print.paper: "glossy" is not one of white, cream'),
        ('reader.dash = "long"', 'reader.dash: "long" is not one of em, en'),
        ('reader.lost_links = "hide"', 'reader.lost_links: "hide" is not one of drop, keep'),
        ('heading_case = "smallcaps"', 'heading_case: "smallcaps" is not one of title, small-caps, source'),
        ("heading_case = true", "heading_case: true is not one of title, small-caps, source"),
        ('metadata = "x"', 'metadata: expected a table, got "x"'),
        ('metadata.title = ["x"]', "metadata.title: expected a string, got an array"),
        ('metadata.authors = "Ted Hankin"', 'metadata.authors: expected an array of strings, got "Ted Hankin"'),
        ('metadata.authors = ["Ted Hankin", 3]', "metadata.authors[1]: expected a string, got 3"),
        (
            'metadata.identifier = "urn:uuid:not-a-uuid"',
            'metadata.identifier: "urn:uuid:not-a-uuid" is not a valid urn:uuid: identifier',
        ),
        (
            'silence = ["Citation Year"]',
            'silence[0]: "Citation Year" is not a warning code (such as "citation-year-mismatch")',
        ),
        ('silence = "citation-year-mismatch"', 'silence: expected an array of strings, got "citation-year-mismatch"'),
    ],
)
def test_bad_values(tmp_path, key, expected):
    assert config_error(tmp_path, EDITION + key + "\n") == f': edition "a": {expected}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            EDITION + 'silence = ["citation-year-missmatch"]\n',
            ': edition "a": silence[0]: unknown code "citation-year-missmatch" (did you mean "citation-year-mismatch"?)',
        ),
        (
            '[defaults]\nsilence = ["link-lost", "quote-unclosd"]\n' + EDITION,
            ': defaults: silence[1]: unknown code "quote-unclosd" (did you mean "quote-unclosed"?)',
        ),
        (EDITION + 'silence = ["everything"]\n', ': edition "a": silence[0]: unknown code "everything"'),
    ],
)
def test_silence_refuses_a_code_no_build_reports(tmp_path, text, expected):
    # A misspelt code would silence nothing and say nothing.
    assert config_error(tmp_path, text) == expected


def test_silence_takes_codes_of_either_severity(tmp_path):
    (edition,) = load(tmp_path, EDITION + 'silence = ["link-lost", "citation-ambiguous"]\n')
    assert edition.silence == ("link-lost", "citation-ambiguous")


def test_per_edition_metadata_cannot_be_a_default(tmp_path):
    line = config_error(tmp_path, '[defaults]\nidentifier = "urn:isbn:1"\n' + EDITION)
    assert line == ": defaults: identifier: differs per edition: set it in [edition.metadata]"


def test_unreadable_configs(tmp_path):
    missing = tmp_path / "nothing.toml"
    with pytest.raises(ConfigError) as info:
        load_config(missing)
    assert info.value.format() == f"{missing}: cannot read the edition config: No such file or directory"
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('[defaults]\npublisher = "Éditions"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(latin1)


def test_a_relative_config_path_is_named_as_given(tmp_path, monkeypatch):
    write_config(tmp_path, EDITION + "sorces = []\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_config(Path("editions.toml"))
    assert info.value.format().startswith('editions.toml: edition "a": unknown key "sorces"')


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trim", "name", "width", "height"),
    [
        ("6x9", "6x9", 6.0, 9.0),
        ("5x8", "5x8", 5.0, 8.0),
        ("5.5x8.5", "5.5x8.5", 5.5, 8.5),
        ("a5", "a5", 148 / 25.4, 210 / 25.4),
        ("A5", "a5", 148 / 25.4, 210 / 25.4),
        ("5.25x8in", "5.25x8in", 5.25, 8.0),
        ("140x216mm", "140x216mm", 140 / 25.4, 216 / 25.4),
        ("8.5x11in", "8.5x11in", 8.5, 11.0),
    ],
)
def test_trim_sizes(tmp_path, trim, name, width, height):
    (edition,) = load(tmp_path, EDITION + f'print = {{ trim = "{trim}" }}\n')
    assert edition.print.trim == name
    assert edition.print.width_in == pytest.approx(width)
    assert edition.print.height_in == pytest.approx(height)
    assert edition.print.enabled


def test_sources_are_normalised_relative_to_the_config(tmp_path):
    (tmp_path / "sub").mkdir()
    (edition,) = load(tmp_path, '[[edition]]\nname = "a"\nsources = ["./b.txt", "sub/../a.txt"]\n')
    assert edition.sources == ("b.txt", "a.txt")
    assert load_config(tmp_path / "editions.toml").project_dir == tmp_path


def test_an_absolute_source_inside_the_project_is_made_relative(tmp_path):
    (edition,) = load(tmp_path, f'[[edition]]\nname = "a"\nsources = ["{tmp_path / "a.txt"}"]\n')
    assert edition.sources == ("a.txt",)


def test_editions_without_settings_get_the_option_defaults(tmp_path):
    (edition,) = load(tmp_path, EDITION)
    assert edition == EditionOptions(name="a", sources=("a.txt",))


# --------------------------------------------------------------------------
# Defaults merging
# --------------------------------------------------------------------------

DEFAULTS = """\
[defaults]
language = "de"
publisher = "Verlag"
authors = ["A. Author"]
include_comments = false
silence = ["citation-year-mismatch"]
[defaults.print]
trim = "5x8"
paper = "cream"
[defaults.reader]
dash = "en"
"""


def test_defaults_apply_to_an_edition_that_sets_nothing(tmp_path):
    (edition,) = load(tmp_path, DEFAULTS + EDITION)
    assert edition.metadata == MetadataOverrides(language="de", publisher="Verlag", authors=("A. Author",))
    assert (edition.print.enabled, edition.print.trim, edition.print.paper) == (False, "5x8", "cream")
    assert (edition.print.width_in, edition.print.height_in) == (5.0, 8.0)
    assert (edition.reader.dash, edition.reader.include_comments) == ("en", False)
    assert edition.silence == ("citation-year-mismatch",)


def test_edition_values_replace_defaults_key_by_key(tmp_path):
    text = (
        DEFAULTS
        + EDITION
        + textwrap.dedent("""\
        include_comments = true
        silence = []
        metadata.language = "en-GB"
        reader.lost_links = "keep"
        print = { paper = "white" }
        """)
    )
    (edition,) = load(tmp_path, text)
    assert (edition.metadata.language, edition.metadata.publisher) == ("en-GB", "Verlag")
    assert edition.reader.include_comments is True
    assert (edition.reader.dash, edition.reader.lost_links) == ("en", "keep")
    assert edition.silence == ()
    # A print table in an edition turns print on; the trim is the default's.
    assert (edition.print.enabled, edition.print.trim, edition.print.paper) == (True, "5x8", "white")


def test_heading_case_defaults_to_title_and_an_edition_replaces_the_defaults(tmp_path):
    text = '[defaults]\nheading_case = "small-caps"\n' + EDITION + EDITION.replace('"a"', '"b"')
    text += 'heading_case = "source"\n'
    first, second = load(tmp_path, text)
    assert (first.heading_case, second.heading_case) == ("small-caps", "source")
    (plain,) = load(tmp_path, EDITION)
    assert plain.heading_case == "title"


def test_print_true_uses_the_default_print_settings(tmp_path):
    (edition,) = load(tmp_path, DEFAULTS + EDITION + "print = true\n")
    assert (edition.print.enabled, edition.print.trim, edition.print.paper) == (True, "5x8", "cream")


def test_an_edition_can_turn_off_print_enabled_by_default(tmp_path):
    text = "[defaults]\nprint = { enabled = true }\n" + EDITION + "print = false\n"
    text += EDITION.replace('"a"', '"b"') + "print = { enabled = false, trim = '6x9' }\n"
    text += EDITION.replace('"a"', '"c"')
    first, second, third = load(tmp_path, text)
    assert (first.print.enabled, second.print.enabled, third.print.enabled) == (False, False, True)


# --------------------------------------------------------------------------
# The shipped editions.toml
# --------------------------------------------------------------------------


def test_shipped_config_declares_three_editions_in_order():
    config = load_config(REPO / "editions.toml")
    assert [e.name for e in config.editions] == ["essay", "film", "anthology"]
    essay, film, anthology = config.editions
    assert essay.sources == (ESSAY,)
    assert film.sources == (FILM,)
    assert anthology.sources == (ESSAY, FILM)
    assert config.project_dir == REPO


def test_shipped_single_editions_take_title_and_author_from_their_sources():
    for edition in load_config(REPO / "editions.toml").editions[:2]:
        assert (edition.metadata.title, edition.metadata.authors) == ("", ())
        assert not edition.print.enabled


def test_shipped_anthology_is_printed_and_identified():
    essay, film, anthology = load_config(REPO / "editions.toml").editions
    assert anthology.metadata.title and anthology.metadata.date
    assert (anthology.print.enabled, anthology.print.trim, anthology.print.paper) == (True, "6x9", "cream")
    identifiers = [e.metadata.identifier for e in (essay, film, anthology)]
    assert all(i.startswith("urn:uuid:") for i in identifiers) and len(set(identifiers)) == 3
    # No ISBN is assigned yet, so none is set: a placeholder would fail preflight.
    assert not anthology.metadata.print_identifier
    assert all(e.metadata.language == "en" for e in (essay, film, anthology))


# --------------------------------------------------------------------------
# One-off editions
# --------------------------------------------------------------------------


def test_one_off_edition_is_named_after_the_first_file(tmp_path):
    first, second = tmp_path / "first.txt", tmp_path / "second.md"
    first.write_text("x", encoding="utf-8")
    second.write_text("y", encoding="utf-8")
    edition = one_off_edition([first, second], None)
    # the sources' folder is the one other folder the edition may read (boundary)
    reader = ReaderOptions(allowed_dirs=(str(tmp_path.resolve()),))
    assert edition == EditionOptions(name="first", sources=(first.as_posix(), second.as_posix()), reader=reader)
    assert one_off_edition([second, first], "book-1").name == "book-1"


@pytest.mark.parametrize(
    ("stem", "name"),
    [
        ("My Essay (draft)", "My-Essay-draft"),
        ("__x__", "x"),
        ("été", "ete"),
        ("…", "book-[0-9a-f]{8}"),
        ("日本語", "book-[0-9a-f]{8}"),
        ("Essai 日本", "Essai-[0-9a-f]{8}"),
    ],
)
def test_one_off_names_from_unsafe_stems_are_made_safe(tmp_path, stem, name):
    source = tmp_path / f"{stem}.txt"
    source.write_text("x", encoding="utf-8")
    assert re.fullmatch(name, one_off_edition([source], None).name)


def test_names_in_other_scripts_do_not_share_their_outputs(tmp_path):
    """日本語.txt and 中文.txt both became "book" and overwrote each other."""
    names = set()
    for stem in ("日本語", "中文"):
        (tmp_path / f"{stem}.txt").write_text("x", encoding="utf-8")
        names.add(one_off_edition([tmp_path / f"{stem}.txt"], None).name)
    assert len(names) == 2


def test_one_off_refusals(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="no source files given"):
        one_off_edition([], None)
    with pytest.raises(ConfigError) as info:
        one_off_edition([source, tmp_path / "missing.txt"], None)
    assert info.value.format() == f"{tmp_path / 'missing.txt'}: no such file"
    with pytest.raises(ConfigError, match="listed twice"):
        one_off_edition([source, source], None)
    with pytest.raises(ConfigError, match='edition name "my book" is not a safe file name'):
        one_off_edition([source], "my book")


# --------------------------------------------------------------------------
# SOURCE_DATE_EPOCH
# --------------------------------------------------------------------------


def dated(date: str) -> EditionOptions:
    return EditionOptions("a", ("a.txt",), MetadataOverrides(date=date))


def midnight_utc(year: int, month: int, day: int) -> int:
    return int(dt.datetime(year, month, day, tzinfo=dt.UTC).timestamp())


def test_epoch_from_the_environment_wins():
    assert source_date_epoch(dated("2026-11-25"), {"SOURCE_DATE_EPOCH": "1700000000"}) == 1_700_000_000


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2026-11-25", midnight_utc(2026, 11, 25)),
        ("2026-11", midnight_utc(2026, 11, 1)),
        ("2026", midnight_utc(2026, 1, 1)),
    ],
)
def test_epoch_from_the_edition_date(date, expected):
    assert source_date_epoch(dated(date), {}) == expected
    assert source_date_epoch(dated(date), {"SOURCE_DATE_EPOCH": ""}) == expected


def test_epoch_fallback_is_a_fixed_constant():
    assert midnight_utc(1980, 1, 1) == FALLBACK_EPOCH
    assert source_date_epoch(dated(""), {}) == FALLBACK_EPOCH


def test_epoch_is_clamped_to_what_a_zip_entry_can_hold():
    assert source_date_epoch(dated(""), {"SOURCE_DATE_EPOCH": "0"}) == FALLBACK_EPOCH
    assert source_date_epoch(dated("1925-05-01"), {}) == FALLBACK_EPOCH
    assert source_date_epoch(dated(""), {"SOURCE_DATE_EPOCH": "99999999999"}) == LATEST_EPOCH


@pytest.mark.parametrize("value", ["abc", "1.5", "-5", " 1700000000", "1e9", "١٢٣"])
def test_a_malformed_source_date_epoch_is_an_error(value):
    with pytest.raises(ConfigError) as info:
        source_date_epoch(dated("2026"), {"SOURCE_DATE_EPOCH": value})
    assert info.value.format() == f'SOURCE_DATE_EPOCH: "{value}" is not a whole number of seconds since 1970-01-01 UTC'


def test_shipped_editions_have_a_dated_epoch():
    for edition in load_config(REPO / "editions.toml").editions:
        assert source_date_epoch(edition, {}) == midnight_utc(2026, 11, 25)


def test_bibliography_style_must_exist(tmp_path):
    (tmp_path / "a.txt").write_text("x\n")
    (tmp_path / "e.toml").write_text(
        '[[edition]]\nname = "e"\nsources = ["a.txt"]\nbibliography_style = "styles/apa.csl"\n'
    )
    with pytest.raises(ConfigError, match=r"bibliography_style: no such CSL style file styles/apa\.csl"):
        load_config(tmp_path / "e.toml")
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "apa.csl").write_text("<style/>")
    assert load_config(tmp_path / "e.toml").editions[0].bibliography_style == "styles/apa.csl"


def test_bibliography_files_from_the_config(tmp_path):
    (tmp_path / "a.md").write_text("Text [@k].\n")
    (tmp_path / "e.toml").write_text('[[edition]]\nname = "e"\nsources = ["a.md"]\nbibliography = "refs.bib"\n')
    with pytest.raises(ConfigError, match=r"bibliography\[0\]: no such bibliography file refs.bib"):
        load_config(tmp_path / "e.toml")
    (tmp_path / "refs.bib").write_text("@book{k, author={Doe, Jane}, title={A Book}, year={2001}}\n")
    assert load_config(tmp_path / "e.toml").editions[0].reader.bibliography == ("refs.bib",)


# --------------------------------------------------------------------------
# An edition's input format, and pandoc's options on a one-off edition
# --------------------------------------------------------------------------


def test_an_editions_from_names_the_input_format_of_its_sources(tmp_path):
    path = write_config(tmp_path, EDITION + 'from = "markdown+smart-citations"\n')
    assert load_config(path).editions[0].reader.from_format == "markdown+smart-citations"
    assert load_config(write_config(tmp_path, EDITION)).editions[0].reader.from_format == ""


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"markdwn"', '"markdwn" is not an input format (known: commonmark, commonmark_x, docx, epub, gfm, html, '),
        ('"plain+smart"', '"plain+smart": the "plain" reader takes no extensions'),
        ('"markdown+"', '"markdown+" is not an input format (known: '),
        ("1", "expected a string, got 1"),
    ],
)
def test_a_bad_from_is_one_line_naming_the_key(tmp_path, value, message):
    path = write_config(tmp_path, EDITION + f"from = {value}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.format().startswith(f'{path}: edition "a": from: {message}')


def test_from_is_per_edition(tmp_path):
    path = write_config(tmp_path, '[defaults]\nfrom = "markdown"\n' + EDITION)
    with pytest.raises(ConfigError, match='defaults: unknown key "from"'):
        load_config(path)


def test_source_options_set_what_the_config_keys_do(tmp_path, monkeypatch):
    """``author`` repeats and ``lang`` is ``language`` (pandoc's names), the
    config's names are taken too, and pandoc's ``KEY:VALUE`` as well."""
    monkeypatch.chdir(tmp_path)
    for name in ("a.txt", "refs.bib", "more.json", "style.csl"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    metadata = ("title=T: a subtitle", "author=A", "authors=B", "lang=fr", "date:2026-01", "identifier=urn:isbn:1")
    given = SourceOptions("gfm+smart", ("refs.bib", "more.json"), "style.csl", metadata)
    edition = one_off_edition([Path("a.txt")], None, given)
    assert edition.reader.from_format == "gfm+smart"
    assert edition.reader.bibliography == ("refs.bib", "more.json") and edition.bibliography_style == "style.csl"
    assert edition.metadata == MetadataOverrides(
        title="T: a subtitle", authors=("A", "B"), language="fr", date="2026-01", identifier="urn:isbn:1"
    )
    assert one_off_edition([Path("a.txt")], None, SourceOptions(metadata=("language=de",))).metadata.language == "de"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (SourceOptions(from_format="markdwn"), '--from: "markdwn" is not an input format (known: commonmark, '),
        (SourceOptions(from_format="plain-smart"), '--from: "plain-smart": the "plain" reader takes no extensions'),
        (
            SourceOptions(metadata=("titel=x",)),
            '-M titel=x: unknown metadata key "titel" (did you mean "title"?); known: author, authors, blurb, copyright_holder, date, '
            "description, identifier, lang, language, print_identifier, publisher, rights, subtitle, title",
        ),
        (SourceOptions(metadata=("title",)), "-M title: give it a value (-M title=VALUE)"),
        (SourceOptions(metadata=("author= ",)), "-M author: give it a value (-M author=VALUE)"),
        (SourceOptions(metadata=("title=a", "title=b")), "-M title: given twice (only author may repeat)"),
        (SourceOptions(metadata=("lang=english",)), '-M lang: "english" is not a BCP 47 language tag'),
        (SourceOptions(metadata=("date=2026-02-30",)), '-M date: "2026-02-30" is not an ISO 8601 date'),
        (SourceOptions(metadata=("identifier=urn:uuid:x",)), '-M identifier: "urn:uuid:x" is not a valid urn:uuid:'),
        (
            SourceOptions(metadata=("bibliography=r.bib",)),
            "-M bibliography=r.bib: give the file as --bibliography FILE",
        ),
        (SourceOptions(bibliography=("r.bib",)), "--bibliography: no such bibliography file r.bib"),
        (SourceOptions(csl="s.csl"), "--csl: no such CSL style file s.csl"),
    ],
)
def test_bad_source_options_are_one_line_naming_the_option(tmp_path, monkeypatch, given, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        one_off_edition([Path("a.txt")], None, given)
    assert info.value.format().startswith(message)
