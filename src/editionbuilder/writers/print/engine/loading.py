"""WeasyPrint imported without ctypes' library lookups.

Importing WeasyPrint opens GObject, Pango, HarfBuzz and fontconfig
(weasyprint/text/ffi.py), trying each under the names of every platform
in turn: on Linux ``libgobject-2.0-0`` and ``gobject-2.0-0`` (the names of
Windows' builds), then ``gobject-2.0``, then ``libgobject-2.0.so.0``, the
library's soname. cffi hands each name it cannot open as a file to
``ctypes.util.find_library``, which on Linux runs the dynamic loader's
cache listing (``ldconfig -p``), then links a probe with the C compiler
(``gcc -l``), then runs the linker (``ld -t``): 22 lookups, 16 of which
find nothing. The engine's import took 0.320 s without any lookup,
against 0.385 s with all but the compiler's probes, as this module made
them until 2026-12-07 (medians of eight imports of each, taking turns,
wall and CPU seconds alike). The import is most of the start of a worker
and of a first cover's drawing.

A lookup on Linux gives a soname (the loader's cache names it, or it is
read from the file the linker found), which cffi then asks the loader to
open: the loader searches ``LD_LIBRARY_PATH``, its cache and its default
folders for it.
WeasyPrint's list of names for each library holds that soname itself, and
cffi hands a name with a dot in it to the loader before any lookup. So
while ``engine`` imports WeasyPrint, ``find_library`` finds nothing in the
importing thread (another thread's lookups are left as they are), and
each library is opened by the loader under its soname, the one the usual
lookup names. Where WeasyPrint cannot be imported so (a required library
whose soname is not the one WeasyPrint lists), what the failed import
loaded is dropped and it is imported again the usual way; what the
importing thread printed meanwhile (WeasyPrint's message about libraries
not found) is dropped with it, and what another thread printed went to
the output as it came. HarfBuzz's subset and vector libraries are
optional (WeasyPrint goes on without them): they are not looked up again
where their soname is missing, which the soname of HarfBuzz itself, a
required library of the same release, would show first. Elsewhere than
Linux, nothing changes.

WeasyPrint's PDF writer also imports two parts of fontTools that a book
seldom needs. Its subsetter (``fontTools.subset``) is WeasyPrint's way to
cut a font down to the glyphs used where HarfBuzz's subset library is
missing or older than 4.1; and a book's own faces are not cut by
WeasyPrint at all (the parts defer them, and the join makes one subset of
each with HarfBuzz: ``subsets``). Its variable-font instancer
(``fontTools.varLib.instancer``, with the whole of ``fontTools.varLib``)
makes a static font of a variable one. Each is
imported when first used: the subsetter lazily (``_LAZY``: Python's
``importlib.util.LazyLoader``), the instancer's function through a
stand-in that imports it when called (``_DEFERRED``: WeasyPrint imports
the function itself, which a lazy module would have to load at once).
Importing the engine then runs 1.41 G instructions where it ran 1.81 G,
126 modules fewer (cachegrind, 2026-12-08). The first use is in
WeasyPrint's PDF writer, which runs under ``scheduling.LAYOUT_LOCK``
(``render_document``): one thread at a time loads them (the lazy modules
of Python 3.11 and of early 3.12 are not safe to load from two threads
at once). The stand-in is in ``sys.modules`` while WeasyPrint is
imported, for every thread: another thread importing the instancer (or a
module of it) meanwhile would get the stand-in, or fail; nothing the
build runs does.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import importlib
import importlib.util
import io
import sys
import threading
import types
from collections.abc import Callable, Iterator
from typing import Any, TextIO


class _ThreadsOut:
    """``sys.stdout`` while WeasyPrint is imported: what the importing
    thread writes goes to ``kept``, what another writes to the stream it
    would have written to (none: nowhere, as ``print`` does)."""

    def __init__(self, stream: TextIO | None, here: int) -> None:
        self.stream, self.here, self.kept = stream, here, io.StringIO()

    def _target(self) -> TextIO | None:
        return self.kept if threading.get_ident() == self.here else self.stream

    def write(self, text: str) -> int:
        target = self._target()
        return target.write(text) if target is not None else len(text)

    def flush(self) -> None:
        target = self._target()
        if target is not None:
            target.flush()

    def __getattr__(self, name: str) -> Any:  # the stream's other attributes (encoding, isatty, ...)
        return getattr(self.stream, name)


# The modules WeasyPrint imports and a build rarely runs (see the module).
_LAZY = ("fontTools.subset",)


def _import_lazily(name: str) -> None:
    """``name`` in ``sys.modules`` as a lazy module: loaded when one of its
    attributes is first asked for. Nothing where it is loaded already or
    cannot be found (the import that follows then fails or loads it as
    usual)."""
    if name in sys.modules:
        return
    parent, _, child = name.rpartition(".")
    try:
        package = importlib.import_module(parent)
        spec = importlib.util.find_spec(name)
    except ImportError:
        return
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    setattr(package, child, module)


# Names WeasyPrint imports from a module a build seldom runs (see the
# module), by module: bound to a stand-in while WeasyPrint is imported.
_DEFERRED = {"fontTools.varLib.instancer": ("instantiateVariableFont",)}


def _forwarding(module: str, name: str) -> Callable[..., Any]:
    """A function that imports ``module`` when called, and calls its ``name``."""

    def forward(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = f"``{module}.{name}``, imported when first called."
    return forward


@contextlib.contextmanager
def _stand_ins() -> Iterator[None]:
    """Meanwhile, each module of ``_DEFERRED`` not loaded yet is a stand-in
    whose names forward to the module's own (``_forwarding``); removed
    after, so that an import of the module from then on loads it."""
    placed = {}
    for module, names in _DEFERRED.items():
        if module not in sys.modules:
            stand_in = types.ModuleType(module, f"Stands for {module} while WeasyPrint is imported.")
            for name in names:
                setattr(stand_in, name, _forwarding(module, name))
            sys.modules[module] = placed[module] = stand_in
    try:
        yield
    finally:
        for module, stand_in in placed.items():
            if sys.modules.get(module) is stand_in:
                del sys.modules[module]


def import_weasyprint() -> None:
    """Import ``weasyprint`` with ``find_library`` finding nothing in this
    thread, and fontTools' subsetter and instancer left to their first use
    (see the module). Where it is loaded already, or cannot be
    imported so (what the failed import loaded and printed is dropped),
    nothing is done here: the engine's own import that follows is the
    usual one."""
    if "weasyprint" in sys.modules:
        return
    for name in _LAZY:
        _import_lazily(name)
    if sys.platform != "linux":
        with _stand_ins():
            import weasyprint
        return
    usual = ctypes.util.find_library
    here = threading.get_ident()

    def find_library(name: str) -> str | None:
        return None if threading.get_ident() == here else usual(name)

    stdout = sys.stdout
    out = _ThreadsOut(stdout, here)
    ctypes.util.find_library = find_library
    sys.stdout = out
    try:
        with _stand_ins():
            import weasyprint  # noqa: F401
    except OSError:  # a library not opened so: the engine imports WeasyPrint the usual way
        for loaded in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[loaded]
        out.kept = io.StringIO()  # (WeasyPrint's message of the libraries it could not open)
    finally:
        ctypes.util.find_library = usual
        if sys.stdout is out:  # (not if another thread replaced it meanwhile)
            sys.stdout = stdout
    printed = out.kept.getvalue()
    if printed and stdout is not None and not stdout.closed:
        stdout.write(printed)  # what the import printed, where it succeeded


import_weasyprint()
