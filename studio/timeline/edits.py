"""The model commands a timeline gesture makes (plain Python: no Qt).

A drag pushes a command on every mouse move; each carries the drag's own merge key, so the undo stack folds
the whole gesture into one step while two separate drags stay two steps.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from studio.project import Change, Command, Project, Transition
from studio.project.commands import Batch, SetFields, edit_shot, trim_take
from studio.project.model import MAX_FPS, MAX_SHOT_SECONDS

from .layout import TimelineLayout

MAX_SHOT_FRAMES = MAX_FPS * MAX_SHOT_SECONDS
_drag_serial = itertools.count(1)


def new_drag_key(kind: str, object_id: str) -> str:
    """A merge key unique to one gesture (press .. release)."""
    return f"timeline-{kind}:{object_id}:{next(_drag_serial)}"


@dataclass
class DragEdit(Batch):
    """A Batch whose successive versions from one drag merge into a single undo step.

    ``change`` narrows what the document announces (one shot rather than the whole project), so other views
    refresh only what the drag touched.
    """

    merge_key: str = ""
    change: Change | None = None

    def apply(self, project: Project) -> Change:
        result = super().apply(project)
        return self.change or result

    def revert(self, project: Project) -> Change:
        result = super().revert(project)
        return self.change or result

    def merge(self, other: Command) -> bool:
        if not (isinstance(other, DragEdit) and self.merge_key and other.merge_key == self.merge_key):
            return False
        pairs = list(zip(self.commands, other.commands, strict=False))
        if len(self.commands) != len(other.commands) or not all(
            isinstance(a, SetFields) and isinstance(b, SetFields)
            and (a.kind, a.ids, set(a.values)) == (b.kind, b.ids, set(b.values))
            for a, b in pairs
        ):
            return False
        for mine, theirs in pairs:
            mine.values = dict(theirs.values)  # keep our original ``_old``: undo restores the pre-drag state
        return True


@dataclass(frozen=True)
class TrimOrigin:
    """A shot's trim state when the drag began; every move computes from here, not from the last move."""

    shot_id: str
    duration: int
    take_id: str | None
    trim_in: int
    trim_out: int  # resolved (never None) while dragging
    take_frames: int
    source_per_frame: float  # take frames per project frame


def trim_origin(project: Project, shot_id: str) -> TrimOrigin:
    shot = project.shot(shot_id)
    take = shot.active()
    if take is None or take.frame_count <= 0:
        return TrimOrigin(shot_id, shot.duration_frames, None, 0, 0, 0, 1.0)
    ratio = (take.fps or project.fps) / project.fps
    trim_out = take.trim_out if take.trim_out is not None else take.frame_count
    return TrimOrigin(shot_id, shot.duration_frames, take.id, take.trim_in, min(trim_out, take.frame_count),
                      take.frame_count, ratio)


def trimmed(origin: TrimOrigin, edge: str, delta: int) -> tuple[int, int, int]:
    """(duration, trim_in, trim_out) after moving the ``edge`` ('left'/'right') by ``delta`` project frames.

    Dragging the right edge changes where the take ends; the left edge, where it begins (a ripple trim: the
    clip keeps its place, later clips move). A take can never be stretched past the frames it has.
    """
    if origin.take_id is None:
        duration = origin.duration + delta if edge == "right" else origin.duration - delta
        return max(1, min(duration, MAX_SHOT_FRAMES)), 0, 0
    r = origin.source_per_frame
    if edge == "right":
        available = int((origin.take_frames - origin.trim_in) / r)
        duration = max(1, min(origin.duration + delta, available, MAX_SHOT_FRAMES))
        trim_out = min(origin.take_frames, origin.trim_in + max(1, round(duration * r)))
        return duration, origin.trim_in, trim_out
    trim_in = origin.trim_in + round(delta * r)
    trim_in = max(0, min(trim_in, origin.trim_out - max(1, round(r))))
    duration = max(1, round((origin.trim_out - trim_in) / r))
    return duration, trim_in, origin.trim_out


def shot_edit_commands(origin: TrimOrigin, duration: int, trim_in: int, trim_out: int | None,
                       merge_key: str) -> list[Command]:
    """The field edits that give ``origin``'s shot ``duration`` frames and its active take these marks (a mark
    at the take's end is stored as None: to the end). Every trim-like tool builds on this."""
    commands: list[Command] = []
    if origin.take_id is not None:
        out = None if trim_out is None or trim_out >= origin.take_frames else trim_out
        take_cmd = trim_take(origin.shot_id, origin.take_id, trim_in, out)
        take_cmd.merge_key = merge_key or None
        commands.append(take_cmd)
    commands.append(edit_shot(origin.shot_id, merge_key=merge_key or None, duration_frames=duration))
    return commands


def trim_command(origin: TrimOrigin, edge: str, delta: int, merge_key: str) -> DragEdit:
    duration, trim_in, trim_out = trimmed(origin, edge, delta)
    return DragEdit(shot_edit_commands(origin, duration, trim_in, trim_out, merge_key), text="Trim shot",
                    merge_key=merge_key, change=Change("shots", (origin.shot_id,)))


def move_line_command(layout: TimelineLayout, line_id: str, frame: int, merge_key: str) -> SetFields:
    """Place a line at absolute ``frame``, anchored to the shot under it (lines follow their shot when the
    cut changes, so a line dropped over another shot now belongs to that shot)."""
    frame = max(0, frame)
    if not layout.shots:
        raise ValueError("a line needs a shot to anchor to")
    # Over the title cards a line anchors to the first shot, over the credits to the last.
    span = layout.shot_at(frame) or (layout.shots[0] if frame < layout.lead else layout.shots[-1])
    offset = max(0, frame - span.start)
    return SetFields("line", (line_id,), {"shot_id": span.shot_id, "offset_frames": offset},
                     text="Move line", merge_key=merge_key)


def move_music_command(layout: TimelineLayout, clip_id: str, frame: int, merge_key: str) -> SetFields:
    """Music starts at ``frame`` of the film (its length and source offset stay); it is stored from the first
    shot on, so it never starts under the title cards."""
    return SetFields("music", (clip_id,), {"start_frame": max(0, frame - layout.lead)}, text="Move music",
                     merge_key=merge_key)


def set_transition_command(shot_id: str, kind: str, duration_frames: int) -> SetFields:
    transition = Transition(kind=kind, duration_frames=0 if kind == "cut" else max(1, duration_frames))
    command = edit_shot(shot_id, transition=transition)
    command.text = "Change transition" if kind != "cut" else "Remove transition"
    return command


def take_range_command(project: Project, shot_id: str, take_id: str, trim_in: int, trim_out: int | None) -> Command:
    """Set a take's in/out marks; when it is the shot's active take the shot's length follows (as a trim does)."""
    shot = project.shot(shot_id)
    take = shot.take(take_id)
    end = take.frame_count if trim_out is None else trim_out
    if trim_in >= end:
        raise ValueError("the in mark must come before the out mark")
    mark = trim_take(shot_id, take_id, trim_in, None if trim_out is not None and trim_out >= take.frame_count
                     else trim_out)
    mark.merge_key = None  # each mark is its own undo step
    mark.text = "Set in/out marks"
    if shot.active_take != take_id:
        return mark
    ratio = (take.fps or project.fps) / project.fps
    duration = max(1, min(MAX_SHOT_FRAMES, round((end - trim_in) / ratio)))
    return DragEdit([mark, edit_shot(shot_id, duration_frames=duration)], text="Set in/out marks",
                    change=Change("shots", (shot_id,)))
