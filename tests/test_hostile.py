"""Hostile inputs (tests/hostile/cases.py): each case runs the real command
line in a project of its own, under its time limit, and must end with the
exit status and the message it expects, never a traceback."""

from __future__ import annotations

import re
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hostile.cases import CASES, Case

EDITIONBUILDER = Path(sys.executable).with_name("editionbuilder")


def _file_size_limit(limit: int):
    """A limit on the size of every file the build writes; past it a write
    fails with EFBIG, as on a full disk (SIGXFSZ ignored, as a daemon would)."""
    if not limit:
        return None

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_case(case: Case, tmp_path):
    project = case.write(tmp_path / case.name)
    run = subprocess.run(
        [EDITIONBUILDER, *case.argv],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=case.seconds,
        preexec_fn=_file_size_limit(case.file_size_limit),
    )
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == case.exit, run.stderr
    assert re.search(case.stderr, run.stderr), run.stderr
    if case.after is not None:
        case.after(project)
