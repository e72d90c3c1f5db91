"""One class per kind of drag on the timeline, press to release: scrub, trim, move a line or music clip, move
shots, rubber-band select, roll, slip, slide — and the blade's click.

Each turns pointer positions into commands of the Qt-free timeline package and pushes them on the session with
the drag's own merge key, so one drag is one undo step and two drags are two. Nothing lands on the stack until
a drag really changes something; an edit the model refuses simply does not happen.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QPointF, QRectF, Qt

from studio.project import Command, StoryreelError
from studio.timeline import nle_edits
from studio.timeline.edits import (
    TrimOrigin,
    move_line_command,
    move_music_command,
    new_drag_key,
    trim_command,
    trim_origin,
    trimmed,
)
from studio.timeline.layout import TimelineLayout

from .mark_items import RubberBandItem
from .scene_items import SceneItems
from .track_geometry import TrackGeometry

Cursor = Qt.CursorShape


class InteractionHost(Protocol):
    """What an interaction needs from the timeline view."""

    session: Any  # the ProjectSession
    track_geometry: TrackGeometry
    scene_items: SceneItems
    rubber_band: RubberBandItem

    @property
    def layout_frames(self) -> TimelineLayout: ...

    def snap_frame(self, frame: int, candidates: list[int] | None) -> int: ...

    def snap_candidates(self, exclude: set[int] = ...) -> list[int]: ...

    def say(self, message: str) -> None: ...

    def request_extend(self, shot_id: str, seconds: float) -> None: ...


class Interaction:
    """A drag in progress. ``move`` follows the pointer (scene coordinates); ``finish`` ends it."""

    cursor = Cursor.ArrowCursor

    def __init__(self, host: InteractionHost, press: QPointF) -> None:
        self.host = host
        self.press_x = press.x()
        self.last: object = None  # what the last move pushed (None: nothing yet)

    def delta(self, pos: QPointF) -> int:
        """Project frames between the press and ``pos``."""
        return round((pos.x() - self.press_x) / self.host.track_geometry.px_per_frame)

    def move(self, pos: QPointF) -> None:
        """Follow the pointer (no-op by default)."""

    def finish(self, pos: QPointF | None) -> None:
        """The button came up at ``pos`` (no-op by default)."""

    def push(self, command: Command | None) -> bool:
        if command is None:
            return False
        try:
            self.host.session.push(command)
        except (StoryreelError, ValueError) as exc:
            self.host.say(str(exc))
            return False
        return True

    def push_changed(self, value: object, unchanged: object, command: Callable[[], Command | None]) -> None:
        """Push ``command()`` when ``value`` differs from the last push (and, at first, from ``unchanged``)."""
        fresh = value != self.last and (self.last is not None or value != unchanged)
        if fresh and self.push(command()):
            self.last = value


class Scrub(Interaction):
    """On the ruler: the playhead follows the pointer, snapping to clip edges and markers."""

    cursor = Cursor.IBeamCursor

    def __init__(self, host: InteractionHost, press: QPointF) -> None:
        super().__init__(host, press)
        self.snaps = host.snap_candidates(exclude={host.session.playhead()})
        self.move(press)

    def move(self, pos: QPointF) -> None:
        self.host.session.set_playhead(self.host.snap_frame(self.host.track_geometry.frame_at(pos.x()), self.snaps))


class MoveMarker(Interaction):
    """A marker's flag dragged along the ruler (it snaps to clip edges, lines and the playhead)."""

    cursor = Cursor.ClosedHandCursor

    def __init__(self, host: InteractionHost, press: QPointF, marker_id: str, frame: int) -> None:
        super().__init__(host, press)
        self.marker_id, self.start_frame = marker_id, frame
        self.key = new_drag_key("marker", marker_id)
        self.snaps = host.snap_candidates(exclude={frame})

    def move(self, pos: QPointF) -> None:
        frame = self.host.snap_frame(max(0, self.start_frame + self.delta(pos)), self.snaps)
        self.push_changed(frame, self.start_frame, lambda: nle_edits.EditMarker(
            self.marker_id, frame=frame, text="Move marker", merge_key=self.key))


