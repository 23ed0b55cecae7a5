"""WeasyPrint imported without the compiler probes of its library lookups.

Importing WeasyPrint opens GObject, Pango, HarfBuzz and fontconfig
(weasyprint/text/ffi.py), trying each under the names of every platform
in turn: on Linux ``libgobject-2.0-0`` and ``gobject-2.0-0`` (the names of
Windows' builds) before ``gobject-2.0``, which is found. cffi hands each
name it cannot open as a file to ``ctypes.util.find_library``, which on
Linux reads the dynamic loader's cache (``ldconfig -p``), then links a
probe with the C compiler (``gcc -l``), then looks in ``LD_LIBRARY_PATH``
(``ld -t``). Of the import's 22 lookups, 16 find nothing here: the names of
other platforms, and HarfBuzz's vector library, which this system has not.
Each compiler probe is a link of a program that fails: together a third of
the import's 0.33 s, and the import is most of the start of a worker and of
a first cover's drawing.

While ``engine`` imports WeasyPrint, ``find_library`` makes these lookups
but the compiler's, in the importing thread (another thread's lookups are
left as they are). The library opened is the one the usual lookup opens:
``find_library`` on Linux gives a soname, which cffi asks the loader to
open; a library the compiler finds and the loader's cache does not name is
one the loader opens only from ``LD_LIBRARY_PATH``, which is looked in, or
from its default folders, where WeasyPrint's ``.so`` names (the sonames of
these libraries) find it too. Where WeasyPrint cannot be imported so, it
is imported again the usual way (its message about libraries not found is
then printed twice, or once where the usual way finds them). Elsewhere
than Linux, or where ``ctypes`` lacks these steps, nothing changes.
"""

from __future__ import annotations

import ctypes.util
import sys
import threading

# The steps of ctypes' lookup on Linux (its ``find_library``), but the compiler's.
_STEPS = ("_findSoname_ldconfig", "_findLib_ld", "_get_soname")


def _without_compiler(name: str) -> str | None:
    """``ctypes.util.find_library`` on Linux without its compiler probe."""
    return ctypes.util._findSoname_ldconfig(name) or ctypes.util._get_soname(ctypes.util._findLib_ld(name))  # type: ignore[attr-defined]


def import_weasyprint() -> None:
    """Import ``weasyprint`` with ``find_library`` making no compiler probe
    in this thread (see the module). Where it is loaded already, or cannot
    be imported so (what the failed import loaded is dropped), nothing is
    done here: the engine's own import that follows is the usual one."""
    if "weasyprint" in sys.modules or sys.platform != "linux" or not all(hasattr(ctypes.util, s) for s in _STEPS):
        return
    usual = ctypes.util.find_library
    here = threading.get_ident()

    def find_library(name: str) -> str | None:
        return _without_compiler(name) if threading.get_ident() == here else usual(name)

    ctypes.util.find_library = find_library
    try:
        import weasyprint  # noqa: F401
    except OSError:  # a library not found so: the engine imports WeasyPrint the usual way
        for loaded in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[loaded]
    finally:
        ctypes.util.find_library = usual


import_weasyprint()
