"""Pointer gestures on the timeline: what is under the pointer, clicks that select, drags that scrub the
playhead, trim a shot's edge or move a voice line or music clip (each drag one mergeable undo step, with
snapping), the hover cursor, and the double-click / context menus for transitions."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QPoint, QPointF, Qt, SignalInstance
from PySide6.QtWidgets import QGraphicsScene, QMenu, QWidget

from studio.project import StoryreelError
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

from . import style
from .items import ClipItem
from .scene_items import SceneItems
from .track_geometry import TrackGeometry


class GestureHost(Protocol):
    """What the gestures need from the timeline view."""

    session: Any  # the ProjectSession
    track_geometry: TrackGeometry
    scene_items: SceneItems
    snapping: bool
    shotActivated: SignalInstance

    @property
    def layout_frames(self) -> TimelineLayout: ...

    def scene(self) -> QGraphicsScene: ...

    def viewport(self) -> QWidget: ...

    def sync(self) -> None: ...

    def transition_menu(self, shot_id: str) -> QMenu: ...


@dataclass
class _Drag:
    mode: str  # scrub | trim | line | music
    press_x: float
    key: str = ""
    object_id: str = ""
    edge: str = ""
    origin: TrimOrigin | None = None
    start_frame: int = 0
    layout: TimelineLayout | None = None
    last: object = None
    snaps: list[int] | None = None


def snap(frame: int, candidates: list[int] | None, reach: float) -> int:
    """The candidate nearest ``frame`` within ``reach`` frames (``candidates`` sorted), else ``frame``."""
    if not candidates:
        return frame
    i = bisect.bisect_left(candidates, frame)
    best = frame
    for c in candidates[max(0, i - 1): i + 1]:
        if abs(c - frame) <= reach and abs(c - frame) < abs(best - frame) + (best == frame) * reach * 2:
            best = c
    return best


class TimelineGestures:
    def __init__(self, view: GestureHost) -> None:
        self.view = view
        self.drag: _Drag | None = None
        self._hover_clip: ClipItem | None = None

    @property
    def dragging(self) -> bool:
        return self.drag is not None

    # --- snapping --------------------------------------------------------------------------------------------
    def _snap(self, frame: int, candidates: list[int] | None) -> int:
        if not self.view.snapping:
            return frame
        return snap(frame, candidates, style.SNAP_PX / self.view.track_geometry.px_per_frame)

    def _snap_points(self, exclude: set[int] = frozenset()) -> list[int]:
        points = set(self.view.layout_frames.edges()) | {self.view.session.playhead()}
        return sorted(points - set(exclude))

    # --- what is under the pointer ---------------------------------------------------------------------------
    def hit(self, scene_pos: QPointF) -> tuple[str, object, str]:
        """(kind, item, edge) under the pointer: a clip's trim handle wins over what is drawn on top of it."""
        items = self.view.scene().items(scene_pos)
        for item in items:
            if isinstance(item, ClipItem):
                local = scene_pos.x() - item.x()
                if item.width >= 3 * style.HANDLE_PX:
                    if local <= style.HANDLE_PX:
                        return "clip", item, "left"
                    if local >= item.width - style.HANDLE_PX:
                        return "clip", item, "right"
        for item in items:
            kind = getattr(item, "kind", None)
            if kind in ("clip", "transition", "line", "music", "card"):
                return kind, item, ""
        return "", None, ""

    # --- press, drag, release --------------------------------------------------------------------------------
    def press(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        """A left press at scene ``pos``: scrub on the ruler, start a trim/move, or select."""
        view, session, layout = self.view, self.view.session, self.view.layout_frames
        if pos.y() < style.RULER_H:
            self.drag = _Drag("scrub", pos.x(), snaps=layout.edges())
            session.set_playhead(self._snap(view.track_geometry.frame_at(pos.x()), self.drag.snaps))
            return
        kind, item, edge = self.hit(pos)
        if kind == "clip" and edge:
            origin = trim_origin(session.project, item.shot_id)
            span = next(s for s in layout.shots if s.shot_id == item.shot_id)
            self.drag = _Drag("trim", pos.x(), key=new_drag_key("trim", item.shot_id), object_id=item.shot_id,
                              edge=edge, origin=origin, start_frame=span.start,
                              snaps=self._snap_points(exclude={span.end}))
            session.select_shots([item.shot_id])
        elif kind == "clip":
            self._select_clip(item.shot_id, modifiers)
        elif kind == "transition":
            session.select_shots([item.shot_id])
        elif kind == "card":
            view.scene_items.select_card(item.card_id)
        elif kind == "line":
            span = next(s for s in layout.lines if s.line_id == item.line_id)
            self.drag = _Drag("line", pos.x(), key=new_drag_key("line", item.line_id), object_id=item.line_id,
                              start_frame=span.start, layout=layout, snaps=self._snap_points())
            view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        elif kind == "music":
            span = next(s for s in layout.music if s.clip_id == item.clip_id)
            self.drag = _Drag("music", pos.x(), key=new_drag_key("music", item.clip_id), object_id=item.clip_id,
                              start_frame=span.start, layout=layout, snaps=self._snap_points())
            view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        elif kind == "":
            view.scene_items.select_card(None)
            session.select_shots([])

    def _select_clip(self, shot_id: str, modifiers: Qt.KeyboardModifier) -> None:
        session = self.view.session
        current = session.selected_shot_ids()
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            ids = [i for i in current if i != shot_id] if shot_id in current else [*current, shot_id]
        elif modifiers & Qt.KeyboardModifier.ShiftModifier and current:
            order = [s.shot_id for s in self.view.layout_frames.shots]
            a, b = order.index(current[-1]), order.index(shot_id)
            ids = [*current, *order[min(a, b): max(a, b) + 1]]
        else:
            ids = [shot_id]
        session.select_shots(ids)

    def move(self, pos: QPointF) -> bool:
        """The pointer moved to scene ``pos``: follow the drag (True), or update the hover (False)."""
        drag = self.drag
        if drag is None:
            self._update_hover(pos)
            return False
        session = self.view.session
        delta = round((pos.x() - drag.press_x) / self.view.track_geometry.px_per_frame)
        try:
            if drag.mode == "scrub":
                session.set_playhead(self._snap(self.view.track_geometry.frame_at(pos.x()), drag.snaps))
            elif drag.mode == "trim":
                assert drag.origin is not None
                if drag.edge == "right":
                    end = drag.start_frame + drag.origin.duration + delta
                    delta = self._snap(end, drag.snaps) - drag.start_frame - drag.origin.duration
                values = trimmed(drag.origin, drag.edge, delta)
                unchanged = values == (drag.origin.duration, drag.origin.trim_in, drag.origin.trim_out
                                       ) if drag.origin.take_id else values[0] == drag.origin.duration
                # Nothing lands on the undo stack until the drag really changes the shot.
                if values != drag.last and (drag.last is not None or not unchanged):
                    drag.last = values
                    session.push(trim_command(drag.origin, drag.edge, delta, drag.key))
            elif drag.mode == "line":
                assert drag.layout is not None
                frame = self._snap(max(0, drag.start_frame + delta), drag.snaps)
                if frame != drag.last and (drag.last is not None or frame != drag.start_frame):
                    drag.last = frame
                    session.push(move_line_command(drag.layout, drag.object_id, frame, drag.key))
            elif drag.mode == "music":
                assert drag.layout is not None
                frame = self._snap(max(drag.layout.lead, drag.start_frame + delta), drag.snaps)
                if frame != drag.last and (drag.last is not None or frame != drag.start_frame):
                    drag.last = frame
                    session.push(move_music_command(drag.layout, drag.object_id, frame, drag.key))
        except StoryreelError:
            pass  # an edit the model refuses (e.g. past a limit) simply does not happen
        return True

    def release(self) -> bool:
        """A left release: end the drag (True) — or False when there was none."""
        if self.drag is None:
            return False
        self.drag = None
        self.view.viewport().unsetCursor()
        self.view.sync()
        return True

    # --- hover -----------------------------------------------------------------------------------------------
    def _update_hover(self, pos: QPointF) -> None:
        kind, item, edge = self.hit(pos) if pos.y() >= style.RULER_H else ("ruler", None, "")
        clip = item if kind == "clip" and edge else None
        if self._hover_clip is not None and self._hover_clip is not clip:
            self._hover_clip.set_hover_edge(None)
        self._hover_clip = clip
        viewport = self.view.viewport()
        if clip is not None:
            clip.set_hover_edge(edge)
            viewport.setCursor(Qt.CursorShape.SizeHorCursor)
        elif kind in ("line", "music"):
            viewport.setCursor(Qt.CursorShape.OpenHandCursor)
        elif kind == "ruler":
            viewport.setCursor(Qt.CursorShape.IBeamCursor)
        else:
            viewport.unsetCursor()

    def leave(self) -> None:
        if self._hover_clip is not None:
            self._hover_clip.set_hover_edge(None)
            self._hover_clip = None

    # --- menus -----------------------------------------------------------------------------------------------
    def double_click(self, pos: QPointF, screen_pos: QPoint) -> None:
        """On a transition or a clip's edge: the transition menu; on a clip: ``shotActivated``."""
        view = self.view
        kind, item, edge = self.hit(pos)
        if kind == "transition" or (kind == "clip" and edge == "left"):
            view.transition_menu(item.shot_id).exec(screen_pos)
        elif kind == "clip" and edge == "right":
            index = view.session.project.shot_index(item.shot_id)
            shots = view.session.project.shots
            if index + 1 < len(shots):
                view.transition_menu(shots[index + 1].id).exec(screen_pos)
        elif kind == "clip":
            view.shotActivated.emit(item.shot_id)

    def context_menu(self, pos: QPointF, screen_pos: QPoint) -> bool:
        """Right-click on a clip or transition: its transition menu (True); elsewhere nothing (False)."""
        kind, item, _ = self.hit(pos)
        if kind not in ("clip", "transition"):
            return False
        session = self.view.session
        if kind == "clip" and item.shot_id not in session.selected_shot_ids():
            session.select_shots([item.shot_id])
        self.view.transition_menu(item.shot_id).exec(screen_pos)
        return True
