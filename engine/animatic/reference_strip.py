"""A strip of reference thumbnails (the shot's cast portraits, its location) along the foot of a story card.

Continuity made visible without weights: a keyframe card shows who and where the shot is. Each still is framed to
one height (portraits stay portraits), with a thin frame line, right-aligned in the card's lower margin.
"""

from __future__ import annotations

import cv2
import numpy as np

STRIP_HEIGHT = 0.22  # of the frame height
MARGIN = 0.045  # of the frame height, around and between the thumbnails
MAX_WIDTH = 0.62  # of the frame width: the footer keeps the left side
BORDER = (244, 239, 228)


def strip_layout(sizes: list[tuple[int, int]], width: int, height: int) -> list[tuple[int, int, int, int]]:
    """(x, y, w, h) of each thumbnail for stills of ``sizes`` (w, h) on a ``width`` x ``height`` frame."""
    if not sizes:
        return []
    margin = max(2, round(height * MARGIN))
    thumb_h = max(4, round(height * STRIP_HEIGHT))
    # Aspect kept but clamped: a panorama does not eat the strip, a sliver stays visible.
    widths = [max(4, round(thumb_h * min(2.0, max(0.5, w / max(1, h))))) for w, h in sizes]
    outer = round(height * MARGIN)
    room = width * MAX_WIDTH - outer  # the strip and its right margin keep to the right part of the card
    total = sum(widths) + margin * (len(widths) - 1)
    if total > room:  # shrink all to fit
        scale = room / total
        thumb_h = max(4, round(thumb_h * scale))
        widths = [max(4, round(w * scale)) for w in widths]
        margin = max(1, round(margin * scale))
        total = sum(widths) + margin * (len(widths) - 1)
    x, y = width - outer - total, height - outer - thumb_h
    boxes = []
    for w in widths:
        boxes.append((x, y, w, thumb_h))
        x += w + margin
    return boxes


def _cover(still: np.ndarray, w: int, h: int) -> np.ndarray:
    src_h, src_w = still.shape[:2]
    scale = max(w / src_w, h / src_h)
    new_w, new_h = max(w, round(src_w * scale)), max(h, round(src_h * scale))
    resized = cv2.resize(still, (new_w, new_h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    x, y = (new_w - w) // 2, (new_h - h) // 2
    return resized[y:y + h, x:x + w]


Thumbnail = tuple[int, int, np.ndarray]  # x, y and the framed thumbnail (RGB, its frame line included)


def prepare_strip(stills: list[np.ndarray], width: int, height: int) -> list[Thumbnail]:
    """The thumbnails of ``stills`` for a ``width`` x ``height`` frame, framed once (a clip pastes them on
    every frame of its story card)."""
    line = max(1, round(height * 0.004))
    thumbs = []
    for (x, y, w, h), still in zip(strip_layout([(s.shape[1], s.shape[0]) for s in stills], width, height), stills,
                                   strict=True):
        if x - line < 0 or y - line < 0:
            continue
        framed = np.empty((h + 2 * line, w + 2 * line, 3), np.uint8)
        framed[:] = BORDER
        framed[line:line + h, line:line + w] = _cover(still, w, h)
        thumbs.append((x - line, y - line, framed))
    return thumbs


def paste_strip(frame: np.ndarray, thumbs: list[Thumbnail]) -> np.ndarray:
    """``frame`` (RGB, changed in place and returned) with the prepared thumbnails on it."""
    for x, y, thumb in thumbs:
        h, w = thumb.shape[:2]
        frame[y:y + h, x:x + w] = thumb
    return frame


def draw_reference_strip(frame: np.ndarray, stills: list[np.ndarray]) -> np.ndarray:
    """``frame`` (RGB, changed in place and returned) with ``stills`` as framed thumbnails at its foot."""
    height, width = frame.shape[:2]
    return paste_strip(frame, prepare_strip(stills, width, height))
