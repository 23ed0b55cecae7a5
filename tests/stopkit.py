"""Stopping a running build with SIGTERM, as a service manager does, and
seeing what it left running."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest


def terminated(build: subprocess.Popen) -> str:
    """Send SIGTERM to ``build`` (started with ``stderr=PIPE``, text) and
    return its stderr once it has stopped as a stopped build must: the
    exit status of SIGTERM, "editionbuilder: terminated" its last line."""
    build.send_signal(signal.SIGTERM)
    _out, err = build.communicate(timeout=60)
    if build.returncode == 0:
        pytest.fail("the build finished before SIGTERM: give it more to do")
    assert build.returncode == 128 + signal.SIGTERM
    assert err.strip().splitlines()[-1] == "editionbuilder: terminated"
    return err


def running(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, or ended, does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status
