"""How a still request maps onto an image model: working size, the references it can take, the call's keywords.

The plan follows the video plan's rules (the model's working area at the request's aspect, snapped to the
family's size rule; the still is conformed to the requested size at the edge) and says every change in its
notes: references a family cannot take are left out with a note naming the families that can, never silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from engine.backends.diffusers_plan import (
    GenerationPlan,
    UnsupportedRequest,
    cover_resize,
    family_titles,
    usable_references,
)
from engine.model_families import ModelFamily
from engine.model_registry import ModelSpec, all_families, families_for, resolve_model
from engine.model_store import ModelStore
from engine.request import GenerationRequest
from engine.video_io import load_image_rgb


@dataclass(frozen=True)
class StillPlan:
    plan: GenerationPlan  # spec, pipeline class, working size (num_frames 1), notes
    task: str  # the task run: references_to_image only when the family takes the references
    references: tuple[str, ...] = ()  # the reference stills the pipeline gets


def image_families_text() -> str:
    return family_titles([f for f in all_families().values() if f.kind == "image"])


def video_only_error(spec: ModelSpec) -> UnsupportedRequest:
    return UnsupportedRequest(f"{spec.title or spec.id} makes video clips, not stills; the families that make "
                              f"stills: {image_families_text()}")


def plan_still(request: GenerationRequest, store: ModelStore | None = None) -> StillPlan:
    spec = resolve_model(request.model_id, store)
    family = spec.family
    if family.kind != "image":
        raise video_only_error(spec)
    name = spec.title or spec.id
    task = request.task
    references, notes = usable_references(spec, request.reference_images, takes_them=spec.supports(task),
                                          able=[f for f in families_for(task) if f.kind == "image"])
    if not references:
        task = "text_to_image"
    if not spec.supports(task):
        raise UnsupportedRequest(f"{name} makes stills only from reference images (it does "
                                 f"{', '.join(t.replace('_', '-') for t in spec.tasks)}); give the shot's cast or "
                                 f"location stills, or choose one of: {family_titles(families_for('text_to_image'))}")
    if family.max_useful_steps and request.steps > family.max_useful_steps:
        notes.append(f"{family.title} is made for 1-{family.max_useful_steps} steps; {request.steps} were run")

    c = spec.constraints
    width, height = request.width, request.height
    if str(request.option("resolution", "model")) != "request":
        native_area = spec.native_size[0] * spec.native_size[1]
        if width * height > native_area:
            scale = math.sqrt(native_area / (width * height))
            width, height = width * scale, height * scale  # type: ignore[assignment]
    gen_w, gen_h = c.snap_size(round(width), round(height))
    if (gen_w, gen_h) != (request.width, request.height):
        notes.append(f"{family.title} makes {gen_w}x{gen_h} (sides divisible by {c.size_multiple}, working size "
                     f"{spec.native_size[0]}x{spec.native_size[1]}); scaled to {request.width}x{request.height}")
    pipeline_class = spec.pipeline_class_name(task)
    assert pipeline_class is not None
    plan = GenerationPlan(spec, pipeline_class, gen_w, gen_h, 1, request.fps, notes)
    return StillPlan(plan, task, references)


def _fit_area(image: np.ndarray, area: int, multiple: int) -> np.ndarray:
    """Scale (down only) to at most ``area`` pixels keeping the aspect, sides snapped to ``multiple``."""
    import cv2

    h, w = image.shape[:2]
    scale = min(1.0, math.sqrt(area / (w * h)))
    new_w, new_h = (max(multiple, int(side * scale) // multiple * multiple) for side in (w, h))
    if (new_w, new_h) == (w, h):
        return image
    return cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_AREA)


def side_by_side(stills: list[np.ndarray], height: int) -> np.ndarray:
    """The stills at one height, left to right, on one canvas (one image for a one-image pipeline)."""
    import cv2

    scaled = [cv2.resize(s, (max(1, round(s.shape[1] * height / s.shape[0])), height),
                         interpolation=cv2.INTER_AREA if s.shape[0] > height else cv2.INTER_LANCZOS4) for s in stills]
    return np.ascontiguousarray(np.concatenate(scaled, axis=1))


def reference_arguments(still: StillPlan, family: ModelFamily) -> tuple[dict[str, Any], list[str]]:
    """The pipeline keywords that carry the references (as the family takes them), and notes."""
    from PIL import Image

    if not still.references:
        return {}, []
    plan = still.plan
    area, multiple = plan.width * plan.height, plan.spec.constraints.size_multiple
    stills = [load_image_rgb(Path(path)) for path in still.references]
    if family.references == "image":
        notes = []
        if len(stills) == 1:
            canvas = cover_resize(stills[0], plan.width, plan.height)
        else:
            canvas = _fit_area(side_by_side(stills, plan.height), area, multiple)
            notes.append(f"the {len(stills)} reference images were set side by side on one "
                         f"{canvas.shape[1]}x{canvas.shape[0]} canvas ({family.title} takes one image)")
        return {"image": Image.fromarray(canvas)}, notes
    if family.references == "image_list":
        return {"image": [Image.fromarray(_fit_area(s, area, multiple)) for s in stills]}, []
    raise UnsupportedRequest(f"{family.title}: references by {family.references!r} are not supported yet")


def still_arguments(still: StillPlan, request: GenerationRequest, family: ModelFamily) -> dict[str, Any]:
    """Every keyword of the pipeline call but the generator and callbacks."""
    kwargs: dict[str, Any] = {"prompt": request.prompt, "height": still.plan.height, "width": still.plan.width,
                              "num_inference_steps": request.steps, family.guidance_argument: request.guidance,
                              "output_type": "np"}
    if family.takes_negative_prompt and request.negative_prompt:
        kwargs["negative_prompt"] = request.negative_prompt
    if family.area_argument:
        kwargs[family.area_argument] = still.plan.width * still.plan.height
    kwargs.update(dict(family.call_arguments))
    return kwargs
