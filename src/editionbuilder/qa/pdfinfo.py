"""The page count of a PDF, from Poppler's ``pdfinfo`` (poppler-utils).

The cover's spine is as wide as the interior is thick, so the cover writer
and ``editionbuilder preflight`` both need the interior's page count; this
reads it without importing a PDF library (pikepdf stays in qa/preflight.py,
WeasyPrint in writers/print/engine/).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from ..diagnostics import RenderError

PDFINFO_TIMEOUT_S = 60

# The "Pages:" line of pdfinfo's report, e.g. "Pages:          212".
_PAGES = re.compile(r"^Pages:\s+(\d+)\s*$", re.MULTILINE)


def page_count(path: Path) -> int:
    """How many pages ``path`` has; ``RenderError`` when it cannot be read."""
    exe = shutil.which("pdfinfo")
    if exe is None:
        raise RenderError("pdfinfo not found: install poppler-utils (make does)")
    try:
        done = subprocess.run([exe, str(path)], capture_output=True, text=True, check=True, timeout=PDFINFO_TIMEOUT_S)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        detail = (getattr(exc, "stderr", "") or "").strip().splitlines()
        raise RenderError(f"{path}: not a readable PDF ({detail[0] if detail else exc})") from exc
    match = _PAGES.search(done.stdout)
    if match is None:
        raise RenderError(f"{path}: pdfinfo reports no page count")
    return int(match.group(1))
