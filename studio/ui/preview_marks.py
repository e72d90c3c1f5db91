"""In/out marks on the take the preview shows: I and O set where the take starts and ends, one undo step each."""

from __future__ import annotations

from studio.project import StoryreelError, Take
from studio.timeline.edits import take_range_command
from studio.ui.timeline.timecode import format_timecode


def marks_after(take: Take, which: str, position: int) -> tuple[int, int | None]:
    """(trim_in, trim_out) once the ``which`` mark ('in'/'out') is set at source frame ``position``; a mark that
    would cross the other one clears that other one."""
    trim_in, trim_out = take.trim_in, take.trim_out
    if which == "in":
        trim_in = position
        if trim_out is not None and trim_out <= trim_in:
            trim_out = None
    else:
        trim_out = position + 1  # the out mark keeps the frame under the playhead
        if trim_out <= trim_in:
            trim_in = 0
    return trim_in, trim_out


def set_mark(session, shot_id: str, take_id: str, which: str, position: int) -> str | None:
    """Push the mark as a command; returns why it was refused (None when it landed)."""
    take = session.project.shot(shot_id).take(take_id)
    trim_in, trim_out = marks_after(take, which, position)
    try:
        session.push(take_range_command(session.project, shot_id, take_id, trim_in, trim_out))
    except (StoryreelError, ValueError) as exc:
        return str(exc)
    return None


def marks_text(take: Take, fps: float) -> str:
    out = take.trim_out if take.trim_out is not None else take.frame_count
    return f"In {format_timecode(take.trim_in, fps)}  Out {format_timecode(max(0, out - 1), fps)}"
