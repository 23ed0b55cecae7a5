"""WeasyPrint imported without ctypes' library lookups.

Importing WeasyPrint opens GObject, Pango, HarfBuzz and fontconfig
(weasyprint/text/ffi.py), trying each under the names of every platform
in turn: on Linux ``libgobject-2.0-0`` and ``gobject-2.0-0`` (the names of
Windows' builds), then ``gobject-2.0``, then ``libgobject-2.0.so.0``, the
library's soname. cffi hands each name it cannot open as a file to
``ctypes.util.find_library``, which on Linux runs the dynamic loader's
cache listing (``ldconfig -p``), then links a probe with the C compiler
(``gcc -l``), then runs the linker (``ld -t``): 22 lookups, 16 of which
find nothing. Without the compiler's probes (as this module did until
2026-12-07), four imports took 0.40 to 0.46 s, the lookups' programs
0.05 to 0.07 CPU seconds besides; without any lookup, 0.28 to 0.31 s. The
import is most of the start of a worker and of a first cover's drawing.

A lookup on Linux gives a soname (``_get_soname`` reads it from the file
the linker found), which cffi then asks the loader to open: the loader
searches ``LD_LIBRARY_PATH``, its cache and its default folders for it.
WeasyPrint's list of names for each library holds that soname itself, and
cffi hands a name with a dot in it to the loader before any lookup. So
while ``engine`` imports WeasyPrint, ``find_library`` finds nothing in the
importing thread (another thread's lookups are left as they are), and
each library is opened by the loader under its soname, the one the usual
lookup names. Where WeasyPrint cannot be imported so (a library whose
soname is not the one WeasyPrint lists), what the failed import loaded is
dropped and it is imported again the usual way; what it printed meanwhile
(WeasyPrint's message about libraries not found) is dropped with it.
Elsewhere than Linux, nothing changes.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
import threading


def import_weasyprint() -> None:
    """Import ``weasyprint`` with ``find_library`` finding nothing in this
    thread (see the module). Where it is loaded already, or cannot be
    imported so (what the failed import loaded and printed is dropped),
    nothing is done here: the engine's own import that follows is the
    usual one."""
    if "weasyprint" in sys.modules or sys.platform != "linux":
        return
    usual = ctypes.util.find_library
    here = threading.get_ident()

    def find_library(name: str) -> str | None:
        return None if threading.get_ident() == here else usual(name)

    printed = io.StringIO()
    ctypes.util.find_library = find_library
    try:
        with contextlib.redirect_stdout(printed):
            import weasyprint  # noqa: F401
    except OSError:  # a library not opened so: the engine imports WeasyPrint the usual way
        for loaded in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[loaded]
    else:
        if printed.getvalue() and sys.stdout is not None:
            sys.stdout.write(printed.getvalue())  # another thread's, while this one imported
    finally:
        ctypes.util.find_library = usual


import_weasyprint()
