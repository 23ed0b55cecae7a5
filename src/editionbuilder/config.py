"""The edition config (``editions.toml``) as typed ``EditionOptions``.

Validated strictly, because a typo in a config must never become a silently
different book: an unknown key, a trim nobody prints, a source outside the
project or a language tag EPUBCheck rejects each raise one ``ConfigError``
whose ``format()`` is one line naming the file and the key path, e.g.
``editions.toml: edition "anthology": print.trim: bad trim size "7x" (...)``.
``[defaults]`` applies to every edition; a value an edition sets replaces it
(arrays too). Empty metadata is filled from the sources by the pipeline.
Nothing here prints or reads ``os.environ``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from .boundary import Boundary
from .config_values import (
    Invalid,
    boolean,
    choice,
    date,
    date_parts,
    diagnostic_code,
    identifier,
    input_format,
    language,
    price,
    show,
    string,
    strings,
    trim,
    trim_inches,
)
from .diagnostics import ConfigError
from .lazyre import lazy_compile
from .model import Position
from .options import (
    HEADING_CASES,
    OUTPUT_NAMES,
    PAPER_CALIPER,
    EditionOptions,
    MetadataOverrides,
    PrintOptions,
    ReaderOptions,
    output_name,
)

DEFAULT_CONFIG_NAME = "editions.toml"

# The timestamp used when neither SOURCE_DATE_EPOCH nor an edition date is
# known: 1980-01-01T00:00:00Z, the earliest time a zip (EPUB) entry can
# record. Every timestamp is also clamped into the zip range, so that the
# EPUB's dcterms:modified and its zip entry times can always agree.
FALLBACK_EPOCH = 315_532_800
# 2107-12-31T23:59:58Z, the latest time a zip entry can record.
LATEST_EPOCH = 4_354_819_198

# An edition name is the stem of its output files (output/NAME.epub): an
# ASCII letter or digit, then letters, digits, "-" or "_"; 64 at most. No
# dots, spaces or slashes, so it is safe on every file system and in a URL.
_SAFE_NAME = lazy_compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_NAME_RULE = '(use up to 64 letters, digits, "-" and "_", starting with a letter or digit)'

# Runs of characters not allowed in an edition name (for names made from a
# file stem); each run becomes one "-".
_UNSAFE_NAME_CHARS = lazy_compile(r"[^A-Za-z0-9_-]+")

# SOURCE_DATE_EPOCH as reproducible-builds.org specifies it: ASCII digits.
_EPOCH_DIGITS = lazy_compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class EditionDefaults:
    """What ``[defaults]`` sets, before any edition overrides it."""

    metadata: MetadataOverrides = MetadataOverrides()
    reader: ReaderOptions = ReaderOptions()
    print: PrintOptions = PrintOptions()
    silence: tuple[str, ...] = ()
    bibliography_style: str = ""
    heading_case: str = HEADING_CASES[0]


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """A loaded config: its editions in file order, sources relative to
    ``project_dir`` (the folder holding the config) as POSIX strings."""

    path: Path
    project_dir: Path
    editions: tuple[EditionOptions, ...]
    defaults: EditionDefaults = EditionDefaults()
    output: str = "output"  # the folder of the built files, inside the project
    jobs: int = 0  # editions built, or one book's parts laid out, at once (0: one per core: ``scheduling``)
    scheduler: str = ""  # a Dask scheduler's address ("tcp://HOST:PORT"); "": this machine

    @property
    def output_dir(self) -> Path:
        return self.project_dir / self.output


@dataclass(frozen=True, slots=True)
class _Where:
    """The file and the table ("defaults", 'edition "essay"') being read."""

    file: str
    label: str = ""

    def error(self, key: str, message: str) -> ConfigError:
        parts = [p for p in (self.label, key, message) if p]
        return ConfigError(": ".join(parts), Position(file=self.file))


_METADATA_SPEC: dict[str, Callable[[Any], Any]] = {
    "title": string,
    "subtitle": string,
    "authors": strings(string),
    "language": language,
    "publisher": string,
    "rights": string,
    "date": date,
    "identifier": identifier,
    "print_identifier": string,
    "copyright_holder": string,
    "description": string,
    "blurb": string,
}
# Metadata [defaults] may set: the rest names one edition, not all of them.
_DEFAULT_METADATA_KEYS = ("authors", "language", "publisher", "rights", "copyright_holder", "date")
_READER_SPEC = {"dash": choice("em", "en"), "lost_links": choice("drop", "keep")}
# Paper thickness per page (inches) a printer may quote instead of KDP's:
# real papers lie well inside this range, so a value outside it is a typo
# or another unit (mm, points).
CALIPER_RANGE_IN = (0.001, 0.01)


def _caliper(value: Any) -> float:
    low, high = CALIPER_RANGE_IN
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise Invalid(
            f"{show(value)} is not a paper thickness per page in inches ({low} to {high}, "
            f"e.g. {PAPER_CALIPER['cream']})"
        )
    return float(value)


_PRINT_SPEC = {
    "enabled": boolean,
    "trim": trim,
    "paper": choice(*PAPER_CALIPER),
    "bleed": boolean,
    "caliper": _caliper,
    "price": price,
}
_COMMON_KEYS = ("include_comments", "print", "reader", "silence", "bibliography_style", "bibliography", "heading_case")
_EDITION_KEYS = ("name", "sources", "metadata", "from", *_COMMON_KEYS)
_DEFAULTS_KEYS = (*_DEFAULT_METADATA_KEYS, *_COMMON_KEYS)


def _reject_unknown(table: Mapping[str, Any], known: tuple[str, ...], where: _Where, prefix: str = "") -> None:
    """Refuse a key nobody reads: a misspelt key would otherwise be ignored."""
    for key in table:
        if key not in known:
            import difflib  # a misspelt key's hint: only on this error

            close = difflib.get_close_matches(key, known, n=1)
            hint = f' (did you mean "{prefix}{close[0]}"?)' if close else ""
            raise where.error("", f'unknown key "{prefix}{key}"{hint}')


def _checked(table: Any, spec: Mapping[str, Callable[[Any], Any]], where: _Where, prefix: str) -> dict[str, Any]:
    """Every key of ``table`` validated by ``spec``; ``prefix`` is the key path."""
    if not isinstance(table, dict):
        raise where.error(prefix.rstrip("."), f"expected a table, got {show(table)}")
    _reject_unknown(table, tuple(spec), where, prefix)
    values = {}
    for key, value in table.items():
        try:
            values[key] = spec[key](value)
        except Invalid as exc:
            raise where.error(f"{prefix}{key}{exc.suffix}", exc.message) from None
    return values


def _value(table: Mapping[str, Any], key: str, check: Callable[[Any], Any], where: _Where) -> Any:
    """``table[key]`` validated by ``check``."""
    return _checked({key: table[key]}, {key: check}, where, "")[key]


def _print_options(value: Any, base: PrintOptions, where: _Where, in_edition: bool) -> PrintOptions:
    """``print = true|false`` or a table. In an edition a table without
    ``enabled`` turns print on (writing print settings means wanting print);
    in ``[defaults]`` it only sets the values editions start from."""
    if value is None:
        return base
    if isinstance(value, bool):
        return dataclasses.replace(base, enabled=value)
    fields = _checked(value, _PRINT_SPEC, where, "print.")
    if in_edition:
        fields.setdefault("enabled", True)
    if "trim" in fields:
        fields["width_in"], fields["height_in"] = trim_inches(fields["trim"])
    if "caliper" in fields:
        fields["caliper_in"] = fields.pop("caliper")
    return dataclasses.replace(base, **fields)


def _common(table: Mapping[str, Any], base: EditionDefaults, where: _Where, in_edition: bool) -> EditionDefaults:
    """The keys ``[defaults]`` and ``[[edition]]`` share, over ``base``."""
    reader = base.reader
    if "reader" in table:
        reader = dataclasses.replace(reader, **_checked(table["reader"], _READER_SPEC, where, "reader."))
    if "bibliography" in table:
        value = table["bibliography"]
        files = _value(table, "bibliography", strings(string) if isinstance(value, list) else string, where)
        reader = dataclasses.replace(reader, bibliography=files if isinstance(files, tuple) else (files,))
    if "include_comments" in table:
        include = _value(table, "include_comments", boolean, where)
        reader = dataclasses.replace(reader, include_comments=include)
    silence = base.silence
    if "silence" in table:
        silence = _value(table, "silence", strings(diagnostic_code), where)
    style = (
        _value(table, "bibliography_style", string, where) if "bibliography_style" in table else base.bibliography_style
    )
    case = (
        _value(table, "heading_case", choice(*HEADING_CASES), where) if "heading_case" in table else base.heading_case
    )
    return EditionDefaults(
        metadata=base.metadata,
        reader=reader,
        print=_print_options(table.get("print"), base.print, where, in_edition),
        silence=silence,
        bibliography_style=style,
        heading_case=case,
    )


def _defaults(table: Any, file: str) -> EditionDefaults:
    where = _Where(file, "defaults")
    if table is None:
        return EditionDefaults()
    if not isinstance(table, dict):
        raise where.error("", f"expected a table, got {show(table)}")
    for key in table:
        if key in _METADATA_SPEC and key not in _DEFAULT_METADATA_KEYS:
            raise where.error(key, "differs per edition: set it in [edition.metadata]")
    _reject_unknown(table, _DEFAULTS_KEYS, where)
    meta_table = {k: v for k, v in table.items() if k in _DEFAULT_METADATA_KEYS}
    metadata = MetadataOverrides(**_checked(meta_table, _METADATA_SPEC, where, ""))
    return dataclasses.replace(_common(table, EditionDefaults(), where, False), metadata=metadata)


def _edition_name(table: Mapping[str, Any], where: _Where) -> str:
    if "name" not in table:
        raise where.error("", 'missing key "name"')
    name = table["name"]
    if not isinstance(name, str) or not _SAFE_NAME.fullmatch(name):
        raise where.error("name", f"{show(name)} is not a safe file name {_NAME_RULE}")
    return name


def _sources(value: Any, project_dir: Path, where: _Where) -> tuple[str, ...]:
    """Source paths, relative to the project, in order. A path that leaves
    the project (``../x``, ``/x``) is refused lexically, so that a project
    folder is complete on another machine; symlinks inside it are allowed."""
    if not isinstance(value, list) or not value:
        raise where.error("sources", f"expected a non-empty array of file paths, got {show(value)}")
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        key = f"sources[{i}]"
        if not isinstance(item, str) or not item.strip():
            raise where.error(key, f"expected a file path, got {show(item)}")
        full = os.path.normpath(os.path.join(project_dir, item))
        if os.path.commonpath([full, project_dir]) != str(project_dir):
            raise where.error(key, "path leaves the project directory")
        rel = PurePath(os.path.relpath(full, project_dir)).as_posix()
        if os.path.isdir(full):
            raise where.error(key, f"{item} is a directory, not a file")
        if not os.path.isfile(full):
            raise where.error(key, f"no such file {item}")
        _inside(full, project_dir, where, key)
        if rel in seen:
            raise where.error(key, f"{item} is already sources[{seen[rel]}]")
        seen[rel] = i
    return tuple(seen)


def _output(value: Any, project_dir: Path, file: str) -> str:
    """The ``output`` folder, relative to the project: it must lie inside
    the project and not be the project folder itself, so that a build never
    writes over a source or outside the publisher's folder."""
    where = _Where(file)
    if not isinstance(value, str) or not value.strip():
        raise where.error("output", f"expected a folder path, got {show(value)}")
    full = os.path.normpath(os.path.join(project_dir, value))
    if os.path.commonpath([full, project_dir]) != str(project_dir):
        raise where.error("output", f"{value} leaves the project directory: built files stay inside it")
    if full == str(project_dir):
        raise where.error(
            "output", "the output folder cannot be the project folder itself: name a folder such as output"
        )
    if os.path.exists(full) and not os.path.isdir(full):
        raise where.error("output", f"{value} is a file, not a folder")
    _inside(full, project_dir, where, "output")
    return PurePath(os.path.relpath(full, project_dir)).as_posix()


