"""TimelineView: the cut as a video track, a voice track and a music track under a time ruler.

Gestures become model commands pushed on the session (never direct edits); the view redraws when the
session says the project changed. The view owns the scene, zoom, scrolling, the tool in use and snapping;
``scene_items`` keeps the items in line with the layout, ``gestures`` picks the interaction a press starts
(``interactions``: one class per kind of drag).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QInputDialog, QMenu, QWidget

from studio.project import StoryreelError
from studio.timeline import nle_edits
from studio.timeline.layout import TimelineLayout, compute_layout, document_layout
from studio.timeline.snapping import snap, snap_points

from . import style
from .filmstrip import FilmstripCache
from .gestures import TimelineGestures
from .interactions import TOOL_CURSORS
from .items import CardItem, ClipItem, LineItem, PlayheadItem, SoundItem
from .mark_items import RubberBandItem
from .ruler import RulerItem
from .scene_items import SceneItems, sound_key
from .tool_bar import build_tool_bar
from .track_geometry import TrackGeometry
from .track_header import TrackHeader
from .transition_menu import set_transition, transition_menu
from .waveform import WaveformCache

MIN_PX_PER_FRAME = 0.02
MAX_PX_PER_FRAME = 40.0
ZOOM_STEP = 1.25


class TimelineView(QGraphicsView):
    """The editor's timeline. Signals: ``zoomChanged(px_per_frame)``, ``shotActivated(shot_id)`` (double-click),
    ``toolChanged(name)``, ``message(text)`` (why a tool could not do something, for the status bar)."""

    zoomChanged = Signal(float)
    shotActivated = Signal(str)
    toolChanged = Signal(str)
    message = Signal(str)
    # Continuity asks the window to generate: extend a shot's take (seconds, 0 = ask how many), bridge a shot
    # to the next one.
    extendRequested = Signal(str, float)
    bridgeRequested = Signal(str)

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.snapping = True
        self.tool = "select"
        self.last_message = ""
        self._layout: TimelineLayout = compute_layout(session.project)
        self.track_geometry = TrackGeometry(px_per_frame=4.0, voice_lanes=self._layout.voice_lanes)
        # What the next sync must repaint: geometry is always refreshed; labels only for what changed.
        self._dirty_all = True
        self._dirty_ids: set[str] = set()

        scene = QGraphicsScene(self)
        # Items move only on edits and zoom; a BSP index makes "what is visible" cheap while scrolling.
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.setScene(scene)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setViewportMargins(style.HEADER_W, style.TOOLBAR_H, 0, 0)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._header = TrackHeader(self, self.track_rows, session)
        self.verticalScrollBar().valueChanged.connect(self._header.update)

        self.filmstrips = FilmstripCache(height=style.VIDEO_H - 2, parent=self)
        self.waveforms = WaveformCache()
        self.scene_items = SceneItems(scene, session, self.filmstrips, self.waveforms)
        self.filmstrips.ready.connect(self.scene_items.repaint_filmstrip)
        # The item tables and the filmstrip source under the names tests reach them by.
        self._clips, self._transitions, self._music = (self.scene_items.clips, self.scene_items.transitions,
                                                       self.scene_items.music)
        self._frames_for = self.scene_items.frames_for
        self.gestures = TimelineGestures(self)
        self.ruler = RulerItem()
        scene.addItem(self.ruler)
        self.playhead_item = PlayheadItem()
        scene.addItem(self.playhead_item)
        self.rubber_band = RubberBandItem()
        scene.addItem(self.rubber_band)

        self._build_actions()
        self.tool_bar, self.tool_actions = build_tool_bar(self, self.snap_action)
        for name, act in self.tool_actions.items():
            act.triggered.connect(lambda _checked=False, tool=name: self.set_tool(tool))
        self._sync_timer = QTimer(self)
        self._sync_timer.setSingleShot(True)
        self._sync_timer.setInterval(0)  # coalesce a burst of changes (a batch, a generation run) into one rebuild
        self._sync_timer.timeout.connect(self.sync)
        session.changed.connect(self._on_changed)
        session.selectionChanged.connect(self.scene_items.show_selection)
        session.playheadChanged.connect(self._on_playhead)
        self.sync()

    # --- actions ---------------------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        def action(text: str, shortcut: str | QKeySequence.StandardKey, slot, tip: str) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.setToolTip(f"{tip} ({act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.zoom_in_action = action("Zoom In", "Ctrl+=", self.zoom_in, "Zoom in on the timeline")
        self.zoom_out_action = action("Zoom Out", "Ctrl+-", self.zoom_out, "Zoom out")
        self.zoom_fit_action = action("Fit Timeline", "Shift+Z", self.zoom_fit, "Show the whole cut")
        self.snap_action = action("Snap", "S", lambda checked: self.set_snapping(checked),
                                  "Snap edges and lines to shot boundaries and the playhead")
        self.snap_action.setCheckable(True)
        self.snap_action.setChecked(self.snapping)

    def timeline_actions(self) -> list[QAction]:
        """Zoom in/out/fit and the snapping toggle, for the window's toolbar and menus."""
        return [self.zoom_in_action, self.zoom_out_action, self.zoom_fit_action, self.snap_action]

    def set_snapping(self, enabled: bool) -> None:
        self.snapping = bool(enabled)
        if self.snap_action.isChecked() != self.snapping:
            self.snap_action.setChecked(self.snapping)

    def set_tool(self, name: str) -> None:
        """Make ``name`` (select, blade, roll, slip, slide) the tool in use: its button is checked and the
        pointer takes its cursor over the tracks."""
        if name not in self.tool_actions:
            raise ValueError(f"no timeline tool {name!r}")
        if not self.tool_actions[name].isChecked():
            self.tool_actions[name].setChecked(True)
        if name != self.tool:
            self.tool = name
            self.viewport().setCursor(TOOL_CURSORS[name])
            self.toolChanged.emit(name)

    def snap_frame(self, frame: int, candidates: list[int] | None) -> int:
        """``frame`` pulled to the nearest candidate within the snap distance, when snapping is on."""
        if not self.snapping:
            return frame
        return snap(frame, candidates, style.SNAP_PX / self.track_geometry.px_per_frame)

    def snap_candidates(self, exclude: set[int] = frozenset()) -> list[int]:  # type: ignore[assignment]
        """Clip edges, line boundaries, markers and the playhead (``exclude``: the dragged thing's own edge)."""
        markers = (m.frame for m in self.session.project.markers)
        return snap_points(self._layout, self.session.playhead(), markers, exclude)

    def say(self, text: str) -> None:
        self.last_message = text
        self.message.emit(text)

    def marker_menu(self, marker_id: str) -> QMenu:
        """Rename… and Delete for one marker (its flag's right-click menu)."""
        menu = QMenu(self)
        menu.addAction("Rename Marker…", lambda: self.rename_marker(marker_id))

        def delete() -> None:
            try:
                self.session.push(nle_edits.RemoveMarker(marker_id))
            except (StoryreelError, ValueError) as exc:
                self.say(str(exc))

        menu.addAction("Delete Marker", delete)
        return menu

    def rename_marker(self, marker_id: str) -> QInputDialog:
        """Ask for a marker's new name (a window-modal dialog; OK renames it as one undo step)."""
        marker = next(m for m in self.session.project.markers if m.id == marker_id)
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Rename marker")
        dialog.setLabelText("Marker name:")
        dialog.setTextValue(marker.name)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def rename(name: str) -> None:
            if name.strip() and name != marker.name:
                try:
                    self.session.push(nle_edits.EditMarker(marker_id, name=name.strip(), text="Rename marker"))
                except (StoryreelError, ValueError) as exc:
                    self.say(str(exc))

        dialog.textValueSelected.connect(rename)
        dialog.open()
        return dialog

    # --- geometry --------------------------------------------------------------------------------------------
    @property
    def layout_frames(self) -> TimelineLayout:
        return self._layout

    @property
    def px_per_frame(self) -> float:
        return self.track_geometry.px_per_frame

    def x_for_frame(self, frame: float) -> float:
        return self.track_geometry.x_for_frame(frame)

    def frame_at(self, x: float) -> int:
        return self.track_geometry.frame_at(x)

    def track_rows(self) -> list[tuple[str, float, float]]:
        return self.track_geometry.track_rows()

    def viewport_point(self, frame: float, track: str, lane: int = 0) -> QPoint:
        """Viewport coordinates of ``frame`` on a track ('ruler', 'video', 'voice', 'sound', 'music'), for tests
        and tools."""
        return self.mapFromScene(QPointF(self.x_for_frame(frame), self.track_geometry.track_middle(track, lane)))

    def clip_item(self, shot_id: str) -> ClipItem:
        return self.scene_items.clips[shot_id]

    def line_item(self, line_id: str) -> LineItem:
        return self.scene_items.lines[line_id]

    def sound_item(self, shot_id: str) -> SoundItem | None:
        """The shot's sound on the sound track (None while it has no ready sound take)."""
        return self.scene_items.sounds.get(sound_key(shot_id))

    def card_item(self, card_id: str) -> CardItem:
        return self.scene_items.cards[card_id]

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        frame = self.frameWidth()
        self.tool_bar.setGeometry(frame, frame, self.width() - 2 * frame, style.TOOLBAR_H)
        self._header.setGeometry(frame, frame + style.TOOLBAR_H, style.HEADER_W, self.viewport().height())
        self._update_scene_rect()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, style.BACKGROUND)
        for index, (_, top, height) in enumerate(self.track_rows()):
            band = QRectF(rect.left(), top, rect.width(), height)
            painter.fillRect(band.intersected(rect), style.TRACK_BG if index % 2 == 0 else style.TRACK_BG_ALT)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self._layout.shots:
            return
        # An empty cut says what will appear here (drawn in view coordinates, so it stays put).
        painter.save()
        painter.resetTransform()
        painter.setPen(style.RULER_TEXT)
        area = QRectF(0, self.track_geometry.video_top() - self.verticalScrollBar().value(), self.viewport().width(),
                      style.VIDEO_H)
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter,
                         "Shots appear here in story order as you add them; narration and music below.")
        painter.restore()

    # --- rebuilding from the model ---------------------------------------------------------------------------
    def _on_changed(self, kind: str, ids: tuple) -> None:
        if kind == "saved":
            return
        if kind == "markers":
            pass  # markers and I/O marks move no clip: the next sync places them
        elif kind in ("shots", "takes", "lines") and ids:
            self._dirty_ids.update(ids)
        else:  # cast, music, project, a batch: refresh every label
            self._dirty_all = True
        self._sync_timer.start()

    def resolve(self, relative: str | None) -> Path | None:
        """The file behind a bundle path (see ``SceneItems.resolve``)."""
        return self.scene_items.resolve(relative)

    def sync(self) -> None:
        """Bring every item in line with the model (cheap when little changed)."""
        self._sync_timer.stop()
        project = self.session.project
        old_lanes = self._layout.voice_lanes
        self._layout = layout = document_layout(self.session.document)  # the preview shares this one
        self.track_geometry.voice_lanes = layout.voice_lanes
        if layout.voice_lanes != old_lanes:
            self.resetCachedContent()
            self._header.update()
        full, dirty = self._dirty_all, self._dirty_ids
        self._dirty_all, self._dirty_ids = False, set()
        self.scene_items.sync(project, layout, self.track_geometry, full, dirty)
        self._update_scene_rect()
        self._fit_height()
        self.scene_items.show_selection(self.session.selected_shot_ids())
        self._on_playhead(self.session.playhead())

    def _fit_height(self) -> None:
        """Every track stays visible: the dock may not squeeze the music track away."""
        height = int(self.track_geometry.scene_height() + self.horizontalScrollBar().sizeHint().height()
                     + 2 * self.frameWidth() + style.TOOLBAR_H)
        if self.minimumHeight() != height:
            self.setMinimumHeight(height)
            self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(900, self.minimumHeight())

    def _update_scene_rect(self) -> None:
        width = max(self.x_for_frame(self._layout.total) + style.END_MARGIN_PX, self.viewport().width())
        height = self.track_geometry.scene_height()
        if self.sceneRect() != QRectF(0, 0, width, height):
            self.scene().setSceneRect(0, 0, width, height)
        self.ruler.configure(width, self._layout.fps, self.px_per_frame)
        self.playhead_item.set_height(height)

    # --- selection and playhead ------------------------------------------------------------------------------
    @property
    def selected_card(self) -> str | None:
        """The title/credits card picked on the timeline, if any."""
        return self.scene_items.selected_card

    def select_card(self, card_id: str | None) -> None:
        """Pick a title/credits card (shots are deselected: one thing is selected on the track at a time)."""
        self.scene_items.select_card(card_id)

    def _on_playhead(self, frame: int) -> None:
        x = self.x_for_frame(frame)
        if self.playhead_item.x() != x:
            self.playhead_item.setX(x)
            self._header.update(0, 0, style.HEADER_W, style.RULER_H)
            if not self.gestures.dragging:
                self._keep_visible(x)

    def _keep_visible(self, x: float) -> None:
        bar = self.horizontalScrollBar()
        width = self.viewport().width()
        if not bar.value() <= x <= bar.value() + width - 20:
            bar.setValue(int(x - width * 0.2))

    # --- zoom ------------------------------------------------------------------------------------------------
    def set_zoom(self, px_per_frame: float, anchor_x: float | None = None) -> None:
        """Pixels per frame; the frame under ``anchor_x`` (viewport px; default the centre) stays put."""
        px_per_frame = min(MAX_PX_PER_FRAME, max(MIN_PX_PER_FRAME, px_per_frame))
        if px_per_frame == self.px_per_frame:
            return
        bar = self.horizontalScrollBar()
        anchor = self.viewport().width() / 2 if anchor_x is None else anchor_x
        frame = (bar.value() + anchor) / self.px_per_frame
        self.track_geometry.px_per_frame = px_per_frame
        self.sync()
        bar.setValue(round(frame * px_per_frame - anchor))
        self.zoomChanged.emit(px_per_frame)

    def zoom_in(self) -> None:
        self.set_zoom(self.px_per_frame * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.px_per_frame / ZOOM_STEP)

    def zoom_fit(self) -> None:
        total = max(1, self._layout.total)
        self.set_zoom((self.viewport().width() - 24) / total, anchor_x=0)
        self.horizontalScrollBar().setValue(0)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if delta:
                self.set_zoom(self.px_per_frame * (ZOOM_STEP ** (delta / 120)), anchor_x=event.position().x())
            event.accept()
            return
        # The timeline runs sideways: a plain wheel scrolls through time.
        bar = self.horizontalScrollBar()
        bar.setValue(bar.value() - round(delta))
        event.accept()

    # --- pointer events (the gestures decide what they mean) -------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus()
        self.gestures.press(self.mapToScene(event.position().toPoint()), event.modifiers())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self.gestures.move(self.mapToScene(event.position().toPoint())):
            super().mouseMoveEvent(event)
            return
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.gestures.release(
                self.mapToScene(event.position().toPoint())):
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def leaveEvent(self, event) -> None:
        self.gestures.leave()
        super().leaveEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.gestures.double_click(self.mapToScene(event.position().toPoint()), event.globalPosition().toPoint())
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if self.gestures.context_menu(self.mapToScene(event.pos()), event.globalPos()):
            event.accept()
            return
        super().contextMenuEvent(event)

    # --- transitions -----------------------------------------------------------------------------------------
    def transition_menu(self, shot_id: str) -> QMenu:
        """The menu that sets how ``shot_id`` begins (cut, crossfade, dip to black, with a duration), then
        continuity: a bridge from the shot before it, and extending this shot's take."""
        menu = transition_menu(self.session, shot_id, self)
        project = self.session.project
        index = project.shot_index(shot_id)
        menu.addSection("Continuity")
        if index > 0:
            bridge = menu.addAction(f"Bridge from shot {index} to shot {index + 1}…")
            earlier = project.shots[index - 1].id
            bridge.triggered.connect(lambda: self.bridgeRequested.emit(earlier))
        extend = menu.addAction(f"Extend shot {index + 1}'s take…")
        extend.setEnabled(project.shot(shot_id).active() is not None)
        extend.triggered.connect(lambda: self.extendRequested.emit(shot_id, 0.0))
        return menu

    def request_extend(self, shot_id: str, seconds: float) -> None:
        """A drag past the end of a shot's take: ask for that much more of it."""
        self.extendRequested.emit(shot_id, seconds)

    def set_transition(self, shot_id: str, kind: str, seconds: float) -> None:
        set_transition(self.session, shot_id, kind, seconds)

    def shutdown(self) -> None:
        """Stop background decoding (the window is closing or drops the project)."""
        self.filmstrips.shutdown()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)


__all__ = ["TimelineView"]
