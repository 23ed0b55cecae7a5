"""WeasyPrint imported without the compiler probes of its library lookups.

Importing WeasyPrint opens GObject, Pango, HarfBuzz and fontconfig
(weasyprint/text/ffi.py), trying each under the names of every platform
in turn: on Linux ``libgobject-2.0-0``, ``gobject-2.0-0`` and ``gobject-2.0``
before ``libgobject-2.0.so.0``. cffi hands each name it cannot open as a file
to ``ctypes.util.find_library``, which on Linux reads the dynamic loader's
cache (``ldconfig -p``) and, for a name not in it, links a probe with the C
compiler (``gcc -l``), then runs ``ld``. The import makes 22 lookups, 16 of
them for names no system has: they take a third of its 0.33 s, and the
import is most of the start of a worker and of a first cover's drawing.

While ``engine`` imports WeasyPrint, ``find_library`` answers from the
loader's cache alone, as its first step does: a name not in it is not
found, and WeasyPrint goes on to the next. The library opened is the one
the usual lookup opens (a name the probes find is opened by the soname they
give, which the loader finds only where its cache or ``LD_LIBRARY_PATH``
has it, and WeasyPrint's ``.so`` names are those sonames). Where WeasyPrint
cannot be imported so, it is imported again the usual way. Elsewhere than
Linux, and where ``ctypes`` has no such first step, nothing changes.
"""

from __future__ import annotations

import ctypes.util
import sys
from collections.abc import Callable
from typing import Any

_CACHED: Callable[[str], str | None] | None = getattr(ctypes.util, "_findSoname_ldconfig", None)


def import_weasyprint() -> Any:
    """The ``weasyprint`` module, imported with ``find_library`` answering
    from the loader's cache alone (see the module) unless it is loaded."""
    if "weasyprint" in sys.modules or sys.platform != "linux" or _CACHED is None:
        import weasyprint

        return weasyprint
    finder = ctypes.util.find_library
    ctypes.util.find_library = _CACHED  # type: ignore[assignment]  # the same signature, typed apart
    try:
        import weasyprint

        return weasyprint
    except OSError:  # a library the cache does not name: the usual lookup, below
        for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = finder
    import weasyprint

    return weasyprint


import_weasyprint()
