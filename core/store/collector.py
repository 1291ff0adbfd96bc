"""The cyclic garbage collector around the store's bulk work.

A sweep or an import allocates millions of short-lived objects next to millions of long-lived
ones (modules, rules, calendars, a parsed input file). The collector's full passes scanned the
long-lived ones again and again: a third of a sweep's CPU, and an import whose CPU per student
grew with the file. Each helper here keeps one kind of object out of those passes, and gives
the collector back what it took once the work is done.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for one partition's work, then as it was. The partition's objects
    (parsed cases, rows) are freed by reference counting when it ends, and the collector's
    passes while they were alive only scanned them again: 40 us per student of a sweep
    worker's CPU, measured in the stages of a 10,000-student sweep."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """What is alive now sits out the collector's passes until the block ends.

    Around an import: the parsed input (millions of objects for a state's file) was scanned by
    every full pass (the import's CPU per student grew 1.31x from 10,000 to 100,000 students
    on PostgreSQL). Around a process pool: forked workers inherit the caller's heap, and their
    first collection walked all of it, writing to every page it touched (copy on write). A
    caller that had just imported 10,000 students cost the workers 0.5 CPU-s more per sweep
    (3.64 against 3.13 CPU-s, 2.21 against 1.88 s). Unfrozen after, so nothing is kept from
    collection for good, unless something was frozen before (:func:`settle` in a process that
    ran a partition itself): the collector cannot give back only part, and it stays as
    ``settle`` meant (frozen objects are still freed when nothing refers to them)."""
    before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not before:
            gc.unfreeze()


@lru_cache(maxsize=1)
def settle(pid: int) -> None:
    """Once per process, after its first district is loaded: collect, then exempt what is
    alive (modules, rules, calendars, caches) from the cyclic collector's later passes. A
    partition allocates millions of short-lived objects, and each full collection scanned the
    long-lived ones again: a third of a sweep's CPU."""
    gc.collect()
    gc.freeze()
