"""Stills for the continuity tests, and how close a decoded frame is to one."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

# Mean absolute difference per channel (of 255) a decoded frame may have from the still it shows: what H.264 at
# CRF 18 with 4:2:0 chroma leaves on a detailed photo; an unanchored camera move's first frame is 20-55 away.
FRAME_TOLERANCE = 6.0


def save_still(image: np.ndarray, path: Path) -> Path:
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return path


def framed(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """``image`` scaled to cover ``width`` x ``height`` and centre-cropped, as a shot frames a still."""
    h, w = image.shape[:2]
    factor = max(width / w, height / h)
    scaled = cv2.resize(image, (round(w * factor), round(h * factor)), interpolation=cv2.INTER_AREA)
    top, left = (scaled.shape[0] - height) // 2, (scaled.shape[1] - width) // 2
    return scaled[top:top + height, left:left + width].astype(int)


def frame_distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(int) - b.astype(int)).mean())
