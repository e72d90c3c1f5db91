"""The NLE tools as model commands (plain Python: no Qt): blade, ripple delete, roll, slip, slide and moving
shots. Every function returns one command (one undo step); a drag passes the same merge key on every move.

Frames are film frames (title cards included) where a function takes a playhead; deltas are project frames.
The cut has no gaps: shots follow each other, so removing a shot always closes its gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studio.project import Change, Command, Project, Shot
from studio.project.commands import AddShot, RemoveShot, SetFields
from studio.project.model import Marker, new_id

from .edits import MAX_SHOT_FRAMES, DragEdit, TrimOrigin, shot_edit_commands, trim_origin
from .layout import TimelineLayout, compute_layout, shot_film_starts


class EditRefused(ValueError):
    """A tool that cannot do what was asked here (the message says why, for the status bar)."""


# --- blade ------------------------------------------------------------------------------------------------

def copy_of(shot: Shot, **changes: Any) -> Shot:
    """The shot's settings under a new id, without takes unless ``changes`` gives some."""
    data = shot.model_dump(exclude={"id", "takes", "active_take"})
    data.update(changes)
    return Shot(id=new_id("shot"), **data)


def shot_under(project: Project, playhead: int, among: list[str] | None = None) -> str | None:
    """The shot the film shows at ``playhead`` (the incoming one in a crossfade), preferring one of ``among``."""
    starts = shot_film_starts(project)
    hits = [s.id for s in project.shots if starts[s.id] <= playhead < starts[s.id] + s.duration_frames]
    preferred = [i for i in hits if among and i in among]
    return (preferred or hits or [None])[-1]


def blade(project: Project, shot_id: str, offset: int) -> tuple[Command, str]:
    """Cut ``shot_id`` in two ``offset`` frames into it; returns the command and the second shot's id.

    Both parts keep the takes (the same files: nothing is copied or deleted); the second part's takes start
    where the cut is (their ``trim_in`` moves on by the frames the first part shows), the first part's active
    take ends there. Lines stay where they are heard: a line that starts after the cut moves to the second part.
    The second part begins with a plain cut and ends on the shot's end frame; the first ends free.
    """
    shot = project.shot(shot_id)
    if not 0 < offset < shot.duration_frames:
        raise EditRefused("the blade must fall inside the shot (not on its first or last frame)")
    ratio = _ratio(project, shot_id)
    moved = round(offset * ratio)
    takes, ids = [], {}
    for take in shot.takes:
        frames = take.frame_count
        start = take.trim_in + moved
        if frames and start >= (take.trim_out or frames):  # the take ends before the cut: hold its last frame
            start = max(take.trim_in, (take.trim_out or frames) - 1)
        # A take of its own (same file, own id), so an edit of one part's take never reaches the other's.
        ids[take.id] = new_id("take")
        takes.append(take.model_copy(update={"id": ids[take.id], "trim_in": start}, deep=True))
    second = copy_of(shot, duration_frames=shot.duration_frames - offset, transition={"kind": "cut"},
                     start_frame=None, takes=takes, active_take=ids.get(shot.active_take or ""))
    commands: list[Command] = []
    origin = trim_origin(project, shot_id)
    first_out = None if origin.take_id is None else min(origin.take_frames, origin.trim_in + max(1, moved))
    commands += shot_edit_commands(origin, offset, origin.trim_in, first_out, merge_key="")
    commands.append(SetFields("shot", (shot_id,), {"end_frame": None}))
    commands.append(AddShot(second, index=project.shot_index(shot_id) + 1))
    for line in project.lines_for_shot(shot_id):
        if line.offset_frames >= offset:
            commands.append(SetFields("line", (line.id,), {"shot_id": second.id,
                                                           "offset_frames": line.offset_frames - offset}))
    return DragEdit(commands, text="Blade", change=Change("shots", (shot_id, second.id))), second.id


def blade_at_playhead(project: Project, playhead: int, selected: list[str] | None = None) -> tuple[Command, str]:
    """B: cut the shot under the playhead (a selected one if two overlap in a crossfade) at the playhead."""
    shot_id = shot_under(project, playhead, selected)
    if shot_id is None:
        raise EditRefused("put the playhead over a shot to cut it")
    return blade(project, shot_id, playhead - shot_film_starts(project)[shot_id])


def _ratio(project: Project, shot_id: str) -> float:
    take = project.shot(shot_id).active()
    return 1.0 if take is None or not take.fps else take.fps / project.fps


# --- ripple delete ----------------------------------------------------------------------------------------

