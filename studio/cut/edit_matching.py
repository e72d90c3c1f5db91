"""Which shot each clip of an edit shows.

Rules, first that applies wins:
1. shot metadata: the clip carries the ``storyreel.shot_id`` our export writes (OTIO, OTIOZ keep it);
2. source file: its file is a take of the project (the take's path inside the bundle ends the clip's path, so a
   bundle moved or relinked elsewhere still matches), or a shot or take id is part of the path (``.otioz`` names
   its media ``NNN-<shot id>.mp4``; takes live under ``media/takes/<shot id>/<take id>/``);
3. clip name: a shot or take id in the name, or our exported name ``NNN <prompt>`` — the prompt picks the shot,
   and when several shots share it the number (the shot's place when exported) decides.
EDLs and FCPXML from Resolve keep no metadata, so rules 2 and 3 are what match them. A shot is used once: a clip
showing a shot already placed is listed as unmatched, as is every clip no rule matches.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from studio.project.model import Project, Shot

from .edit_reading import EditClip

RULE_METADATA = "shot metadata"
RULE_SOURCE = "source file"
RULE_NAME = "clip name"

_TOKEN = re.compile(r"[A-Za-z0-9_]+")
_NUMBERED_NAME = re.compile(r"^(?P<number>\d{1,5})\s+(?P<prompt>.*)$", re.S)
NAME_PROMPT_CHARS = 50  # the export names a clip "NNN " + the first 50 characters of the prompt


@dataclass(frozen=True)
class MatchedClip:
    clip: EditClip
    shot_id: str
    take_id: str | None  # the take whose file the clip shows, when known (else the shot's active take)
    rule: str


@dataclass(frozen=True)
class UnmatchedClip:
    clip: EditClip
    reason: str


@dataclass(frozen=True)
class Matches:
    matched: tuple[MatchedClip, ...]
    unmatched: tuple[UnmatchedClip, ...]


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


class _Index:
    """Look-ups over the project built once: thousands of clips match in linear time."""

    def __init__(self, project: Project) -> None:
        self.shots: dict[str, Shot] = {s.id: s for s in project.shots}
        self.index: dict[str, int] = {s.id: i for i, s in enumerate(project.shots)}
        self.take_shot: dict[str, str] = {t.id: s.id for s in project.shots for t in s.takes}
        self.media: dict[str, tuple[str, str]] = {}
        for shot in project.shots:
            for take in shot.takes:
                self.media.setdefault(take.media.strip("/"), (shot.id, take.id))
        self.by_prompt: dict[str, list[str]] = defaultdict(list)
        for shot in project.shots:
            self.by_prompt[_norm(shot.prompt[:NAME_PROMPT_CHARS])].append(shot.id)

    def ids_in(self, text: str) -> tuple[str | None, str | None]:
        """(shot id, take id) named inside ``text`` (a path or a clip name), if any."""
        shot_id = take_id = None
        for token in _TOKEN.findall(text):
            if token in self.take_shot and take_id is None:
                take_id = token
            elif token in self.shots and shot_id is None:
                shot_id = token
        if take_id is not None and shot_id in (None, self.take_shot[take_id]):
            return self.take_shot[take_id], take_id
        return shot_id, None

    def by_path(self, path: str) -> tuple[str | None, str | None]:
        parts = (PureWindowsPath(path) if "\\" in path else PurePosixPath(path)).parts
        for start in range(len(parts)):  # the longest tail of the path that is a take's media path
            found = self.media.get("/".join(parts[start:]))
            if found:
                return found
        return self.ids_in(path)

    def by_name(self, clip: EditClip) -> tuple[str | None, str]:
        """(shot id, why not) from a numbered clip name."""
        numbered = _NUMBERED_NAME.match(clip.name)
        if numbered is None:
            return None, f"its name {clip.name!r} is not an exported shot name ('NNN prompt')"
        number = int(numbered.group("number"))
        candidates = self.by_prompt.get(_norm(numbered.group("prompt")), [])
        if len(candidates) == 1:
            return candidates[0], ""
        at_number = [c for c in candidates if self.index[c] == number - 1]
        if at_number:
            return at_number[0], ""
        if candidates:
            return None, f"{len(candidates)} shots have the prompt in its name {clip.name!r} and none is shot {number}"
        return None, f"no shot has the prompt in its name {clip.name!r}"


def match_clips(project: Project, clips: tuple[EditClip, ...]) -> Matches:
    """Match the clips of the lowest picture track to shots; everything else is listed with the reason."""
    index = _Index(project)
    matched: list[MatchedClip] = []
    unmatched: list[UnmatchedClip] = []
    placed: dict[str, EditClip] = {}
    for clip in clips:
        if clip.track > 1:
            unmatched.append(UnmatchedClip(clip, f"it is on picture track {clip.track}; only the lowest picture "
                                                 "track is read (put the cut on one track)"))
            continue
        found = _identify(index, clip)
        if isinstance(found, str):
            unmatched.append(UnmatchedClip(clip, found))
        elif found.shot_id in placed:
            first = placed[found.shot_id]
            unmatched.append(UnmatchedClip(clip, f"shot {index.index[found.shot_id] + 1} is already in the edit as "
                                                 f"clip {first.position}; a shot is placed once"))
        else:
            placed[found.shot_id] = clip
            matched.append(found)
    return Matches(tuple(matched), tuple(unmatched))


def _identify(index: _Index, clip: EditClip) -> MatchedClip | str:
    path_shot, path_take = index.by_path(clip.source_path) if clip.source_path else (None, None)
    meta_shot = clip.storyreel.get("shot_id")
    if isinstance(meta_shot, str) and meta_shot in index.shots:
        take = path_take if path_shot == meta_shot else None
        active = clip.storyreel.get("active_take")
        if take is None and isinstance(active, str) and index.take_shot.get(active) == meta_shot:
            take = active
        return MatchedClip(clip, meta_shot, take, RULE_METADATA)
    if path_shot is not None:
        return MatchedClip(clip, path_shot, path_take, RULE_SOURCE)
    name_shot, name_take = index.ids_in(clip.name)
    if name_shot is not None:
        return MatchedClip(clip, name_shot, name_take, RULE_NAME)
    shot_id, why = index.by_name(clip)
    if shot_id is not None:
        return MatchedClip(clip, shot_id, None, RULE_NAME)
    reasons = []
    if isinstance(meta_shot, str):
        reasons.append(f"its shot {meta_shot} is no longer in the project")
    if clip.source_path:
        reasons.append(f"its file {clip.source_path} is no take of this project")
    reasons.append(why)
    return "; ".join(reasons)