def _jobs(value: Any, file: str) -> int:
    """``jobs``: how many editions a build makes, or one edition's parts it lays out, at once (absent, 0: one per core)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Where(file).error("jobs", f"expected a whole number of jobs (1 or more), got {show(value)}")
    return value


def _scheduler(value: Any, file: str) -> str:
    """``scheduler``: a Dask scheduler's address, such as tcp://HOST:8786."""
    if not isinstance(value, str) or (value and "://" not in value):
        raise _Where(file).error("scheduler", f"expected an address such as tcp://HOST:8786, got {show(value)}")
    return value


def _inside(path: str | Path, project_dir: Path, where: _Where, key: str) -> None:
    """``path`` resolves inside the project: a symbolic link in it may not
    lead out (``boundary``)."""
    try:
        Boundary.of([project_dir]).check(path, key)
    except ConfigError as exc:
        raise where.error(key, exc.message.removeprefix(f"{key}: ")) from None


def _edition(table: Any, index: int, defaults: EditionDefaults, config: ProjectConfig) -> EditionOptions:
    """One ``[[edition]]`` table (``index`` counts from 1) over the defaults."""
    file = str(config.path)
    if not isinstance(table, dict):
        raise _Where(file).error(f"edition {index}", f"expected a table, got {show(table)}")
    raw_name = table.get("name")
    label = f'edition "{raw_name}"' if isinstance(raw_name, str) and raw_name else f"edition {index}"
    where = _Where(file, label)
    _reject_unknown(table, _EDITION_KEYS, where)
    name = _edition_name(table, where)
    if "sources" not in table:
        raise where.error("", 'missing key "sources"')
    sources = _sources(table["sources"], config.project_dir, where)
    common = _common(table, defaults, where, True)
    metadata = defaults.metadata
    if "metadata" in table:
        metadata = dataclasses.replace(metadata, **_checked(table["metadata"], _METADATA_SPEC, where, "metadata."))
    reader = common.reader
    if "from" in table:
        reader = dataclasses.replace(reader, from_format=_value(table, "from", input_format, where))
    _check_files(common, config.project_dir, where)
    return EditionOptions(
        name, sources, metadata, reader, common.print, common.silence, common.bibliography_style, common.heading_case
    )


