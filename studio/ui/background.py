"""Run one blocking function off the UI thread; its progress and result come back as queued Qt signals.

Used for narration, voice previews, voice changing, model downloads and export — anything that would
freeze the window. The function receives a ``progress`` callback and a ``CancelToken`` (the shape every
long-running Storyreel operation takes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from engine.progress import Cancelled, CancelToken, Progress, ProgressCallback

Job = Callable[[ProgressCallback, CancelToken], Any]


class _Runner(QObject):
    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, job: Job, cancel: CancelToken) -> None:
        super().__init__()
        self.job = job
        self.cancel = cancel

    def run(self) -> None:
        try:
            result = self.job(self.progressed.emit, self.cancel)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # reported to the user; the worker thread must never die silently
            self.failed.emit(str(exc) or type(exc).__name__)
        else:
            self.succeeded.emit(result)


class BackgroundTask(QObject):
    """One job on its own QThread. Signals arrive on the thread that created the task (the UI thread)."""

    progressed = Signal(object)  # engine.progress.Progress
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()  # after any of the three outcomes

    def __init__(self, title: str, job: Job, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.token = CancelToken()
        self.last_progress: Progress | None = None
        self._thread = QThread()
        self._runner = _Runner(job, self.token)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._runner.progressed.connect(self._on_progress)
        self._runner.succeeded.connect(self.succeeded)
        self._runner.failed.connect(self.failed)
        self._runner.cancelled.connect(self.cancelled)
        for signal in (self._runner.succeeded, self._runner.failed, self._runner.cancelled):
            signal.connect(self._done)
        self.running = False

    def start(self) -> BackgroundTask:
        self.running = True
        self._thread.start()
        return self

    def cancel(self) -> None:
        self.token.cancel()

    def wait(self, milliseconds: int = 30_000) -> bool:
        """Block until the thread ends (only for shutting down)."""
        return self._thread.wait(milliseconds)

    def _on_progress(self, progress: Progress) -> None:
        self.last_progress = progress
        self.progressed.emit(progress)

    def _done(self, *_: object) -> None:
        self.running = False
        self._thread.quit()
        self._thread.wait()
        self.finished.emit()


class TaskList(QObject):
    """The background tasks a window runs, so closing it can cancel and wait for them."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks: list[BackgroundTask] = []

    def start(self, title: str, job: Job) -> BackgroundTask:
        task = BackgroundTask(title, job, self)
        self.tasks.append(task)
        task.finished.connect(lambda: self._forget(task))
        task.progressed.connect(lambda _p: self.changed.emit())
        task.start()
        self.changed.emit()
        return task

    def _forget(self, task: BackgroundTask) -> None:
        if task in self.tasks:
            self.tasks.remove(task)
        task.deleteLater()
        self.changed.emit()

    def running(self) -> list[BackgroundTask]:
        return [t for t in self.tasks if t.running]

    def shutdown(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        for task in list(self.tasks):
            task.wait()
