"""Narration while the cut plays (QtMultimedia only): one audio player per line, started at the line's time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl

from studio.timeline.layout import compute_layout


class VoicePlayers(QObject):
    """``resolve(bundle path)`` gives the file of a line's audio (None when it is missing)."""

    def __init__(self, parent: QObject, session, resolve: Callable[[str | None], Path | None]) -> None:
        super().__init__(parent)
        self.session = session
        self._resolve = resolve
        self.started: set[str] = set()  # lines already started in this run of playback
        self.players: list = []

    def start_due(self, frame: int, fps: float) -> None:
        """Start every line that is speaking at film ``frame`` and has not started yet."""
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

        project = self.session.project
        for span in compute_layout(project).lines:
            if span.line_id in self.started or not span.start <= frame < span.start + span.duration:
                continue
            self.started.add(span.line_id)
            audio = project.line(span.line_id).active()
            path = self._resolve(audio.media) if audio is not None else None
            if path is None:
                continue
            player, output = QMediaPlayer(self), QAudioOutput(self)
            player.setAudioOutput(output)
            player.setSource(QUrl.fromLocalFile(str(path)))
            player.setPosition(round((frame - span.start) / fps * 1000))
            player.play()
            self.players.append((player, output))

    def stop(self) -> None:
        """Silence every line (playback paused, sought or stopped); they start again from the new frame."""
        for player, output in self.players:
            player.stop()
            player.deleteLater()
            output.deleteLater()
        self.players.clear()
        self.started.clear()
