"""What the workers of one machine's pool learn, shared among them.

Laying a paragraph out, a worker measures its words (their shaped widths)
and chooses its breaks (``spacing.Measures``), and keeps both for the
documents after: a word is measured once, a paragraph laid out again at a
width it had is not broken again. A width is keyed by the text and every
property of its style that shaping reads (``spacing._Shaper.font``), a
paragraph's breaks by its runs (their texts and fonts), its widths, its
hyphenation limits and language; with the same faces, each gives the same
wherever it is worked out. In a pool, each worker would learn them again
on its own: the words common to the whole book, and every paragraph
another worker already broke at the same width (a text that repeats
itself). So each worker appends what a layout taught it to a log the
build's parts share (``PartTask.measures_log``), and reads what the others
appended before it lays out a document. What a worker takes from the log
is what it would have worked out itself: the PDFs are the same bytes with
the log or without it. The log is kept in the build's cache folder for
the edition's next build (``typeset.PartCache.measures_log``), which then
measures and breaks again only what changed; a build that keeps nothing
has it in its temporary folder.

The log is a mark with the log's own random name (``_MARK``), then
records appended under an exclusive lock (``fcntl.flock``); the records
after a worker's last reading are read under a shared one, and unpickled
once the lock is let go. A record is a
header (the length of what follows, and a digest of the tag) and a pickle
of (widths, plans); the tag names the stylesheets and fonts they were
measured with (``_Styles``: the files, and the size and time of each
face's) and the versions of Pango, HarfBuzz and pyphen, and a record of
another tag is passed over unread. A record cut short (a writer killed
while it wrote, a disk full) is cut off by the next writer, under the
lock. The log only saves time: one that cannot be opened, locked,
written or read is left alone, and where ``fcntl`` is missing nothing is
shared.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
from collections.abc import Iterator
from contextlib import suppress
from typing import IO

from .spacing import Measures

try:
    import fcntl
except ImportError:  # not a POSIX system: the pools of this machine share nothing
    fcntl = None  # type: ignore[assignment]

_HEAD = struct.Struct("<Q32s")  # the length of the pickle that follows, the tag's digest
# A log begins with this mark and 16 random bytes, its own name: a worker
# knows how far it read a log by that name, so that a log begun anew at the
# same path (a kept log removed, ``typeset``, while the workers of ``serve
# --watch`` live on) is read from its start, not from the old log's end.
_MARK = b"editionbuilder measures\0"
_START = len(_MARK) + 16


def take(path: str, tag: str, measures: Measures) -> None:
    """Take into ``measures`` what the log at ``path`` holds for ``tag``
    that they have not read yet."""
    if not path or fcntl is None:
        return
    with suppress(OSError), open(path, "rb") as log:
        fcntl.flock(log, fcntl.LOCK_SH)
        try:
            name = _name(log)
            data, start = _unread(log, name, measures) if name else (b"", _START)
        finally:
            fcntl.flock(log, fcntl.LOCK_UN)
        if name:
            measures.offsets[name] = start + _whole(data)
            _taken(data, tag, measures)


def give(path: str, tag: str, measures: Measures, mark: tuple[int, int]) -> None:
    """Append to the log at ``path`` what ``measures`` learnt since
    ``mark``, when they learnt anything. What the others appended since
    these were last read is taken too, so that this record is not read
    back as new."""
    if not path or fcntl is None:
        return
    widths, plans = measures.since(mark)
    if not widths and not plans:
        return
    payload = pickle.dumps((widths, plans), protocol=pickle.HIGHEST_PROTOCOL)
    record = _HEAD.pack(len(payload), _digest(tag)) + payload
    with suppress(OSError), open(path, "a+b", buffering=0) as log:
        fcntl.flock(log, fcntl.LOCK_EX)
        try:
            name = _name(log)
            if not name:  # a new log (or not one: begun again)
                log.truncate(0)
                name = os.urandom(16)
                _write_all(log.fileno(), _MARK + name)
            data, start = _unread(log, name, measures)
            whole = start + _whole(data)
            if whole < start + len(data):  # a record cut short: cut off
                log.truncate(whole)
            try:
                _write_all(log.fileno(), record)
            except OSError:
                log.truncate(whole)  # this record cut short: cut off too
                raise
            measures.offsets[name] = whole + len(record)
        finally:
            fcntl.flock(log, fcntl.LOCK_UN)
        _taken(data, tag, measures)


def _name(log: IO[bytes]) -> bytes:
    """The log's own name (``_MARK``), or b"" for a file that is none (empty,
    or its mark cut short)."""
    log.seek(0)
    head = log.read(_START)
    return head[len(_MARK) :] if len(head) == _START and head.startswith(_MARK) else b""


def _unread(log: IO[bytes], name: bytes, measures: Measures) -> tuple[bytes, int]:
    """What the log named ``name`` holds after where ``measures`` last read
    it, and where that is (its first record, should the log be shorter
    than that)."""
    start = measures.offsets.get(name, _START)
    if start > os.fstat(log.fileno()).st_size:
        start = _START
    log.seek(start)
    return log.read(), start


def _records(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    """The whole records at the start of ``data``: the tag's digest and
    where the pickle begins and ends."""
    at = 0
    while at + _HEAD.size <= len(data):
        size, digest = _HEAD.unpack_from(data, at)
        end = at + _HEAD.size + size
        if end > len(data):
            return
        yield digest, at + _HEAD.size, end
        at = end


def _whole(data: bytes) -> int:
    """Where the whole records at the start of ``data`` end."""
    return max((end for _digest, _start, end in _records(data)), default=0)


def _taken(data: bytes, tag: str, measures: Measures) -> None:
    """Take into ``measures`` the whole records of ``data`` for ``tag``."""
    mine = _digest(tag)
    for digest, start, end in _records(data):
        if digest == mine:
            with suppress(Exception):  # not a record of ours: passed over
                widths, plans = pickle.loads(data[start:end])
                measures.take(widths, plans)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _digest(tag: str) -> bytes:
    return hashlib.sha256(tag.encode()).digest()
