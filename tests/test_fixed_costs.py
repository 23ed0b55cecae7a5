"""The fixed costs of a small build (issue 17, item 4), as behaviour, not
timings: what a build loads and runs, and that what it keeps between builds
(the cover image, the compiled templates) changes no byte of its outputs.

A build or ``inspect`` runs in a fresh interpreter (``_run``), which reports
the modules it loaded and the programs it started."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from editionbuilder import installation, lazyre, templating
from editionbuilder.diagnostics import Diagnostics, RenderError, Severity
from editionbuilder.lazyre import lazy_compile
from editionbuilder.model import Metadata, Position
from editionbuilder.readers.plaintext.references.names import LOWER, UPPER
from editionbuilder.writers import cover
from editionbuilder.writers.print import engine as pdf_writer
from editionbuilder.writers.print.fonts import DEFAULT_FONTS
from paths import ROOT, SEED

# A one-page essay: a title, an author, five paragraphs, no references.
SMALL = "A Small Essay on Common Fields\n\nby Jane Doe\n\n\n" + "\n\n".join(
    [
        "The common fields of the village were worked in strips, each holder taking his turn at the "
        "plough, and the meadow was divided by lot every year so that no man kept the best ground. " * 3
    ]
    * 5
)
EPOCH = "1764028800"

# Run in the child: the command's modules and the programs it started, as JSON on the last line.
_PROBE = textwrap.dedent(
    """
    import json, subprocess, sys
    started = []
    real_init = subprocess.Popen.__init__
    def init(self, args, *a, **k):
        started.append(args if isinstance(args, str) else list(map(str, args)))
        real_init(self, args, *a, **k)
    subprocess.Popen.__init__ = init
    from editionbuilder.cli import main
    code = main(sys.argv[1:], command=True)  # as the command runs (``cli.run``)
    print(json.dumps({"code": code, "modules": sorted(sys.modules), "started": started}))
    """
)


def _run(*args: str, cwd: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "SOURCE_DATE_EPOCH": EPOCH}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["code"] == 0, done.stderr
    return report


def _programs(report: dict) -> list[str]:
    return [Path(command[0]).name for command in report["started"]]


def _loaded(report: dict, *prefixes: str) -> list[str]:
    return [m for m in report["modules"] if m.split(".")[0] in prefixes or m in prefixes]


@pytest.fixture(autouse=True)
def _no_installation_cache(monkeypatch):
    """These tests look at what a build keeps in its own cache folder: the
    installation's cache (``installation``) is left out unless a test names one."""
    monkeypatch.setenv(installation.ENV, "")


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.txt"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_an_epub_without_references_runs_no_citeproc_and_a_kept_cover_loads_no_weasyprint(small, tmp_path):
    build = ("build", small.name, "--format", "epub", "--out", "out")
    cold = _run(*build, cwd=tmp_path)
    # The first build draws the cover (the package's design: with Pillow,
    # ``cover_image``), in a fork of the build process made before reading
    # (``cover.CoverDrawer``): the build process itself loads no WeasyPrint
    # and starts no program. It
    # runs no pandoc: the text has no references to format and is read by
    # the plain-text reader.
    assert list((tmp_path / "out/.cache/covers").glob("*.png"))
    (patterns,) = (tmp_path / "out/.cache/patterns").glob("*.marshal")  # the readers' compiled patterns
    kept = patterns.read_bytes()
    assert _programs(cold) == []
    assert _loaded(cold, "pypandoc", "editionbuilder.pandoc_tool", "editionbuilder.readers.pandoc", "ftfy") == []
    assert "weasyprint" not in cold["modules"]
    first = (tmp_path / "out/small.epub").read_bytes()
    warm = _run(*build, cwd=tmp_path)
    assert _programs(warm) == []
    assert (
        _loaded(warm, "weasyprint", "pypandoc", "editionbuilder.pandoc_tool", "editionbuilder.writers.print.engine")
        == []
    )
    assert (tmp_path / "out/small.epub").read_bytes() == first
    assert patterns.read_bytes() == kept  # nothing compiled that was not kept: not written again


def test_a_parallel_print_build_lays_out_in_its_workers_and_loads_no_weasyprint(small, tmp_path):
    # With two jobs the build process reads the text, makes each part's HTML
    # and hands the parts to workers forked from a server that imported the
    # engine: it loads neither the engine nor WeasyPrint itself (``flow``).
    # With one job it lays the parts out itself, and loads both.
    parallel = _run("build", small.name, "--format", "pdf", "--jobs", "2", "--out", "two", cwd=tmp_path)
    assert _loaded(parallel, "weasyprint", "editionbuilder.writers.print.engine") == []
    serial = _run("build", small.name, "--format", "pdf", "--jobs", "1", "--out", "one", cwd=tmp_path)
    assert "weasyprint" in serial["modules"]
    assert (tmp_path / "two/small.pdf").read_bytes() == (tmp_path / "one/small.pdf").read_bytes()


def test_the_engine_version_is_read_without_the_engine_and_without_its_metadata(monkeypatch):
    import importlib.metadata

    import weasyprint

    from editionbuilder.writers.print import flow

    assert flow.engine_version() == f"WeasyPrint {weasyprint.__version__}"

    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    # WeasyPrint on the path without its dist-info (``engine_version`` reads
    # the metadata module when it is called).
    monkeypatch.setattr(importlib.metadata, "version", missing)
    assert flow.engine_version() == f"WeasyPrint {weasyprint.__version__}"


