"""The build report: what the reader found, removed and warned about.

Plain text for an editor to read beside the sources: every removed line
with its number and reason, every warning with its place, and the line
accounting that shows nothing was lost.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..model import Edition
from .accounting import FileAccount

_INDENT = "    | "


def render_report(
    name: str, edition: Edition, diagnostics: list[Diagnostic], counts: dict[str, object], accounts: list[FileAccount]
) -> str:
    meta = edition.metadata
    lines = [f"Edition report: {name}", "=" * (16 + len(name)), ""]
    lines += [f"Title:    {meta.title}" + (f": {meta.subtitle}" if meta.subtitle else "")]
    lines += [f"Authors:  {', '.join(meta.authors) or '(none found)'}", f"Language: {meta.language}"]
    lines += [f"Rights:   {meta.rights}"] if meta.rights else []
    if meta.licence:
        count = meta.licence.count("\n") + 1
        lines += [f"Licence:  kept whole in the rights metadata ({count} lines; each listed under Removed lines)"]
    lines += [""]
    lines += _sources(edition)
    lines += ["Found", "-----"] + [f"  {k:<20} {v}" for k, v in counts.items() if k not in ("title", "authors")] + [""]
    lines += _credits(edition)
    lines += _accounting(accounts)
    lines += _removed(edition)
    lines += _diagnostics(diagnostics)
    return "\n".join(lines) + "\n"


def _sources(edition: Edition) -> list[str]:
    out = ["Sources", "-------"]
    for s in edition.metadata.sources:
        out.append(f"  {s.path}  ({s.encoding}, {s.lines} lines, sha256 {s.sha256[:16]}…)")
    return [*out, ""]


def _credits(edition: Edition) -> list[str]:
    if not edition.metadata.credits:
        return []
    return ["Credits found", "-------------"] + [f"  {c.role}: {c.name}" for c in edition.metadata.credits] + [""]


def _accounting(accounts: list[FileAccount]) -> list[str]:
    out = ["Line accounting", "---------------"]
    for a in accounts:
        out.append(
            f"  {a.file}: {a.lines} lines = {a.in_model} in the edition + {a.removed} removed + {a.blank} blank"
            + (f"; UNACCOUNTED: {', '.join(map(str, a.unaccounted))}" if a.unaccounted else "; nothing unaccounted")
        )
    return [*out, ""]


def _removed(edition: Edition) -> list[str]:
    out = ["Removed lines", "-------------"]
    if not edition.removed:
        return [*out, "  (none)", ""]
    for r in edition.removed:
        span = f"{r.pos.line}" if r.pos.end_line <= r.pos.line else f"{r.pos.line}-{r.pos.end_line}"
        out.append(f"  {r.pos.file}:{span}: {r.reason}")
        out += [_INDENT + ln for ln in r.text.split("\n")]
    return [*out, ""]


def _diagnostics(diagnostics: list[Diagnostic]) -> list[str]:
    out = ["Warnings and notes", "------------------"]
    if not diagnostics:
        return [*out, "  (none)", ""]
    return out + ["  " + d.format() for d in diagnostics] + [""]