@dataclass
class ShiftMarkers(Command):
    """Move markers by ``deltas`` (marker id -> frames); the cut's I/O marks move with ``range_delta`` each."""

    deltas: dict[str, int]
    range_deltas: tuple[int, int] = (0, 0)
    text: str = "Move markers"
    _old: dict[str, int] = field(default_factory=dict, repr=False)
    _old_range: tuple[int | None, int | None] = (None, None)

    def apply(self, project: Project) -> Change:
        self._old = {m.id: m.frame for m in project.markers if m.id in self.deltas}
        for marker in project.markers:
            if marker.id in self.deltas:
                marker.frame = max(0, marker.frame + self.deltas[marker.id])
        export = project.export
        self._old_range = (export.range_in, export.range_out)
        if export.range_in is not None:
            export.range_in = max(0, export.range_in + self.range_deltas[0])
        if export.range_out is not None:
            export.range_out = max(1, export.range_out + self.range_deltas[1])
        return Change("markers", tuple(self.deltas))

    def revert(self, project: Project) -> Change:
        for marker in project.markers:
            if marker.id in self._old:
                marker.frame = self._old[marker.id]
        project.export.range_in, project.export.range_out = self._old_range
        return Change("markers", tuple(self.deltas))

    def verify(self, project: Project) -> bool:
        return True  # every frame was assigned through the model's own validation


def ripple_delete(project: Project, shot_ids: list[str]) -> Command | None:
    """Take the shots out of the cut and close the gap: later shots, markers and I/O marks move up.

    The shots' lines go with them (they were heard over that picture); their takes' files stay on disk, and
    undo puts shots, takes and lines back exactly.
    """
    chosen = set(shot_ids)
    starts = shot_film_starts(project)
    doomed = {s.id: (starts[s.id], starts[s.id] + s.duration_frames) for s in project.shots if s.id in chosen}
    if not doomed:
        return None

    def removed_before(frame: int) -> int:
        return sum(min(end, frame) - start for start, end in doomed.values() if start < frame)

    deltas = {m.id: -removed_before(m.frame) for m in project.markers if removed_before(m.frame)}
    export = project.export
    ranges = (-removed_before(export.range_in) if export.range_in is not None else 0,
              -removed_before(export.range_out) if export.range_out is not None else 0)
    commands: list[Command] = [RemoveShot(i) for i in doomed]
    if deltas or any(ranges):
        commands.append(ShiftMarkers(deltas, ranges))
    text = "Ripple delete" if len(doomed) == 1 else f"Ripple delete {len(doomed)} shots"
    return DragEdit(commands, text=text, change=Change("shots", tuple(doomed)))


# --- roll, slide, slip ------------------------------------------------------------------------------------

def _end_limits(origin: TrimOrigin) -> tuple[int, int]:
    """How far (lo, hi) a shot's end may move: at least one frame stays, a take never stretches past its end."""
    lo = 1 - origin.duration
    hi = MAX_SHOT_FRAMES - origin.duration
    if origin.take_id is not None:
        hi = min(hi, int((origin.take_frames - origin.trim_in) / origin.source_per_frame) - origin.duration)
    return lo, max(lo, hi)


def _start_limits(origin: TrimOrigin) -> tuple[int, int]:
    """How far (lo, hi) a shot's start may move: at least one frame stays, a take never starts before frame 0."""
    hi = origin.duration - 1
    lo = origin.duration - MAX_SHOT_FRAMES
    if origin.take_id is not None:
        lo = max(lo, -int(origin.trim_in / origin.source_per_frame))
    return min(lo, hi), hi


def _move_end(origin: TrimOrigin, delta: int, key: str) -> list[Command]:
    duration = origin.duration + delta
    trim_out = None
    if origin.take_id is not None:
        trim_out = min(origin.take_frames, origin.trim_in + max(1, round(duration * origin.source_per_frame)))
    return shot_edit_commands(origin, duration, origin.trim_in, trim_out, key)


def _move_start(origin: TrimOrigin, delta: int, key: str) -> list[Command]:
    duration = origin.duration - delta
    trim_in = max(0, origin.trim_in + round(delta * origin.source_per_frame))
    return shot_edit_commands(origin, duration, trim_in, origin.trim_out if origin.take_id else None, key)


def _clamp(value: int, *limits: tuple[int, int]) -> int:
    lo = max(limit[0] for limit in limits)
    hi = min(limit[1] for limit in limits)
    return 0 if lo > hi else max(lo, min(hi, value))


def _join_move(before: TrimOrigin, after: TrimOrigin, delta: int, key: str, text: str,
               changed: tuple[str, ...]) -> tuple[DragEdit, int]:
    """``before``'s end and ``after``'s start both move by ``delta`` (clamped so both stay valid)."""
    delta = _clamp(delta, _end_limits(before), _start_limits(after))
    commands = _move_end(before, delta, key) + _move_start(after, delta, key)
    return DragEdit(commands, text=text, merge_key=key, change=Change("shots", changed)), delta


