"""Aligning two word sequences of one text: the edition's words and an output's.

Two walks over one ``gram_index`` (where each run of ``GRAM`` words starts):

- ``align``, linear, for two editions of one text that differ by a few
  passages (the print book's words against the EPUB's: the page list);
- ``in_order``, the longest chain of shared runs in the same order, then
  the gaps word by word, for one of many streams of the model found in an
  output (``fidelity``).
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Sequence


def gram_index(words: Sequence[str]) -> dict[tuple[str, ...], list[int]]:
    """Where each run of ``GRAM`` words starts in ``words`` (for ``align``)."""
    grams: dict[tuple[str, ...], list[int]] = {}
    for j, gram in enumerate(zip(*(words[k:] for k in range(GRAM)), strict=False)):  # each words[j : j + GRAM]
        grams.setdefault(gram, []).append(j)
    return grams


def align(
    printed: Sequence[str], epub: Sequence[str], grams: dict[tuple[str, ...], list[int]] | None = None
) -> list[int]:
    """For each printed word, the index of the EPUB word it is (when both
    editions have it there), or of the EPUB word that the next shared
    printed word is (a print-only word); ``len(epub)`` after the last.

    The two editions are the same text with a few passages only in one of
    them, so the walk is linear: equal words are matched in step; at a
    difference, the walk resumes at the nearest point where ``GRAM`` words
    in a row agree again, nearest meaning fewest words skipped on both
    sides together (a print-only copyright page is skipped in the print
    sequence, an EPUB-only imprint in the EPUB one). ``grams``: the
    ``gram_index`` of ``epub``, when the caller aligns many sequences
    with one; else it is made at the first difference ``_nearby`` does not
    bridge (two editions of a chapter often need none)."""
    matched: list[int | None] = [None] * len(printed)
    i = j = 0
    while i < len(printed) and j < len(epub):
        if printed[i] == epub[j]:
            n = _agreeing(printed, epub, i, j)
            matched[i : i + n] = range(j, j + n)
            i, j = i + n, j + n
            continue
        resume = _nearby(printed, epub, i, j)
        if resume is None:
            grams = gram_index(epub) if grams is None else grams
            resume = _resume(printed, grams, i, j)
        if resume is None:
            i += 1  # this word is nowhere ahead: print-only
        else:
            i, j = resume
    out, nxt = [len(epub)] * len(printed), len(epub)
    for k in range(len(printed) - 1, -1, -1):
        at = matched[k]
        nxt = at if at is not None else nxt
        out[k] = nxt
    return out


GRAM = 4  # words in a row that must agree for the walk to resume
_CHUNK = 64  # words compared at once while the two sequences agree


def _agreeing(printed: Sequence[str], epub: Sequence[str], i: int, j: int) -> int:
    """How many words agree from ``printed[i]`` and ``epub[j]`` on (the
    first does): compared a chunk at a time, then word by word."""
    n = 1
    while (k := min(_CHUNK, len(printed) - i - n, len(epub) - j - n)) > 0 and printed[i + n : i + n + k] == epub[
        j + n : j + n + k
    ]:
        n += k
    while i + n < len(printed) and j + n < len(epub) and printed[i + n] == epub[j + n]:
        n += 1
    return n


_LOOKAHEAD = 5_000  # printed words searched for a place to resume


def _nearby(printed: Sequence[str], epub: Sequence[str], i: int, j: int) -> tuple[int, int] | None:
    """A small difference (a word or a few on either side, such as a
    title printed twice or a label only one edition has): the nearest
    (printed, EPUB) indices where two words in a row agree again."""
    for total in range(1, _NEARBY + 1):
        for da in range(total + 1):
            a, b = i + da, j + total - da
            if a + 1 < len(printed) and b + 1 < len(epub) and printed[a] == epub[b] and printed[a + 1] == epub[b + 1]:
                return a, b
    return None


_NEARBY = 8  # words skipped, both sides together, that count as a small difference


def _resume(printed: Sequence[str], grams: dict[tuple[str, ...], list[int]], i: int, j: int) -> tuple[int, int] | None:
    """The (printed, EPUB) indices, at or after (i, j), where the next
    ``GRAM`` words agree with the fewest words skipped, or None."""
    best, cost = None, None
    for d in range(min(_LOOKAHEAD, len(printed) - i - GRAM + 1)):
        if cost is not None and d >= cost:
            break
        places = grams.get(tuple(printed[i + d : i + d + GRAM]))
        if not places:
            continue
        k = bisect.bisect_left(places, j)
        if k < len(places) and (cost is None or d + places[k] - j < cost):
            best, cost = (i + d, places[k]), d + places[k] - j
    return best


COMMON = 64  # a run of words found more often than this anchors nothing


def in_order(
    stream: Sequence[str], got: Sequence[str], index: dict[tuple[str, ...], list[int]], taken: Sequence[bool]
) -> list[int | None]:
    """For each word of ``stream``, the index of the output word it is, or
    None: the longest chain of ``GRAM``-word runs found in the same order in
    both (a longest increasing subsequence), then the gaps between matched
    words compared word by word (``difflib``). Output words already
    ``taken`` by another stream are not used again."""
    pairs: list[tuple[int, int]] = []
    for i in range(len(stream) - GRAM + 1):
        places = index.get(tuple(stream[i : i + GRAM]), ())
        if len(places) <= COMMON:
            pairs.extend((i, j) for j in reversed(places) if not taken[j])
    found: list[int | None] = [None] * len(stream)
    last = -1
    for i, j in _straighten(_chain(pairs), set(pairs)):
        for k in range(GRAM):
            if found[i + k] is None and j + k > last and not taken[j + k]:
                found[i + k], last = j + k, j + k
    _fill_gaps(stream, got, found, taken)
    return found


def whole_run(
    stream: Sequence[str], got: Sequence[str], at_word: dict[str, list[int]], taken: Sequence[bool]
) -> list[int | None]:
    """A stream too short to hold a ``GRAM``-word run ("Ibid., p. 24"):
    its first untaken occurrence as a whole."""
    n = len(stream)
    for p in at_word.get(stream[0], ()):
        if list(got[p : p + n]) == list(stream) and not any(taken[p : p + n]):
            return list(range(p, p + n))
    return [None] * n


def _straighten(chain: list[tuple[int, int]], pairs: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """The chain with each run placed where the run after it goes on.

    Among chains of one length the longest-chain search may take a run
    from another place of the output where the same words stand: the text
    "... than in books dealing with the enunciation" across a page whose
    footnote reads "... bibliography of books dealing with the history",
    with the note printed between the two halves of the text. Walking back
    from the end, a run (i, j) followed by (i + 1, j2) with j2 != j + 1 is
    moved to (i, j2 - 1) when its words stand there too."""
    out = list(chain)
    for k in range(len(out) - 2, -1, -1):
        (i, j), (i2, j2) = out[k], out[k + 1]
        if i2 == i + 1 and j2 != j + 1 and (i, j2 - 1) in pairs and (k == 0 or out[k - 1][1] < j2 - 1):
            out[k] = (i, j2 - 1)
    return out


def _chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (given by rising i, falling j within an
    i) whose j rise strictly: patience sorting."""
    tails: list[int] = []
    tail_at: list[int] = []
    back: list[int] = []
    for k, (_, j) in enumerate(pairs):
        at = bisect.bisect_left(tails, j)
        if at == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[at], tail_at[at] = j, k
        back.append(tail_at[at - 1] if at else -1)
    chain, k = [], tail_at[-1] if tail_at else -1
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def _fill_gaps(stream: Sequence[str], got: Sequence[str], found: list[int | None], taken: Sequence[bool]) -> None:
    """Match the words between matched runs, where both gaps are small."""
    i = 0
    while i < len(stream):
        if found[i] is not None:
            i += 1
            continue
        start = i
        while i < len(stream) and found[i] is None:
            i += 1
        before = found[start - 1] if start else -1
        after = found[i] if i < len(stream) else len(got)
        assert before is not None and after is not None  # the words around a gap are matched ones (or the ends)
        lo, hi = before + 1, after
        if not start and i < len(stream):
            lo = max(0, hi - (i - start) - GAP)  # before the first match: look just before it
        if i == len(stream) and start:
            hi = min(len(got), lo + (i - start) + GAP)
        if i - start > GAP or hi - lo > 2 * GAP + (i - start):
            _in_step(stream, got, found, taken, (start, i, lo, hi))
            continue
        matcher = difflib.SequenceMatcher(None, stream[start:i], got[lo:hi], autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            for k in range(size):
                if not taken[lo + b + k]:
                    found[start + a + k] = lo + b + k


GAP = 400  # the largest gap (words, each side) matched word by word


STEP = 64  # how far past the last match ``_in_step`` looks for the next word


def _in_step(
    stream: Sequence[str], got: Sequence[str], found: list[int | None], taken: Sequence[bool], gap: tuple[int, ...]
) -> None:
    """A gap too long to compare word by word (a text with no run of words
    rare enough to anchor on: one word said 14,000 times): each word is the
    next untaken output word like it, within ``STEP`` of the last one
    matched; where there is none, the next place the word and the two after
    it stand together (past the front matter, or a passage lost)."""
    start, stop, lo, hi = gap
    j = lo
    for s in range(start, stop):
        k = next((k for k in range(j, min(hi, j + STEP)) if got[k] == stream[s] and not taken[k]), None)
        if k is None:
            k = _next_run(stream[s : s + 3], got, taken, j, hi)
        if k is not None:
            found[s], j = k, k + 1


def _next_run(run: Sequence[str], got: Sequence[str], taken: Sequence[bool], lo: int, hi: int) -> int | None:
    """The first place in ``got[lo:hi]`` where the words of ``run`` stand
    together, none of them taken."""
    n = len(run)
    for k in range(lo, hi - n + 1):
        if got[k] == run[0] and list(got[k : k + n]) == list(run) and not any(taken[k : k + n]):
            return k
    return None