def _check_files(common: EditionDefaults, project_dir: Path, where: _Where) -> None:
    """The CSL style and bibliography files an edition names exist inside the project."""
    style = common.bibliography_style
    if style:
        if not (project_dir / style).is_file():
            raise where.error("bibliography_style", f"no such CSL style file {style}")
        _inside(project_dir / style, project_dir, where, "bibliography_style")
        _independent_style(project_dir / style, where.error)
    for n, bib in enumerate(common.reader.bibliography):
        if not (project_dir / bib).is_file():
            raise where.error(f"bibliography[{n}]", f"no such bibliography file {bib}")
        _inside(project_dir / bib, project_dir, where, f"bibliography[{n}]")


# A CSL style's <link> to another style it is made from: a dependent style's
# independent parent, or a CSL 0.8 template. citeproc would fetch it from
# its URL (the network, or any file): refused, so that a style cannot
# reach outside the project.
_CSL_PARENT_LINK = lazy_compile(r"<link\b[^>]*\brel\s*=\s*[\"'](?:independent-parent|template)[\"'][^>]*>")
_HREF = lazy_compile(r"\bhref\s*=\s*[\"']([^\"']*)")


def _independent_style(path: Path, error: Callable[[str, str], ConfigError], key: str = "bibliography_style") -> None:
    """Refuse a dependent CSL style: it names its parent by URL."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise error(key, f"cannot read {path.name} ({exc.strerror or exc})") from None
    link = _CSL_PARENT_LINK.search(text)
    if link:
        href = _HREF.search(link.group(0))
        parent = href.group(1) if href else "another style"
        raise error(
            key,
            f"{path.name} is a dependent CSL style: it takes its rules from {parent}, which would be fetched; "
            "use that independent style's file instead",
        )


def _read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; a syntax error names its line (``file:line:``)."""
    import tomllib  # only a project's config is TOML: inspect and a one-off build read none

    where = Position(file=str(path))
    try:
        text = path.read_bytes().decode("utf-8")
        return tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"cannot read the edition config: {exc.strerror}", where) from None
    except UnicodeDecodeError:
        raise ConfigError("the edition config is not UTF-8 text", where) from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib ends its messages with "(at line L, column C)" or
        # "(at end of document)".
        match = re.fullmatch(r"(.*) \(at (?:line (\d+), column (\d+)|end of document)\)", str(exc))
        if match is None:
            raise ConfigError(f"TOML syntax error: {exc}", where) from None
        message, line, column = match.groups()
        at = f"at column {column}" if column else "at the end of the file"
        pos = dataclasses.replace(where, line=int(line) if line else max(len(text.splitlines()), 1))
        raise ConfigError(f"TOML syntax error {at}: {message}", pos) from None