def roll_origins(project: Project, left_id: str) -> tuple[TrimOrigin, TrimOrigin]:
    """The shot ``left_id`` and the one after it: the two sides of the join a roll moves."""
    index = project.shot_index(left_id)
    if index + 1 >= len(project.shots):
        raise EditRefused("a roll needs a shot after this one")
    return trim_origin(project, left_id), trim_origin(project, project.shots[index + 1].id)


def roll(left: TrimOrigin, right: TrimOrigin, delta: int, key: str) -> tuple[DragEdit, int]:
    """Roll the join between two neighbours by ``delta`` frames: one gets longer, the other shorter, the cut's
    length and every later shot stay. Returns the command and the delta it could apply."""
    return _join_move(left, right, delta, key, "Roll edit", (left.shot_id, right.shot_id))


def slide_origins(project: Project, shot_id: str) -> tuple[TrimOrigin, TrimOrigin]:
    """The neighbours of ``shot_id`` whose lengths a slide changes."""
    index = project.shot_index(shot_id)
    if not 0 < index < len(project.shots) - 1:
        raise EditRefused("a slide needs a shot on each side")
    return trim_origin(project, project.shots[index - 1].id), trim_origin(project, project.shots[index + 1].id)


def slide(before: TrimOrigin, after: TrimOrigin, delta: int, key: str) -> tuple[DragEdit, int]:
    """Slide the shot between ``before`` and ``after`` by ``delta`` frames: it keeps its length and frames;
    the shot before grows (or shrinks) at its end, the shot after shrinks (or grows) at its start."""
    return _join_move(before, after, delta, key, "Slide shot", (before.shot_id, after.shot_id))


def slip(origin: TrimOrigin, delta: int, key: str) -> tuple[Command | None, int]:
    """Slip the take inside its shot by ``delta`` project frames: other frames of the take show, the shot keeps
    its length and place. None when the shot has no take (nothing to slip)."""
    if origin.take_id is None:
        return None, 0
    r = origin.source_per_frame
    source = round(delta * r)
    source = max(-origin.trim_in, min(source, origin.take_frames - origin.trim_out))
    trim_in, trim_out = origin.trim_in + source, origin.trim_out + source
    commands = shot_edit_commands(origin, origin.duration, trim_in, trim_out, key)
    return DragEdit(commands, text="Slip take", merge_key=key, change=Change("shots", (origin.shot_id,))), source


# --- moving shots -----------------------------------------------------------------------------------------

@dataclass
class ReorderShots(Command):
    """Put the shots in ``order`` (ids of every shot); undo restores the order before."""

    order: list[str]
    text: str = "Move shots"
    merge_key: str = ""
    _before: list[str] = field(default_factory=list, repr=False)

    def apply(self, project: Project) -> Change:
        current = [s.id for s in project.shots]
        if sorted(current) != sorted(self.order):
            raise EditRefused("the cut changed: move the shots again")
        self._before = current
        self._arrange(project, self.order)
        return Change("shots", tuple(self.order))

    def revert(self, project: Project) -> Change:
        self._arrange(project, self._before)
        return Change("shots", tuple(self._before))

    def verify(self, project: Project) -> bool:
        return True  # the same shots in another order

    @staticmethod
    def _arrange(project: Project, order: list[str]) -> None:
        by_id = {s.id: s for s in project.shots}
        project.shots[:] = [by_id[i] for i in order]

    def merge(self, other: Command) -> bool:
        if isinstance(other, ReorderShots) and self.merge_key and other.merge_key == self.merge_key:
            self.order = list(other.order)  # keep our ``_before``: undo restores the order before the drag
            return True
        return False


def moved_order(layout: TimelineLayout, shot_ids: list[str], drop_frame: int) -> list[str]:
    """The cut's order after the shots ``shot_ids`` (kept in their order) are dropped at film ``drop_frame``:
    they go before the first other shot whose middle lies after the drop point. ``layout`` is the cut before
    the move (a drag computes every step from where it began)."""
    chosen = set(shot_ids)
    moving = [s.shot_id for s in layout.shots if s.shot_id in chosen]
    rest = [s for s in layout.shots if s.shot_id not in chosen]
    at = next((i for i, s in enumerate(rest) if s.start + s.duration / 2 > drop_frame), len(rest))
    order = [s.shot_id for s in rest]
    return order[:at] + moving + order[at:]


