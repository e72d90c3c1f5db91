"""Easing curves for camera moves: a move starts and lands softly, like a dolly operator's hands."""

from __future__ import annotations

import math


def ease_in_out(t: float) -> float:
    """Sine ease-in-out on [0, 1]: zero velocity at both ends, no jerk at the midpoint."""
    t = min(1.0, max(0.0, t))
    return 0.5 - 0.5 * math.cos(math.pi * t)


def frame_fraction(index: int, count: int) -> float:
    """Where frame ``index`` of ``count`` sits on the move, 0 at the first frame, 1 at the last."""
    return index / (count - 1) if count > 1 else 0.0