def load_config(path: Path) -> ProjectConfig:
    """Read and validate an edition config; raise ``ConfigError`` on the
    first problem. Editions keep the order of the file."""
    path = Path(path)
    data = _read_toml(path)
    file = str(path)
    _reject_unknown(data, ("output", "jobs", "scheduler", "defaults", "edition"), _Where(file))
    project_dir = Path(os.path.abspath(path)).parent
    config = ProjectConfig(
        path,
        project_dir,
        (),
        output=_output(data.get("output", "output"), project_dir, file),
        jobs=_jobs(data["jobs"], file) if "jobs" in data else 0,
        scheduler=_scheduler(data.get("scheduler", ""), file),
    )
    defaults = _defaults(data.get("defaults"), file)
    tables = data.get("edition")
    if tables is None or tables == []:
        raise _Where(file).error("", "declares no edition: add one [[edition]] table per edition")
    if not isinstance(tables, list):
        raise _Where(file).error("edition", "expected an array of tables: write [[edition]], one per edition")
    editions: list[EditionOptions] = []
    seen: dict[str, str] = {}
    for index, table in enumerate(tables, start=1):
        edition = _edition(table, index, defaults, config)
        other = seen.get(edition.name.casefold())
        if other is not None:
            where = _Where(file, f'edition "{edition.name}"')
            raise where.error(
                "name", f'duplicate of edition "{other}" (names of output files must differ beyond letter case)'
            )
        seen[edition.name.casefold()] = edition.name
        editions.append(edition)
    _check_outputs(editions, config)
    return dataclasses.replace(config, editions=tuple(editions), defaults=defaults)


