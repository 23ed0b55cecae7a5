"""read -> combine -> transform -> write, for one edition.

The pipeline returns results and raises typed errors; it never prints
(``progress`` is a callback the CLI may pass). Every output is written to a
temporary name and renamed by the writers, so a failed build leaves the
previous good files in place.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import codes
from .boundary import Boundary
from .diagnostics import ConfigError, Diagnostic, Diagnostics, RenderError, ValidationError
from .fsutil import atomic_write_bytes, staged_outputs
from .model import Edition, Metadata
from .options import BuildOptions, EditionOptions, output_name
from .readers import ReadContext, reader_for
from .report import render_report
from .report.accounting import account, stats
from .roomy import roomy
from .sources import read_source
from .transforms import TransformContext, run_passes

if TYPE_CHECKING:
    from .writers import Declined

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class EditionResult:
    name: str
    edition: Edition
    diagnostics: tuple[Diagnostic, ...]
    outputs: tuple[Path, ...]


def read_edition(
    options: EditionOptions, project_dir: Path, diags: Diagnostics, format_bibliography: bool = True
) -> Edition:
    """The edition model of ``options``: every source read, combined, transformed
    (the bibliography formatted by its style unless ``format_bibliography``
    is False: counting the model needs no citeproc run)."""
    parts = []
    reader = replace(
        options.reader, bibliography=tuple(str((project_dir / b).resolve()) for b in options.reader.bibliography)
    )
    boundary = Boundary.of([project_dir, *options.reader.allowed_dirs])
    for n, source in enumerate(options.sources, start=1):
        path = project_dir / source
        ctx = ReadContext(path, source, f"s{n}", reader, diags, boundary)
        parts.append(reader_for(path, options.reader.from_format)(ctx))
    edition = combine(parts, options)
    style = project_dir / options.bibliography_style if options.bibliography_style else None
    transform_ctx = TransformContext(
        options.reader, diags, style, edition.metadata.language, format_bibliography, options.heading_case
    )
    return run_passes(edition, transform_ctx)


def combine(parts: list[Edition], options: EditionOptions) -> Edition:
    """One edition from the sources' editions, in the config's order.

    Each source's chapters keep their order, and a source's note about its
    author or publisher ("Published by …", role ``about``) stays after its
    own text; the other back matter (licences, the source editions' notes)
    follows all of them.
    """
    chapters = [c for p in parts for c in p.chapters if c.matter != "back" or c.role == "about"]
    back = [c for p in parts for c in p.chapters if c.matter == "back" and c.role != "about"]
    return Edition(
        metadata=_metadata(parts, options),
        chapters=tuple(chapters + back),
        notes=tuple(n for p in parts for n in p.notes),
        glossary=tuple(g for p in parts for g in p.glossary),
        references=tuple(r for p in parts for r in p.references),
        comments=tuple(c for p in parts for c in p.comments),
        removed=tuple(r for p in parts for r in p.removed),
    )


def _metadata(parts: list[Edition], options: EditionOptions) -> Metadata:
    """Config values win; what the config leaves out comes from the sources."""
    o = options.metadata
    first = parts[0].metadata
    title = o.title or first.title
    subtitle = o.subtitle or (first.subtitle if not o.title and len(parts) == 1 else "")
    authors = o.authors or tuple(dict.fromkeys(a for p in parts for a in p.metadata.authors))
    sources = tuple(s for p in parts for s in p.metadata.sources)
    identifier = o.identifier or _derived_id(options.name, title, authors)
    return Metadata(
        title=title,
        subtitle=subtitle,
        authors=authors,
        language=o.language or first.language or "en",
        publisher=o.publisher or first.publisher,
        rights=o.rights or first.rights,
        licence="\n\n".join(dict.fromkeys(p.metadata.licence for p in parts if p.metadata.licence)),
        copyright_holder=o.copyright_holder,
        date=o.date or first.date,
        identifier=identifier,
        print_identifier=o.print_identifier,
        description=o.description or next((p.metadata.description for p in parts if p.metadata.description), ""),
        credits=tuple(c for p in parts for c in p.metadata.credits),
        sources=sources,
        origins=tuple(o for p in parts for o in p.metadata.origins),
    )


def _derived_id(name: str, title: str, authors: tuple[str, ...]) -> str:
    """A stable identifier when the config gives none, from the edition's
    name, title and authors: the same on every build and machine, and kept
    when the text is corrected. EPUB's unique identifier names the
    publication, not one release of it (a reading system keeps a reader's
    place and notes by it); a release is told by ``dcterms:modified``."""
    seed = "\n".join([name, title, *authors])
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'editionbuilder:' + seed)}"


@roomy  # its frames kept in one chunk of memory, not mapped and unmapped as they come and go
def build_edition(options: EditionOptions, build: BuildOptions, progress: Progress | None = None) -> EditionResult:
    """Read, transform and write every output of one edition.

    The outputs are written into a staging folder and moved into the output
    folder together at the end (``fsutil.staged_outputs``): a build that
    fails at any writer leaves the edition's previous files untouched."""
    from .lazyre import keep_compiled_patterns, save_compiled_patterns
    from .scheduling import Forked, Scheduler  # multiprocessing and concurrent.futures: not for ``inspect``
    from .templating import keep_compiled_templates
    from .writers import Declined, WriteContext, Writing, formats_for, get_writer, output_path, typesets
    from .writers.cover import CoverDrawer, order_cover

    say = progress or (lambda _msg: None)
    project = Path(build.project_dir)
    out_dir = Path(build.out_dir)
    formats = formats_for(options, build)
    planned = [output_path(out_dir, options.name, f) for f in formats]
    refuse_overwriting_inputs(options, project, [*planned, out_dir / output_name(options.name, "report")])
    # The workers that lay the parts out start before anything else: their
    # fork server loads WeasyPrint, longer than this process takes to read
    # a short book.
    if isinstance(build.workers, Scheduler) and typesets(formats):
        build.workers.warm_up()
    keep_compiled_templates(build.cache_dir)
    keep_compiled_patterns(build.cache_dir)
    diags = Diagnostics()
    # A PDF is joined in a child (``WriteContext.joins``) while this process
    # writes the other outputs, with a pool of this machine's workers
    # (``Scheduler.helpers``): the press and the screen PDF at once. A build
    # with nothing to write after its PDFs joins them here (a child would be
    # waited for at once). Leaving waits for them, or kills them on an error.
    helpers = 0
    if isinstance(build.workers, Scheduler) and typesets(formats) and (build.web or not typesets(formats[-1:])):
        helpers = 2 * build.workers.helpers
    # The EPUB's cover, when it must be drawn, is drawn in another process
    # while this one reads the sources (writers/cover.py).
    with (
        CoverDrawer.start(formats, build.cache_dir, build.override_dirs(project)) as drawer,
        Forked[bytes](helpers) as joins,
    ):
        say(f"{options.name}: reading {len(options.sources)} source(s)")
        edition = read_edition(options, project, diags)
        # The drawer given the page as soon as the title is known: it draws
        # while the EPUB writer loads and renders.
        cover = None
        if drawer.forked:
            extra = build.override_dirs(project)
            cover = order_cover(edition.metadata, extra, project, diags, cache_dir=build.cache_dir, drawer=drawer)
        ctx = WriteContext(
            options, build, diags, project, progress=progress, cover=cover, joins=joins if helpers else None
        )
        with staged_outputs(out_dir, options.name) as stage:
            made: list[str] = []
            declined: dict[str, Declined] = {}
            writing: list[Writing] = []
            for fmt in formats:
                target = output_path(stage.dir, options.name, fmt)
                say(f"{options.name}: writing {target.name}")
                # The press writer declines a book under 24 pages, and then the cover.
                result = get_writer(fmt)(edition, target, ctx)
                if isinstance(result, Declined):
                    declined[target.name] = result
                    continue
                if isinstance(result, Writing):
                    writing.append(result)
                else:
                    _written(target)
                made.append(target.name)

            def finish() -> None:
                """The files still being made, written; an error names its file."""
                while writing:
                    pending = writing.pop(0)
                    try:
                        pending.finish()
                    except RenderError as exc:
                        raise RenderError(f"{pending.path.name}: {exc}") from exc
                    _written(pending.path)

            for name in declined:
                if (out_dir / name).is_file():
                    diags.add(
                        codes.STALE_OUTPUT_REMOVED,
                        f"{name} from an earlier build was removed: this build does not make it",
                    )
            if build.web and made:
                from .writers.web.writer import WEB_DIR, write_web_edition

                say(f"{options.name}: writing the web edition")
                write_web_edition(edition, stage.dir / WEB_DIR, ctx, [stage.dir / n for n in made], finish)
            finish()
            report = write_report(edition, options, diags, stage.dir, project).name
            save_compiled_patterns()
            stage.commit([*made, report], manifest(options.name, [*made, report], declined), withdrawn=list(declined))
    return EditionResult(options.name, edition, tuple(diags.items), tuple(out_dir / n for n in (*made, report)))


def _written(target: Path) -> None:
    """A writer's file is there, or the build stops."""
    if not target.is_file():
        raise ValidationError(f"the writer of {target.name} returned without writing it")


def refuse_overwriting_inputs(options: EditionOptions, project: Path, outputs: list[Path]) -> None:
    """A ``ConfigError`` when an output would take the name of a source
    (``build novel.epub --out .``), a bibliography or the CSL style: a build
    never writes over what it reads."""
    inputs = [project / s for s in options.sources] + [project / b for b in options.reader.bibliography]
    inputs += [project / options.bibliography_style] if options.bibliography_style else []
    taken = {_named(p): p for p in inputs} | {p.resolve(): p for p in inputs}
    for out in outputs:
        source = taken.get(_named(out))
        if source is not None:
            raise ConfigError(f"{out}: the output would overwrite the source {source}: choose another --out or output")


def _named(path: Path) -> Path:
    """``path`` with its folder resolved and its own name kept (a link is
    a name of its own, which a build must not replace either)."""
    return Path(path).parent.resolve() / Path(path).name


def manifest(name: str, files: list[str], declined: dict[str, Declined]) -> dict[str, object]:
    """What a build of edition ``name`` made and what it declined to make,
    and why (``preflight`` reads why a press file is missing)."""
    return {
        "edition": name,
        "files": files,
        "declined": [{"file": f, **asdict(d)} for f, d in declined.items()],
    }


def write_report(edition: Edition, options: EditionOptions, diags: Diagnostics, out_dir: Path, project: Path) -> Path:
    # Line accounting covers text sources; a DOCX/ODT/EPUB has no lines.
    texts = {s.path: read_source(project / s.path).text for s in edition.metadata.sources if s.encoding != "binary"}
    shown = [d for d in diags.items if d.code not in options.silence]
    text = render_report(options.name, edition, shown, stats(edition, shown), account(edition, texts))
    target = out_dir / output_name(options.name, "report")
    atomic_write_bytes(target, text.encode("utf-8"))
    return target
