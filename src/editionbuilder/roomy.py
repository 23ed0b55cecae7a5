"""A build's work called from one roomy frame (``roomy``), so that CPython
does not map and unmap its frame stack over and over.

CPython 3.11 and 3.12 keep the frames of Python calls in chunks of 16 kB
that they map with ``mmap``, and unmap a chunk as soon as the frame at its
start returns (python/cpython#142183; the releases of 3.13 and 3.14 made
after its fix, gh-145789, keep one chunk back). A call made again and
again at the depth where a chunk ends maps a chunk and unmaps it at each
call, and faults its pages in anew. A layout's innermost calls
(WeasyPrint's, the line breaker's) are made millions of times, and where
the chunks end depends on everything above them: in the twelve editions
of ``bench/catalog.py`` built with two jobs, the workers mapped and
unmapped 628,000 chunks of 16 kB (``strace -f -c``), and the build took
2.4 s of system time and 1.0 million page faults. Adding a few local
variables to the function that starts a worker's build moved the chunks'
ends, and the same build made 240,000.

A function decorated with ``roomy`` is called from a frame of 128 kB
(``ROOM_SLOTS``: a frame's size is its code's ``co_stacksize`` and its
locals, and this code's stack is made that much larger than it needs). The
chunk that holds that frame is 256 kB, and the frames of the calls made
under it fill the other 128 kB before another chunk is needed: about
1,000 frames of a plain Python function, where the build of a seed's PDF
went 114 calls deep at most (counted with ``sys.setprofile``). The same
catalog build made 4,500 mappings in all, of every size, and took 0.8 s of
system time and 0.37 million page faults. Nothing else changes: the
frame's unused stack is never written.

The decorated functions are where a build's work starts in a process or a
thread: an edition's build (``pipeline.build_edition``) and a part's layout
in a worker (``writers.print.typeset``).
"""

from __future__ import annotations

import functools
import sys
import types
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

# The slots (8 bytes each on a 64-bit machine) added to the calling frame's
# stack: 128 kB, so that its chunk is 256 kB (a chunk is 16 kB doubled until
# it holds the frame and 1,000 slots more) and half of it is left for the
# frames under it. Fewer than about 15,000 slots would give a chunk of 128
# kB with only 8 kB left.
ROOM_SLOTS = 16_384


def _call(fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    return fn(*args, **kwargs)


# ``_call`` with the larger stack, on CPython (which has the chunks; another
# interpreter calls ``_call`` as it is).
_roomy_call = (
    types.FunctionType(
        _call.__code__.replace(
            co_stacksize=_call.__code__.co_stacksize + ROOM_SLOTS, co_name="_roomy_call", co_qualname="_roomy_call"
        ),
        _call.__globals__,
        "_roomy_call",
    )
    if sys.implementation.name == "cpython"
    else _call
)


def roomy(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn``, called from a frame with room for the frames of its calls
    (see the module)."""

    @functools.wraps(fn)
    def under_room(*args: P.args, **kwargs: P.kwargs) -> R:
        return _roomy_call(fn, args, kwargs)

    return under_room