def _check_outputs(editions: list[EditionOptions], config: ProjectConfig) -> None:
    """No two editions write one file (edition "a" in print makes
    a-press.pdf, the screen PDF of an edition "a-press" too), and the output
    folder holds no source: it is the build's, and a build replaces what is
    in it."""
    file, out = str(config.path), (config.project_dir / config.output).resolve()
    owners: dict[str, str] = {}
    for edition in editions:
        where = _Where(file, f'edition "{edition.name}"')
        for fmt in OUTPUT_NAMES:
            made = output_name(edition.name, fmt).casefold()
            if owners.setdefault(made, edition.name) != edition.name:
                raise where.error("name", f'its file {made} is also edition "{owners[made]}"\'s: rename one of them')
        for n, source in enumerate(edition.sources):
            if (config.project_dir / source).resolve().is_relative_to(out):
                raise where.error(f"sources[{n}]", f"{source} is in the output folder {config.output}: move it out")


@dataclass(frozen=True, slots=True)
class SourceOptions:
    """pandoc's options for a one-off edition (``--from``, ``--bibliography``,
    ``--csl``, ``-M``) as typed: they mean what the config's ``from``,
    ``bibliography``, ``bibliography_style`` and ``[edition.metadata]`` do,
    and are validated alike. Paths are relative to the working directory."""

    from_format: str = ""
    bibliography: tuple[str, ...] = ()
    csl: str = ""
    metadata: tuple[str, ...] = ()  # "KEY=VALUE" (or pandoc's "KEY:VALUE"), in order


# -M keys as pandoc names them, where [edition.metadata] names them otherwise.
_PANDOC_METADATA_KEYS = {"author": "authors", "lang": "language"}


def one_off_edition(
    sources: list[Path], name: str | None = None, given: SourceOptions = SourceOptions()
) -> EditionOptions:
    """An edition for ``editionbuilder build FILE...`` without a config:
    the defaults and what ``given`` sets, named after the first file's stem
    unless ``name`` is given. Sources stay as given (relative to the
    working directory)."""
    if not sources:
        raise ConfigError("no source files given")
    seen: list[str] = []
    for source in sources:
        if not Path(source).is_file():
            raise ConfigError("no such file", Position(file=str(source)))
        if Path(source).as_posix() in seen:
            raise ConfigError("source listed twice", Position(file=str(source)))
        seen.append(Path(source).as_posix())
    if name is None:
        name = _name_from_stem(Path(sources[0]).stem)
    elif not _SAFE_NAME.fullmatch(name):
        raise ConfigError(f'edition name "{name}" is not a safe file name {_NAME_RULE}')
    folders = tuple(dict.fromkeys(str(Path(s).resolve().parent) for s in sources))
    edition = EditionOptions(name=name, sources=tuple(seen), reader=ReaderOptions(allowed_dirs=folders))
    return _with_options(edition, given)


def _name_from_stem(stem: str) -> str:
    """A safe edition name from a file's stem: its ASCII letters (accents
    taken off), and a digest of the stem when anything else was dropped, so
    that two names in other scripts (``日本語.txt``, ``中文.txt``) do not
    both become ``book`` and overwrite each other's files."""
    decomposed = unicodedata.normalize("NFKD", stem)
    kept = "".join(ch for ch in decomposed if ch.isascii())
    dropped = any(not ch.isascii() and not unicodedata.combining(ch) for ch in decomposed)
    slug = _UNSAFE_NAME_CHARS.sub("-", kept).strip("-_")[:55].rstrip("-_")
    if dropped or not slug:
        slug = f"{slug or 'book'}-{hashlib.sha256(stem.encode('utf-8')).hexdigest()[:8]}"
    return slug


