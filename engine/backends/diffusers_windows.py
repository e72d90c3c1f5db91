"""Long shots in windows: a clip longer than the model makes is generated as overlapping windows and stitched.

Window 1 is the request as asked (text-, image- or first-frame-to-video); each later window starts from the
frame of the window before it where their overlap begins (image-to-video), and the last one also ends on the
request's end image when the model can (first-last-frame), so the end target is not lost after the first
window. The overlapping frames are crossfaded linearly, so no frame-to-frame step at a seam is a cut from one
window's picture to the other's: each step moves ``1 / (overlap + 1)`` of the way between two continuations
of the same frame. Frame counts are in the model's own frames (its native rate).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.model_families import FrameConstraints


@dataclass(frozen=True)
class Window:
    start: int  # the first output frame it covers
    frames: int  # how many frames the model is asked for (a count the model allows)
    task: str  # text_to_video | image_to_video | first_last_frame


def overlap_for(c: FrameConstraints, window: int) -> int:
    """Frames two neighbouring windows share: two latent groups (Wan 8, LTX 16), never half the window."""
    wanted = 2 * c.frame_multiple if c.frame_multiple > 1 else 8
    return max(1, min(wanted, (window - 1) // 2))


def _allowed_at_least(c: FrameConstraints, n: int) -> int:
    """The smallest frame count the model allows that is at least ``n``."""
    m = c.frame_multiple
    if m <= 1:
        return n
    return max(1, math.ceil((n - 1) / m)) * m + 1


def plan_windows(total: int, window: int, overlap: int, c: FrameConstraints, *, first_task: str,
                 end_on_image: bool) -> list[Window]:
    """Windows covering ``total`` frames: each ``window`` long (the last just long enough), ``overlap`` shared."""
    if window <= overlap:
        raise ValueError(f"a window of {window} frames cannot overlap its neighbour by {overlap}")
    stride = window - overlap
    count = 1 if total <= window else 1 + math.ceil((total - window) / stride)
    windows = []
    for k in range(count):
        start = k * stride
        frames = window if k < count - 1 else min(window, _allowed_at_least(c, max(overlap + 1, total - start)))
        task = first_task if k == 0 else "image_to_video"
        if k == count - 1 and end_on_image and (k > 0 or first_task == "first_last_frame"):
            task = "first_last_frame"
        windows.append(Window(start, frames, task))
    return windows


def stitch(windows: Sequence[Window], clips: Sequence[np.ndarray], total: int) -> np.ndarray:
    """One clip of ``total`` frames from the windows' clips (uint8 (F,H,W,3)), overlaps crossfaded."""
    if len(windows) != len(clips) or not clips:
        raise ValueError("one clip per window")
    height, width = clips[0].shape[1:3]
    out = np.zeros((max(total, windows[-1].start + len(clips[-1])), height, width, 3), np.float32)
    covered = 0  # frames of ``out`` already written
    for window, clip in zip(windows, clips, strict=True):
        clip = clip.astype(np.float32)
        shared = max(0, covered - window.start)
        for j in range(min(shared, len(clip))):
            a = (j + 1) / (shared + 1)
            out[window.start + j] = (1 - a) * out[window.start + j] + a * clip[j]
        rest = clip[shared:]
        out[window.start + shared:window.start + shared + len(rest)] = rest
        covered = window.start + len(clip)
    return (out[:total] + 0.5).clip(0, 255).astype(np.uint8)


def seam_steps(frames: np.ndarray | Sequence[np.ndarray], windows: Sequence[Window]) -> tuple[list[float], list[float]]:
    """(frame-to-frame mean absolute steps across each seam's overlap, steps well inside the windows)."""
    steps = np.abs(np.diff(np.asarray(frames, dtype=np.int16), axis=0)).mean(axis=(1, 2, 3))
    seam_pairs: set[int] = set()
    for previous, window in zip(windows, windows[1:], strict=False):
        overlap_end = previous.start + previous.frames
        seam_pairs.update(range(max(0, window.start - 1), min(len(steps), overlap_end + 1)))
    seams = [float(steps[i]) for i in sorted(seam_pairs)]
    inside = [float(s) for i, s in enumerate(steps) if i not in seam_pairs]
    return seams, inside
