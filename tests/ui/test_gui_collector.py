"""While the editor is open, garbage that holds Qt objects is freed on the GUI thread: a worker thread that
allocates (an export, a narration, the in-process engine) never runs the collector, and so never destroys a Qt
object of a closed project under Qt's feet. Reference counting still frees acyclic objects anywhere."""

from __future__ import annotations

import gc
import threading

from PySide6.QtGui import QPixmap


class _Garbage:
    """Kept alive only by a reference cycle, holding a pixmap (a Qt object that must die on the GUI thread):
    only the cyclic collector frees it, and it notes which thread did."""

    def __init__(self, deaths: list[str]) -> None:
        self.cycle = self
        self.pixmap = QPixmap(64, 36)
        self.deaths = deaths

    def __del__(self) -> None:
        self.deaths.append(threading.current_thread().name)


def _qt_garbage(deaths: list[str]) -> None:
    _Garbage(deaths)


def _allocate_in_a_worker() -> None:
    def churn() -> None:
        keep = [{"i": i} for i in range(20_000)]  # held: far past the youngest generation's threshold
        assert len(keep) == 20_000

    worker = threading.Thread(target=churn, name="busy-worker")
    worker.start()
    worker.join()


def test_qt_objects_in_garbage_are_freed_on_the_gui_thread(qtbot, make_window) -> None:
    make_window()
    assert not gc.isenabled()
    deaths: list[str] = []
    _qt_garbage(deaths)
    _allocate_in_a_worker()
    assert deaths == []  # the worker did not collect it
    alive = [{"i": i} for i in range(2_000)]  # the editor goes on allocating: a collection is due
    qtbot.waitUntil(lambda: bool(deaths), timeout=5_000)  # the GUI thread's timer ran it
    assert len(alive) == 2_000
    assert deaths == [threading.main_thread().name]


def test_automatic_collection_comes_back_when_the_last_window_goes(qtbot, make_window) -> None:
    window = make_window()
    assert not gc.isenabled()
    window.close()
    window.deleteLater()
    qtbot.waitUntil(gc.isenabled, timeout=5_000)
