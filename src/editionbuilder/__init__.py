"""editionbuilder: plain-text and manuscript sources to EPUB 3 and print PDF."""

__version__ = "0.1.0"
