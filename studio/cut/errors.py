"""Errors a filmmaker can cause when cutting or exporting."""

from __future__ import annotations

from studio.project.errors import StoryreelError


class CutError(StoryreelError):
    """The cut cannot be built or exported (a shot without a usable take, an impossible transition...)."""


class MissingTake(CutError):
    """A shot has no usable take (none, offline or failed); ``storyreel render`` generates missing takes first."""

    def __init__(self, shot_id: str, index: int, reason: str) -> None:
        self.shot_id = shot_id
        super().__init__(f"shot {index + 1} ({shot_id}) {reason}; generate a take for it first")


class MediaError(CutError):
    """ffmpeg could not read or write a media file."""
