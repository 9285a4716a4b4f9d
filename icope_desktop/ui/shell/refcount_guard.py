"""Keep None, True and False alive under PySide6 6.12 on Python 3.11.

Measured here (PySide6 6.12.0, the pinned version, on CPython 3.11.7): every Qt method
that returns nothing (`setText`, `show`, `processEvents`...) gives back `None` without
the reference it owes, and `Signal.emit` does the same with `True`. Each call lowers the
singleton's reference count by one, and CPython aborts the process ("Fatal Python error:
bool_dealloc: deallocating True or False") once it reaches zero: a few thousand progress
reports of a backup, or a long day of use, are enough. Python 3.12 made these objects
immortal (PEP 683), which is why the wheels get away with it there.

The guard gives the three singletons a reference count so large (2**40) that no session
can exhaust it, which is what PEP 683 does; they are never deallocated anyway. It runs
only on Python < 3.12, once, before the window is built. The lasting fix is a PySide6
build that counts references correctly on 3.11, or Python 3.12+ for the project.
"""

from __future__ import annotations

import ctypes
import sys

HEADROOM = 1 << 40
_guarded = False


def keep_singletons_alive() -> bool:
    """Raise the reference count of None, True and False once; True if it did."""
    global _guarded
    if _guarded or sys.version_info >= (3, 12):
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every object in a release build of CPython.
        counter = ctypes.c_ssize_t.from_address(id(singleton))
        counter.value += HEADROOM
    _guarded = True
    return True
