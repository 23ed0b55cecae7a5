"""The EPUB writer (``writer``: the only module that imports ebooklib)."""

# The templates an EPUB's documents are rendered from: each document, the
# parts and macros it imports, and the NCX. Named here, where loading them
# costs nothing, for the cover drawer, which compiles them while it waits
# (``writers.cover``).
TEMPLATE = "epub_document.xhtml.j2"
NCX_TEMPLATE = "toc.ncx.j2"
TEMPLATES = (TEMPLATE, "parts.j2", "macros.j2", NCX_TEMPLATE)