class Trim(Interaction):
    """A clip's edge: the right edge changes where the take ends, the left where it begins (a ripple trim)."""

    cursor = Cursor.SizeHorCursor

    def __init__(self, host: InteractionHost, press: QPointF, shot_id: str, edge: str) -> None:
        super().__init__(host, press)
        self.edge = edge
        self.key = new_drag_key("trim", shot_id)
        self.origin: TrimOrigin = trim_origin(host.session.project, shot_id)
        span = next(s for s in host.layout_frames.shots if s.shot_id == shot_id)
        self.start_frame = span.start
        self.snaps = host.snap_candidates(exclude={span.end})
        self.wanted: int | None = None  # the length the pointer asks for (the right edge), even past the take

    def move(self, pos: QPointF) -> None:
        origin, delta = self.origin, self.delta(pos)
        if self.edge == "right":
            end = self.start_frame + origin.duration + delta
            delta = self.host.snap_frame(end, self.snaps) - self.start_frame - origin.duration
        values = trimmed(origin, self.edge, delta)
        unchanged = (origin.duration, origin.trim_in, origin.trim_out) if origin.take_id else (origin.duration, 0, 0)
        self.push_changed(values, unchanged, lambda: trim_command(origin, self.edge, delta, self.key))
        self.wanted = origin.duration + delta if self.edge == "right" else None

    def finish(self, pos: QPointF | None) -> None:
        """A right edge dragged past the last frame of the take: that much more of it is asked for (extend)."""
        origin = self.origin
        if pos is None or self.edge != "right" or origin.take_id is None or self.wanted is None:
            return
        available = int((origin.take_frames - origin.trim_in) / origin.source_per_frame)
        beyond = self.wanted - available
        if beyond >= max(2, self.host.session.project.fps // 4):  # a quarter second: not a slip of the hand
            self.host.request_extend(origin.shot_id, beyond / self.host.session.project.fps)


class _MoveClip(Interaction, ABC):
    """A line or a music clip dragged along its track (its start snaps)."""

    cursor = Cursor.ClosedHandCursor
    lowest = 0

    def __init__(self, host: InteractionHost, press: QPointF, object_id: str, start: int) -> None:
        super().__init__(host, press)
        self.object_id, self.start_frame = object_id, start
        self.layout = host.layout_frames
        self.key = new_drag_key(type(self).__name__, object_id)
        self.snaps = host.snap_candidates(exclude={start})

    def move(self, pos: QPointF) -> None:
        frame = self.host.snap_frame(max(self.lowest, self.start_frame + self.delta(pos)), self.snaps)
        self.push_changed(frame, self.start_frame, lambda: self.command(frame))

    @abstractmethod
    def command(self, frame: int) -> Command:
        """The edit that places the clip at ``frame`` (each kind of clip says how)."""


class MoveLine(_MoveClip):
    """A voice line: dropped over another shot, it anchors to that shot."""

    def command(self, frame: int) -> Command:
        return move_line_command(self.layout, self.object_id, frame, self.key)


class MoveMusic(_MoveClip):
    """A music clip: it never starts under the title cards."""

    def __init__(self, host: InteractionHost, press: QPointF, object_id: str, start: int) -> None:
        super().__init__(host, press, object_id, start)
        self.lowest = self.layout.lead

    def command(self, frame: int) -> Command:
        return move_music_command(self.layout, self.object_id, frame, self.key)


class MoveShots(Interaction):
    """The selected clips dragged along the video track: they move together between other shots, in order.

    A click on one clip of a selection (no drag) selects just that clip on release."""

    cursor = Cursor.ClosedHandCursor

    def __init__(self, host: InteractionHost, press: QPointF, shot_ids: list[str], clicked: str | None) -> None:
        super().__init__(host, press)
        self.shot_ids, self.clicked = shot_ids, clicked
        self.layout = host.layout_frames
        self.order = [s.id for s in host.session.project.shots]
        self.key = new_drag_key("move", shot_ids[0])
        self.moved = False

    def move(self, pos: QPointF) -> None:
        if abs(pos.x() - self.press_x) < 4:
            return  # a click with a shaky hand is not a move
        self.moved = True
        drop = self.host.track_geometry.frame_at(pos.x())
        order = nle_edits.moved_order(self.layout, self.shot_ids, drop)
        self.push_changed(order, self.order, lambda: nle_edits.ReorderShots(order, merge_key=self.key))

    def finish(self, pos: QPointF | None) -> None:
        if not self.moved and self.clicked is not None:
            self.host.session.select_shots([self.clicked])


class RubberBand(Interaction):
    """A drag over empty track space: every shot whose clip the band touches is selected (added to the
    selection with Shift or Ctrl)."""

    cursor = Cursor.CrossCursor

    def __init__(self, host: InteractionHost, press: QPointF, extend: bool) -> None:
        super().__init__(host, press)
        self.origin = press
        self.keep = host.session.selected_shot_ids() if extend else []
        if not extend:
            host.session.select_shots([])

    def move(self, pos: QPointF) -> None:
        band = QRectF(self.origin, pos).normalized()
        self.host.rubber_band.setRect(band)
        self.host.rubber_band.show()
        hit = [shot_id for shot_id, item in self.host.scene_items.clips.items()
               if item.sceneBoundingRect().intersects(band)]
        order = {s.shot_id: s.index for s in self.host.layout_frames.shots}
        self.host.session.select_shots([*self.keep, *sorted(hit, key=order.__getitem__)])

    def finish(self, pos: QPointF | None) -> None:
        self.host.rubber_band.hide()


class Roll(Interaction):
    """The join between two shots dragged: one gets longer, the other shorter, the cut keeps its length."""

    cursor = Cursor.SplitHCursor

    def __init__(self, host: InteractionHost, press: QPointF, left_id: str) -> None:
        super().__init__(host, press)
        self.left, self.right = nle_edits.roll_origins(host.session.project, left_id)
        self.key = new_drag_key("roll", left_id)
        self.join = next(s.end for s in host.layout_frames.shots if s.shot_id == left_id)
        self.snaps = host.snap_candidates(exclude={self.join})

    def move(self, pos: QPointF) -> None:
        delta = self.host.snap_frame(self.join + self.delta(pos), self.snaps) - self.join
        command, applied = nle_edits.roll(self.left, self.right, delta, self.key)
        self.push_changed(applied, 0, lambda: command)


class Slip(Interaction):
    """A clip dragged with the slip tool (or Alt in the select tool): its take slides under it, the shot keeps
    its length and place."""

    cursor = Cursor.SizeAllCursor

    def __init__(self, host: InteractionHost, press: QPointF, shot_id: str) -> None:
        super().__init__(host, press)
        self.origin = trim_origin(host.session.project, shot_id)
        self.key = new_drag_key("slip", shot_id)

    def move(self, pos: QPointF) -> None:
        # Dragging right shows earlier frames of the take, as in other editors (the picture follows the hand).
        command, applied = nle_edits.slip(self.origin, -self.delta(pos), self.key)
        if command is not None:
            self.push_changed(applied, 0, lambda: command)


class Slide(Interaction):
    """A clip dragged with the slide tool: it moves between its neighbours with its own frames; the shot before
    it and the shot after it change length (their joins with it move)."""

    cursor = Cursor.DragMoveCursor

    def __init__(self, host: InteractionHost, press: QPointF, shot_id: str) -> None:
        super().__init__(host, press)
        self.before, self.after = nle_edits.slide_origins(host.session.project, shot_id)
        self.key = new_drag_key("slide", shot_id)
        span = next(s for s in host.layout_frames.shots if s.shot_id == shot_id)
        self.start = span.start
        self.snaps = host.snap_candidates(exclude={span.start, span.end})

    def move(self, pos: QPointF) -> None:
        delta = self.host.snap_frame(self.start + self.delta(pos), self.snaps) - self.start
        command, applied = nle_edits.slide(self.before, self.after, delta, self.key)
        self.push_changed(applied, 0, lambda: command)


class Blade(Interaction):
    """A click with the blade tool cuts the clip under the pointer there (snapped to the playhead and marks)."""

    cursor = Cursor.CrossCursor

    def __init__(self, host: InteractionHost, press: QPointF, shot_id: str) -> None:
        super().__init__(host, press)
        span = next(s for s in host.layout_frames.shots if s.shot_id == shot_id)
        frame = host.snap_frame(host.track_geometry.frame_at(press.x()), host.snap_candidates(
            exclude={span.start, span.end}))
        try:
            command, second = nle_edits.blade(host.session.project, shot_id, frame - span.start)
        except nle_edits.EditRefused as exc:
            host.say(str(exc))
            return
        if self.push(command):
            host.session.select_shots([second])


TOOL_CURSORS = {"select": Cursor.ArrowCursor, "blade": Blade.cursor, "roll": Roll.cursor, "slip": Slip.cursor,
                "slide": Slide.cursor}
