"""``editionbuilder preflight``: every print edition's press files, checked.

For each edition with print enabled, the interior ``NAME-press.pdf`` is
checked by ``preflight.preflight_interior`` and the cover ``NAME-cover.pdf``
by ``preflight.preflight_cover``, against a ``Spec`` made from the edition's
print options and the interior's page count (the spine depends on it). A
file that is missing or unreadable is a failing row naming it, never a
traceback, so the table always shows every file. Nothing here prints: the
CLI prints ``table(...)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .. import codes
from ..diagnostics import RenderError
from ..fsutil import read_manifest
from ..options import EditionOptions, PrintOptions, output_name
from .pdfinfo import page_count
from .preflight import Check, Report, Spec, preflight_cover, preflight_interior

COLUMNS = ("result", "file", "check", "detail")


def spec_for(options: PrintOptions, pages: int, print_identifier: str = "") -> Spec:
    """What the edition's press files should be, for an interior of ``pages`` pages."""
    return Spec(
        options.width_in, options.height_in, options.bleed, options.paper, pages, options.caliper_in, print_identifier
    )


def edition_reports(options: EditionOptions, out_dir: Path) -> tuple[Report, ...]:
    """The interior's report and the cover's, in that order; one row when
    the last build declined to make a press file (a book too short for
    print-on-demand has nothing to upload)."""
    press = out_dir / output_name(options.name, "press")  # the interior to upload
    cover = out_dir / output_name(options.name, "cover")  # the wrap
    short = _too_short(out_dir, options.name, press.name)
    if short is not None:
        return (short,)
    if not press.is_file():
        return _failed(press, "interior", "file exists", "not found: run `editionbuilder build` first"), _failed(
            cover, "cover", "spine from the interior", f"{press.name} is missing"
        )
    try:
        pages = page_count(press)
        interior = preflight_interior(press, spec_for(options.print, pages))
    except RenderError as exc:
        return _failed(press, "interior", "opens as a PDF", exc.message), _failed(
            cover, "cover", "spine from the interior", f"{press.name} is unreadable"
        )
    return interior, _cover_report(cover, spec_for(options.print, pages, options.metadata.print_identifier))


def _too_short(out_dir: Path, name: str, press: str) -> Report | None:
    """A skipped row when the edition's last build declined its press file
    because the book is under the printers' minimum page count."""
    for entry in (read_manifest(out_dir, name) or {}).get("declined", []):
        if (
            isinstance(entry, dict)
            and entry.get("file") == press
            and entry.get("code") == codes.TOO_SHORT_FOR_PRESS.name
        ):
            pages, minimum = entry.get("pages"), entry.get("minimum")
            detail = f"{pages} pages, under the minimum of {minimum}: no press file or cover to upload"
            return Report(str(out_dir / press), "interior", (Check(f"page count >= {minimum}", True, detail, True),))
    return None


def _cover_report(path: Path, spec: Spec) -> Report:
    if not path.is_file():
        return _failed(path, "cover", "file exists", "not found: run `editionbuilder build` first")
    try:
        return preflight_cover(path, spec)
    except RenderError as exc:
        return _failed(path, "cover", "opens as a PDF", exc.message)


def _failed(path: Path, kind: str, rule: str, detail: str) -> Report:
    return Report(str(path), kind, (Check(rule, False, detail),))


def table(reports: Sequence[Report]) -> list[str]:
    """One line per check of every report, in aligned columns, under a header."""
    rows = [(c.result, r.file, c.rule, c.detail) for r in reports for c in r.checks]
    widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS) - 1)]
    return [_line(row, widths) for row in [tuple(col.upper() for col in COLUMNS), *rows]]


def _line(row: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]).rstrip()


def summary(reports: Sequence[Report]) -> str:
    checks = [c for r in reports for c in r.checks]
    failed = sum(not c.passed for c in checks)
    skipped = sum(c.skipped for c in checks)
    verdict = ("passed" if not failed else f"{failed} failed") + (f", {skipped} skipped" if skipped else "")
    return f"preflight: {len(reports)} files, {len(checks)} checks, {verdict}"