def _with_options(edition: EditionOptions, given: SourceOptions) -> EditionOptions:
    """``edition`` with what the command line's options set."""
    for path in given.bibliography:
        if not Path(path).is_file():
            raise ConfigError(f"--bibliography: no such bibliography file {path}")
    if given.csl and not Path(given.csl).is_file():
        raise ConfigError(f"--csl: no such CSL style file {given.csl}")
    if given.csl:
        _independent_style(Path(given.csl), lambda key, message: ConfigError(f"{key}: {message}"), "--csl")
    from_format = _option("--from", given.from_format, input_format) if given.from_format else ""
    # The files named on the command line may be read wherever they are.
    named = [str(Path(p).resolve().parent) for p in (*given.bibliography, *([given.csl] if given.csl else []))]
    allowed = tuple(dict.fromkeys((*edition.reader.allowed_dirs, *named)))
    reader = dataclasses.replace(
        edition.reader, from_format=from_format, bibliography=given.bibliography, allowed_dirs=allowed
    )
    metadata = _metadata_options(given.metadata)
    return dataclasses.replace(edition, metadata=metadata, reader=reader, bibliography_style=given.csl)


def _option(option: str, value: Any, check: Callable[[Any], Any]) -> Any:
    """``value`` validated by ``check``; an error names the option."""
    try:
        return check(value)
    except Invalid as exc:
        raise ConfigError(f"{option}: {exc.message}") from None


def _metadata_options(pairs: tuple[str, ...]) -> MetadataOverrides:
    """``-M KEY=VALUE`` options as ``[edition.metadata]`` would set them:
    each ``author`` adds one author; any other key is given once."""
    values: dict[str, Any] = {}
    for pair in pairs:
        typed, key, value = _metadata_option(pair)
        check = _METADATA_SPEC[key]
        if key == "authors":
            values[key] = values.get(key, ()) + _option(f"-M {typed}", [value], check)
        elif key in values:
            raise ConfigError(f"-M {typed}: given twice (only author may repeat)")
        else:
            values[key] = _option(f"-M {typed}", value, check)
    return MetadataOverrides(**values)


def _metadata_option(pair: str) -> tuple[str, str, str]:
    """The key as typed, its name in ``[edition.metadata]``, and the value."""
    # The key ends at the first "=" or ":", as pandoc's -M reads it.
    typed, *rest = re.split("[=:]", pair, maxsplit=1)
    typed, value = typed.strip(), (rest[0] if rest else None)
    key = _PANDOC_METADATA_KEYS.get(typed, typed)
    if typed in ("bibliography", "csl"):
        raise ConfigError(f"-M {pair}: give the file as --{typed} FILE")
    if key not in _METADATA_SPEC:
        known = sorted({*_METADATA_SPEC, *_PANDOC_METADATA_KEYS})
        import difflib  # a misspelt key's hint: only on this error

        close = difflib.get_close_matches(typed, known, n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        raise ConfigError(f'-M {pair}: unknown metadata key "{typed}"{hint}; known: {", ".join(known)}')
    # pandoc reads a bare KEY as true; no metadata of an edition is a yes/no.
    if value is None or not value.strip():
        raise ConfigError(f"-M {typed}: give it a value (-M {typed}=VALUE)")
    return typed, key, value.strip()


def source_date_epoch(edition: EditionOptions, environ: Mapping[str, str]) -> int:
    """Seconds since 1970 for every timestamp the outputs carry.

    ``SOURCE_DATE_EPOCH`` wins when set and non-empty (an empty value counts
    as unset, as in CPython's ``py_compile``); a malformed one is an error, as
    the reproducible-builds spec asks. Otherwise the edition's date at 00:00
    UTC (its first day for YYYY or YYYY-MM), else ``FALLBACK_EPOCH``. Never
    the wall clock. The result is clamped to the range a zip entry holds.
    """
    raw = environ.get("SOURCE_DATE_EPOCH", "")
    if raw:
        if not _EPOCH_DIGITS.fullmatch(raw):
            raise ConfigError(f'SOURCE_DATE_EPOCH: "{raw}" is not a whole number of seconds since 1970-01-01 UTC')
        seconds = int(raw)
    else:
        day = date_parts(edition.metadata.date) if edition.metadata.date else None
        if day is None:
            return FALLBACK_EPOCH
        seconds = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
    return min(max(seconds, FALLBACK_EPOCH), LATEST_EPOCH)
