"""Continuity between shots: where a shot's start and end frames come from, what its take was made from, and
whether that has changed since (the take is then *stale*: shown, and regenerating is the user's choice).

    frames = resolve_frames(project, bundle, shot)      # ResolvedFrames(start=Path|None, end=Path|None, lineage)
    stale_reason(project, shot)                          # "shot 2's active take changed since ..." or None
    check_links(project)                                 # ContinuityError on a loop of continue links

A start frame of ``prev`` is the previous shot's active take's last frame (the shot *continues* it); an end frame
of ``next`` is the next shot's first frame. The lineage names the shot and take each frame came from; it is kept
in the new take's metadata, so staleness survives a save and a load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.project.errors import NotFound, ProjectError, StoryreelError
from studio.project.model import FrameSource, Project, Shot
from studio.project.reference_image import check_reference_image
from studio.project.store import resolve_media
from studio.project.usable_media import media_present

from .elements import elements_stale_reason

BRIDGE_FLAG = "bridge"  # a shot (or its transition) made by bridging its neighbours


class ContinuityError(StoryreelError):
    """A start or end frame that cannot be used (missing, a loop of links, a neighbour without a take)."""


@dataclass(frozen=True)
class ResolvedFrames:
    start: Path | None = None
    end: Path | None = None
    lineage: dict[str, Any] = field(default_factory=dict)  # {"start": {"shot":, "take":}, "end": {...}}


def _number(project: Project, shot: Shot) -> int:
    return project.shot_index(shot.id) + 1


def _neighbour(project: Project, shot: Shot, step: int) -> Shot | None:
    index = project.shot_index(shot.id) + step
    return project.shots[index] if 0 <= index < len(project.shots) else None


def _still(bundle: Path, path: str, what: str, number: int) -> Path:
    try:
        still = resolve_media(bundle, path)
    except ProjectError as exc:
        raise ContinuityError(f"shot {number}: {exc}") from exc
    if not still.exists() and not still.is_symlink():  # anything else there is checked below
        raise ContinuityError(f"shot {number}: its {what} {path} is missing from the project folder")
    try:  # a bundle from elsewhere may hold anything: bounded before the engine decodes it
        check_reference_image(still)
    except StoryreelError as exc:
        raise ContinuityError(f"shot {number}: its {what} {path} cannot be used: {exc}") from exc
    return still


def _frame(project: Project, bundle: Path, shot: Shot, source: FrameSource, end: bool) -> tuple[Path, dict | None]:
    number = _number(project, shot)
    what = "end frame" if end else "start frame"
    if source.kind == "image":
        assert source.path is not None
        return _still(bundle, source.path, what, number), None
    if source.kind == "keyframe":
        if not shot.reference:
            raise ContinuityError(f"shot {number}: its {what} is its keyframe, and it has none; import a still "
                                  "with --ref or choose another frame")
        return _still(bundle, shot.reference, "keyframe", number), None
    other = _neighbour(project, shot, 1 if source.kind == "next" else -1)
    which = "next" if source.kind == "next" else "previous"
    if other is None:
        raise ContinuityError(f"shot {number} has no {which} shot to take its {what} from")
    take = other.active()
    frame_name = (take.first_frame if source.kind == "next" else take.last_frame) if take is not None else None
    if take is None or take.status != "ready" or not frame_name or not media_present(bundle, frame_name):
        raise ContinuityError(f"shot {number}'s {what} is the {which} shot's {'first' if end else 'last'} frame, and "
                              f"shot {_number(project, other)} has no usable take yet: generate it first")
    return _still(bundle, frame_name, f"{which} shot's frame", number), {"shot": other.id, "take": take.id}


def resolve_frames(project: Project, bundle: Path, shot: Shot) -> ResolvedFrames:
    """The stills a take of ``shot`` starts and ends on, and where they came from."""
    start = end = None
    lineage: dict[str, Any] = {}
    if shot.start_frame is not None:
        start, origin = _frame(project, bundle, shot, shot.start_frame, end=False)
        if origin:
            lineage["start"] = origin
    if shot.end_frame is not None:
        end, origin = _frame(project, bundle, shot, shot.end_frame, end=True)
        if origin:
            lineage["end"] = origin
    return ResolvedFrames(start, end, lineage)


def stale_reason(project: Project, shot: Shot) -> str | None:
    """Why the shot's active take no longer matches what it was made from, or None."""
    take = shot.active()
    lineage = take.metadata.get("lineage") if take is not None and isinstance(take.metadata, dict) else None
    if not isinstance(lineage, dict):
        return None
    changed = elements_stale_reason(project, lineage.get("elements"))
    if changed:
        return changed
    for end, origin in lineage.items():
        if not isinstance(origin, dict) or end not in ("start", "end"):
            continue
        try:
            source = project.shot(str(origin.get("shot")))
        except NotFound:
            return f"the shot its {end} frame came from was deleted"
        if source.active_take != origin.get("take"):
            return (f"shot {_number(project, source)}'s active take changed since this take was made from its "
                    f"{'first' if end == 'end' else 'last'} frame")
    return None


def continues_previous(shot: Shot) -> bool:
    """The shot starts on the previous shot's last frame."""
    return shot.start_frame is not None and shot.start_frame.kind == "prev"


def ends_on_next(shot: Shot) -> bool:
    """The shot ends on the next shot's first frame."""
    return shot.end_frame is not None and shot.end_frame.kind == "next"


def check_links(project: Project) -> None:
    """Refuse a loop: a shot ending on the next one's first frame while that one starts on this one's last."""
    for shot, following in zip(project.shots, project.shots[1:], strict=False):
        if ends_on_next(shot) and continues_previous(following):
            raise ContinuityError(
                f"shot {_number(project, shot)} ends on shot {_number(project, following)}'s first frame while shot "
                f"{_number(project, following)} starts on shot {_number(project, shot)}'s last: each would wait "
                "for the other; drop one of the two links")


def describe(source: FrameSource | None) -> str | None:
    """How ``shot list`` names a frame source."""
    if source is None:
        return None
    return {"prev": "previous shot's last frame", "next": "next shot's first frame", "keyframe": "keyframe"}.get(
        source.kind, source.path or "")


def dependency_waves(project: Project, shot_ids: list[str]) -> list[list[str]]:
    """``shot_ids`` in waves: a shot whose start (end) frame is the previous (next) shot's, when that shot is
    generated too, comes in a wave after it. Keeps the given order within a wave."""
    wanted = set(shot_ids)
    depth: dict[str, int] = {}

    def source_of(shot: Shot) -> str | None:
        for source, step in ((shot.start_frame, -1), (shot.end_frame, 1)):
            if source is not None and source.kind in ("prev", "next"):
                other = _neighbour(project, shot, step)
                if other is not None and other.id in wanted:
                    return other.id
        return None

    def depth_of(shot_id: str, seen: frozenset[str] = frozenset()) -> int:
        if shot_id not in depth:
            source = source_of(project.shot(shot_id))
            depth[shot_id] = 0 if source is None or source in seen else 1 + depth_of(source, seen | {shot_id})
        return depth[shot_id]

    waves: dict[int, list[str]] = {}
    for shot_id in shot_ids:
        waves.setdefault(depth_of(shot_id), []).append(shot_id)
    return [waves[level] for level in sorted(waves)]


def continuity_words(shot: Shot) -> str:
    """' · bridge' / ' · continues' / ' · ends on next': the chain, on the card."""
    words = " · bridge" if BRIDGE_FLAG in shot.flags else ""
    if continues_previous(shot):
        words += " · continues"
    if ends_on_next(shot):
        words += " · ends on next"
    return words