def move_shots(project: Project, shot_ids: list[str], drop_frame: int, key: str = "") -> ReorderShots | None:
    """Move the selected shots together to ``drop_frame``; None when the order would not change."""
    order = moved_order(compute_layout(project), shot_ids, drop_frame)
    if order == [s.id for s in project.shots]:
        return None
    return ReorderShots(order, text="Move shot" if len(shot_ids) == 1 else f"Move {len(shot_ids)} shots",
                        merge_key=key)


# --- markers and the cut's I/O marks ----------------------------------------------------------------------

@dataclass
class AddMarker(Command):
    marker: Marker
    text: str = "Add marker"

    def apply(self, project: Project) -> Change:
        project.markers.append(self.marker.model_copy(deep=True))
        project.markers.sort(key=lambda m: m.frame)
        return Change("markers", (self.marker.id,))

    def revert(self, project: Project) -> Change:
        project.markers[:] = [m for m in project.markers if m.id != self.marker.id]
        return Change("markers", (self.marker.id,))

    def verify(self, project: Project) -> bool:
        try:
            project._unique_ids()  # the marker itself was validated when it was made
        except ValueError:
            return False
        return True


@dataclass
class EditMarker(Command):
    """Rename or move one marker (a drag merges by its key)."""

    marker_id: str
    name: str | None = None
    frame: int | None = None
    text: str = "Edit marker"
    merge_key: str = ""
    _old: tuple[str, int] | None = None

    def apply(self, project: Project) -> Change:
        marker = _marker(project, self.marker_id)
        self._old = (marker.name, marker.frame)
        if self.name is not None:
            marker.name = self.name
        if self.frame is not None:
            marker.frame = max(0, self.frame)
        return Change("markers", (self.marker_id,))

    def revert(self, project: Project) -> Change:
        assert self._old is not None
        marker = _marker(project, self.marker_id)
        marker.name, marker.frame = self._old
        return Change("markers", (self.marker_id,))

    def verify(self, project: Project) -> bool:
        return True  # assigned through the model's own validation

    def merge(self, other: Command) -> bool:
        if isinstance(other, EditMarker) and self.merge_key and other.merge_key == self.merge_key:
            self.name, self.frame = other.name, other.frame
            return True
        return False


@dataclass
class RemoveMarker(Command):
    marker_id: str
    text: str = "Delete marker"
    _at: int = 0
    _marker: Marker | None = None

    def apply(self, project: Project) -> Change:
        self._marker = _marker(project, self.marker_id)
        self._at = project.markers.index(self._marker)
        project.markers.pop(self._at)
        return Change("markers", (self.marker_id,))

    def revert(self, project: Project) -> Change:
        assert self._marker is not None
        project.markers.insert(self._at, self._marker)
        return Change("markers", (self.marker_id,))

    def verify(self, project: Project) -> bool:
        return True


def _marker(project: Project, marker_id: str) -> Marker:
    for marker in project.markers:
        if marker.id == marker_id:
            return marker
    raise EditRefused(f"no marker {marker_id!r}")


def add_marker(project: Project, frame: int, name: str | None = None) -> AddMarker:
    """M: a marker at ``frame`` named ``name`` (default 'Marker N')."""
    return AddMarker(Marker(frame=max(0, frame), name=name or f"Marker {len(project.markers) + 1}"))


def set_range_mark(project: Project, edge: str, frame: int) -> SetFields:
    """I / O on the cut: the partial export's first frame (``in``) or the frame after its last (``out``).
    A mark that would cross the other one clears that other one (the new mark wins, as in an NLE)."""
    export = project.export
    if edge == "in":
        values = {"range_in": max(0, frame)}
        if export.range_out is not None and export.range_out <= frame:
            values["range_out"] = None
    else:
        values = {"range_out": max(1, frame)}
        if export.range_in is not None and export.range_in >= frame:
            values["range_in"] = None
    return SetFields("export", (), values, text="Mark in" if edge == "in" else "Mark out")


def clear_range_marks() -> SetFields:
    return SetFields("export", (), {"range_in": None, "range_out": None}, text="Clear in/out")


def export_range(project: Project, total: int) -> tuple[int, int]:
    """The frames [first, end) a partial export renders: the I/O marks, clipped to the film (whole film when unset)."""
    export = project.export
    first = 0 if export.range_in is None else min(export.range_in, max(0, total - 1))
    end = total if export.range_out is None else min(export.range_out, total)
    return first, max(first + 1, end) if total else 0


__all__ = ["AddMarker", "EditMarker", "EditRefused", "RemoveMarker", "ReorderShots", "ShiftMarkers", "add_marker",
           "blade", "blade_at_playhead", "clear_range_marks", "export_range", "move_shots", "moved_order",
           "ripple_delete", "roll", "roll_origins", "set_range_mark", "shot_under", "slide", "slide_origins", "slip"]
