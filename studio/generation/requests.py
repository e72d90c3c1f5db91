"""Shot -> GenerationRequest: size from the project frame and the shot's aspect, time in project frames."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from engine.backends.registry import BACKEND_NAMES
from engine.model_registry import KNOWN_MODELS, ModelNotFound, resolve_model
from engine.request import GenerationRequest, RequestError, file_sha256
from studio.project.errors import ProjectError, StoryreelError
from studio.project.model import Project, Shot, parse_aspect
from studio.project.reference_image import check_reference_image
from studio.project.store import resolve_media

from .continuity import ContinuityError, resolve_frames
from .elements import element_stills, elements_lineage, model_prompt, plain_prompt
from .loras import with_shot_loras


class GenerationError(StoryreelError):
    """A shot that cannot be turned into a generation request, or a take that cannot be stored."""


def frame_size_for_aspect(project_width: int, project_height: int, aspect: str) -> tuple[int, int]:
    """The largest frame of ``aspect`` that fits inside the project frame, with even sides (H.264)."""
    ratio = parse_aspect(aspect)
    if ratio >= project_width / project_height:
        width, height = project_width, project_width / ratio
    else:
        width, height = project_height * ratio, project_height
    even = lambda side: max(16, int(round(side / 2)) * 2)  # noqa: E731 - tiny local rule
    return min(even(width), project_width), min(even(height), project_height)


def shot_label(project: Project, shot: Shot) -> str:
    """'SHOT 3 · PUSH IN': the slug the animatic card and the queue show."""
    number = project.shot_index(shot.id) + 1
    return f"SHOT {number} · {shot.camera.replace('_', ' ').upper()}"


def request_for_shot(project: Project, shot: Shot, bundle: Path, *, backend: str | None = None,
                     model_id: str | None = None, seed: int | None = None) -> GenerationRequest:
    """The frozen request for one take of ``shot`` (``seed`` None = the shot's seed)."""
    engine = project.engine
    backend = backend or shot.backend or engine.backend
    if backend not in BACKEND_NAMES:
        raise GenerationError(f"unknown engine {backend!r}; one of {', '.join(BACKEND_NAMES)}")
    model = None if backend == "animatic" else model_id or shot.model_id or engine.model_id
    spec = None
    if backend == "diffusers":
        try:
            spec = resolve_model(model)
        except ModelNotFound as exc:
            raise GenerationError(str(exc)) from exc
        model = spec.id
    width, height = frame_size_for_aspect(project.width, project.height, shot.aspect)
    number = project.shot_index(shot.id) + 1
    try:
        frames = resolve_frames(project, Path(bundle), shot)
    except ContinuityError as exc:
        raise GenerationError(str(exc)) from exc
    options = dict(engine.options)
    try:
        request = GenerationRequest(
            # The animatic's card shows the shot's own words; models also read the elements' descriptions.
            prompt=plain_prompt(project, shot) if backend == "animatic" else model_prompt(project, shot),
            negative_prompt=shot.negative_prompt, width=width, height=height,
            num_frames=shot.duration_frames, fps=float(project.fps), seed=shot.seed if seed is None else seed,
            steps=engine.steps, guidance=engine.guidance, camera=shot.camera, backend=backend, model_id=model,
            options=(), label=shot_label(project, shot),
        )
        start = frames.start or (_reference(shot, Path(bundle), number) if shot.reference else None)
        if start is not None:
            request = request.with_reference(start)
        if frames.end is not None:
            if spec is not None and "first_last_frame" not in spec.tasks:
                able = [known.id for known in KNOWN_MODELS.values() if "first_last_frame" in known.tasks]
                raise GenerationError(f"shot {number} has an end frame, and {spec.id} cannot use one; models that "
                                      f"can: {', '.join(able)}")
            if start is None:
                if backend != "animatic":
                    raise GenerationError(f"shot {number} has an end frame but no start image; give it a start "
                                          "frame or a keyframe")
                request = request.with_reference(frames.end)  # the animatic lands on it
                options["anchor"] = "end"
            else:
                request = replace(request, task="first_last_frame", last_image=str(frames.end),
                                  last_image_sha256=file_sha256(frames.end))
        elif frames.start is not None and backend == "animatic":
            options["anchor"] = "start"  # the take begins exactly on its start frame
        # The cast's and the location's stills: in a strip at the foot of a story card (continuity, no weights),
        # or beside the start and end frames of a model that takes references (Wan VACE). Other models never get
        # them, so their requests keep their keys.
        story_card = backend == "animatic" and start is None and frames.end is None
        if story_card or (spec is not None and spec.family.references):
            request = request.with_references(element_stills(project, shot, Path(bundle)))
        request = with_shot_loras(replace(request, options=tuple(sorted(options.items()))), project, shot, bundle)
    except RequestError as exc:
        raise GenerationError(f"shot {number}: {exc}") from exc
    return request


def _reference(shot: Shot, bundle: Path, number: int) -> Path:
    assert shot.reference is not None
    try:
        still = resolve_media(bundle, shot.reference)
    except ProjectError as exc:
        raise GenerationError(f"shot {number}: {exc}") from exc
    if not still.exists() and not still.is_symlink():  # anything else there is checked below
        raise GenerationError(f"shot {number}: its reference still {shot.reference} is missing from the "
                              f"project folder; import it again or clear the reference")
    try:  # a bundle from elsewhere may hold anything: bounded before the engine decodes it
        check_reference_image(still)
    except StoryreelError as exc:
        raise GenerationError(f"shot {number}: its reference still {shot.reference} cannot be used: {exc}") from exc
    return still


def lineage_for_shot(project: Project, shot: Shot, bundle: Path) -> dict:
    """Which shots' takes a new take of ``shot`` is made from (kept in the take's metadata)."""
    try:
        lineage = dict(resolve_frames(project, Path(bundle), shot).lineage)
    except ContinuityError:
        lineage = {}
    elements = elements_lineage(project, shot)
    if elements:
        lineage["elements"] = elements
    return lineage
