"""The preview monitor: plays one take (with in/out marks) or the cut from the playhead, with J/K/L transport.

Two ways to show pictures:
- QtMultimedia: a QMediaPlayer drawing into a QGraphicsVideoItem (a QVideoWidget would grab blank), and one
  audio player per narration line, started at the line's time while the cut plays;
- a frame fallback where QtMultimedia is missing or fails (no audio device, no codec plugin, headless CI):
  frames decoded with OpenCV into a pixmap item, driven by a timer, with a notice saying so.

The cut is played as its takes in sequence: the source switches at shot boundaries and the session playhead
follows. That needs no render, so the preview starts instantly and always shows the current edit; shots
without a take show a card with their prompt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QElapsedTimer, QRectF, QSizeF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QFont, QImage, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.project import StoryreelError
from studio.ui.timeline.edits import take_range_command
from studio.ui.timeline.filmstrip import rgb_to_qimage
from studio.ui.timeline.layout import compute_layout
from studio.ui.timeline.timecode import format_timecode

MAX_SHUTTLE = 8


def multimedia_available() -> tuple[bool, str]:
    """(usable, why not): QtMultimedia imports and has an audio output or at least a video path."""
    try:
        from PySide6.QtMultimedia import QMediaDevices, QMediaPlayer  # noqa: F401
    except ImportError as exc:  # e.g. libpulse missing: the Qt module itself cannot load
        return False, f"Qt's media playback cannot load on this computer ({exc})"
    return True, ""


@dataclass(frozen=True)
class Segment:
    """A stretch of the program: ``length`` frames from ``start`` (program frames) showing ``path``."""

    shot_id: str
    take_id: str | None
    media: str | None  # bundle path of the clip (None: the shot has no usable take)
    start: int
    length: int
    source_in: int  # first source frame shown
    source_out: int  # one past the last source frame available
    ratio: float  # source frames per program frame
    label: str

    def source_frame(self, frame: int) -> int:
        offset = round((frame - self.start) * self.ratio)
        return max(self.source_in, min(self.source_out - 1, self.source_in + offset))


class _FrameReader:
    """Sequential-friendly frame access through OpenCV (seeks only when the wanted frame is not the next)."""

    def __init__(self) -> None:
        self._path: Path | None = None
        self._capture: cv2.VideoCapture | None = None
        self._next = 0

    def read(self, path: Path, index: int) -> np.ndarray | None:
        if path != self._path or self._capture is None:
            self.close()
            self._capture = cv2.VideoCapture(str(path))
            self._path, self._next = path, 0
            if not self._capture.isOpened():
                self.close()
                return None
        if index != self._next:
            if 0 < index - self._next <= 12:  # a short hop forward: decoding through is faster than a seek
                for _ in range(index - self._next):
                    self._capture.grab()
            else:
                self._capture.set(cv2.CAP_PROP_POS_FRAMES, index)
            self._next = index
        ok, bgr = self._capture.read()
        if not ok or bgr is None:
            return None
        self._next = index + 1
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
        self._capture, self._path = None, None


def card_image(width: int, height: int, title: str, text: str, background: str = "#121419") -> QImage:
    """A dark card for a shot that has no take yet."""
    image = QImage(width, height, QImage.Format.Format_RGB888)
    image.fill(QColor(background))
    painter = QPainter(image)
    font = QFont()
    font.setPixelSize(max(10, height // 12))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#e8ebf2"))
    margin = width // 12
    painter.drawText(QRectF(margin, height * 0.25, width - 2 * margin, height * 0.2),
                     Qt.AlignmentFlag.AlignCenter, title)
    font.setBold(False)
    font.setPixelSize(max(9, height // 18))
    painter.setFont(font)
    painter.setPen(QColor("#9aa3b2"))
    painter.drawText(QRectF(margin, height * 0.45, width - 2 * margin, height * 0.45),
                     Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, text)
    painter.end()
    return image


class _Screen(QGraphicsView):
    """The picture area: letterboxed, black, keeps the frame fitted when resized."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setBackgroundBrush(QColor("black"))
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.frame_rect = QRectF(0, 0, 16, 9)

    def set_frame_size(self, width: float, height: float) -> None:
        rect = QRectF(0, 0, max(1.0, width), max(1.0, height))
        if rect != self.frame_rect:
            self.frame_rect = rect
            self.scene().setSceneRect(rect)
            self.fit()

    def fit(self) -> None:
        self.fitInView(self.frame_rect, Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()


class PreviewPlayer(QWidget):
    """Preview monitor. ``use_multimedia``: None = use QtMultimedia when it works, False = frame fallback.

    Signals: ``positionChanged(frame)`` (program frame), ``playingChanged(bool)``.
    Keys: Space play/pause, J/K/L shuttle, Left/Right step a frame, I/O set the take's in/out marks.
    """

    positionChanged = Signal(int)
    playingChanged = Signal(bool)

    def __init__(self, session, parent: QWidget | None = None, *, use_multimedia: bool | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.mode = "cut"  # "take" or "cut"
        self.segments: list[Segment] = []
        self.position = 0
        self.speed = 0  # 0 paused; +1 play; 2, 4, 8 fast forward; negatives rewind
        self.fps: float = session.project.fps
        self.take_ref: tuple[str, str] | None = None
        self._reader = _FrameReader()
        self._clock = QElapsedTimer()
        self._clock_origin = 0.0
        self._own_playhead = False
        self._media = None
        self._voices: list = []
        self._started_lines: set[str] = set()
        self.current_image: QImage | None = None
        self.picture_size = (session.project.width, session.project.height)
        self._paths: dict[str, Path | None] = {}

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(240, 180)
        self.screen_view = _Screen(self)
        self.pixmap_item = QGraphicsPixmapItem()
        self.pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.screen_view.scene().addItem(self.pixmap_item)

        usable, why = multimedia_available() if use_multimedia is not False else (False, "video playback is switched off")
        self.fallback_reason = "" if usable else why
        if usable:
            try:
                self._init_multimedia()
            except Exception as exc:  # any backend failure degrades to the frame preview, never a crash
                self._media = None
                self.fallback_reason = f"video playback failed to start ({exc})"
        self.is_fallback = self._media is None

        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color:#e0a030; font-size:11px; padding:2px 6px;")
        self.notice.setVisible(self.is_fallback)
        if self.is_fallback:
            self.notice.setText("Frame preview, no sound — " + self.fallback_reason.split(" (")[0] + ".")
            self.notice.setToolTip(self.fallback_reason)

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

    # --- multimedia backend ----------------------------------------------------------------------------------
    def _init_multimedia(self) -> None:
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        from PySide6.QtMultimediaWidgets import QGraphicsVideoItem

        self._media = QMediaPlayer(self)
        self._audio = QAudioOutput(self)
        self._media.setAudioOutput(self._audio)
        self.video_item = QGraphicsVideoItem()
        self.screen_view.scene().addItem(self.video_item)
        self._media.setVideoOutput(self.video_item)
        self._media_source: Path | None = None
        self._media.errorOccurred.connect(self._on_media_error)

    def _on_media_error(self, error, message: str) -> None:
        # A clip the backend cannot play: keep previewing with decoded frames from here on.
        self._switch_to_fallback(message or str(error))

    def _switch_to_fallback(self, reason: str) -> None:
        if self._media is None:
            return
        self._media.stop()
        self.video_item.hide()
        self._media = None
        self.is_fallback = True
        self.fallback_reason = reason
        self.notice.setText(f"Frame preview, no sound — the clip would not play ({reason}).")
        self.notice.show()
        self._show(self.position)

    # --- what is playing -------------------------------------------------------------------------------------
    def play_take(self, shot_id: str, take_id: str) -> None:
        """Show one take from its first frame (paused), with its in/out marks."""
        project = self.session.project
        shot = project.shot(shot_id)
        take = shot.take(take_id)
        self.pause()
        frames = max(1, take.frame_count)
        self.mode, self.take_ref = "take", (shot_id, take_id)
        self.fps = take.fps or project.fps
        index = project.shot_index(shot_id) + 1
        self.segments = [Segment(shot_id, take_id, take.media, 0, frames, 0, frames, 1.0,
                                 f"Shot {index} · take {shot.takes.index(take) + 1}")]
        self.title.setText(f"Shot {index} · take {shot.takes.index(take) + 1} of {len(shot.takes)}")
        self.picture_size = (take.width or project.width, take.height or project.height)
        self._update_marks()
        self.seek(take.trim_in)
        self.play()

    def play_cut_from(self, frame: int) -> None:
        """Play the whole cut (active takes in order, with narration) from ``frame``."""
        self.pause()
        self._load_cut()
        self.seek(frame)
        self.play()

    def _load_cut(self) -> None:
        project = self.session.project
        layout = compute_layout(project)
        segments = []
        for span in layout.shots:
            shot = project.shots[span.index]
            take = shot.active()
            label = f"Shot {span.index + 1}"
            if take is None or take.status != "ready" or take.frame_count <= 0:
                segments.append(Segment(shot.id, None, None, span.start, span.duration, 0, 1, 1.0, label))
                continue
            ratio = (take.fps or project.fps) / project.fps
            out = take.trim_out if take.trim_out is not None else take.frame_count
            segments.append(Segment(shot.id, take.id, take.media, span.start, span.duration,
                                    take.trim_in, min(out, take.frame_count), ratio, label))
        self.mode, self.take_ref, self.fps = "cut", None, project.fps
        self.segments = segments
        self.title.setText(f"Cut · {project.title}")
        self.picture_size = (project.width, project.height)
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

    @property
    def length(self) -> int:
        return max((s.start + s.length for s in self.segments), default=0)

    def segment_at(self, frame: int) -> Segment | None:
        found = None
        for segment in self.segments:
            if segment.start <= frame < segment.start + segment.length:
                found = segment  # the later one inside an overlap (a crossfade shows the incoming shot)
        return found

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
        self._started_lines.clear()
        self._stop_voices()
        if speed:
            self._timer.start(max(5, int(1000 / self.fps / 2)))
        else:
            self._timer.stop()
        if self._media is not None:
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
        lo, hi = 0, max(0, self.length - 1)
        frame = max(lo, min(hi, int(frame)))
        self.position = frame
        self._clock.start()
        self._clock_origin = float(frame)
        self._show(frame)
        if self._media is not None:
            self._sync_media(force=True)
        self._publish(move_playhead=move_playhead)

    def _flush_reload(self) -> None:
        """Apply a pending reload now: transport calls must act on the cut as it is, not as it was."""
        if self._reload.isActive():
            self._reload.stop()
            if self.mode == "cut":
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
            if self._media is None or self.speed != 1:
                self._show(frame)
            self._sync_media()
            self._start_voices()
            self._publish()

    def _media_frame(self) -> int | None:
        """The program frame QMediaPlayer is showing (None unless it plays the current segment at 1x)."""
        if self._media is None or self.speed != 1:
            return None
        from PySide6.QtMultimedia import QMediaPlayer

        segment = self.segment_at(self.position)
        if (segment is None or self._path(segment.media) != self._media_source
                or self._media.playbackState() != QMediaPlayer.PlaybackState.PlayingState):
            return None
        source = self._media.position() / 1000 * self.fps * segment.ratio
        if source < segment.source_in:  # still loading / seeking
            return None
        return min(segment.start + segment.length, segment.start + int((source - segment.source_in) / segment.ratio))

    def _publish(self, *, move_playhead: bool = True) -> None:
        self.timecode.setText(f"{format_timecode(self.position, self.fps)} / "
                              f"{format_timecode(max(0, self.length - 1), self.fps)}")
        self.positionChanged.emit(self.position)
        if self.mode == "cut" and move_playhead:
            self._own_playhead = True
            try:
                self.session.set_playhead(self.position)
            finally:
                self._own_playhead = False

    # --- pictures --------------------------------------------------------------------------------------------
    def _show(self, frame: int) -> None:
        """Show ``frame`` as a decoded image (fallback, stills, cards, or paused multimedia positioning)."""
        segment = self.segment_at(frame)
        project = self.session.project
        if segment is None:
            image = card_image(project.width, project.height, "", "Nothing to preview: add shots to the storyboard",
                               background="#000000")
        elif self._path(segment.media) is None:
            shot = next((s for s in project.shots if s.id == segment.shot_id), None)
            image = card_image(project.width, project.height, f"{segment.label} — no take yet",
                               shot.prompt if shot else "")
        else:
            if self._media is not None:
                self.pixmap_item.hide()
                return
            path = self._path(segment.media)
            rgb = self._reader.read(path, segment.source_frame(frame))
            image = rgb_to_qimage(rgb) if rgb is not None else card_image(
                project.width, project.height, f"{segment.label} — clip unreadable", path.name)
        if self._media is not None:
            self.video_item.hide()
        self.current_image = image
        self.pixmap_item.setPixmap(QPixmap.fromImage(image))
        self.pixmap_item.show()
        self.screen_view.set_frame_size(image.width(), image.height())

    def _sync_media(self, *, force: bool = False) -> None:
        """Keep the QMediaPlayer on the right clip and position for the program frame."""
        if self._media is None:
            return
        from PySide6.QtMultimedia import QMediaPlayer

        segment = self.segment_at(self.position)
        path = self._path(segment.media) if segment is not None else None
        if segment is None or path is None:
            self._media.pause()
            return
        if path != self._media_source:
            self._media_source = path
            self._media.setSource(QUrl.fromLocalFile(str(path)))
            force = True
        self.video_item.show()
        self.pixmap_item.hide()
        # The video item letterboxes inside this box, like the decoded frames do in theirs.
        self.screen_view.set_frame_size(*self.picture_size)
        self.video_item.setSize(QSizeF(*self.picture_size))
        source_ms = round(segment.source_frame(self.position) / (self.fps * segment.ratio) * 1000)
        playing = self._media.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        if self.speed == 1:
            if force or not playing:
                self._media.setPosition(source_ms)
                self._media.play()
        else:
            if playing:
                self._media.pause()
            self._media.setPosition(source_ms)

    # --- narration while the cut plays (multimedia only) -----------------------------------------------------
    def _start_voices(self) -> None:
        if self._media is None or self.mode != "cut" or self.speed != 1:
            return
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

        layout = compute_layout(self.session.project)
        for span in layout.lines:
            if span.line_id in self._started_lines or not span.start <= self.position < span.start + span.duration:
                continue
            self._started_lines.add(span.line_id)
            audio = self.session.project.line(span.line_id).active()
            path = self._path(audio.media) if audio is not None else None
            if path is None:
                continue
            player, output = QMediaPlayer(self), QAudioOutput(self)
            player.setAudioOutput(output)
            player.setSource(QUrl.fromLocalFile(str(path)))
            player.setPosition(round((self.position - span.start) / self.fps * 1000))
            player.play()
            self._voices.append((player, output))

    def _stop_voices(self) -> None:
        for player, output in self._voices:
            player.stop()
            player.deleteLater()
            output.deleteLater()
        self._voices.clear()

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
        shot_id, take_id = self.take_ref
        take = self.session.project.shot(shot_id).take(take_id)
        trim_in, trim_out = take.trim_in, take.trim_out
        if which == "in":
            trim_in = self.position
            if trim_out is not None and trim_out <= trim_in:
                trim_out = None
        else:
            trim_out = self.position + 1
            if trim_out <= trim_in:
                trim_in = 0
        try:
            self.session.push(take_range_command(self.session.project, shot_id, take_id, trim_in, trim_out))
        except (StoryreelError, ValueError) as exc:
            self.notice.setText(str(exc))
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
        out = take.trim_out if take.trim_out is not None else take.frame_count
        self.marks_label.setText(f"In {format_timecode(take.trim_in, self.fps)}  "
                                 f"Out {format_timecode(max(0, out - 1), self.fps)}")

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
        key = event.key()
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
        action = actions.get(Qt.Key(key))
        if action is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        action()
        event.accept()

    def stop(self) -> None:
        """Stop playback and release open clips (the window calls this when it closes or drops the project)."""
        self.pause()
        self._stop_voices()
        self._reader.close()
        if self._media is not None:
            self._media.stop()
            self._media.setSource(QUrl())
            self._media_source = None

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)
