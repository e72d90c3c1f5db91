"""The preview monitor: plays one take (with in/out marks) or the film from the playhead, with J/K/L transport.

The film plays from its playback sequence (``studio.timeline.playback_sequence``): title cards, the shots'
takes (story cards where a shot has none), credits, on the same frames as the export, so the playhead's frame N
is the exported film's frame N. That needs no render, so the preview starts instantly and shows the current edit.

Pictures come from QtMultimedia while a take plays at 1x (``preview_media``, with the narration from
``preview_voices``); everything else — paused frames, cards, transitions, shuttling, and the whole preview where
QtMultimedia is missing or fails — is drawn frame by frame as the export draws it (``studio.timeline.film_frames``
over frames decoded by ``frame_reader``), with a notice saying when there is no sound.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from studio.project import StoryreelError
from studio.timeline.film_frames import FilmFramePainter
from studio.timeline.layout import document_layout
from studio.timeline.playback_sequence import Piece, PlaybackSequence, cut_sequence, take_sequence
from studio.ui.timeline.filmstrip import rgb_to_qimage
from studio.ui.timeline.timecode import format_timecode

from .frame_reader import FrameReader
from .preview_marks import marks_text, set_mark
from .preview_media import MediaSync, multimedia_available
from .preview_screen import PreviewScreen
from .preview_voices import VoicePlayers

MAX_SHUTTLE = 8


class PreviewPlayer(QWidget):
    """Preview monitor. ``use_multimedia``: None = use QtMultimedia when it works, False = frame fallback.

    Signals: ``positionChanged(frame)`` (film frame), ``playingChanged(bool)``.
    Keys: Space play/pause, J/K/L shuttle, Left/Right step a frame, I/O set the take's in/out marks.
    """

    positionChanged = Signal(int)
    playingChanged = Signal(bool)

    def __init__(self, session, parent: QWidget | None = None, *, use_multimedia: bool | None = None) -> None:
        super().__init__(parent)
        self.session = session
        # The layout is the timeline's (one per revision); the pieces are built as they are shown.
        self._sequence: PlaybackSequence = cut_sequence(session.project, document_layout(session.document))
        self.position = 0
        self.speed = 0  # 0 paused; +1 play; 2, 4, 8 fast forward; negatives rewind
        self.take_ref: tuple[str, str] | None = None
        self._reader = FrameReader()
        self._painter = FilmFramePainter(self._read_frame, self._story_label, self._story_seed)
        self._clock = QElapsedTimer()
        self._clock_origin = 0.0
        self._own_playhead = False
        self.media: MediaSync | None = None
        self.current_image: QImage | None = None
        self._paths: dict[str, Path | None] = {}

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(240, 180)
        self.screen_view = PreviewScreen(self)
        self.pixmap_item = QGraphicsPixmapItem()
        self.pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.screen_view.scene().addItem(self.pixmap_item)
        self.voices = VoicePlayers(self, session, self._path)

        usable, why = multimedia_available() if use_multimedia is not False else (False, "video playback is switched off")
        self.fallback_reason = "" if usable else why
        if usable:
            try:
                self.media = MediaSync(self, self.screen_view.scene(), self._switch_to_fallback)
            except Exception as exc:  # any backend failure degrades to the frame preview, never a crash
                self.media = None
                self.fallback_reason = f"video playback failed to start ({exc})"
        self.is_fallback = self.media is None

        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color:#e0a030; font-size:11px; padding:2px 6px;")
        self.notice.setVisible(self.is_fallback)
        if self.is_fallback:
            self.notice.setText("Frame preview, no sound — " + self.fallback_reason.split(" (")[0] + ".")
            self.notice.setToolTip(self.fallback_reason)
        self._build_controls()

        self._reload = QTimer(self)  # coalesces a burst of edits (a drag on the timeline) into one reload
        self._reload.setSingleShot(True)
        self._reload.setInterval(0)
        self._reload.timeout.connect(self._reload_cut)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        session.changed.connect(self._on_model_changed)
        session.playheadChanged.connect(self._on_playhead)
        self._load_cut()
        self.seek(session.playhead())

    def _build_controls(self) -> None:
        self.title = QLabel("Cut", self)
        self.title.setStyleSheet("color:#c8cdd8; font-weight:600;")
        self.timecode = QLabel(self)
        self.timecode.setStyleSheet("font-family:monospace; color:#ff8080; font-size:13px;")
        self.speed_label = QLabel(self)
        self.speed_label.setStyleSheet("color:#9aa3b2; font-size:11px;")
        self.marks_label = QLabel(self)
        self.marks_label.setStyleSheet("color:#ffd38a; font-size:11px;")

        def button(text: str, tip: str, slot) -> QToolButton:
            btn = QToolButton(self)
            btn.setText(text)
            btn.setToolTip(tip)
            btn.setAutoRaise(True)
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            btn.clicked.connect(slot)
            return btn

        self.play_button = button("▶", "Play / pause (Space)", self.toggle_play)
        controls = [
            button("⏮", "To the start", lambda: self.seek(0)),
            button("◀◀", "Rewind (J; again for faster)", lambda: self._shuttle_key(-1)),
            button("◀|", "Previous frame (Left)", lambda: self.step(-1)),
            self.play_button,
            button("|▶", "Next frame (Right)", lambda: self.step(1)),
            button("▶▶", "Fast forward (L; again for faster)", lambda: self._shuttle_key(1)),
        ]
        self.in_button = button("In", "Set the take's in mark here (I)", self.mark_in)
        self.out_button = button("Out", "Set the take's out mark here (O)", self.mark_out)

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 2)
        for widget in controls:
            bar.addWidget(widget)
        bar.addSpacing(8)
        bar.addWidget(self.timecode)
        bar.addWidget(self.speed_label)
        bar.addStretch(1)
        bar.addWidget(self.in_button)
        bar.addWidget(self.out_button)
        top = QHBoxLayout()
        top.setContentsMargins(6, 2, 6, 0)
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.marks_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.screen_view, 1)
        layout.addWidget(self.notice)
        layout.addLayout(bar)

    def _switch_to_fallback(self, reason: str) -> None:
        """A clip the backend cannot play: keep previewing with decoded frames from here on."""
        if self.media is None:
            return
        self.media.stop()
        self.media = None
        self.is_fallback = True
        self.fallback_reason = reason
        self.notice.setText(f"Frame preview, no sound — the clip would not play ({reason}).")
        self.notice.show()
        self._show(self.position)

    # --- what is playing -------------------------------------------------------------------------------------
    @property
    def sequence(self) -> PlaybackSequence:
        """What plays, never older than the document: an edit still waiting for its coalesced reload is applied
        first (the cut's pieces are built from the project as it is when they are shown)."""
        if self._reload.isActive():
            self._flush_reload()
        return self._sequence

    @property
    def mode(self) -> str:
        return self.sequence.mode

    @property
    def fps(self) -> float:
        return self.sequence.fps

    @property
    def length(self) -> int:
        return self.sequence.length

    def play_take(self, shot_id: str, take_id: str) -> None:
        """Show one take from its first frame (paused), with its in/out marks."""
        project = self.session.project
        shot = project.shot(shot_id)
        take = shot.take(take_id)
        self.pause()
        self._sequence = take_sequence(project, shot_id, take_id)
        self.take_ref = (shot_id, take_id)
        self.title.setText(f"Shot {project.shot_index(shot_id) + 1} · take {shot.takes.index(take) + 1} "
                           f"of {len(shot.takes)}")
        self._update_marks()
        self.seek(take.trim_in)
        self.play()

    def play_cut_from(self, frame: int) -> None:
        """Play the whole film (cards, active takes in order, with narration) from ``frame``."""
        self.pause()
        self._load_cut()
        self.seek(frame)
        self.play()

    def _load_cut(self) -> None:
        project = self.session.project
        self._sequence = cut_sequence(project, document_layout(self.session.document))  # the timeline's layout
        self.take_ref = None
        self.title.setText(f"Cut · {project.title}")
        self._update_marks()

    def _path(self, relative: str | None) -> Path | None:
        """The file behind a bundle path, resolved when first shown (a 500-shot cut loads instantly)."""
        if not relative:
            return None
        if relative not in self._paths:
            try:
                path = self.session.media_path(relative)
            except StoryreelError:
                path = None
            self._paths[relative] = path if path is not None and path.is_file() else None
        return self._paths[relative]

    def segment_at(self, frame: int) -> Piece | None:
        """The piece on screen at ``frame`` (the incoming shot inside a crossfade)."""
        return self.sequence.piece_at(frame)

    # --- transport -------------------------------------------------------------------------------------------
    def toggle_play(self) -> None:
        if self.speed:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        self._flush_reload()
        if self.position >= self.length - 1:
            self.seek(self._range()[0])
        self.shuttle(1)

    def pause(self) -> None:
        self.shuttle(0)

    def shuttle(self, speed: int) -> None:
        """Play at ``speed`` times (negative = backwards); 0 pauses."""
        self._flush_reload()
        speed = max(-MAX_SHUTTLE, min(MAX_SHUTTLE, int(speed)))
        was_playing = bool(self.speed)
        self.speed = speed
        self._clock.start()
        self._clock_origin = float(self.position)
        self.voices.stop()
        if speed:
            self._timer.start(max(5, int(1000 / self.fps / 2)))
        else:
            self._timer.stop()
        self._sync_media(force=True)
        self.play_button.setText("❚❚" if speed else "▶")
        self.speed_label.setText("" if speed in (0, 1) else f"{speed:+d}×")
        if bool(speed) != was_playing:
            self.playingChanged.emit(bool(speed))

    def _shuttle_key(self, direction: int) -> None:
        """J/L: start that way at 1×, press again to double (up to 8×)."""
        if self.speed * direction > 0:
            self.shuttle(self.speed * 2)
        else:
            self.shuttle(direction)

    def step(self, frames: int) -> None:
        """Pause and move ``frames`` frames (negative = back)."""
        self.pause()
        self.seek(self.position + frames)

    def seek(self, frame: int, *, move_playhead: bool = True) -> None:
        """Show ``frame``; in the cut, the session's playhead follows unless the playhead is what moved us."""
        self._flush_reload()
        frame = max(0, min(max(0, self.length - 1), int(frame)))
        self.position = frame
        self._clock.start()
        self._clock_origin = float(frame)
        self._show(frame)
        self._sync_media(force=True)
        self._publish(move_playhead=move_playhead)

    def _flush_reload(self) -> None:
        """Apply a pending reload now: transport calls must act on the cut as it is, not as it was."""
        if self._reload.isActive():
            self._reload.stop()
            if self._sequence.mode == "cut":
                self._load_cut()

    def _range(self) -> tuple[int, int]:
        """Playback range: a take plays between its marks; the cut, whole."""
        if self.mode == "take" and self.take_ref is not None:
            take = self.session.project.shot(self.take_ref[0]).take(self.take_ref[1])
            return take.trim_in, take.trim_out if take.trim_out is not None else max(1, take.frame_count)
        return 0, max(1, self.length)

    def _tick(self) -> None:
        elapsed = self._clock.elapsed() / 1000.0
        frame = int(self._clock_origin + self.speed * elapsed * self.fps)
        media_frame = self._media_frame()
        if media_frame is not None:
            # At 1x the picture comes from QMediaPlayer: follow its clock so timecode and playhead match it.
            frame = max(self.position, media_frame)
            self._clock.start()
            self._clock_origin = float(frame)
        lo, hi = self._range()
        if frame >= hi or frame < lo:
            frame = max(lo, min(hi - 1, frame))
            self.position = frame
            self.pause()
            self._show(frame)
            self._publish()
            return
        if frame != self.position:
            self.position = frame
            self._show(frame)
            self._sync_media()
            if self.media is not None and self.mode == "cut" and self.speed == 1:
                self.voices.start_due(frame, self.fps)
            self._publish()

    def _media_frame(self) -> int | None:
        """The film frame QMediaPlayer is showing (None unless it plays the current piece at 1x)."""
        if self.media is None or self.speed != 1:
            return None
        piece = self.segment_at(self.position)
        return self.media.shown_frame(piece, self._path(piece.media) if piece else None, self.fps)

    def _publish(self, *, move_playhead: bool = True) -> None:
        self.timecode.setText(f"{format_timecode(self.position, self.fps)} / "
                              f"{format_timecode(max(0, self.length - 1), self.fps)}")
        self.positionChanged.emit(self.position)
        # Already there (a reload after an edit): setting it again would only measure the film once more.
        if self.mode == "cut" and move_playhead and self.position != self.session.playhead():
            self._own_playhead = True
            try:
                self.session.set_playhead(self.position)
            finally:
                self._own_playhead = False

    # --- pictures --------------------------------------------------------------------------------------------
    def _plays_in_media(self, frame: int) -> bool:
        """QtMultimedia shows this frame: a take (not a card, not inside a fade or a crossfade) playing at 1x."""
        if self.media is None or self.speed != 1:
            return False
        mix = self.sequence.mix_at(frame)
        return (len(mix) == 1 and mix[0][1] == 1.0 and mix[0][0].kind == "take"
                and self._path(mix[0][0].media) is not None)

    def _show(self, frame: int) -> None:
        """Show ``frame`` drawn as the export draws it (unless QtMultimedia is showing it)."""
        if self._plays_in_media(frame):
            self.pixmap_item.hide()
            return
        image = rgb_to_qimage(self.render_frame(frame))
        if self.media is not None:
            self.media.video_item.hide()
        self.current_image = image
        self.pixmap_item.setPixmap(QPixmap.fromImage(image))
        self.pixmap_item.show()
        self.screen_view.set_frame_size(image.width(), image.height())

    def render_frame(self, frame: int):
        """Frame ``frame`` of what the preview plays, as an RGB array (the export's picture at that frame)."""
        return self._painter.frame(self.sequence, frame)

    def _read_frame(self, piece: Piece, index: int):
        path = self._path(piece.media)
        return self._reader.read(path, index) if path is not None else None

    def _story_label(self, shot_id: str) -> str:
        from studio.generation.requests import shot_label  # the slug the animatic engine sets on the card

        project = self.session.project
        return shot_label(project, project.shot(shot_id))

    def _story_seed(self, shot_id: str) -> int:
        return self.session.project.shot(shot_id).seed

    def _sync_media(self, *, force: bool = False) -> None:
        """Keep the QMediaPlayer on the right clip and position for the film frame."""
        if self.media is None:
            return
        piece = self.segment_at(self.position)
        path = self._path(piece.media) if piece is not None else None
        if self.media.follow(piece, path, self.position, self.fps, self.speed, self.sequence.picture_size,
                             force=force) and self._plays_in_media(self.position):
            self.pixmap_item.hide()
            # The video item letterboxes inside this box, like the drawn frames do in theirs.
            self.screen_view.set_frame_size(*self.sequence.picture_size)
        else:
            self.media.video_item.hide()

    # --- marks -----------------------------------------------------------------------------------------------
    def mark_in(self) -> None:
        self._set_mark("in")

    def mark_out(self) -> None:
        self._set_mark("out")

    def _set_mark(self, which: str) -> None:
        """I/O on a take: its trim starts here / ends after this frame (one undo step each)."""
        if self.mode != "take" or self.take_ref is None:
            self.notice.setText("In/out marks apply to a take: open one from the storyboard first.")
            self.notice.show()
            return
        refused = set_mark(self.session, *self.take_ref, which, self.position)
        if refused:
            self.notice.setText(refused)
            self.notice.show()
        self._update_marks()

    def _update_marks(self) -> None:
        take_mode = self.mode == "take" and self.take_ref is not None
        self.in_button.setEnabled(take_mode)
        self.out_button.setEnabled(take_mode)
        if not take_mode:
            self.marks_label.setText("")
            return
        take = self.session.project.shot(self.take_ref[0]).take(self.take_ref[1])
        self.marks_label.setText(marks_text(take, self.fps))

    # --- following the model ---------------------------------------------------------------------------------
    def _on_model_changed(self, kind: str, ids: tuple) -> None:
        if kind == "saved":  # a Save As may have moved the bundle
            self._paths.clear()
            return
        if self.mode == "cut":
            self._reload.start()
        elif self.take_ref is not None:
            try:
                self.session.project.shot(self.take_ref[0]).take(self.take_ref[1])
            except StoryreelError:  # the take was deleted: back to the cut
                self._load_cut()
                self.seek(self.session.playhead())
                return
            self._update_marks()

    def _reload_cut(self) -> None:
        if self.mode != "cut":
            return
        self._load_cut()
        if not self.speed:
            self.seek(self.position)

    def _on_playhead(self, frame: int) -> None:
        """The timeline moved the playhead: show that frame of the cut (when we are not the one moving it)."""
        if self._own_playhead or self.speed:
            return
        if self.mode != "cut":
            self._load_cut()
        self.seek(frame, move_playhead=False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        actions = {
            Qt.Key.Key_Space: self.toggle_play,
            Qt.Key.Key_K: self.pause,
            Qt.Key.Key_J: lambda: self._shuttle_key(-1),
            Qt.Key.Key_L: lambda: self._shuttle_key(1),
            Qt.Key.Key_Left: lambda: self.step(-1),
            Qt.Key.Key_Right: lambda: self.step(1),
            Qt.Key.Key_I: self.mark_in,
            Qt.Key.Key_O: self.mark_out,
            Qt.Key.Key_Home: lambda: self.seek(0),
            Qt.Key.Key_End: lambda: self.seek(self.length - 1),
        }
        action = actions.get(Qt.Key(event.key()))
        if action is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        action()
        event.accept()

    def stop(self) -> None:
        """Stop playback and release open clips (the window calls this when it closes or drops the project)."""
        self.pause()
        self.voices.stop()
        self._reader.close()
        if self.media is not None:
            self.media.stop()

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)
