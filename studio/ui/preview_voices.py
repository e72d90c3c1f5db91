"""The cut's sound while it plays (QtMultimedia only): one audio player per line, shot sound and music clip, each
started at its time in the film at its level (a shot's sound at the shot's level, music at the clip's gain).

The preview does not duck or fade: the export's mix does (``studio.cut.audio_mix``); this is for timing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QObject, QUrl

from studio.timeline.layout import TimelineLayout, document_layout

from .audio_playback import has_audio_output


def audio_due(project, layout: TimelineLayout, frame: int) -> Iterator[tuple[str, int, str, float]]:
    """(key, first film frame, bundle path of the audio, gain in dB) of everything audible at film ``frame``
    (only those spans are looked up: this runs on every tick of playback)."""
    for span in layout.lines:
        if span.start <= frame < span.start + span.duration:
            audio = project.line(span.line_id).active()
            if audio is not None and audio.status == "ready":
                yield span.line_id, span.start, audio.media, 0.0
    for span in layout.sounds:
        if span.start <= frame < span.end:
            shot = project.shot(span.shot_id)
            yield f"sound:{shot.id}", span.start, shot.active_sound().media, shot.sound_gain_db
    due = {span.clip_id: span.start for span in layout.music if span.start <= frame < span.end}
    for clip in project.music:
        if clip.id in due:
            yield clip.id, due[clip.id], clip.media, clip.gain_db


class VoicePlayers(QObject):
    """``resolve(bundle path)`` gives the file of an audio (None when it is missing)."""

    def __init__(self, parent: QObject, session, resolve: Callable[[str | None], Path | None]) -> None:
        super().__init__(parent)
        self.session = session
        self._resolve = resolve
        self.started: set[str] = set()  # lines, sounds and music clips already started in this run of playback
        self.players: list = []
        self.audible = has_audio_output()  # without a sound device the cut plays silent (and never hangs)

    def start_due(self, frame: int, fps: float) -> None:
        """Start everything that is audible at film ``frame`` and has not started yet."""
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

        project = self.session.project
        for key, start, media, gain_db in audio_due(project, document_layout(self.session.document), frame):
            if key in self.started:
                continue
            self.started.add(key)
            path = self._resolve(media)
            if path is None or not self.audible:
                continue
            player, output = QMediaPlayer(self), QAudioOutput(self)
            output.setVolume(min(1.0, 10 ** (gain_db / 20)))
            player.setAudioOutput(output)
            player.setSource(QUrl.fromLocalFile(str(path)))
            player.setPosition(round((frame - start) / fps * 1000))
            player.play()
            self.players.append((player, output))

    def stop(self) -> None:
        """Silence everything (playback paused, sought or stopped); it starts again from the new frame."""
        for player, output in self.players:
            player.stop()
            player.deleteLater()
            output.deleteLater()
        self.players.clear()
        self.started.clear()
