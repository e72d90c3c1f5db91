"""Which shots and lines still lack usable media: the one answer generation, voice and the cut share."""

from __future__ import annotations

from pathlib import Path

from .errors import UnsafeMediaPath
from .media_path import resolve_media
from .model import Project


def media_present(bundle: Path | None, media: str) -> bool:
    """The file is inside the bundle and exists (always True for a project not yet saved to a folder)."""
    if bundle is None:
        return True
    try:
        return resolve_media(Path(bundle), media).is_file()
    except UnsafeMediaPath:
        return False


def shots_missing_takes(project: Project, bundle: Path | None) -> list[str]:
    """Ids of shots with no usable active take (none chosen, failed or offline, or its clip is gone)."""
    missing = []
    for shot in project.shots:
        take = shot.active()
        if take is None or take.status != "ready" or not media_present(bundle, take.media):
            missing.append(shot.id)
    return missing


def lines_missing_audio(project: Project, bundle: Path | None) -> list[str]:
    """Ids of lines with no ready, present audio take (narration has not run, or its file is gone)."""
    missing = []
    for line in project.lines:
        audio = line.active()
        if audio is None or audio.status != "ready" or not media_present(bundle, audio.media):
            missing.append(line.id)
    return missing
