"""The npm tools of tools/ that the reading-system and accessibility tests
run (`make tools` installs them; `make test` depends on it), and helpers
to name the documents of an EPUB. The EPUBs are conftest.py's shared build.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree

from paths import ROOT

TOOLS = ROOT / "tools"
NODE_MODULES = TOOLS / "node_modules"
# Debian's Chromium with the flags it needs here (see the script).
CHROMIUM_WRAPPER = TOOLS / "chromium-headless"
CHROMIUM = Path("/usr/bin/chromium")

_NS = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "o": "http://www.idpf.org/2007/opf"}


def require_tools(*paths: Path) -> None:
    """Fail (never skip) with the command that installs what is missing."""
    missing = [str(p) for p in (CHROMIUM, *paths) if not p.exists()]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run `make tools`", pytrace=False)


def spine_hrefs(epub: Path) -> list[str]:
    """The spine's content documents, as paths relative to the package
    document (how Ace and epub.js name them)."""
    with zipfile.ZipFile(epub) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//c:rootfile", _NS).get("full-path")
        opf = etree.fromstring(z.read(opf_path))
    manifest = {item.get("id"): item.get("href") for item in opf.iterfind(".//o:manifest/o:item", _NS)}
    return [manifest[ref.get("idref")] for ref in opf.iterfind(".//o:spine/o:itemref", _NS)]


def scratch_env(scratch: Path) -> dict[str, str]:
    """The environment with XDG folders and TMPDIR in `scratch`, so that the
    tools (Ace, Chromium) write nothing under ~/.config or ~/.cache."""
    env = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR"):
        folder = scratch / name.lower()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        env[name] = str(folder)
    # Chromium puts its singleton socket in TMPDIR, and a Unix socket's path
    # may not pass 107 bytes: a short folder of its own, not one deep in
    # pytest's tree ("Socket path too long" ends the browser at start).
    scratch.mkdir(parents=True, exist_ok=True)
    short = Path(tempfile.mkdtemp(prefix="eb-"))
    atexit.register(shutil.rmtree, short, True)  # removed when the test session ends
    (scratch / "tmpdir").write_text(str(short), encoding="utf-8")  # where it went
    env["TMPDIR"] = str(short)
    return env


def doc_name(href: str) -> str:
    """`/EPUB/nav.xhtml` or `nav.xhtml` -> `nav.xhtml`."""
    return PurePosixPath(href).name


def announce(request: pytest.FixtureRequest, line: str) -> None:
    """Say where the outputs for a person are, whatever the output capture
    and verbosity (print() in a fixture shows only when a test fails)."""
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():  # fd-level capture would swallow it
        reporter.write_line(f"\n{line}")


ACE = NODE_MODULES / ".bin" / "ace-cli"
ACE_TRIES = 2  # Ace drives a headless Chromium, whose start can fail on a loaded machine


class AceFailed(Exception):
    """Ace itself did not run to its report (not a finding about the book)."""


def run_ace(epub: Path, work: Path) -> dict:
    """`ace-cli -f -o OUT book.epub`; its report.json, parsed. A run that
    ends without a report (the browser did not start) is tried once more;
    a report, whatever it finds, is never run again."""
    for attempt in range(1, ACE_TRIES + 1):
        try:
            return _ace_once(epub, work / f"try{attempt}")
        except AceFailed:
            if attempt == ACE_TRIES:
                raise
    raise AssertionError("unreachable")


def _ace_once(epub: Path, work: Path) -> dict:
    env = scratch_env(work / "scratch")
    # Ace finds the browser only through this variable; the wrapper passes
    # the flags Debian's Chromium needs here (it ignores them from the env).
    env["PUPPETEER_EXECUTABLE_PATH"] = str(CHROMIUM_WRAPPER)
    out = work / "report"
    try:
        proc = subprocess.run(
            [str(ACE), "--force", "--silent", "--outdir", str(out), str(epub)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise AceFailed(f"Ace did not finish {epub.name} in {e.timeout} s") from None
    report = out / "report.json"
    if proc.returncode != 0 or not report.exists():
        raise AceFailed(
            f"Ace failed on {epub.name} (exit {proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )
    return json.loads(report.read_text(encoding="utf-8"))
