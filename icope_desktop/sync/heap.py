"""Keep Python's full garbage collections out of the sync, so the UI never stalls.

A full (generation 2) collection scans every tracked object while holding the GIL: on the
app's heap (Qt wrappers, the FHIR model classes, the store's ORM) it stops every thread,
the UI thread included, for 100-300 ms, and a sync of a week of visits allocates enough to
trigger several (issue 7: the UI heartbeat must never stall more than 100 ms; measured in
tests/ui/sync/test_sync_ui_responsive.py). While a sync runs, automatic collection is off
and the push collects the youngest generation itself after each Bundle (a few ms), which
frees the cycles a Bundle leaves behind; older generations are collected on their normal
schedule once the sync is over. Nesting and concurrent syncs are counted, so the collector is
switched back on exactly once, as it was found.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = True


@contextmanager
def full_collections_deferred() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


def collect_young() -> None:
    """Collect the youngest generation while full collections are deferred (else a no-op).

    Generation 0 only: its survivors wait in generation 1 instead of being promoted into
    the old generation, whose growth is what makes CPython schedule a full collection.
    """
    if _depth:
        gc.collect(0)
