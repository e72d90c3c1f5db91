"""TimelineView: the cut as a video track, a voice track and a music track under a time ruler.

Gestures become model commands pushed on the session (never direct edits); the view redraws when the
session says the project changed. A rebuild reuses the existing items by id and only moves/resizes them,
so a drag keeps its item and 500 shots re-lay out in a few milliseconds.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QInputDialog, QMenu, QWidget

from studio.project import StoryreelError
from studio.project.commands import speaker_of
from studio.timeline.edits import (
    TrimOrigin,
    move_line_command,
    move_music_command,
    new_drag_key,
    set_transition_command,
    trim_command,
    trim_origin,
    trimmed,
)
from studio.timeline.layout import TimelineLayout, compute_layout

from . import style
from .filmstrip import FilmstripCache
from .items import CardItem, ClipItem, LineItem, MusicItem, PlayheadItem, TransitionItem
from .ruler import RulerItem
from .timecode import format_duration, format_timecode
from .waveform import WaveformCache

MIN_PX_PER_FRAME = 0.02
MAX_PX_PER_FRAME = 40.0
ZOOM_STEP = 1.25
TRANSITION_CHOICES = (("cut", 0.0), ("crossfade", 0.5), ("crossfade", 1.0), ("dip_to_black", 0.5),
                      ("dip_to_black", 1.0))
KIND_NAMES = {"cut": "Cut", "crossfade": "Crossfade", "dip_to_black": "Dip to black", "fade_in": "Fade in from black"}


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


class _TrackHeader(QWidget):
    """Track names in the left margin, and the playhead's timecode above them."""

    def __init__(self, view: TimelineView) -> None:
        super().__init__(view)
        self.view = view
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), style.RULER_BG)
        offset = self.view.verticalScrollBar().value()
        font = painter.font()
        font.setPixelSize(10)
        font.setBold(True)
        painter.setFont(font)
        for name, top, height in self.view.track_rows():
            rect = QRectF(0, top - offset, self.width() - 1, height)
            painter.fillRect(rect, style.TRACK_BG)
            painter.setPen(style.RULER_TEXT)
            painter.drawText(rect.adjusted(8, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             name)
        font.setBold(False)
        font.setPixelSize(11)
        painter.setFont(font)
        painter.setPen(style.PLAYHEAD.lighter(130))
        painter.drawText(QRectF(0, 0, self.width(), style.RULER_H), Qt.AlignmentFlag.AlignCenter,
                         format_timecode(self.view.session.playhead(), self.view.session.project.fps))
        painter.setPen(style.RULER_TICK)
        painter.drawLine(self.width() - 1, 0, self.width() - 1, self.height())


class TimelineView(QGraphicsView):
    """The editor's timeline. Signals: ``zoomChanged(px_per_frame)``, ``shotActivated(shot_id)`` (double-click)."""

    zoomChanged = Signal(float)
    shotActivated = Signal(str)

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.px_per_frame = 4.0
        self.snapping = True
        self._layout: TimelineLayout = compute_layout(session.project)
        self._clips: dict[str, ClipItem] = {}
        self._transitions: dict[str, TransitionItem] = {}
        self._lines: dict[str, LineItem] = {}
        self._music: dict[str, MusicItem] = {}
        self._cards: dict[str, CardItem] = {}
        self.selected_card: str | None = None  # a title/credits card picked on the timeline
        self._resolved: dict[str, Path | None] = {}
        self._resolved_bundle = session.bundle
        self._drag: _Drag | None = None
        # What the next sync must repaint: geometry is always refreshed; labels only for what changed.
        self._dirty_all = True
        self._dirty_ids: set[str] = set()
        self._hover_clip: ClipItem | None = None

        scene = QGraphicsScene(self)
        # Items move only on edits and zoom; a BSP index makes "what is visible" cheap while scrolling.
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.setScene(scene)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setViewportMargins(style.HEADER_W, 0, 0, 0)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._header = _TrackHeader(self)
        self.verticalScrollBar().valueChanged.connect(self._header.update)

        self.filmstrips = FilmstripCache(height=style.VIDEO_H - 2, parent=self)
        self.filmstrips.ready.connect(self._on_filmstrip_ready)
        self.waveforms = WaveformCache()
        self.ruler = RulerItem()
        scene.addItem(self.ruler)
        self.playhead_item = PlayheadItem()
        scene.addItem(self.playhead_item)

        self._build_actions()
        self._sync_timer = QTimer(self)
        self._sync_timer.setSingleShot(True)
        self._sync_timer.setInterval(0)  # coalesce a burst of changes (a batch, a generation run) into one rebuild
        self._sync_timer.timeout.connect(self.sync)
        session.changed.connect(self._on_changed)
        session.selectionChanged.connect(self._on_selection)
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

    # --- geometry --------------------------------------------------------------------------------------------
    @property
    def layout_frames(self) -> TimelineLayout:
        return self._layout

    def x_for_frame(self, frame: float) -> float:
        return frame * self.px_per_frame

    def frame_at(self, x: float) -> int:
        return max(0, round(x / self.px_per_frame))

    def video_top(self) -> float:
        return style.RULER_H + style.TRACK_GAP

    def voice_top(self) -> float:
        return self.video_top() + style.VIDEO_H + style.TRACK_GAP

    def voice_height(self) -> float:
        return self._layout.voice_lanes * style.VOICE_LANE_H

    def music_top(self) -> float:
        return self.voice_top() + self.voice_height() + style.TRACK_GAP

    def scene_height(self) -> float:
        return self.music_top() + style.MUSIC_H + style.TRACK_GAP

    def track_rows(self) -> list[tuple[str, float, float]]:
        return [("VIDEO", self.video_top(), style.VIDEO_H), ("VOICE", self.voice_top(), self.voice_height()),
                ("MUSIC", self.music_top(), style.MUSIC_H)]

    def viewport_point(self, frame: float, track: str, lane: int = 0) -> QPoint:
        """Viewport coordinates of ``frame`` on a track ('ruler', 'video', 'voice', 'music') — for tests/tools."""
        y = {"ruler": style.RULER_H / 2, "video": self.video_top() + style.VIDEO_H / 2,
             "voice": self.voice_top() + lane * style.VOICE_LANE_H + style.VOICE_LANE_H / 2,
             "music": self.music_top() + style.MUSIC_H / 2}[track]
        return self.mapFromScene(QPointF(self.x_for_frame(frame), y))

    def clip_item(self, shot_id: str) -> ClipItem:
        return self._clips[shot_id]

    def line_item(self, line_id: str) -> LineItem:
        return self._lines[line_id]

    def card_item(self, card_id: str) -> CardItem:
        return self._cards[card_id]

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        frame = self.frameWidth()
        self._header.setGeometry(frame, frame, style.HEADER_W, self.viewport().height())
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
        area = QRectF(0, self.video_top() - self.verticalScrollBar().value(), self.viewport().width(), style.VIDEO_H)
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter,
                         "Shots appear here in story order as you add them; narration and music below.")
        painter.restore()

    # --- rebuilding from the model ---------------------------------------------------------------------------
    def _on_changed(self, kind: str, ids: tuple) -> None:
        if kind == "saved":
            return
        if kind in ("shots", "takes", "lines") and ids:
            self._dirty_ids.update(ids)
        else:  # cast, music, project, a batch: refresh every label
            self._dirty_all = True
        self._sync_timer.start()

    def resolve(self, relative: str | None) -> Path | None:
        """The file behind a bundle path, resolved once (lazily: only clips that get painted ask)."""
        if not relative:
            return None
        if self.session.bundle != self._resolved_bundle:  # Save As moved the project
            self._resolved.clear()
            self._resolved_bundle = self.session.bundle
        if relative not in self._resolved:
            try:
                self._resolved[relative] = self.session.media_path(relative)
            except StoryreelError:
                self._resolved[relative] = None
        return self._resolved[relative]

    def _frames_for(self, relative: str):
        path = self.resolve(relative)
        return self.filmstrips.frames(path) if path is not None else []

    def _peaks_for(self, relative: str):
        path = self.resolve(relative)
        return self.waveforms.peaks(path) if path is not None else None

    def sync(self) -> None:
        """Bring every item in line with the model (cheap when little changed)."""
        self._sync_timer.stop()
        project = self.session.project
        old_lanes = self._layout.voice_lanes
        self._layout = layout = compute_layout(project)
        if layout.voice_lanes != old_lanes:
            self.resetCachedContent()
            self._header.update()
        full, dirty = self._dirty_all, self._dirty_ids
        self._dirty_all, self._dirty_ids = False, set()
        self._sync_clips(project, layout, full, dirty)
        self._sync_cards(layout)
        self._sync_lines(project, layout, full, dirty)
        self._sync_music(project, layout)
        self._update_scene_rect()
        self._fit_height()
        self._on_selection(self.session.selected_shot_ids())
        self._on_playhead(self.session.playhead())

    def _fit_height(self) -> None:
        """Every track stays visible: the dock may not squeeze the music track away."""
        height = int(self.scene_height() + self.horizontalScrollBar().sizeHint().height() + 2 * self.frameWidth())
        if self.minimumHeight() != height:
            self.setMinimumHeight(height)
            self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(900, self.minimumHeight())

    def _update_scene_rect(self) -> None:
        width = max(self.x_for_frame(self._layout.total) + style.END_MARGIN_PX, self.viewport().width())
        height = self.scene_height()
        if self.sceneRect() != QRectF(0, 0, width, height):
            self.scene().setSceneRect(0, 0, width, height)
        self.ruler.configure(width, self._layout.fps, self.px_per_frame)
        self.playhead_item.set_height(height)

    def _sync_clips(self, project, layout: TimelineLayout, full: bool, dirty: set[str]) -> None:
        scene, ppf, top = self.scene(), self.px_per_frame, self.video_top()
        shots = project.shots
        alive = set()
        for span in layout.shots:
            shot = shots[span.index]
            alive.add(shot.id)
            item = self._clips.get(shot.id)
            if item is None:
                item = self._clips[shot.id] = ClipItem(shot.id, self._frames_for)
                scene.addItem(item)
            elif not full and item.index == span.index and shot.id not in dirty:
                item.set_geometry(span.start * ppf, top, span.duration * ppf, style.VIDEO_H)
                continue  # its label, take and number are as they were
            item.set_geometry(span.start * ppf, top, span.duration * ppf, style.VIDEO_H)
            item.index = span.index
            take = shot.active()
            media, state, source = None, "empty", (0, 1)
            if take is not None:
                # Opening marked takes with missing files offline; paths resolve only when painted.
                media = take.media if take.status == "ready" else take.thumbnail
                state = take.status if take.status in ("ready", "failed") else "offline"
                source = (take.trim_in, take.trim_out if take.trim_out is not None else max(1, take.frame_count))
            prompt = shot.prompt.strip().splitlines()[0] if shot.prompt.strip() else "(no prompt)"
            duration = format_duration(span.duration, project.fps)
            takes = f"take {shot.takes.index(take) + 1} of {len(shot.takes)}" if take else "no take yet"
            if state != "ready":
                takes += " (the preview shows its story card)"
            item.set_content(label=f"{span.index + 1}  {prompt}", duration_text=duration, media=media,
                             source_range=source, state=state,
                             tooltip=f"Shot {span.index + 1} · {duration} · {takes}\n{shot.prompt}")
        for shot_id in [i for i in self._clips if i not in alive]:
            scene.removeItem(self._clips.pop(shot_id))

        alive_tr = set()
        for span in layout.transitions:
            alive_tr.add(span.shot_id)
            item = self._transitions.get(span.shot_id)
            if item is None:
                item = self._transitions[span.shot_id] = TransitionItem(span.shot_id)
                scene.addItem(item)
            item.set_geometry(span.start * ppf, top, max(4.0, (span.end - span.start) * ppf), style.VIDEO_H)
            item.set_kind(span.kind, f"{KIND_NAMES[span.kind]} {format_duration(span.end - span.start, project.fps)}"
                                     " — double-click to change")
        for shot_id in [i for i in self._transitions if i not in alive_tr]:
            scene.removeItem(self._transitions.pop(shot_id))

    def _sync_cards(self, layout: TimelineLayout) -> None:
        """Title cards before the shots, credits after: the film's own cards, where the export puts them."""
        scene, ppf, top = self.scene(), self.px_per_frame, self.video_top()
        alive = set()
        for span in layout.title_and_credits():
            alive.add(span.card_id)
            item = self._cards.get(span.card_id)
            if item is None:
                item = self._cards[span.card_id] = CardItem(span.card_id)
                scene.addItem(item)
            item.set_geometry(span.start * ppf, top, span.duration * ppf, style.VIDEO_H)
            duration = format_duration(span.duration, layout.fps)
            name = "Title card" if span.kind == "title" else "Credits"
            item.set_content(position=span.kind, text=span.text, duration_text=duration,
                             tooltip=f"{name} · {duration}\n{span.text}")
            item.set_selected(span.card_id == self.selected_card)
        for card_id in [i for i in self._cards if i not in alive]:
            scene.removeItem(self._cards.pop(card_id))
        if self.selected_card not in alive:
            self.selected_card = None

    def select_card(self, card_id: str | None) -> None:
        """Pick a title/credits card (shots are deselected: one thing is selected on the track at a time)."""
        self.selected_card = card_id
        for key, item in self._cards.items():
            item.set_selected(key == card_id)
        if card_id is not None:
            self.session.select_shots([])

    def _sync_lines(self, project, layout: TimelineLayout, full: bool, dirty: set[str]) -> None:
        scene, ppf, top = self.scene(), self.px_per_frame, self.voice_top()
        alive = set()
        lines = {line.id: line for line in project.lines}
        for span in layout.lines:
            line = lines[span.line_id]
            alive.add(line.id)
            item = self._lines.get(line.id)
            fresh = item is None
            if item is None:
                item = self._lines[line.id] = LineItem(line.id, self._peaks_for)
                scene.addItem(item)
            item.set_geometry(span.start * ppf, top + span.lane * style.VOICE_LANE_H + 2, span.duration * ppf,
                              style.VOICE_LANE_H - 4)
            if not (fresh or full or line.id in dirty):
                continue
            speaker_id = speaker_of(project, line)
            speaker = next((c for c in project.cast if c.id == speaker_id), None)
            name = speaker.name if speaker else "Narrator"
            dialogue = speaker is not None and not speaker.is_narrator
            audio = line.active()
            peaks = audio.media if audio is not None and audio.status == "ready" else None
            status = {"pending": "not narrated yet", "stale": "voice changed: re-narrate", "failed": "narration failed",
                      "ready": "narrated"}[line.status]
            item.set_content(label=f"{name}: {line.text}", colour=style.DIALOGUE if dialogue else style.NARRATION,
                             peaks=peaks, status=line.status, estimated=span.estimated,
                             tooltip=f"{name} — {status}\n{line.text}\nDrag to move; drop over another shot to "
                                     "anchor it there")
        for line_id in [i for i in self._lines if i not in alive]:
            scene.removeItem(self._lines.pop(line_id))

    def _sync_music(self, project, layout: TimelineLayout) -> None:
        scene, ppf, top = self.scene(), self.px_per_frame, self.music_top()
        clips = {clip.id: clip for clip in project.music}
        alive = set()
        for span in layout.music:
            clip = clips[span.clip_id]
            alive.add(clip.id)
            item = self._music.get(clip.id)
            if item is None:
                item = self._music[clip.id] = MusicItem(clip.id, self._peaks_for)
                scene.addItem(item)
            item.set_geometry(span.start * ppf, top + 2, span.duration * ppf, style.MUSIC_H - 4)
            peaks = clip.media if clip.media.lower().endswith(".wav") else None
            title = clip.title or Path(clip.media).stem
            duck = ", ducks under voice" if clip.duck else ""
            item.set_content(label=f"♪ {title}   {clip.gain_db:+.1f} dB", peaks=peaks,
                             tooltip=f"{title}\nGain {clip.gain_db:+.1f} dB{duck}\nDrag to move where it starts")
        for clip_id in [i for i in self._music if i not in alive]:
            scene.removeItem(self._music.pop(clip_id))

    def _on_filmstrip_ready(self, path: str) -> None:
        for item in self._clips.values():
            if item.media is not None and str(self.resolve(item.media)) == path:
                item.update()

    def _on_selection(self, ids: list) -> None:
        chosen = set(ids)
        if chosen and self.selected_card is not None:
            self.select_card(None)
        for shot_id, item in self._clips.items():
            item.set_selected(shot_id in chosen)

    def _on_playhead(self, frame: int) -> None:
        x = self.x_for_frame(frame)
        if self.playhead_item.x() != x:
            self.playhead_item.setX(x)
            self._header.update(0, 0, style.HEADER_W, style.RULER_H)
            if self._drag is None:
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
        self.px_per_frame = px_per_frame
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

    # --- snapping --------------------------------------------------------------------------------------------
    def _snap(self, frame: int, candidates: list[int] | None) -> int:
        if not self.snapping or not candidates:
            return frame
        reach = style.SNAP_PX / self.px_per_frame
        i = bisect.bisect_left(candidates, frame)
        best = frame
        for c in candidates[max(0, i - 1): i + 1]:
            if abs(c - frame) <= reach and abs(c - frame) < abs(best - frame) + (best == frame) * reach * 2:
                best = c
        return best

    def _snap_points(self, exclude: set[int] = frozenset()) -> list[int]:
        points = set(self._layout.edges()) | {self.session.playhead()}
        return sorted(points - set(exclude))

    # --- gestures --------------------------------------------------------------------------------------------
    def _hit(self, scene_pos: QPointF) -> tuple[str, object, str]:
        """(kind, item, edge) under the pointer: a clip's trim handle wins over what is drawn on top of it."""
        items = self.scene().items(scene_pos)
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

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus()
        pos = self.mapToScene(event.position().toPoint())
        if pos.y() < style.RULER_H:
            self._drag = _Drag("scrub", pos.x(), snaps=self._layout.edges())
            self.session.set_playhead(self._snap(self.frame_at(pos.x()), self._drag.snaps))
            event.accept()
            return
        kind, item, edge = self._hit(pos)
        if kind == "clip" and edge:
            origin = trim_origin(self.session.project, item.shot_id)
            span = next(s for s in self._layout.shots if s.shot_id == item.shot_id)
            self._drag = _Drag("trim", pos.x(), key=new_drag_key("trim", item.shot_id), object_id=item.shot_id,
                               edge=edge, origin=origin, start_frame=span.start,
                               snaps=self._snap_points(exclude={span.end}))
            self.session.select_shots([item.shot_id])
        elif kind == "clip":
            self._select_clip(item.shot_id, event.modifiers())
        elif kind == "transition":
            self.session.select_shots([item.shot_id])
        elif kind == "card":
            self.select_card(item.card_id)
        elif kind == "line":
            span = next(s for s in self._layout.lines if s.line_id == item.line_id)
            self._drag = _Drag("line", pos.x(), key=new_drag_key("line", item.line_id), object_id=item.line_id,
                               start_frame=span.start, layout=self._layout, snaps=self._snap_points())
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        elif kind == "music":
            span = next(s for s in self._layout.music if s.clip_id == item.clip_id)
            self._drag = _Drag("music", pos.x(), key=new_drag_key("music", item.clip_id), object_id=item.clip_id,
                               start_frame=span.start, layout=self._layout, snaps=self._snap_points())
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        elif kind == "":
            self.select_card(None)
            self.session.select_shots([])
        event.accept()

    def _select_clip(self, shot_id: str, modifiers: Qt.KeyboardModifier) -> None:
        current = self.session.selected_shot_ids()
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            ids = [i for i in current if i != shot_id] if shot_id in current else [*current, shot_id]
        elif modifiers & Qt.KeyboardModifier.ShiftModifier and current:
            order = [s.shot_id for s in self._layout.shots]
            a, b = order.index(current[-1]), order.index(shot_id)
            ids = [*current, *order[min(a, b): max(a, b) + 1]]
        else:
            ids = [shot_id]
        self.session.select_shots(ids)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = self.mapToScene(event.position().toPoint())
        drag = self._drag
        if drag is None:
            self._update_hover(pos)
            super().mouseMoveEvent(event)
            return
        delta = round((pos.x() - drag.press_x) / self.px_per_frame)
        try:
            if drag.mode == "scrub":
                self.session.set_playhead(self._snap(self.frame_at(pos.x()), drag.snaps))
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
                    self.session.push(trim_command(drag.origin, drag.edge, delta, drag.key))
            elif drag.mode == "line":
                assert drag.layout is not None
                frame = self._snap(max(0, drag.start_frame + delta), drag.snaps)
                if frame != drag.last and (drag.last is not None or frame != drag.start_frame):
                    drag.last = frame
                    self.session.push(move_line_command(drag.layout, drag.object_id, frame, drag.key))
            elif drag.mode == "music":
                assert drag.layout is not None
                frame = self._snap(max(drag.layout.lead, drag.start_frame + delta), drag.snaps)
                if frame != drag.last and (drag.last is not None or frame != drag.start_frame):
                    drag.last = frame
                    self.session.push(move_music_command(drag.layout, drag.object_id, frame, drag.key))
        except StoryreelError:
            pass  # an edit the model refuses (e.g. past a limit) simply does not happen
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None and event.button() == Qt.MouseButton.LeftButton:
            self._drag = None
            self.viewport().unsetCursor()
            self.sync()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def _update_hover(self, pos: QPointF) -> None:
        kind, item, edge = self._hit(pos) if pos.y() >= style.RULER_H else ("ruler", None, "")
        clip = item if kind == "clip" and edge else None
        if self._hover_clip is not None and self._hover_clip is not clip:
            self._hover_clip.set_hover_edge(None)
        self._hover_clip = clip
        if clip is not None:
            clip.set_hover_edge(edge)
            self.viewport().setCursor(Qt.CursorShape.SizeHorCursor)
        elif kind in ("line", "music"):
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif kind == "ruler":
            self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        else:
            self.viewport().unsetCursor()

    def leaveEvent(self, event) -> None:
        if self._hover_clip is not None:
            self._hover_clip.set_hover_edge(None)
            self._hover_clip = None
        super().leaveEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = self.mapToScene(event.position().toPoint())
        kind, item, edge = self._hit(pos)
        if kind == "transition" or (kind == "clip" and edge == "left"):
            self.transition_menu(item.shot_id).exec(event.globalPosition().toPoint())
        elif kind == "clip" and edge == "right":
            index = self.session.project.shot_index(item.shot_id)
            shots = self.session.project.shots
            if index + 1 < len(shots):
                self.transition_menu(shots[index + 1].id).exec(event.globalPosition().toPoint())
        elif kind == "clip":
            self.shotActivated.emit(item.shot_id)
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        kind, item, _ = self._hit(self.mapToScene(event.pos()))
        if kind in ("clip", "transition"):
            if kind == "clip" and item.shot_id not in self.session.selected_shot_ids():
                self.session.select_shots([item.shot_id])
            self.transition_menu(item.shot_id).exec(event.globalPos())
            event.accept()
            return
        super().contextMenuEvent(event)

    # --- transitions -----------------------------------------------------------------------------------------
    def transition_menu(self, shot_id: str) -> QMenu:
        """The menu that sets how ``shot_id`` begins (cut, crossfade, dip to black, with a duration)."""
        project = self.session.project
        index = project.shot_index(shot_id)
        shot = project.shot(shot_id)
        menu = QMenu(self)
        title = "Fade in from black" if index == 0 else f"Transition into shot {index + 1}"
        menu.addSection(title)
        for kind, seconds in TRANSITION_CHOICES:
            if index == 0 and kind == "crossfade":
                continue  # nothing to cross-fade from
            text = KIND_NAMES[kind] if kind == "cut" else f"{KIND_NAMES[kind]} {seconds:g} s"
            act = menu.addAction(text)
            act.setCheckable(True)
            frames = round(seconds * project.fps)
            act.setChecked(shot.transition.kind == kind and (kind == "cut" or shot.transition.duration_frames == frames))
            act.triggered.connect(lambda _=False, k=kind, s=seconds: self.set_transition(shot_id, k, s))
        custom = menu.addAction("Custom duration…")
        custom.triggered.connect(lambda: self._custom_transition(shot_id))
        return menu

    def set_transition(self, shot_id: str, kind: str, seconds: float) -> None:
        fps = self.session.project.fps
        self.session.push(set_transition_command(shot_id, kind, round(seconds * fps)))

    def _custom_transition(self, shot_id: str) -> None:
        shot = self.session.project.shot(shot_id)
        kind = shot.transition.kind if shot.transition.kind != "cut" else "crossfade"
        current = shot.transition.duration_frames / self.session.project.fps or 0.5
        seconds, ok = QInputDialog.getDouble(self, "Transition length", f"{KIND_NAMES[kind]} length in seconds:",
                                             current, 0.04, 10.0, 2)
        if ok:
            self.set_transition(shot_id, kind, seconds)

    def closeEvent(self, event) -> None:
        self.filmstrips.shutdown()
        super().closeEvent(event)


__all__ = ["TimelineView"]
