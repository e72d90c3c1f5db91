"""Where a dragged edge or a moving playhead snaps (no Qt): shot and card edges, the playhead, the start and
end of every voice line, and markers. The view turns its snap distance in pixels into frames."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from .layout import TimelineLayout


def snap_points(layout: TimelineLayout, playhead: int | None = None, markers: Iterable[int] = (),
                exclude: Iterable[int] = ()) -> list[int]:
    """Sorted candidates: clip edges, line boundaries, markers and the playhead, less ``exclude``."""
    points = set(layout.edges()) | set(markers)
    for line in layout.lines:
        points.add(line.start)
        points.add(line.start + line.duration)
    if playhead is not None:
        points.add(playhead)
    return sorted(points - set(exclude))


def snap(frame: int, candidates: list[int] | None, reach: float) -> int:
    """The candidate nearest ``frame`` within ``reach`` frames (``candidates`` sorted), else ``frame``."""
    if not candidates:
        return frame
    i = bisect.bisect_left(candidates, frame)
    near = [c for c in candidates[max(0, i - 1): i + 1] if abs(c - frame) <= reach]
    return min(near, key=lambda c: abs(c - frame)) if near else frame
