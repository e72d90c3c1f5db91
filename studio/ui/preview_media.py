"""QtMultimedia for the preview: one QMediaPlayer drawing into a QGraphicsVideoItem (a QVideoWidget would grab
blank), kept on the take and source position that the film's frame needs.

Where QtMultimedia cannot load, fails, or has no screen (the offscreen platform), the preview draws decoded frames
instead (``multimedia_available`` says why not); cards and transitions are always drawn as frames.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSizeF, QUrl

from studio.timeline.playback_sequence import Piece

from .audio_playback import has_audio_output


def multimedia_available() -> tuple[bool, str]:
    """(usable, why not): there is a screen to show video on, and QtMultimedia imports."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() == "offscreen":
        # Video items draw nothing offscreen (headless runs, tests): decoded frames are the only picture there,
        # and an idle media player would only spend decoder threads on clips nobody sees.
        return False, "there is no screen to play video on (offscreen)"
    try:
        from PySide6.QtMultimedia import QMediaDevices, QMediaPlayer  # noqa: F401
    except ImportError as exc:  # e.g. libpulse missing: the Qt module itself cannot load
        return False, f"Qt's media playback cannot load on this computer ({exc})"
    return True, ""


class MediaSync(QObject):
    """The media player and its video item; ``on_error(message)`` is called when a clip will not play."""

    def __init__(self, parent: QObject, scene, on_error: Callable[[str], None]) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        from PySide6.QtMultimediaWidgets import QGraphicsVideoItem

        self.player = QMediaPlayer(self)
        self._audio = QAudioOutput(self) if has_audio_output() else None  # none: picture only, nothing to hang
        if self._audio is not None:
            self.player.setAudioOutput(self._audio)
        self.video_item = QGraphicsVideoItem()
        scene.addItem(self.video_item)
        self.player.setVideoOutput(self.video_item)
        self.source: Path | None = None
        self.player.errorOccurred.connect(lambda error, message: on_error(message or str(error)))

    def is_playing(self) -> bool:
        from PySide6.QtMultimedia import QMediaPlayer

        return self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def shown_frame(self, piece: Piece | None, path: Path | None, fps: float) -> int | None:
        """The film frame the player is showing (None unless it plays ``piece``'s clip)."""
        if piece is None or path is None or path != self.source or not self.is_playing():
            return None
        source = self.player.position() / 1000 * fps * piece.ratio
        if source < piece.source_in:  # still loading / seeking
            return None
        return min(piece.end, piece.start + int((source - piece.source_in) / piece.ratio))

    def follow(self, piece: Piece | None, path: Path | None, frame: int, fps: float, speed: int,
               picture_size: tuple[int, int], *, force: bool = False) -> bool:
        """Put the player on ``piece``'s clip at film ``frame``; False when there is no clip to play there."""
        if piece is None or path is None or piece.kind != "take":
            self.player.pause()
            return False
        if path != self.source:
            self.source = path
            self.player.setSource(QUrl.fromLocalFile(str(path)))
            force = True
        self.video_item.show()
        self.video_item.setSize(QSizeF(*picture_size))
        source_ms = round(piece.source_frame(frame) / (fps * piece.ratio) * 1000)
        playing = self.is_playing()
        if speed == 1:
            if force or not playing:
                self.player.setPosition(source_ms)
                self.player.play()
        else:
            if playing:
                self.player.pause()
            self.player.setPosition(source_ms)
        return True

    def stop(self) -> None:
        self.player.stop()
        self.player.setSource(QUrl())
        self.source = None
        self.video_item.hide()
