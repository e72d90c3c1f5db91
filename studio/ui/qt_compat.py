"""Work around a PySide6 6.12 defect on CPython 3.11.

Each call of a Qt method that returns nothing (``painter.setPen``, ``widget.update``...) drops one reference
to ``None`` that it never took, and each signal emitted with a bool drops one to ``True``/``False`` (the
bindings assume CPython 3.12's immortal singletons). A painting editor makes thousands of such calls a second,
so without this the process aborts with "none_dealloc" / "bool_dealloc" within seconds of scrolling. We give
these singletons a reference count that cannot run out, which is what CPython 3.12 does.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 60  # far more void calls than a session can make; far from overflowing a Py_ssize_t


def make_none_immortal() -> None:
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    for singleton in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt is the first field of every object
        if refcount.value < _HEADROOM // 2:
            refcount.value += _HEADROOM
