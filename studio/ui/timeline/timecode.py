"""Frames <-> the HH:MM:SS:FF timecode an editor shows."""

from __future__ import annotations


def format_timecode(frame: int, fps: float) -> str:
    """``frame`` at ``fps`` as HH:MM:SS:FF (non-drop; fractional rates count whole frames per second)."""
    rate = max(1, round(fps))
    frame = max(0, int(frame))
    seconds, ff = divmod(frame, rate)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    return f"{hh:02d}:{mm:02d}:{ss:02d}:{ff:02d}"


def format_duration(frames: int, fps: float) -> str:
    """A short human duration: '4.0 s', '1:05.5'."""
    seconds = max(0, frames) / max(fps, 1e-9)
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f}"
