"""Keyframes: the still a shot is made from, generated like its takes (an image request through the same engine
client), or imported. A keyframe request is the shot's prompt (with its elements' descriptions for models) and
its elements' reference stills; with the animatic it is the shot's story card with those stills in a strip.
A finished still is copied into the bundle (media/keyframes/<shot>/<keyframe>.png) and becomes a Keyframe that
records what made it, the elements included, so that changing an element's stills marks it stale.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from engine.atomic_files import temp_path_for
from engine.backends.registry import BACKEND_NAMES
from engine.model_registry import ModelNotFound, resolve_model
from engine.request import GenerationRequest, RequestError, StillResult
from studio.project.model import Keyframe, Project, Shot, new_id
from studio.project.store import MEDIA
from studio.project.usable_media import media_present

from .elements import element_stills, elements_lineage, elements_stale_reason, model_prompt, plain_prompt
from .loras import with_shot_loras
from .requests import GenerationError, frame_size_for_aspect, shot_label

KEYFRAMES_FOLDER = "keyframes"


def keyframe_request(project: Project, shot: Shot, bundle: Path, *, backend: str | None = None,
                     model_id: str | None = None, seed: int | None = None) -> GenerationRequest:
    """The frozen request for one keyframe of ``shot`` (``model_id``: an image model for the diffusers engine;
    default the project's ``options["keyframe_model"]``)."""
    engine = project.engine
    backend = backend or engine.backend
    if backend not in BACKEND_NAMES:
        raise GenerationError(f"unknown engine {backend!r}; one of {', '.join(BACKEND_NAMES)}")
    number = project.shot_index(shot.id) + 1
    width, height = frame_size_for_aspect(project.width, project.height, shot.aspect)
    values: dict = {"seed": shot.seed if seed is None else seed, "backend": backend,
                    "label": shot_label(project, shot), "negative_prompt": shot.negative_prompt}
    if backend == "animatic":
        prompt = plain_prompt(project, shot)
    else:
        model = model_id or engine.options.get("keyframe_model")
        if not model:
            raise GenerationError("choose an image model for keyframes (--model, or the engine's keyframe model)")
        try:
            spec = resolve_model(str(model))
        except ModelNotFound as exc:
            raise GenerationError(str(exc)) from exc
        if spec.family.kind != "image":
            raise GenerationError(f"{spec.id} makes video, not stills; keyframes need an image model (see "
                                  "`storyreel models`)")
        prompt = model_prompt(project, shot)
        values.update(model_id=spec.id, steps=spec.family.default_steps, guidance=spec.family.default_guidance)
        if not prompt.strip():
            raise GenerationError(f"shot {number} has no prompt: describe what its keyframe shows")
    try:
        request = GenerationRequest.still(prompt, width, height,
                                          references=tuple(element_stills(project, shot, bundle)), **values)
        return with_shot_loras(request, project, shot, bundle)
    except RequestError as exc:
        raise GenerationError(f"shot {number}: {exc}") from exc


def keyframe_from_result(project: Project, bundle: Path, shot_id: str, result: StillResult) -> Keyframe:
    """Copy the engine's still into the bundle and describe it (request, model, seed, elements used)."""
    key_id = new_id("key")
    relative = f"{MEDIA}/{KEYFRAMES_FOLDER}/{shot_id}/{key_id}.png"
    target = Path(bundle) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not Path(result.image).is_file():
        raise GenerationError(f"the engine's still {result.image} is missing")
    with temp_path_for(target) as tmp:
        shutil.copyfile(result.image, tmp)
        os.replace(tmp, target)
    request = result.request
    metadata: dict = {"request_key": request.key(), "notes": list(result.notes)}
    elements = elements_lineage(project, project.shot(shot_id))
    if elements:
        metadata["elements"] = elements
    return Keyframe(id=key_id, media=relative, source="generated", request=request.to_dict(), seed=request.seed,
                    backend=result.backend, model_id=result.model_id or (request.model_id or ""),
                    width=result.width, height=result.height, metadata=metadata)


def keyframe_stale_reason(project: Project, shot: Shot) -> str | None:
    """Why the shot's active keyframe no longer matches its elements (their stills or LoRAs changed), or None."""
    key = next((k for k in shot.keyframes if k.id == shot.active_keyframe), None)
    if key is None or not isinstance(key.metadata, dict):
        return None
    return elements_stale_reason(project, key.metadata.get("elements"))


def usable_keyframes_by_key(shot: Shot, bundle: Path | None) -> dict[str, str]:
    """request key -> keyframe id, for the shot's generated keyframes whose still is in the bundle."""
    found: dict[str, str] = {}
    for key in shot.keyframes:
        request_key = key.metadata.get("request_key") if isinstance(key.metadata, dict) else None
        if isinstance(request_key, str) and media_present(bundle, key.media):
            found.setdefault(request_key, key.id)
    return found