def test_an_epub_is_the_same_bytes_with_a_cold_a_warm_and_no_cache(small, tmp_path, monkeypatch):
    from editionbuilder.config import one_off_edition
    from editionbuilder.options import BuildOptions
    from editionbuilder.pipeline import build_edition

    options = one_off_edition([small])

    def build(out: str, cache: str) -> tuple[bytes, bytes]:
        result = build_edition(
            options,
            BuildOptions(
                out_dir=str(tmp_path / out),
                project_dir=str(tmp_path),
                formats=("epub",),
                source_date_epoch=int(EPOCH),
                cache_dir=cache,
            ),
        )
        epub, report = (p.read_bytes() for p in result.outputs)
        return epub, report

    cache = str(tmp_path / "cache")
    try:
        cold = build("cold", cache)
        kept = sorted(p.name for p in (tmp_path / "cache/covers").iterdir())
        assert [Path(n).suffix for n in kept] == [".json", ".png"]
        assert list((tmp_path / "cache/templates").glob("*/*.cache"))

        def refuse(*_args):
            raise AssertionError("a kept cover was drawn again")

        with monkeypatch.context() as patched:  # (the installation's cache left out all along)
            patched.setattr(pdf_writer, "render_pdf", refuse)
            patched.setattr(cover, "rasterise", refuse)
            templating.environment.cache_clear()  # the templates are read back from the cache folder
            warm = build("warm", cache)
        none = build("none", "")
    finally:
        templating.keep_compiled_templates("")
        templating.environment.cache_clear()
        lazyre.keep_compiled_patterns("")
    assert cold == warm == none
    with zipfile.ZipFile(tmp_path / "warm/small.epub") as z:
        assert z.read("EPUB/images/cover.png").startswith(b"\x89PNG")


# Run in a fresh interpreter (one thread: a drawer is forked only then).
_DRAWER_PROBE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from editionbuilder.diagnostics import Diagnostics
    from editionbuilder.model import Metadata
    from editionbuilder.writers import cover
    md = Metadata(title="Drawn Apart", subtitle="A Cover", authors=("Jane Doe", "John Roe"))
    with cover.CoverDrawer.start(("epub",), "") as drawer:
        assert drawer._process is not None  # forked
        apart = cover.order_cover(md, (), Path.cwd(), Diagnostics(), drawer=drawer)()
    loaded = "weasyprint" in sys.modules
    with cover.CoverDrawer.start(("epub",), "") as unused:
        pass  # never asked: stopped
    with cover.CoverDrawer.start(("epub",), "") as dropped:
        cover.order_cover(md, (), Path.cwd(), Diagnostics(), drawer=dropped)  # asked, never taken: stopped
    with cover.CoverDrawer.start(("epub",), "") as gone:
        gone._process.kill()  # the drawer killed: the build draws the cover itself
        gone._process.join()
        fallen = cover.order_cover(md, (), Path.cwd(), Diagnostics(), drawer=gone)()  # its first page
    here = cover.cover_png(md, (), Path.cwd(), Diagnostics())  # its second
    # The drawer's throw-away page, then the cover: a drawer whose page is
    # asked for after its warm-up (the page asked for at once is its first,
    # as ``apart`` was).
    cover.cover_png(Metadata(), (), Path.cwd(), Diagnostics())
    warmed = cover.cover_png(md, (), Path.cwd(), Diagnostics())
    stopped = unused._process.exitcode is not None and dropped._process.exitcode is not None
    print(loaded, apart == here, warmed == here, fallen == here, stopped)
    """
)


def test_a_cover_drawn_by_the_drawer_is_the_one_drawn_in_the_build_process(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", _DRAWER_PROBE], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True", "True", "True", "True"], done.stderr
    assert "Traceback" not in done.stderr  # a drawer stopped says nothing


# Run in a fresh interpreter (one thread: a drawer is forked only then);
# argv[1] is the build's cache folder.
_AHEAD_PROBE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import jinja2
    from editionbuilder import templating
    from editionbuilder.writers import cover
    from editionbuilder.writers.epub import TEMPLATES
    names = (*cover.COVER_TEMPLATES, *TEMPLATES)
    templating.keep_compiled_templates(sys.argv[1])
    kept = Path(sys.argv[1]) / "templates"
    shared = Path(sys.argv[2]) / "templates"
    with cover.CoverDrawer.start(("epub",), sys.argv[1]) as drawer:
        assert drawer.forked
        for _ in range(400):  # the drawer compiles while it waits for a page
            if all(len(list(f.glob("*/*.cache"))) == len(names) for f in (kept, shared)):
                break
            time.sleep(0.05)
    def refuse(*_args, **_kwargs):
        raise AssertionError("compiled again")
    jinja2.Environment.compile = refuse
    env = templating.environment()
    read = [env.get_template(name).name for name in names]
    # a drawer stopped while it compiles into a folder of its own
    import os
    from editionbuilder import installation
    os.environ[installation.ENV] = ""
    templating.keep_compiled_templates(sys.argv[1] + "-stopped")
    stopped = cover.CoverDrawer.start(("epub",), sys.argv[1] + "-stopped")
    time.sleep(0.1)
    stopped.close()
    left = stopped._process.exitcode in (0, 1)  # it left (on SIGTERM: as from an error), not killed
    print(len(list(kept.glob("*/*.cache"))), len(names), read == list(names), left)
    """
)


