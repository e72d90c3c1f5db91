"""Where things sit in the timeline scene: a frame's x at the current zoom, and each track's top and height."""

from __future__ import annotations

from dataclasses import dataclass

from . import style


@dataclass
class TrackGeometry:
    px_per_frame: float = 4.0
    voice_lanes: int = 1  # the voice track grows a lane for each overlapping line

    def x_for_frame(self, frame: float) -> float:
        return frame * self.px_per_frame

    def frame_at(self, x: float) -> int:
        return max(0, round(x / self.px_per_frame))

    def video_top(self) -> float:
        return style.RULER_H + style.TRACK_GAP

    def voice_top(self) -> float:
        return self.video_top() + style.VIDEO_H + style.TRACK_GAP

    def voice_height(self) -> float:
        return self.voice_lanes * style.VOICE_LANE_H

    def sound_top(self) -> float:
        return self.voice_top() + self.voice_height() + style.TRACK_GAP

    def music_top(self) -> float:
        return self.sound_top() + style.SOUND_H + style.TRACK_GAP

    def scene_height(self) -> float:
        return self.music_top() + style.MUSIC_H + style.TRACK_GAP

    def track_rows(self) -> list[tuple[str, float, float]]:
        """(name, top, height) of the video, voice, sound and music tracks."""
        return [("VIDEO", self.video_top(), style.VIDEO_H), ("VOICE", self.voice_top(), self.voice_height()),
                ("SOUND", self.sound_top(), style.SOUND_H), ("MUSIC", self.music_top(), style.MUSIC_H)]

    def track_middle(self, track: str, lane: int = 0) -> float:
        """The y through the middle of a track ('ruler', 'video', 'voice' with its lane, 'sound', 'music')."""
        return {"ruler": style.RULER_H / 2, "video": self.video_top() + style.VIDEO_H / 2,
                "voice": self.voice_top() + lane * style.VOICE_LANE_H + style.VOICE_LANE_H / 2,
                "sound": self.sound_top() + style.SOUND_H / 2, "music": self.music_top() + style.MUSIC_H / 2}[track]
