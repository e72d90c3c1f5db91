"""The project model: document, bundle storage with safe saves, and undoable edit commands."""

from .commands import Change, Command
from .document import ProjectDocument
from .errors import NotFound, ProjectError, StoryreelError, UnsafeMediaPath
from .model import (
    AudioTake,
    Card,
    Character,
    EngineSettings,
    ExportSettings,
    FrameSource,
    Line,
    MusicClip,
    Project,
    Shot,
    Take,
    Transition,
    Voice,
)

__all__ = [
    "AudioTake", "Card", "Change", "Character", "Command", "EngineSettings", "ExportSettings", "FrameSource", "Line",
    "MusicClip", "NotFound", "Project", "ProjectDocument", "ProjectError", "Shot", "StoryreelError", "Take",
    "Transition", "UnsafeMediaPath", "Voice",
]
