"""Filmstrip thumbnails of takes: a few frames decoded once with OpenCV off the GUI thread, kept as QPixmaps.

Paint code asks ``frames(path)``; the first ask starts a background decode and returns None (the clip paints
its placeholder), and ``ready(path)`` tells the view to repaint the clips that show that file.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QObject, Signal
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


def _decode(path: Path, count: int, height: int) -> list[tuple[int, QImage]]:
    try:
        if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp"):
            return load_still(path, height)
        return decode_filmstrip(path, count, height)
    except Exception:  # an unreadable file shows the placeholder
        return []


class _Worker:
    """The decoding thread (a plain object: it outlives the cache's C++ side long enough to stop cleanly)."""

    def __init__(self) -> None:
        # One thread: thumbnails are a background nicety and never compete with playback.
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyreel-filmstrip")
        self.closed = False

    def submit(self, key: str, path: Path, count: int, height: int, send: Callable[[str, list], None]) -> None:
        def run() -> None:
            frames = _decode(path, count, height)
            if not self.closed:  # ``stop`` waits for this thread before the receiver can go away
                send(key, frames)

        self.pool.submit(run)

    def wait(self, seconds: float) -> bool:
        try:
            self.pool.submit(lambda: None).result(timeout=seconds)  # one worker: this runs after the rest
        except (FuturesTimeout, RuntimeError):  # still busy, or stopped
            return False
        return True

    def stop(self, *_: object) -> None:
        self.closed = True
        self.pool.shutdown(wait=True, cancel_futures=True)


class FilmstripCache(QObject):
    """Decoded frames per media file, shared by every clip showing that file.

    Decoding runs on one Python worker thread (not a QThreadPool: a Python QRunnable is torn down by Qt on the
    pool's thread, where dropping the last reference to a Qt object is unsafe). ``shutdown`` waits for it, so
    nothing is decoded for a timeline that is gone."""

    ready = Signal(str)

    def __init__(self, height: int = 48, count: int = FRAMES_PER_TAKE, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.height = height
        self.count = count
        self._frames: dict[str, list[tuple[int, QPixmap]]] = {}
        self._pending: set[str] = set()
        self._worker = _Worker()
        self._relay = _Relay(self)  # a child: it lives and dies on the GUI thread with the cache
        self._relay.decoded.connect(self._on_decoded)
        # Deleted without a shutdown (its window went): stop the thread before the relay goes (children are
        # deleted after ``destroyed``), so no decode reports to a deleted object.
        self.destroyed.connect(self._worker.stop)

    def frames(self, path: Path) -> list[tuple[int, QPixmap]] | None:
        """Cached frames for ``path``, or None while they are being decoded (the first call starts it)."""
        key = str(path)
        cached = self._frames.get(key)
        if cached is not None:
            return cached
        if key not in self._pending and not self._worker.closed:
            self._pending.add(key)
            self._worker.submit(key, path, self.count, self.height, self._relay.decoded.emit)
        return None

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until queued decodes finish (tests, screenshots); results arrive with the next event loop."""
        return self._worker.wait(msecs / 1000)

    def forget(self, path: Path) -> None:
        self._frames.pop(str(path), None)

    def _on_decoded(self, key: str, images: list) -> None:
        self._pending.discard(key)
        self._frames[key] = [(index, QPixmap.fromImage(image)) for index, image in images]
        self.ready.emit(key)

    def shutdown(self) -> None:
        """Drop queued decodes and wait for the running one (the timeline is closing)."""
        self._worker.stop()
