"""Play a short audio file (voice previews, narrated lines) with QtMultimedia, when the system has output."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl


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
            from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
        except ImportError as exc:
            self.problem = f"audio playback is not available here ({exc})"
            return False
        if not QMediaDevices.audioOutputs():
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
