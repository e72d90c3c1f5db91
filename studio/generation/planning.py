"""Shots -> the takes to make: seeds by the rules in ``seeds``, and no take that the shot already has.

A planned take either needs a job (``request``) or names an existing take of the shot that is exactly what
was asked for (``existing_take_id``: the locked seed's take is already there, so it only becomes active).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.request import GenerationRequest
from studio.project.model import Project, Shot, Take
from studio.project.usable_media import media_present

from .keyframes import keyframe_request, usable_keyframes_by_key
from .requests import request_for_shot
from .seeds import SeedChoice, seed_for_generate, seed_for_new_take

# How many alternatives of a locked seed are tried before giving up on finding one the shot lacks.
_MAX_DERIVED = 10_000


@dataclass(frozen=True)
class PlannedTake:
    shot_id: str
    seed: SeedChoice
    request: GenerationRequest | None = None
    existing_take_id: str | None = None


def take_request_key(take: Take) -> str | None:
    """The request key a take was made from (stored with it; recomputed for takes from older versions)."""
    key = take.metadata.get("request_key") if isinstance(take.metadata, dict) else None
    if isinstance(key, str) and key:
        return key
    if take.request:
        try:
            return GenerationRequest.from_dict(dict(take.request)).key()
        except (TypeError, ValueError, KeyError):
            return None
    return None


def usable_takes_by_key(shot: Shot, bundle: Path | None) -> dict[str, str]:
    """request key -> take id, for the shot's takes that are ready and whose clip is in the bundle."""
    found: dict[str, str] = {}
    for take in shot.takes:
        if take.status != "ready" or not media_present(bundle, take.media):
            continue
        key = take_request_key(take)
        if key is not None:
            found.setdefault(key, take.id)
    return found


def plan_takes(project: Project, bundle: Path, shot_ids: list[str], *, new_takes: int | None = None,
               backend: str | None = None, model_id: str | None = None,
               busy_keys: set[str] | None = None, kind: str = "video") -> list[PlannedTake]:
    """The takes to make for ``shot_ids``: one per shot (*Generate*), or ``new_takes`` new distinct ones each.

    ``busy_keys`` are requests already queued or running; a *Generate* never queues one of them twice.
    ``kind`` "keyframe" plans the shots' stills instead of their clips (the same seed rules).
    """
    if new_takes is not None and new_takes < 1:
        raise ValueError(f"takes must be at least 1, got {new_takes}")
    planned: list[PlannedTake] = []
    busy = set(busy_keys or ())
    stills = kind == "keyframe"
    make = keyframe_request if stills else request_for_shot
    for shot_id in shot_ids:
        shot = project.shot(shot_id)
        existing = usable_keyframes_by_key(shot, bundle) if stills else usable_takes_by_key(shot, bundle)
        used_seeds = {item.seed for item in (shot.keyframes if stills else shot.takes)}

        def request(choice: SeedChoice, shot: Shot = shot) -> GenerationRequest:
            return make(project, shot, bundle, backend=backend, model_id=model_id, seed=choice.seed)

        if new_takes is None:
            choice = seed_for_generate(shot.seed, shot.seed_locked, used_seeds)
            wanted = request(choice)
            key = wanted.key()
            if key in existing:
                planned.append(PlannedTake(shot_id, choice, existing_take_id=existing[key]))
            elif key not in busy:
                busy.add(key)
                planned.append(PlannedTake(shot_id, choice, request=wanted))
            continue
        made, index = 0, 0
        while made < new_takes:
            index += 1
            if index > _MAX_DERIVED:
                raise ValueError(f"no new seed found for shot {project.shot_index(shot_id) + 1}")
            choice = seed_for_new_take(shot.seed, shot.seed_locked, index, used_seeds)
            wanted = request(choice)
            key = wanted.key()
            if key in existing or key in busy:
                continue
            busy.add(key)
            used_seeds.add(choice.seed)
            planned.append(PlannedTake(shot_id, choice, request=wanted))
            made += 1
    return planned
