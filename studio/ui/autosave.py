"""Autosave on an interval: ``document.autosave()`` writes autosave.json, never the last explicit save."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from studio.project import ProjectDocument, StoryreelError

DEFAULT_INTERVAL_S = 60


class Autosaver(QObject):
    saved = Signal(Path)
    failed = Signal(str)

    def __init__(self, document: Callable[[], ProjectDocument | None], interval_s: int = DEFAULT_INTERVAL_S,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.autosave_now)
        self.set_interval(interval_s)

    def set_interval(self, seconds: int) -> None:
        """0 turns autosave off."""
        if seconds <= 0:
            self.timer.stop()
            return
        self.timer.start(int(seconds * 1000))

    def autosave_now(self) -> Path | None:
        document = self._document()
        if document is None:
            return None
        try:
            written = document.autosave()
        except (StoryreelError, OSError) as exc:
            self.failed.emit(f"Autosave failed: {exc}")
            return None
        if written is not None:
            self.saved.emit(written)
        return written
