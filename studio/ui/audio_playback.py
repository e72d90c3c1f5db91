"""Play a short audio file (voice previews, narrated lines) with QtMultimedia, when the system has output."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl


def has_audio_output() -> bool:
    """Whether this computer has a sound output Qt can play to. Without one (no sound server) nothing is started:
    a media player with an audio output and no device can hang in ``stop()``."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        return False
    return bool(QMediaDevices.audioOutputs())


class AudioPlayback(QObject):
    """One QMediaPlayer + QAudioOutput, created on first use (QtMultimedia may be missing on a headless box)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._player = None
        self._output = None
        self.last_played: Path | None = None
        self.problem: str | None = None

    def play(self, path: Path) -> bool:
        """Start playing ``path``; False (with ``problem`` set) when this machine cannot play audio."""
        self.last_played = Path(path)
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        except ImportError as exc:
            self.problem = f"audio playback is not available here ({exc})"
            return False
        if not has_audio_output():
            self.problem = "this computer has no audio output device"
            return False
        if self._player is None:
            self._player = QMediaPlayer(self)
            self._output = QAudioOutput(self)
            self._player.setAudioOutput(self._output)
        self._player.stop()
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        self._player.play()
        self.problem = None
        return True

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()
