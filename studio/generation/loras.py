"""The LoRA adapters a shot's generation applies: the project's style LoRAs (``Project.style_loras``), then each of
its elements' LoRAs (``Element.loras``), each at its strength.

Requests carry them as (file, sha256, strength) (``GenerationRequest.with_loras``); the animatic draws without
weights, so its requests carry none and keep their keys. A LoRA file that left the bundle is a clear error.
"""

from __future__ import annotations

from pathlib import Path

from engine.request import GenerationRequest, RequestError
from studio.project.errors import ProjectError
from studio.project.model import Project, Shot
from studio.project.store import resolve_media

from .elements import shot_elements


def shot_loras(project: Project, shot: Shot, bundle: Path) -> list[tuple[Path, float, str]]:
    """(file in the bundle, strength, sha256 recorded at import, '' if none) of the project's style LoRAs and each
    LoRA of the shot's elements."""
    owners = [("The project's style", project.style_loras)]
    owners += [(f"{element.name}'s", element.loras) for element in shot_elements(project, shot)]
    loras = []
    for owner, refs in owners:
        for lora in refs:
            try:
                path = resolve_media(Path(bundle), lora.path)
            except ProjectError as exc:
                raise RequestError(f"{owner} LoRA {lora.path} cannot be used: {exc}") from exc
            if not path.is_file():
                raise RequestError(f"{owner} LoRA {lora.path} is missing from the project folder; add it "
                                   "again or take it off")
            loras.append((path, lora.strength, lora.sha256))
    return loras


def with_shot_loras(request: GenerationRequest, project: Project, shot: Shot, bundle: Path) -> GenerationRequest:
    """``request`` with the shot's LoRAs (none for the animatic, which has no weights to apply them to)."""
    if request.backend == "animatic":
        return request
    loras = shot_loras(project, shot, bundle)
    if not loras:
        return request
    return request.with_loras([(path, strength) for path, strength, _sha in loras],
                              sha256=[sha or None for _path, _strength, sha in loras])
