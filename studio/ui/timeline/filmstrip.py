"""Filmstrip thumbnails of takes: a few frames decoded once with OpenCV off the GUI thread, kept as QPixmaps.

Paint code asks ``frames(path)``; the first ask starts a background decode and returns None (the clip paints
its placeholder), and ``ready(path)`` tells the view to repaint the clips that show that file.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap

FRAMES_PER_TAKE = 8


def rgb_to_qimage(rgb: np.ndarray) -> QImage:
    """An RGB uint8 array as a QImage that owns its pixels (safe to hand to another thread)."""
    rgb = np.ascontiguousarray(rgb)
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def decode_filmstrip(path: Path, count: int, height: int) -> list[tuple[int, QImage]]:
    """``count`` frames spread over the clip, scaled to ``height`` px: [(source frame index, image)]."""
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            return []
        total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) or 1
        wanted = sorted({min(total - 1, round(i * (total - 1) / max(1, count - 1))) for i in range(count)})
        frames: list[tuple[int, QImage]] = []
        index = 0
        ok = True
        # Reading forward (grab, and retrieve only wanted frames) is exact and faster than seeking per frame.
        for target in wanted:
            if target - index > 90:  # a long take: seek rather than decode everything in between
                capture.set(cv2.CAP_PROP_POS_FRAMES, target)
                index = target
            while ok and index <= target:
                ok = capture.grab()
                index += 1
            if not ok:
                break
            ok, bgr = capture.retrieve()
            if not ok or bgr is None:
                break
            scale = height / bgr.shape[0]
            small = cv2.resize(bgr, (max(1, round(bgr.shape[1] * scale)), height), interpolation=cv2.INTER_AREA)
            frames.append((target, rgb_to_qimage(cv2.cvtColor(small, cv2.COLOR_BGR2RGB))))
        return frames
    finally:
        capture.release()


def load_still(path: Path, height: int) -> list[tuple[int, QImage]]:
    image = QImage(str(path))
    if image.isNull():
        return []
    return [(0, image.scaledToHeight(height).convertToFormat(QImage.Format.Format_RGB888))]


class _Relay(QObject):
    decoded = Signal(str, list)


class _DecodeJob(QRunnable):
    def __init__(self, relay: _Relay, key: str, path: Path, count: int, height: int) -> None:
        super().__init__()
        self.relay, self.key, self.path, self.count, self.height = relay, key, path, count, height

    def run(self) -> None:
        try:
            if self.path.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp"):
                frames = load_still(self.path, self.height)
            else:
                frames = decode_filmstrip(self.path, self.count, self.height)
        except Exception:  # an unreadable file shows the placeholder; it must not kill the pool thread
            frames = []
        with contextlib.suppress(RuntimeError):  # the cache was deleted while this job ran (window closed)
            self.relay.decoded.emit(self.key, frames)


class FilmstripCache(QObject):
    """Decoded frames per media file, shared by every clip showing that file."""

    ready = Signal(str)

    def __init__(self, height: int = 48, count: int = FRAMES_PER_TAKE, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.height = height
        self.count = count
        self._frames: dict[str, list[tuple[int, QPixmap]]] = {}
        self._pending: set[str] = set()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # thumbnails are a background nicety; never compete with playback
        self._relay = _Relay()
        self._relay.decoded.connect(self._on_decoded)

    def frames(self, path: Path) -> list[tuple[int, QPixmap]] | None:
        """Cached frames for ``path``, or None while they are being decoded (the first call starts it)."""
        key = str(path)
        cached = self._frames.get(key)
        if cached is not None:
            return cached
        if key not in self._pending:
            self._pending.add(key)
            self._pool.start(_DecodeJob(self._relay, key, path, self.count, self.height))
        return None

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until queued decodes finish (tests, screenshots); results arrive with the next event loop."""
        return self._pool.waitForDone(msecs)

    def forget(self, path: Path) -> None:
        self._frames.pop(str(path), None)

    def _on_decoded(self, key: str, images: list) -> None:
        self._pending.discard(key)
        self._frames[key] = [(index, QPixmap.fromImage(image)) for index, image in images]
        self.ready.emit(key)

    def shutdown(self) -> None:
        self._pool.clear()
        self._pool.waitForDone(5_000)
