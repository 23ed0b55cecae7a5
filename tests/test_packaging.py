"""The package as a user installs it, and a project's own styles and templates.

A wheel is built from a copy of the source tree (nothing of the checkout is
touched), installed into a new virtualenv outside the tree, and used from
another folder to build a seed edition: the templates and stylesheets are
package data, found with ``importlib.resources``, not files beside the source.
The new virtualenv borrows the test environment's third-party packages
(a ``.pth`` line naming its site-packages) so that nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from editionbuilder import templating
from editionbuilder.cli import main
from paths import ROOT

FILM = ROOT / "seeds" / "000_daf78f6bae771185.txt"
CONFIG = '[[edition]]\nname = "film"\nsources = ["000_daf78f6bae771185.txt"]\n'


def build_wheel(work: Path) -> Path:
    """The wheel of a copy of the source tree, built with no network."""
    tree = work / "tree"
    shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", "dist", "."]
    subprocess.run(command, cwd=tree, check=True, capture_output=True)
    (wheel,) = (tree / "dist").glob("editionbuilder-*.whl")
    return wheel


def fresh_venv(folder: Path, wheel: Path) -> Path:
    """A new virtualenv holding the wheel; its dependencies are the test
    environment's (a path line, which does not run that environment's
    ``.pth`` files, so its editable install of the checkout is not seen)."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True)
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return folder


DATA = ("templates/*.j2", "styles/*.css", "styles/*.js", "skeleton/**/*")


def package_data(root: Path) -> set[str]:
    """The templates, stylesheets, scripts and project skeleton of the package at ``root``."""
    return {p.relative_to(root).as_posix() for pattern in DATA for p in root.glob(pattern) if p.is_file()}


def test_a_wheel_installed_elsewhere_builds_a_seed_edition(tmp_path):
    wheel = build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as z:
        shipped = {
            n.removeprefix("editionbuilder/")
            for n in z.namelist()
            if n.endswith((".j2", ".css", ".js")) or n.startswith("editionbuilder/skeleton/")
        }
    assert shipped == package_data(templating.STYLE_DIR.parent)
    assert {"styles/base.css", "styles/epub.css", "styles/print.css", "templates/parts.j2"} <= shipped

    venv = fresh_venv(tmp_path / "venv", wheel)
    project = tmp_path / "elsewhere"
    project.mkdir()
    shutil.copy(FILM, project / FILM.name)
    (project / "editions.toml").write_text(CONFIG, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [venv / "bin/python", "-c", "import editionbuilder; print(editionbuilder.__file__)"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(venv)), where  # the wheel's package, not the checkout's
    run = subprocess.run(
        [venv / "bin/editionbuilder", "build"], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert (project / "output/film.epub").is_file() and (project / "output/film.pdf").is_file()
    assert (project / "output/site/film/index.html").is_file() and (project / "output/site/site.js").is_file()
    with zipfile.ZipFile(project / "output/film.epub") as z:
        base = z.read("EPUB/styles/base.css").decode("utf-8")
    assert base == (templating.STYLE_DIR / "base.css").read_text(encoding="utf-8")


def test_a_projects_own_stylesheet_and_template_replace_the_packages(tmp_path):
    """``styles/NAME.css`` and ``templates/NAME.j2`` beside the config replace
    the package's file of that name, one file at a time."""
    shutil.copy(FILM, tmp_path / FILM.name)
    (tmp_path / "editions.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "styles").mkdir()
    own_css = "/* the house style */\nbody { font-size: 1.1em; }\n"
    (tmp_path / "styles/epub.css").write_text(own_css, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    toc = (templating.TEMPLATE_DIR / "toc.ncx.j2").read_text(encoding="utf-8")
    (tmp_path / "templates/toc.ncx.j2").write_text(toc.replace("<ncx ", "<!-- house -->\n<ncx ", 1), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", "--config", str(tmp_path / "editions.toml"), "--out", str(out), "--format", "epub"]) == 0
    with zipfile.ZipFile(out / "film.epub") as z:
        names = z.namelist()
        css = z.read("EPUB/styles/epub.css").decode("utf-8")
        base = z.read("EPUB/styles/base.css").decode("utf-8")
        ncx = next(z.read(n).decode("utf-8") for n in names if n.endswith(".ncx"))
    assert css == own_css
    assert base == (templating.STYLE_DIR / "base.css").read_text(encoding="utf-8")  # not replaced: the package's
    assert "<!-- house -->" in ncx
