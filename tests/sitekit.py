"""``editionbuilder serve`` in a subprocess, for the tests of the site.

``serving`` starts it on 127.0.0.1 and a free port (``--port 0``: it
prints the address it got) and stops it with SIGTERM, as a service
manager would; its requests log goes to a file.
"""

from __future__ import annotations

import re
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVING = re.compile(r"^serving .* at (http://127\.0\.0\.1:\d+/)")


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path
    lines: list[str]  # what it printed on stdout before serving (the build's "wrote" lines)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def serving(args: list[str], scratch: Path, cwd: Path | None = None, start_s: float = 180) -> Iterator[Server]:
    """``editionbuilder serve --port 0 ARGS``, until the block ends."""
    log = scratch / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "editionbuilder", "serve", "--port", "0", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
        # Ctrl-C answered as at a terminal, even when the tests themselves
        # run where SIGINT is ignored (a shell's background job without job
        # control passes SIG_IGN on to every process it starts).
        preexec_fn=_default_sigint,
    )
    try:
        lines = _until_serving(process, start_s, log)
        yield Server(SERVING.match(lines[-1]).group(1), process, log, lines)
    finally:
        stop(process)


def _until_serving(process: subprocess.Popen, timeout: float, log: Path) -> list[str]:
    """The lines it prints up to its "serving ... at URL" line."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not sel.select(deadline - time.monotonic()):
                break
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if SERVING.match(line):
                return lines
    process.kill()
    pytest.fail(f"serve did not start in {timeout} s: {lines}\n{log.read_text()[-3000:]}", pytrace=False)


def stop(process: subprocess.Popen, timeout: float = 30) -> int:
    """SIGTERM, then the exit code (killed, and a failure, if it hangs)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"serve did not stop {timeout} s after SIGTERM", pytrace=False)
    finally:
        if process.stdout:
            process.stdout.close()
