"""Python's cyclic garbage collector, run on the GUI thread only while the editor is open.

Left automatic, a collection runs in whichever thread happens to allocate past the threshold: an export, a
narration or a filmstrip decode. Garbage from a closed project holds Qt objects (pixmaps, items, helper
QObjects); destroyed on such a thread they crash the process in Qt's own threads. So while a window is open the
automatic collector is off, and a timer on the GUI thread runs the generations that are due, with the same
thresholds Python uses. Reference counting still frees everything that is not in a cycle at once, in any thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 500
_holders = 0  # open windows that want the guard; automatic collection comes back when the last one goes


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        global _holders
        _holders += 1
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(collect_due)
        self._timer.start()
        self.destroyed.connect(_release)


def collect_due() -> int:
    """Run the oldest generation whose count passed its threshold (as the automatic collector would)."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    due = [gen for gen in range(3) if thresholds[gen] and counts[gen] > thresholds[gen]]
    return gc.collect(max(due)) if due else 0


def _release(*_: object) -> None:
    global _holders
    _holders = max(0, _holders - 1)
    if _holders == 0:
        gc.enable()
