"""What the workers of one machine's pool learn, shared among them.

Laying a paragraph out, a worker measures its words (their shaped widths)
and chooses its breaks (``spacing.Measures``), and keeps both for the
documents after: a word is measured once, a paragraph laid out again at a
width it had is not broken again. Both depend only on the text, the fonts
and the width. In a pool, each worker would learn them again on its own:
the words common to the whole book, and every paragraph another worker
already broke at the same width (a text that repeats itself, a part laid
out again). So each worker writes what a layout taught it to a log the
build's parts share (``PartTask.measures``: a file of the build's
temporary folder), and reads what the others wrote before it lays out a
document. What a worker takes from the log is what it would have worked
out itself: the PDFs are the same bytes with the log or without it.

The log is a file of records appended under an exclusive lock
(``fcntl.flock``) and read under a shared one, so no record is read half
written. A record is its length (8 bytes) and a pickle of (tag, widths,
plans); the tag names the stylesheets and fonts they were measured with
(``_Styles``), and a record of another tag is passed over. The log only
saves time: one that cannot be opened, locked or read is left alone, and
where ``fcntl`` is missing nothing is shared.
"""

from __future__ import annotations

import pickle
import struct
from contextlib import suppress
from typing import IO

from .spacing import Measures

try:
    import fcntl
except ImportError:  # not a POSIX system: the pools of this machine share nothing
    fcntl = None  # type: ignore[assignment]

_LENGTH = struct.Struct("<Q")


def take(path: str, tag: str, measures: Measures) -> None:
    """Take into ``measures`` what the log at ``path`` holds for ``tag``
    that they have not read yet."""
    if not path or fcntl is None:
        return
    with suppress(OSError), open(path, "rb") as log:
        fcntl.flock(log, fcntl.LOCK_SH)
        try:
            _read(log, path, tag, measures)
        finally:
            fcntl.flock(log, fcntl.LOCK_UN)


def give(path: str, tag: str, measures: Measures, mark: tuple[int, int]) -> None:
    """Append to the log at ``path`` what ``measures`` learnt since
    ``mark``, when they learnt anything. What the others appended since
    these were last read is taken first, so that this record is not read
    back as new."""
    if not path or fcntl is None:
        return
    widths, plans = measures.since(mark)
    if not widths and not plans:
        return
    record = pickle.dumps((tag, widths, plans), protocol=pickle.HIGHEST_PROTOCOL)
    with suppress(OSError), open(path, "a+b") as log:
        fcntl.flock(log, fcntl.LOCK_EX)
        try:
            _read(log, path, tag, measures)
            log.write(_LENGTH.pack(len(record)) + record)
            log.flush()
            measures.read[path] = log.tell()
        finally:
            fcntl.flock(log, fcntl.LOCK_UN)


def _read(log: IO[bytes], path: str, tag: str, measures: Measures) -> None:
    """The records of ``log`` after where ``measures`` last read it, taken."""
    start = measures.read.get(path, 0)
    log.seek(start)
    data = log.read()
    at = 0
    while at + _LENGTH.size <= len(data):
        (size,) = _LENGTH.unpack_from(data, at)
        end = at + _LENGTH.size + size
        if end > len(data):  # cannot be under the lock; read again next time
            break
        try:
            found, widths, plans = pickle.loads(data[at + _LENGTH.size : end])
        except Exception:  # not a record of ours: the rest of the log is left unread
            at = len(data)
            break
        if found == tag:
            measures.take(widths, plans)
        at = end
    measures.read[path] = start + at