def test_the_cover_drawer_compiles_the_templates_the_build_renders_next(tmp_path):
    """While it waits for its page, the cover drawer compiles the cover's
    templates and the EPUB's, and keeps them (``templating.compile_ahead``):
    the build process reads them back and compiles none of them."""
    inst = tmp_path / "installation"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), installation.ENV: str(inst)}
    done = subprocess.run(
        [sys.executable, "-c", _AHEAD_PROBE, str(tmp_path / "cache"), str(inst)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    kept, wanted, read, left = done.stdout.split()
    assert kept == wanted and int(wanted) >= 6 and read == "True", done.stderr
    assert left == "True"
    # kept in the installation's cache too, for the next build of any project
    assert len(list((inst / "templates").glob("*/*.cache"))) == int(wanted)
    assert not list(tmp_path.rglob("*.tmp"))  # nothing half-written left by the drawer stopped


def test_templates_are_compiled_ahead_until_told_to_stop(tmp_path):
    """``compile_ahead`` asks before each template whether to stop (the
    drawer: whether its page was asked for), and compiles nothing where
    nothing is kept."""
    names = ("cover.html.j2", "cover_parts.j2")
    try:
        templating.keep_compiled_templates("")
        templating.environment.cache_clear()
        templating.compile_ahead(names)  # nowhere to keep it: not compiled
        assert templating.environment.cache_info().currsize == 0
        templating.keep_compiled_templates(tmp_path)
        templating.compile_ahead(names, (), iter([False, True]).__next__)
        assert len(list((tmp_path / "templates").glob("*/*.cache"))) == 1
    finally:
        templating.keep_compiled_templates("")
        templating.environment.cache_clear()


@pytest.mark.parametrize(
    ("drawn", "said"),
    [(b"garbage", "no image of the cover"), (b"P6\n2 3\n255\n" + bytes(18), "at 2 x 3 pixels, not 4 x 6")],
)
def test_an_image_pdftoppm_did_not_draw_as_asked_is_a_clear_error(tmp_path, monkeypatch, drawn, said):
    """pdftoppm's output that is no PPM, or not of the size asked for, is
    a one-line error naming what came back (no object's address in it: the
    same message on every run)."""
    (tmp_path / "drawn.bin").write_bytes(drawn)
    fake = tmp_path / "bin/pdftoppm"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\ncat > /dev/null\ncat '{tmp_path / 'drawn.bin'}'\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(RenderError, match=said) as raised:
        cover.rasterise(b"%PDF-1.7", (4, 6))
    assert "0x" not in str(raised.value) and "\n" not in str(raised.value)


def test_no_drawer_is_forked_for_a_pdf_a_kept_cover_or_no_epub(tmp_path):
    (tmp_path / "covers").mkdir()
    (tmp_path / "covers/kept.png").write_bytes(b"")
    for formats, cache in ((("epub", "pdf"), ""), (("pdf",), ""), (("epub",), str(tmp_path))):
        with cover.CoverDrawer.start(formats, cache) as drawer:
            assert drawer._process is None
            assert not drawer.ask(cover.cover_page(Metadata(), (), tmp_path, (1, 1)))


def _cover_files(cache: Path) -> tuple[Path, Path]:
    [meta] = (cache / "covers").glob("*.json")
    return meta.with_suffix(".png"), meta


@pytest.mark.parametrize("damage", ["truncated", "other bytes", "no json", "png missing"])
def test_a_damaged_kept_cover_is_thrown_away_and_drawn_again(tmp_path, damage):
    md = Metadata(title="A Cover Kept", authors=("Ann Author",))
    cache = tmp_path / "cache"
    drawn = cover.cover_png(md, (), tmp_path, Diagnostics(), cache_dir=cache)
    png, meta = _cover_files(cache)
    if damage == "truncated":
        png.write_bytes(png.read_bytes()[:100])
    elif damage == "other bytes":
        png.write_bytes(png.read_bytes()[:-1] + b"\0")
    elif damage == "no json":
        meta.write_text("{", encoding="utf-8")
    else:
        png.unlink()
    diags = Diagnostics()
    assert cover.cover_png(md, (), tmp_path, diags, cache_dir=cache) == drawn
    assert [d.code for d in diags.items] == ["cache-entry-discarded"]
    assert "cover image" in diags.items[0].message
    # Drawn again and kept again: the next build reads it back without a word.
    again = Diagnostics()
    assert cover.cover_png(md, (), tmp_path, again, cache_dir=cache) == drawn
    assert again.items == []
    assert _cover_files(cache)[0].read_bytes() == drawn


def test_a_changed_cover_is_drawn_again_and_the_kept_ones_are_bounded(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = cover.cover_png(Metadata(title="One Title"), (), tmp_path, Diagnostics(), cache_dir=cache)
    second = cover.cover_png(Metadata(title="Another Title"), (), tmp_path, Diagnostics(), cache_dir=cache)
    assert first != second and len(list((cache / "covers").glob("*.png"))) == 2
    monkeypatch.setattr(cover, "COVERS_KEPT", 1)
    third = cover.cover_png(Metadata(title="A Third"), (), tmp_path, Diagnostics(), cache_dir=cache)
    assert [p.read_bytes() for p in (cache / "covers").glob("*.png")] == [third]


def test_a_kept_cover_reports_what_drawing_it_reported(tmp_path):
    kept = cover.CoverCache.of(tmp_path, Diagnostics())
    warning = Diagnostics()
    warning.add(cover.codes.PANDOC_WARNING, "a warning while drawing", Position("cover.html", 3))
    kept.put("k" * 40, b"\x89PNG not really", warning.items)
    diags = Diagnostics()
    assert cover.CoverCache.of(tmp_path, diags).get("k" * 40) == b"\x89PNG not really"
    assert diags.items == warning.items and diags.items[0].severity is Severity.WARNING


def test_the_cover_key_names_every_input(tmp_path):
    sheet = templating.find_stylesheet(cover.STYLESHEET)
    key = cover.cache_key("<html/>", "css", (sheet,), DEFAULT_FONTS, (1600, 2560))
    assert key == cover.cache_key("<html/>", "css", (sheet,), DEFAULT_FONTS, (1600, 2560))
    other_sheet = tmp_path / "cover.css"
    other_sheet.write_bytes(sheet.read_bytes() + b"\n/* changed */\n")
    changed = [
        cover.cache_key("<html lang='fr'/>", "css", (sheet,), DEFAULT_FONTS, (1600, 2560)),
        cover.cache_key("<html/>", "css2", (sheet,), DEFAULT_FONTS, (1600, 2560)),
        cover.cache_key("<html/>", "css", (other_sheet,), DEFAULT_FONTS, (1600, 2560)),
        cover.cache_key("<html/>", "css", (sheet,), DEFAULT_FONTS[:2], (1600, 2560)),
        cover.cache_key("<html/>", "css", (sheet,), DEFAULT_FONTS, (400, 640)),
    ]
    assert len({key, *changed}) == 6


def test_the_installation_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(installation.ENV, str(tmp_path / "given"))
    assert installation.cache_dir() == tmp_path / "given"
    assert installation.folder() == tmp_path / "given"  # made, for this user alone
    assert (tmp_path / "given").stat().st_mode & 0o777 == 0o700
    loose = tmp_path / "loose"
    loose.mkdir()
    loose.chmod(0o777)  # code others could have put there is not run
    monkeypatch.setenv(installation.ENV, str(loose))
    assert installation.folder() is None
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(installation.ENV, str(tmp_path / "a-file/cache"))  # cannot be made
    assert installation.folder() is None
    monkeypatch.setenv(installation.ENV, "")  # set and empty: none
    assert installation.cache_dir() is None and installation.folder() is None
    monkeypatch.delenv(installation.ENV)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    monkeypatch.setattr(sys, "base_prefix", "/usr")  # in a virtual environment: inside it
    assert installation.cache_dir() == tmp_path / "venv/var/cache/editionbuilder"
    monkeypatch.setattr(sys, "base_prefix", str(tmp_path / "venv"))  # not in one: the user's cache
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert installation.cache_dir() == tmp_path / "xdg/editionbuilder/compiled"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert installation.cache_dir() == tmp_path / "home/.cache/editionbuilder/compiled"


def test_entries_of_another_version_are_pruned_at_once_in_a_build_s_folder_and_after_a_week_in_the_installation_s(
    tmp_path,
):
    import time

    def entries(root: Path, age_s: float) -> list[Path]:
        made = [root / "old-version", root / "other.marshal"]
        root.mkdir()
        made[0].mkdir()
        (made[0] / "x.cache").write_bytes(b"x")
        made[1].write_bytes(b"y")
        for path in made:
            os.utime(path, (time.time() - age_s, time.time() - age_s))
        return made

    own = entries(tmp_path / "own", 60)
    installation.prune(own, shared=False)
    assert [p.exists() for p in own] == [False, False]
    recent = entries(tmp_path / "recent", 60)
    installation.prune(recent, shared=True)  # another installation may be using them
    assert [p.exists() for p in recent] == [True, True]
    stale = entries(tmp_path / "stale", installation.STALE_AFTER_S + 60)
    installation.prune(stale, shared=True)
    assert [p.exists() for p in stale] == [False, False]


# Run in the child: how many templates Jinja2 compiled and how many lazy
# patterns ``re`` compiled (those read back from a cache are not), as
# JSON on the last line.
_COMPILES = textwrap.dedent(
    """
    import json, sys
    import jinja2
    from editionbuilder import lazyre
    counts = {"templates": 0, "patterns": 0}
    compile_template = jinja2.Environment.compile
    def counted_template(self, *a, **k):
        counts["templates"] += 1
        return compile_template(self, *a, **k)
    jinja2.Environment.compile = counted_template
    parser = lazyre._parser
    class Counted:
        def parse(self, *a):
            counts["patterns"] += 1
            return parser.parse(*a)
    lazyre._parser = Counted()
    from editionbuilder.cli import main
    code = main(sys.argv[1:], command=True)  # as the command runs (``cli.run``)
    print(json.dumps({"code": code, **counts}))
    """
)


def _compiles(*args: str, cwd: Path, cache: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "SOURCE_DATE_EPOCH": EPOCH, installation.ENV: cache}
    done = subprocess.run(
        [sys.executable, "-c", _COMPILES, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["code"] == 0, done.stderr
    return report


def test_a_new_output_folder_reads_what_the_installation_compiled(small, tmp_path):
    """The first build of an installation compiles its templates and
    patterns and keeps them in the installation's cache as well as in its
    output folder; a build into a new output folder, and ``inspect``,
    compile none of them again (patterns are kept where ``re``'s internals
    are known: ``lazyre``). The EPUB is the same bytes either way, and
    with an installation cache that cannot be made."""
    inst = str(tmp_path / "installation")
    build = ("build", small.name, "--format", "epub", "--out")
    first = _compiles(*build, "first", cwd=tmp_path, cache=inst)
    # (compiled by the build process or by its cover drawer, which compiles
    # them while it waits: ``templating.compile_ahead``)
    kept = {p.name for p in (tmp_path / "installation/templates").glob("*/*.cache")}
    assert kept and {p.name for p in (tmp_path / "first/.cache/templates").glob("*/*.cache")} == kept
    again = _compiles(*build, "again", cwd=tmp_path, cache=inst)
    assert again["templates"] == 0
    # read from the installation's, not copied (nor compiled by its cover
    # drawer, whose count is its own: it would have kept them here)
    assert not (tmp_path / "again/.cache/templates").exists()
    if lazyre._INTERNALS:
        assert first["patterns"] > 0 and again["patterns"] == 0
        assert list((tmp_path / "installation/patterns").glob("*.marshal"))
        fresh = str(tmp_path / "inspected")
        looked = _compiles("inspect", small.name, "--stats", cwd=tmp_path, cache=fresh)
        assert looked["patterns"] > 0  # compiled through the kept patterns, and kept
        assert list((tmp_path / "inspected/patterns").glob("*.marshal"))
        looked = _compiles("inspect", small.name, "--stats", cwd=tmp_path, cache=fresh)
        assert looked["patterns"] == 0
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    _compiles(*build, "unwritable", cwd=tmp_path, cache=str(tmp_path / "a-file/cache"))
    # compiled again, and kept in the output folder alone
    assert {p.name for p in (tmp_path / "unwritable/.cache/templates").glob("*/*.cache")} == kept
    _compiles(*build, "nothing", cwd=tmp_path, cache="")
    epubs = {(tmp_path / out / "small.epub").read_bytes() for out in ("first", "again", "unwritable", "nothing")}
    assert len(epubs) == 1


def test_a_project_template_is_kept_in_its_build_s_folder_and_not_in_the_installation_s(tmp_path, monkeypatch):
    """The installation's cache holds the package's compiled templates
    alone; a project's own template of the same name is compiled from its
    own file, kept in the build's cache folder, and compiled again once
    edited."""
    monkeypatch.setenv(installation.ENV, str(tmp_path / "installation"))
    own = tmp_path / "project/templates"
    own.mkdir(parents=True)
    text = cover.cover_text(Metadata(title="T"))
    shared = tmp_path / "installation/templates"
    try:
        templating.keep_compiled_templates(tmp_path / "out/.cache")
        templating.environment.cache_clear()
        shipped = templating.render("cover.html.j2", c=text)
        packaged = set(shared.glob("*/*.cache"))
        assert packaged  # the template and those it includes
        assert {p.name for p in (tmp_path / "out/.cache/templates").glob("*/*.cache")} == {p.name for p in packaged}
        for mark in ("first", "second"):
            (own / "cover.html.j2").write_text(f"<p>{mark} {{{{ c.title }}}}</p>", encoding="utf-8")
            templating.environment.cache_clear()
            assert templating.render("cover.html.j2", (str(own),), c=text) == f"<p>{mark} T</p>"
            assert set(shared.glob("*/*.cache")) == packaged  # nothing of the project's there
            assert len(list((tmp_path / "out/.cache/templates").glob("*/*.cache"))) == len(packaged) + 1
        templating.environment.cache_clear()
        assert templating.render("cover.html.j2", c=text) == shipped
    finally:
        monkeypatch.setenv(installation.ENV, "")
        templating.keep_compiled_templates("")
        templating.environment.cache_clear()


def test_a_damaged_compiled_template_is_compiled_again(tmp_path):
    try:
        templating.keep_compiled_templates(tmp_path)
        templating.environment.cache_clear()
        first = templating.render("cover.html.j2", c=cover.cover_text(Metadata(title="T")))
        compiled = list((tmp_path / "templates").glob("*/*.cache"))  # the template and those it includes
        assert compiled
        whole = {path: path.read_bytes() for path in compiled}
        for path in compiled:
            path.write_bytes(whole[path][:50])
        templating.environment.cache_clear()
        assert templating.render("cover.html.j2", c=cover.cover_text(Metadata(title="T"))) == first
        templating.environment.cache_clear()
        assert templating.render("cover.html.j2", c=cover.cover_text(Metadata(title="T"))) == first
        assert {path: path.read_bytes() for path in compiled} == whole  # written again, whole
    finally:
        templating.keep_compiled_templates("")
        templating.environment.cache_clear()


def test_templates_compiled_ahead_are_read_back_and_not_compiled_again(tmp_path, monkeypatch):
    """``compile_templates`` (a catalog's build process, while its workers
    start) leaves each template compiled in the cache folder; a process
    that renders one then reads it from there and compiles nothing. A
    project template that does not compile is left to the build that
    renders it."""
    import jinja2

    own = tmp_path / "project/templates"
    own.mkdir(parents=True)
    (own / "broken.html.j2").write_text("{% if %}", encoding="utf-8")
    dirs = (str(own),)
    shipped = [p.name for p in templating.TEMPLATE_DIR.iterdir() if p.name.endswith(".j2")]
    text = cover.cover_text(Metadata(title="T"))
    try:
        templating.keep_compiled_templates("")
        templating.environment.cache_clear()
        expected = templating.render("cover.html.j2", dirs, c=text)  # compiled here, kept nowhere
        templating.environment.cache_clear()
        templating.compile_templates(tmp_path / "cache", dirs)
        assert len(list((tmp_path / "cache/templates").glob("*/*.cache"))) == len(shipped)
        templating.environment.cache_clear()  # a worker: nothing compiled in memory

        def refuse(*_args, **_kwargs):
            raise AssertionError("a template was compiled again")

        with monkeypatch.context() as patched:  # (the installation's cache left out all along)
            patched.setattr(jinja2.Environment, "compile", refuse)
            assert templating.render("cover.html.j2", dirs, c=text) == expected
        with pytest.raises(RenderError, match=r"broken\.html\.j2"):  # reported by the build that renders it
            templating.render("broken.html.j2", dirs)
    finally:
        templating.keep_compiled_templates("")
        templating.environment.cache_clear()


def test_a_relative_cache_folder_stays_where_the_build_found_it(tmp_path, monkeypatch):
    """A build given a relative cache folder (``--out out``) keeps its
    compiled templates and patterns there when the process then works
    elsewhere: a test that changed folder and came back, a server that
    builds again (not in the folder it is in by then)."""
    from editionbuilder import lazyre

    (tmp_path / "build").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "build")
    try:
        templating.keep_compiled_templates("out/.cache")
        lazyre.keep_compiled_patterns("out/.cache")
        monkeypatch.chdir(tmp_path / "elsewhere")
        templating.environment.cache_clear()
        templating.render("cover.html.j2", c=cover.cover_text(Metadata(title="T")))
        assert list((tmp_path / "build/out/.cache/templates").glob("*/*.cache"))
        if lazyre._INTERNALS:  # patterns are kept where ``re``'s internals are known
            (kept,) = lazyre._KEPT.paths  # the output folder's alone: no installation cache here
            assert kept.is_relative_to(tmp_path / "build/out/.cache")
        assert not (tmp_path / "elsewhere/out").exists()
    finally:
        templating.keep_compiled_templates("")
        lazyre.keep_compiled_patterns("")
        templating.environment.cache_clear()


def test_compiled_templates_of_another_version_are_removed(tmp_path):
    stale = tmp_path / "templates" / "0123456789abcdef"
    stale.mkdir(parents=True)
    (stale / "x.cache").write_bytes(b"old")
    try:
        templating.keep_compiled_templates(tmp_path)
    finally:
        templating.keep_compiled_templates("")
    assert not stale.exists()


def test_inspect_stats_loads_no_writer_and_runs_no_citeproc(tmp_path):
    report = _run("inspect", str(SEED), "--stats", cwd=tmp_path)
    assert _programs(report) == []
    assert _loaded(report, "weasyprint", "ebooklib", "jinja2", "pypandoc", "ftfy", "lxml") == []
    assert [m for m in report["modules"] if m.startswith("editionbuilder.writers")] == []
    assert "editionbuilder.pandoc_tool" not in report["modules"]


def test_inspect_stats_counts_what_a_build_reads(capsys):
    from editionbuilder.cli import main
    from editionbuilder.config import one_off_edition
    from editionbuilder.pipeline import read_edition
    from editionbuilder.report.accounting import stats

    assert main(["inspect", str(SEED), "--stats"]) == 0
    counted = json.loads(capsys.readouterr().out)
    diags = Diagnostics()
    formatted = read_edition(one_off_edition([SEED]), ROOT, diags)  # through citeproc, as a build reads it
    assert counted == stats(formatted, diags.items)
    assert counted["references"] == 33


def test_a_lazy_pattern_is_the_compiled_pattern():
    import re

    lazy = lazy_compile(r"(?P<word>\w+)-(?P<n>\d+)", re.I)
    eager = re.compile(r"(?P<word>\w+)-(?P<n>\d+)", re.I)
    assert lazy.fullmatch("Page-12")["n"] == "12"
    assert lazy.sub(r"\g<n>", "a-1 b-2") == eager.sub(r"\g<n>", "a-1 b-2")
    assert lazy.pattern == eager.pattern and lazy.flags == eager.flags and lazy.groupindex == eager.groupindex
    assert [m.span() for m in lazy.finditer("x-1 y-22")] == [(0, 3), (4, 8)]


def test_a_lazy_pattern_is_copied_and_pickled_as_its_pattern():
    import copy
    import pickle

    lazy = lazy_compile(r"\d+")
    for other in (pickle.loads(pickle.dumps(lazy)), copy.deepcopy(lazy)):
        assert other.fullmatch("123") and other.pattern == r"\d+"
    assert lazy.search("a 42")[0] == "42"
    assert pickle.loads(pickle.dumps(lazy)).findall("1 22") == ["1", "22"]  # also once compiled


def test_a_lazy_pattern_gives_its_source_without_compiling(monkeypatch):
    import re

    lazyre.keep_compiled_patterns("")  # none kept (an earlier build's): each pattern compiled by ``re``
    compiled = []
    real = re.compile
    monkeypatch.setattr(re, "compile", lambda *args: compiled.append(args) or real(*args))
    part = lazy_compile(r"\d+")
    whole = lazy_compile(rf"(?:{part.pattern})-x")  # built from another's source, as the readers' are
    assert compiled == []
    assert whole.fullmatch("12-x")
    assert compiled == [(r"(?:\d+)-x", 0)]


# Patterns with every kind of program part the readers use: the big classes
# of Latin letters, named groups, lookarounds, flags inline and passed.
_KEPT_PATTERNS = [
    (rf"(?P<family>[{UPPER}][{LOWER}]+),\s+(?P<given>[{UPPER}]\.)", 0),
    (r"(?i)\b(?:cloth|net)\b(?=.{0,9}\d)", 0),
    (r"^(?:Posted|Updated)\s*:?\s*(?P<day>\d{1,2})(?<!0)", re.M),
    (r"[$£]\s?\d+(?:\.\d\d)?\b", re.I),
]
_KEPT_TEXTS = ["Łukasz, É. and Doe, J.", "CLOTH, 5s.", "Posted: 12\nUpdated 3", "$3.00 or £1"]


def _same_pattern(kept: re.Pattern[str], pattern: str, flags: int) -> None:
    eager = re.compile(pattern, flags)
    assert (kept.pattern, kept.flags, kept.groups, kept.groupindex) == (
        eager.pattern,
        eager.flags,
        eager.groups,
        eager.groupindex,
    )
    for text in _KEPT_TEXTS:
        assert [(m.span(), m.groups()) for m in kept.finditer(text)] == [
            (m.span(), m.groups()) for m in eager.finditer(text)
        ]


def test_compiled_patterns_are_kept_and_read_back_as_the_same_patterns(tmp_path, monkeypatch):
    from re import _parser

    try:
        lazyre.keep_compiled_patterns(tmp_path)
        for pattern, flags in _KEPT_PATTERNS:
            _same_pattern(lazy_compile(pattern, flags), pattern, flags)
        lazyre.save_compiled_patterns()
        (kept,) = (tmp_path / "patterns").iterdir()
        lazyre.keep_compiled_patterns("")  # as a new process: nothing known
        lazyre.keep_compiled_patterns(tmp_path)
        parsed = []
        real = _parser.parse
        monkeypatch.setattr(_parser, "parse", lambda *a: parsed.append(a) or real(*a))
        for pattern, flags in _KEPT_PATTERNS:
            _same_pattern(lazy_compile(pattern, flags), pattern, flags)
        assert [a for a in parsed if (a[0], a[1]) in _KEPT_PATTERNS] == []  # none compiled again
        lazyre.save_compiled_patterns()
        assert list((tmp_path / "patterns").iterdir()) == [kept]
    finally:
        lazyre.keep_compiled_patterns("")


@pytest.mark.skipif(not lazyre._INTERNALS, reason="patterns are compiled by re.compile where its internals are unknown")
def test_each_character_class_is_made_once_into_the_program_re_makes(tmp_path, monkeypatch):
    """The big classes of letters, met again in other patterns (cased and
    not, negated, beside categories), are made once (``_classes_once``),
    and every program is the one ``re``'s compiler makes of the pattern
    on its own."""
    from re import _compiler, _parser

    patterns = [
        *_KEPT_PATTERNS,
        (rf"(?:Ma?c)?[{UPPER}][{UPPER}'’\-]*[{UPPER}]", 0),
        (rf"[{UPPER}][{LOWER}]+", re.I),
        (rf"[^{LOWER}\s\d]+", 0),
        (rf"[{UPPER}\w]+ [{UPPER}]", re.I | re.M),
    ]
    made = {"kept": 0, "re": 0, "compared": 0}
    real = _compiler._optimize_charset
    counting = "kept"

    def counted(*args):
        made[counting] += 1
        return real(*args)

    monkeypatch.setattr(_compiler, "_optimize_charset", counted)
    monkeypatch.setattr(lazyre, "_OPTIMIZE", counted)  # the step lazyre reads once, and puts back
    try:
        lazyre.keep_compiled_patterns(tmp_path)
        lazyre._CLASSES.clear()
        for pattern, flags in patterns:
            counting = "kept"
            kept = lazyre._KEPT.compile(pattern, flags)
            counting = "compared"
            _same_pattern(kept, pattern, flags)
            counting = "re"  # the compiler alone, every class made
            assert lazyre._KEPT.known[(pattern, flags)][1] == [
                int(op) for op in _compiler._code(_parser.parse(pattern, flags), flags)
            ]
        assert 0 < made["kept"] < made["re"] - 5  # the letters' classes, made once for each set of flags
        assert _compiler._optimize_charset is counted  # the compiler's own step put back
    finally:
        lazyre.keep_compiled_patterns("")


@pytest.mark.skipif(not lazyre._INTERNALS, reason="patterns are compiled by re.compile where its internals are unknown")
def test_the_compilers_own_step_is_back_after_threads_compiled_at_once(tmp_path):
    """Threads compiling patterns at once, through this module and through
    ``re.compile``, leave ``re``'s compiler with its own step (each compile
    here puts back the one read at import, under a lock), and every
    pattern is the one ``re`` makes."""
    import threading
    from re import _compiler

    own = _compiler._optimize_charset
    start = threading.Barrier(4)
    failed: list[BaseException] = []

    def compiling(n: int) -> None:
        try:
            start.wait()
            for i in range(40):
                pattern = rf"(?:[{UPPER}][{LOWER}]+ ){{{n},{n + i}}}\d{{{i}}}"
                if n % 2:
                    _same_pattern(lazyre._KEPT.compile(pattern, re.I), pattern, re.I)
                else:
                    re.compile(pattern + "x")
        except BaseException as exc:  # said by the test, not lost in the thread
            failed.append(exc)

    try:
        lazyre.keep_compiled_patterns(tmp_path)
        threads = [threading.Thread(target=compiling, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failed == []
        assert _compiler._optimize_charset is own is lazyre._OPTIMIZE
    finally:
        lazyre.keep_compiled_patterns("")


@pytest.mark.parametrize("damage", ["cut", "digest", "program", "shape", "other version"])
def test_damaged_kept_patterns_are_compiled_again(tmp_path, damage):
    import hashlib
    import marshal

    try:
        lazyre.keep_compiled_patterns(tmp_path)
        for pattern, flags in _KEPT_PATTERNS:
            lazy_compile(pattern, flags).search("")
        lazyre.save_compiled_patterns()
        (path,) = (tmp_path / "patterns").iterdir()
        body = path.read_bytes()
        known = marshal.loads(body[32:])
        if damage == "cut":
            path.write_bytes(body[: len(body) // 2])
        elif damage == "digest":
            path.write_bytes(body[:31] + bytes([body[31] ^ 1]) + body[32:])
        elif damage in ("program", "shape"):
            for key, (flags, code, *rest) in known.items():  # a program the matcher refuses, or no program
                known[key] = (flags, [99999, *code], *rest) if damage == "program" else (flags,)
            body = marshal.dumps(known)
            path.write_bytes(hashlib.sha256(body).digest() + body)
        else:
            path.rename(path.with_name("0123456789abcdef.marshal"))
        lazyre.keep_compiled_patterns("")
        lazyre.keep_compiled_patterns(tmp_path)
        for pattern, flags in _KEPT_PATTERNS:
            _same_pattern(lazy_compile(pattern, flags), pattern, flags)
        lazyre.save_compiled_patterns()
        assert [p.name for p in (tmp_path / "patterns").iterdir()] == [path.name]  # written again; others gone
        assert marshal.loads(path.read_bytes()[32:]).keys() == known.keys()
    finally:
        lazyre.keep_compiled_patterns("")


# Run in a fresh interpreter: each C-library lookup ``ctypes.util`` makes
# while WeasyPrint is imported (the loader's cache, the compiler and ld
# probes; those of another thread than the main one marked so), and the
# native libraries the process then has open.
_LOOKUPS = """
import ctypes.util, json, sys, threading
usual = ctypes.util.find_library
seen = []
for name in ("_findSoname_ldconfig", "_findLib_gcc", "_findLib_ld"):
    made = getattr(ctypes.util, name)
    def counted(*args, _made=made, _name=name):
        seen.append(_name if threading.current_thread() is threading.main_thread() else "other thread: " + _name)
        return _made(*args)
    setattr(ctypes.util, name, counted)
{setup}
{imports}
import weasyprint.text.ffi as ffi
libraries = sorted({{
    line.split()[-1].rsplit("/", 1)[-1]
    for line in open("/proc/self/maps")
    if any(k in line for k in ("libgobject", "libpango", "libharfbuzz", "libfontconfig"))
}})
opened = [ffi.harfbuzz_subset is not None, ffi.harfbuzz_vector is not None]
print(json.dumps([seen, libraries, opened, ctypes.util.find_library is usual]))
"""


def _lookups(imports: str, setup: str = "") -> tuple[list[str], list[str], list[bool], bool]:
    """What a fresh interpreter looked up and opened importing ``imports``
    (after ``setup``), and whether ``find_library`` was its own after."""
    code = _LOOKUPS.format(setup=setup, imports=imports)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    seen, libraries, opened, restored = json.loads(done.stdout.splitlines()[-1])
    return seen, libraries, opened, restored


@pytest.mark.skipif(sys.platform != "linux", reason="the lookups made quicker are Linux's")
def test_the_engine_imports_weasyprint_with_the_same_libraries_and_no_lookup():
    """``engine.loading``: WeasyPrint imported by the engine makes no
    library lookup (no ``ldconfig``, compiler or linker run), opens the
    libraries a plain import opens, and leaves ``find_library`` as it found
    it; a plain import looks up the names the loader cannot open, probing
    with the compiler for each the loader's cache does not have."""
    plain = _lookups("import weasyprint")
    ours = _lookups("import editionbuilder.writers.print.engine")
    assert "_findSoname_ldconfig" in plain[0] and "_findLib_gcc" in plain[0]
    assert ours[0] == []
    assert ours[1:3] == plain[1:3]
    assert any(name.startswith("libpango-1.0.so") for name in ours[1])
    assert ours[3] and plain[3]


# Run in a fresh interpreter: what of fontTools the engine's import loads,
# then WeasyPrint's own uses of the parts it left: its instancer's function
# given a face with no axes (the instancer's own error), and its fontTools
# subsetter, which it uses where HarfBuzz's subset library is missing (made
# so here), embedding a face of the system's.
_FONTTOOLS_LATER = """
import json, sys
import editionbuilder.writers.print.engine
loaded = sorted(n for n in ("fontTools.varLib", "fontTools.varLib.instancer") if n in sys.modules)
lazy = type(sys.modules["fontTools.subset"]).__name__
import weasyprint
import weasyprint.pdf.fonts as fonts
from fontTools.ttLib import TTFont
try:
    fonts.instantiateVariableFont(TTFont(sys.argv[1]), {"wght": 400}, static=True)
except ValueError as error:
    said = str(error)
fonts.harfbuzz_subset = None
weasyprint.HTML(string='<p style="font-family: DejaVu Sans">Subset by fontTools</p>').write_pdf(sys.argv[2])
print(json.dumps([loaded, lazy, said, "fontTools.varLib.instancer" in sys.modules, type(sys.modules["fontTools.subset"]).__name__]))
"""


def test_the_engine_leaves_fonttools_subsetter_and_instancer_to_their_first_use(tmp_path):
    """``engine.loading``: importing the engine loads neither fontTools'
    variable-font instancer (WeasyPrint's name for its function stands in
    for it) nor its subsetter (a lazy module); each is loaded when
    WeasyPrint first uses it, and does what it did: the instancer refuses
    a face with no axes with its own error, and the subsetter embeds the
    glyphs of a face WeasyPrint cuts down with it."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    from editionbuilder.writers.print.fonts import DEFAULT_FONTS

    static = DEFAULT_FONTS[0].path
    with pytest.raises(ValueError) as real:
        instantiateVariableFont(TTFont(static), {"wght": 400}, static=True)
    pdf = tmp_path / "subset.pdf"
    done = subprocess.run(
        [sys.executable, "-c", _FONTTOOLS_LATER, static, str(pdf)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded, lazy, said, instancer_after, subset_after = json.loads(done.stdout.splitlines()[-1])
    assert loaded == [] and lazy == "_LazyModule"
    assert said == str(real.value) and instancer_after
    assert subset_after == "module"  # loaded by WeasyPrint's use
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    (face,) = [line.split() for line in listed[2:]]
    assert re.fullmatch(r"[A-Z]{6}\+DejaVu-?Sans", face[0]) and face[-5:-2] == ["yes", "yes", "yes"]  # embedded, cut


@pytest.mark.skipif(sys.platform != "linux", reason="the lookups made quicker are Linux's")
def test_another_threads_lookups_are_the_usual_ones_while_the_engine_imports_weasyprint():
    """A lookup another thread makes while the engine imports WeasyPrint
    (here: one started when the import reaches WeasyPrint's library
    loading, and waited for) is ctypes' own, with its compiler probe, and
    what that thread prints reaches the output; the importing thread makes
    none."""
    setup = textwrap.dedent(
        """
        import importlib.abc
        class OtherThread(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name == "weasyprint.text.ffi":
                    def look():
                        ctypes.util.find_library("nothing-such-0")
                        print("other thread: printed")
                    other = threading.Thread(target=look)
                    other.start()
                    other.join()
                return None
        sys.meta_path.insert(0, OtherThread())
        """
    )
    code = _LOOKUPS.format(setup=setup, imports="import editionbuilder.writers.print.engine")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    seen, libraries, _opened, restored = json.loads(done.stdout.splitlines()[-1])
    assert "other thread: printed" in done.stdout.splitlines()
    assert "other thread: _findLib_gcc" in seen
    assert [s for s in seen if not s.startswith("other thread: ")] == []
    assert any(name.startswith("libpango-1.0.so") for name in libraries)
    assert restored


@pytest.mark.skipif(sys.platform != "linux", reason="the lookups made quicker are Linux's")
def test_weasyprint_is_imported_the_usual_way_when_the_quick_import_fails():
    """An import that fails while lookups find nothing (here: its first
    try prints WeasyPrint's message and raises OSError, as WeasyPrint does
    for a library it cannot open) is made again with the usual lookup, from
    scratch; the failed try's message is not printed, and what another
    thread printed meanwhile is."""
    setup = textwrap.dedent(
        """
        import importlib.abc
        class FailOnce(importlib.abc.MetaPathFinder):
            failed = False
            def find_spec(self, name, path, target=None):
                if name == "weasyprint.text.ffi" and not FailOnce.failed:
                    FailOnce.failed = True
                    other = threading.Thread(target=print, args=("other thread: printed",))
                    other.start()
                    other.join()
                    print("WeasyPrint could not import some external libraries.")
                    raise OSError("cannot load library 'libpango-1.0-0'")
                return None
        sys.meta_path.insert(0, FailOnce())
        """
    )
    code = _LOOKUPS.format(setup=setup, imports="import editionbuilder.writers.print.engine")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    seen, libraries, _opened, restored = json.loads(done.stdout.splitlines()[-1])
    assert "could not import" not in done.stdout
    assert "other thread: printed" in done.stdout.splitlines()
    assert "_findLib_gcc" in seen  # the usual lookup, on the second import
    assert any(name.startswith("libpango-1.0.so") for name in libraries)
    assert restored
