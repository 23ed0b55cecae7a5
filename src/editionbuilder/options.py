"""Options: what an edition config says, as typed values.

``config.py`` turns a TOML file into these; the pipeline hands them to
readers, transforms and writers. Nothing here reads files or imports the
rest of the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Trim sizes by name, in inches (width, height). KDP and IngramSpark both
# offer these; "a5" is 148 x 210 mm.
TRIM_SIZES: dict[str, tuple[float, float]] = {
    "6x9": (6.0, 9.0),
    "5x8": (5.0, 8.0),
    "5.5x8.5": (5.5, 8.5),
    "a5": (148 / 25.4, 210 / 25.4),
}

# Paper thickness per page in inches (KDP's published figures).
PAPER_CALIPER: dict[str, float] = {"white": 0.002252, "cream": 0.0025}

# The cover wrap (KDP and IngramSpark): bleed on every outer edge; spine text
# only on books of more than 79 pages (KDP), kept this far from each fold
# (IngramSpark's binding variance); the barcode area (width, height) at the
# back cover's lower right, this far inside the trim.
BLEED_IN = 0.125
SPINE_TEXT_MIN_PAGES = 80
BINDING_VARIANCE_IN = 0.0625
BARCODE_IN = (2.0, 1.2)
BARCODE_MARGIN_IN = 0.5

# KDP's minimum inside (gutter) margin by page count, in inches: (up to
# this many pages, gutter). Above 828 pages KDP prints no paperback.
KDP_GUTTER: tuple[tuple[int, float], ...] = ((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (828, 0.875))


def kdp_gutter_in(pages: int) -> float:
    """The gutter KDP asks for a book of ``pages`` pages (the widest past 828)."""
    for limit, gutter in KDP_GUTTER:
        if pages <= limit:
            return gutter
    return KDP_GUTTER[-1][1]


# The file each output of edition NAME is written to, by format.
OUTPUT_NAMES: dict[str, str] = {
    "epub": "{name}.epub",
    "pdf": "{name}.pdf",
    "press": "{name}-press.pdf",
    "cover": "{name}-cover.pdf",
    "report": "{name}.report.txt",
}


# How titles and headings a source set in capitals are displayed
# (``transforms.set_display_case``): "title", headline-style title case;
# "small-caps", that title-case text set in small capitals; "source", as
# the source wrote them. The first is the default.
HEADING_CASES = ("title", "small-caps", "source")


def output_name(name: str, fmt: str) -> str:
    """The file name of format ``fmt`` of edition ``name``."""
    return OUTPUT_NAMES.get(fmt, "{name}.{fmt}").format(name=name, fmt=fmt)


@dataclass(frozen=True, slots=True)
class PrintOptions:
    enabled: bool = False
    trim: str = "6x9"
    width_in: float = 6.0
    height_in: float = 9.0
    paper: str = "white"
    bleed: bool = False
    # Paper thickness per page in inches, for a printer whose figure differs
    # from KDP's (IngramSpark quotes its own per paper); 0: PAPER_CALIPER.
    caliper_in: float = 0.0
    # The barcode's EAN-5 add-on (``isbn.NO_PRICE``: no suggested price).
    price: str = "90000"

    @property
    def caliper(self) -> float:
        """Inches per page: the override, else the paper's KDP figure."""
        return self.caliper_in or PAPER_CALIPER[self.paper]


@dataclass(frozen=True, slots=True)
class ReaderOptions:
    """Choices a reader makes that an editor may want to change."""

    # "em": a spaced en dash or a double hyphen becomes an em dash (—);
    # "en": it becomes a spaced en dash ( – ).
    dash: str = "em"
    # What to do with an editorial line whose link was lost in copying
    # ("... see here."): "drop" it (listed in the report) or "keep" it.
    lost_links: str = "drop"
    include_comments: bool = True
    # Bibliography files (.bib, CSL-JSON, CSL-YAML) for manuscripts that name
    # none themselves; relative to the project in the config, absolute once
    # the pipeline hands them to a reader.
    bibliography: tuple[str, ...] = ()
    # Folders besides the project that the sources may read files from:
    # a one-off build's sources' own folders (``boundary``). Empty for a
    # config's editions, whose files all lie in the project.
    allowed_dirs: tuple[str, ...] = ()
    # The input format of every source: a pandoc reader's name, perhaps with
    # extensions ("markdown", "gfm+smart", "docx"), or "plain" for the
    # plain-text reader; "": each source's by its suffix.
    from_format: str = ""


@dataclass(frozen=True, slots=True)
class MetadataOverrides:
    """Metadata the config sets; empty values are taken from the sources."""

    title: str = ""
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    language: str = ""
    publisher: str = ""
    rights: str = ""
    copyright_holder: str = ""
    date: str = ""
    identifier: str = ""
    print_identifier: str = ""
    description: str = ""
    # The back-cover text of the print edition (blank lines part
    # paragraphs); empty: the description.
    blurb: str = ""


@dataclass(frozen=True, slots=True)
class EditionOptions:
    name: str
    sources: tuple[str, ...]
    metadata: MetadataOverrides = MetadataOverrides()
    reader: ReaderOptions = ReaderOptions()
    print: PrintOptions = PrintOptions()
    silence: tuple[str, ...] = ()
    # A CSL style file for the bibliography, relative to the project; empty
    # means Chicago author-date (pandoc's built-in style).
    bibliography_style: str = ""
    # The display case of titles and headings in capitals (``HEADING_CASES``).
    heading_case: str = HEADING_CASES[0]


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """How a build runs, as opposed to what it builds."""

    out_dir: str = "output"
    project_dir: str = "."
    # Seconds since the epoch used for every timestamp written into outputs
    # (dcterms:modified, zip entry times); from SOURCE_DATE_EPOCH or the
    # edition date, never the wall clock.
    source_date_epoch: int = 0
    formats: tuple[str, ...] = ("epub", "pdf")
    strict: bool = False
    # Folders searched before the package's own templates and stylesheets,
    # relative to the project: a project replaces one file by putting its
    # own copy there (``templating``).
    extra_template_dirs: tuple[str, ...] = ("templates", "styles")
    # Where typeset parts of print books are kept between builds (writers/print/typeset.py);
    # "": nothing is kept, every part is typeset.
    cache_dir: str = ""
    # Make the web reading edition beside the files (writers/web.py), from
    # which ``site`` assembles output/site/: builds of a config's editions do.
    web: bool = False
    # Where the parts of a print book are laid out (a ``scheduling.Scheduler``,
    # shared by the editions of a build built in one process); None: in this
    # process, in turn (as in an edition built in a worker: ``edition_pool``).
    workers: object = field(default=None, compare=False, repr=False)

    def override_dirs(self, project_dir: str | Path) -> tuple[str, ...]:
        """The project's template and stylesheet folders
        (``extra_template_dirs`` in ``project_dir``), searched before the
        package's: the same strings wherever a build renders, so that the
        compiled templates one process keeps are those another looks for."""
        return tuple(str(Path(project_dir) / d) for d in self.extra_template_dirs)
