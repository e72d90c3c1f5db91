"""Pointer gestures on the timeline: what is under the pointer, which interaction a press starts (given the
tool in use and the modifiers), clicks that select, the hover cursor, and the double-click / context menus.

The drags themselves are interaction classes (``interactions``); this module only picks one and feeds it.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QPoint, QPointF, Qt, SignalInstance
from PySide6.QtWidgets import QGraphicsScene, QMenu, QWidget

from studio.timeline import nle_edits
from studio.timeline.layout import TimelineLayout

from . import style
from .interactions import (
    TOOL_CURSORS,
    Blade,
    Interaction,
    MoveLine,
    MoveMarker,
    MoveMusic,
    MoveShots,
    Roll,
    RubberBand,
    Scrub,
    Slide,
    Slip,
    Trim,
)
from .items import ClipItem
from .mark_items import MarkerItem

Mod = Qt.KeyboardModifier


class GestureHost(Protocol):
    """What the gestures need from the timeline view (and what they hand to interactions)."""

    session: Any  # the ProjectSession
    tool: str  # select | blade | roll | slip | slide
    shotActivated: SignalInstance

    @property
    def layout_frames(self) -> TimelineLayout: ...

    def scene(self) -> QGraphicsScene: ...

    def viewport(self) -> QWidget: ...

    def sync(self) -> None: ...

    def transition_menu(self, shot_id: str) -> QMenu: ...

    def rename_marker(self, marker_id: str) -> None: ...

    def marker_menu(self, marker_id: str) -> QMenu: ...


class TimelineGestures:
    def __init__(self, view: GestureHost) -> None:
        self.view = view
        self.drag: Interaction | None = None
        self._hover_clip: ClipItem | None = None

    @property
    def dragging(self) -> bool:
        return self.drag is not None

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
            if kind in ("clip", "transition", "line", "sound", "music", "card"):
                return kind, item, ""
        return "", None, ""

    def marker_at(self, scene_pos: QPointF) -> MarkerItem | None:
        """The marker whose flag is under the pointer (in the ruler)."""
        for item in self.view.scene().items(scene_pos):
            if isinstance(item, MarkerItem) and item.flag_rect().contains(item.mapFromScene(scene_pos)):
                return item
        return None

    def _join_for(self, item: ClipItem, scene_pos: QPointF) -> str | None:
        """The shot on the left of the join nearest the pointer inside ``item`` (for a roll)."""
        shots = self.view.session.project.shots
        index = self.view.session.project.shot_index(item.shot_id)
        left = index - 1 if scene_pos.x() - item.x() < item.width / 2 else index
        return shots[left].id if 0 <= left < len(shots) - 1 else None

    # --- press, drag, release --------------------------------------------------------------------------------
    def press(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        """A left press at scene ``pos``: start the interaction the tool and what is under the pointer call for."""
        self.drag = self._start(pos, modifiers)
        if self.drag is not None:
            self.view.viewport().setCursor(self.drag.cursor)

    def _start(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> Interaction | None:
        view, session = self.view, self.view.session
        if pos.y() < style.RULER_H:
            marker = self.marker_at(pos)
            if marker is not None:
                frame = next(m.frame for m in session.project.markers if m.id == marker.marker_id)
                return MoveMarker(view, pos, marker.marker_id, frame)
            return Scrub(view, pos)
        kind, item, edge = self.hit(pos)
        tool = view.tool
        try:
            if kind == "clip":
                return self._start_on_clip(item, edge, pos, modifiers, tool)
        except nle_edits.EditRefused as exc:
            view.say(str(exc))
            return None
        if kind in ("transition", "sound"):
            session.select_shots([item.shot_id])
        elif kind == "card":
            view.scene_items.select_card(item.card_id)
        elif kind == "line":
            span = next(s for s in view.layout_frames.lines if s.line_id == item.line_id)
            return MoveLine(view, pos, item.line_id, span.start)
        elif kind == "music":
            span = next(s for s in view.layout_frames.music if s.clip_id == item.clip_id)
            return MoveMusic(view, pos, item.clip_id, span.start)
        elif kind == "":
            view.scene_items.select_card(None)
            return RubberBand(view, pos, extend=bool(modifiers & (Mod.ShiftModifier | Mod.ControlModifier)))
        return None

    def _start_on_clip(self, item: ClipItem, edge: str, pos: QPointF, modifiers: Qt.KeyboardModifier,
                       tool: str) -> Interaction | None:
        view, session, shot_id = self.view, self.view.session, item.shot_id
        if tool == "blade":
            Blade(view, pos, shot_id)
            return None
        if tool == "roll":
            left = self._join_for(item, pos)
            if left is None:
                raise nle_edits.EditRefused("a roll moves the join between two shots: press near one")
            session.select_shots([left, session.project.shots[session.project.shot_index(left) + 1].id])
            return Roll(view, pos, left)
        if tool == "slip" or (tool == "select" and modifiers & Mod.AltModifier):
            session.select_shots([shot_id])
            return Slip(view, pos, shot_id)
        if tool == "slide":
            session.select_shots([shot_id])
            return Slide(view, pos, shot_id)
        if edge:
            session.select_shots([shot_id])
            return Trim(view, pos, shot_id, edge)
        current = session.selected_shot_ids()
        if modifiers & (Mod.ControlModifier | Mod.ShiftModifier):
            self._select_clip(shot_id, modifiers)
            return None
        if shot_id in current and len(current) > 1:  # drag the whole selection; a plain click picks this one
            return MoveShots(view, pos, current, clicked=shot_id)
        session.select_shots([shot_id])
        return MoveShots(view, pos, [shot_id], clicked=None)

    def _select_clip(self, shot_id: str, modifiers: Qt.KeyboardModifier) -> None:
        session = self.view.session
        current = session.selected_shot_ids()
        if modifiers & Mod.ControlModifier:
            ids = [i for i in current if i != shot_id] if shot_id in current else [*current, shot_id]
        elif current:
            order = [s.shot_id for s in self.view.layout_frames.shots]
            a, b = order.index(current[-1]), order.index(shot_id)
            ids = [*current, *order[min(a, b): max(a, b) + 1]]
        else:
            ids = [shot_id]
        session.select_shots(ids)

    def move(self, pos: QPointF) -> bool:
        """The pointer moved to scene ``pos``: follow the drag (True), or update the hover (False)."""
        if self.drag is None:
            self._update_hover(pos)
            return False
        self.drag.move(pos)
        return True

    def release(self, pos: QPointF | None = None) -> bool:
        """A left release: end the drag (True) — or False when there was none."""
        if self.drag is None:
            return False
        drag, self.drag = self.drag, None
        drag.finish(pos)
        self.view.viewport().setCursor(TOOL_CURSORS[self.view.tool])
        self.view.sync()
        return True

    # --- hover -----------------------------------------------------------------------------------------------
    def _update_hover(self, pos: QPointF) -> None:
        kind, item, edge = self.hit(pos) if pos.y() >= style.RULER_H else ("ruler", None, "")
        tool = self.view.tool
        clip = item if kind == "clip" and edge and tool == "select" else None
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
            viewport.setCursor(TOOL_CURSORS[tool])

    def leave(self) -> None:
        if self._hover_clip is not None:
            self._hover_clip.set_hover_edge(None)
            self._hover_clip = None

    # --- menus -----------------------------------------------------------------------------------------------
    def double_click(self, pos: QPointF, screen_pos: QPoint) -> None:
        """On a marker: rename it; on a transition or a clip's edge: the transition menu; on a clip:
        ``shotActivated``."""
        view = self.view
        marker = self.marker_at(pos)
        if marker is not None:
            view.rename_marker(marker.marker_id)
            return
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
        """Right-click on a marker: rename or delete it; on a clip or transition: its transition menu (True);
        elsewhere nothing (False)."""
        marker = self.marker_at(pos)
        if marker is not None:
            menu = self.view.marker_menu(marker.marker_id)
            menu.exec(screen_pos)
            menu.deleteLater()
            return True
        kind, item, _ = self.hit(pos)
        if kind not in ("clip", "transition"):
            return False
        session = self.view.session
        if kind == "clip" and item.shot_id not in session.selected_shot_ids():
            session.select_shots([item.shot_id])
        self.view.transition_menu(item.shot_id).exec(screen_pos)
        return True
