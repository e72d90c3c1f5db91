"""Decoded frames for the preview: OpenCV captures kept open per clip, read sequentially where possible.

Two clips stay open so a crossfade (two takes every frame) never reopens a file; a seek happens only when the
wanted frame is not a short hop forward.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import cv2
import numpy as np

OPEN_CLIPS = 2
SHORT_HOP = 12  # decoding through this many frames is faster than a seek


class _Capture:
    def __init__(self, path: Path) -> None:
        self.capture = cv2.VideoCapture(str(path))
        self.next = 0

    def read(self, index: int) -> np.ndarray | None:
        if index != self.next:
            if 0 < index - self.next <= SHORT_HOP:
                for _ in range(index - self.next):
                    self.capture.grab()
            else:
                self.capture.set(cv2.CAP_PROP_POS_FRAMES, index)
            self.next = index
        ok, bgr = self.capture.read()
        if not ok or bgr is None:
            return None
        self.next = index + 1
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


class FrameReader:
    """RGB frames by (file, index); None when the file cannot be decoded."""

    def __init__(self) -> None:
        self._open: OrderedDict[Path, _Capture] = OrderedDict()

    def read(self, path: Path, index: int) -> np.ndarray | None:
        capture = self._open.get(path)
        if capture is None:
            capture = _Capture(path)
            if not capture.capture.isOpened():
                capture.capture.release()
                return None
            self._open[path] = capture
            while len(self._open) > OPEN_CLIPS:
                self._open.popitem(last=False)[1].capture.release()
        self._open.move_to_end(path)
        return capture.read(index)

    def close(self) -> None:
        for capture in self._open.values():
            capture.capture.release()
        self._open.clear()
