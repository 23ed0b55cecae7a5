"""A build's work called from one roomy frame (roomy.py): CPython 3.11 and
3.12 map a chunk of frame stack and unmap it again at every call made at
the depth where a chunk ends; under ``roomy`` no depth within the room does."""

from __future__ import annotations

import pickle
import resource
import sys

from editionbuilder import pipeline
from editionbuilder.roomy import roomy
from editionbuilder.writers.print import typeset

CALLS = 2000  # calls at each depth
DEPTHS = 400  # depths tried: frames of ``descend`` enough to fill more than a 16 kB chunk


def _leaf() -> None:
    return None


# A leaf whose frame is larger than ``descend``'s (a stack 64 slots
# larger): as ``descend`` goes deeper, the room left in its chunk shrinks
# by less than this frame, so at one depth the leaf alone no longer fits.
leaf = type(_leaf)(_leaf.__code__.replace(co_stacksize=_leaf.__code__.co_stacksize + 64), globals(), "leaf")


def descend(depth: int) -> int:
    """``CALLS`` calls of ``leaf`` made ``depth`` frames down; the page
    faults of this process meanwhile."""
    if depth:
        return descend(depth - 1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(CALLS):
        leaf()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def most_faults() -> int:
    """The most page faults of the calls at any one of ``DEPTHS`` depths."""
    return max(descend(depth) for depth in range(DEPTHS))


def test_no_depth_under_a_roomy_frame_maps_its_chunk_at_every_call():
    assert sys.getrecursionlimit() > DEPTHS + 100
    under_room = roomy(most_faults)()
    assert under_room < CALLS // 10
    if sys.implementation.name == "cpython" and sys.version_info < (3, 13):
        # The chunks are unmapped as their first frame returns: at one depth
        # each call maps a chunk again, and faults at least one page in.
        assert most_faults() >= CALLS


def test_a_roomy_function_is_the_function():
    def add(a, b, *, c=0):
        return a + b + c

    wrapped = roomy(add)
    assert wrapped(1, 2, c=3) == 6 and wrapped.__name__ == "add" and wrapped.__wrapped__ is add
    # The build's entry points are roomy, and a worker still finds the part
    # tasks by their names.
    for entry in (pipeline.build_edition, typeset.typeset_part, typeset.typeset_margins):
        assert entry.__code__ is wrapped.__code__
    assert pickle.loads(pickle.dumps(typeset.typeset_part)) is typeset.typeset_part
