"""How a request maps onto a video model: working size, frame count and rate, and the notes that say so.

Models generate at their own rate, in their own frame counts and sizes. The plan asks the model for the
request's duration at the model's native rate (snapped to its frame rule), at the model's working area with the
request's aspect (snapped to its size rule); the clip is then conformed at the edge — retimed to exactly the
requested frame count at the requested rate, and scaled to the requested size. Every snap is written in ``notes``,
and so are reference stills a model cannot take (left out, never silently).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from engine.backends.diffusers_windows import Window, overlap_for, plan_windows
from engine.model_families import FAMILIES, ModelFamily
from engine.model_registry import ModelSpec, all_families, families_for, resolve_model
from engine.model_store import ModelStore
from engine.request import GenerationRequest

MAX_WINDOW = 10_000


class UnsupportedRequest(ValueError):
    """The chosen model cannot do what the request asks (task, frame count...)."""


@dataclass(frozen=True)
class GenerationPlan:
    spec: ModelSpec
    pipeline_class: str
    width: int
    height: int
    num_frames: int
    fps: float
    notes: list[str] = field(default_factory=list)
    # A shot longer than the model makes: the windows it is generated in (empty: one run of num_frames).
    windows: tuple[Window, ...] = ()
    # The request's reference stills the pipeline is given (those the model can take).
    references: tuple[str, ...] = ()


def family_titles(families: list[ModelFamily]) -> str:
    return ", ".join(family.title for family in families)


def usable_references(spec: ModelSpec, references: tuple[str, ...], *, takes_them: bool,
                      able: list[ModelFamily]) -> tuple[tuple[str, ...], list[str]]:
    """The references the model is given (none when it cannot take them, at most its limit), and notes that say
    what was left out (``able``: the families that would have taken them)."""
    name = spec.title or spec.id
    if not references:
        return (), []
    if not takes_them:
        return (), [f"{name} takes no reference images: the {len(references)} given were ignored (families that "
                    f"take them: {family_titles(able)})"]
    limit = spec.family.max_references
    if len(references) > limit:
        return tuple(references[:limit]), [f"{name} takes at most {limit} reference images: used the first "
                                           f"{limit} of {len(references)}"]
    return tuple(references), []


def plan_generation(request: GenerationRequest, store: ModelStore | None = None) -> GenerationPlan:
    spec = resolve_model(request.model_id, store)
    if spec.family.kind != "video":
        raise UnsupportedRequest(f"{spec.title or spec.id} makes stills, not video clips; the families that make "
                                 f"clips: {', '.join(f.title for f in FAMILIES.values())}")
    pipeline_class = spec.pipeline_class_name(request.task)
    if pipeline_class is None:
        can = ", ".join(t.replace("_", "-") for t in spec.tasks)
        able = [f for f in families_for(request.task) if f.kind == "video"]
        raise UnsupportedRequest(
            f"{spec.title or spec.id} cannot do {request.task.replace('_', '-')} (it does {can}; families that "
            f"can: {family_titles(able) or 'none'}); choose another model or change the shot (a reference still "
            f"asks for image-to-video)"
        )
    c = spec.constraints
    references, notes = usable_references(
        spec, request.reference_images, takes_them=spec.family.references == "reference_images",
        able=[f for f in all_families().values() if f.kind == "video" and f.references])

    width, height = request.width, request.height
    if str(request.option("resolution", "model")) != "request":
        native_area = spec.native_size[0] * spec.native_size[1]
        if width * height > native_area:
            scale = math.sqrt(native_area / (width * height))
            width, height = width * scale, height * scale  # type: ignore[assignment]
    gen_w, gen_h = c.snap_size(round(width), round(height))
    if (gen_w, gen_h) != (request.width, request.height):
        notes.append(f"{spec.family.title} generates at {gen_w}x{gen_h} (sides divisible by {c.size_multiple}, "
                     f"working size {spec.native_size[0]}x{spec.native_size[1]}); scaled to {request.width}x"
                     f"{request.height}")

    if request.negative_prompt and not spec.family.takes_negative_prompt:
        notes.append(f"{spec.family.title} takes no negative prompt (its guidance is distilled): it was ignored")
    gen_fps = c.fps_for(request.fps)
    wanted = c.native_frames_for(request.num_frames, request.fps)
    gen_frames = c.snap_frames(wanted)
    if gen_frames != request.num_frames or not math.isclose(gen_fps, request.fps):
        rule = f"{c.frame_multiple}k+1 frames" if c.frame_multiple > 1 else "any frame count"
        notes.append(f"{spec.family.title} makes {gen_frames} frames at {gen_fps:g} fps ({rule}); retimed to "
                     f"{request.num_frames} frames at {request.fps:g} fps")
    limit = c.max_frames
    # Shorter windows than the model allows (less memory per run); a family that makes long clips itself
    # (FramePack's sections) is never split into ours below its own limit.
    if request.option("window_frames") and not spec.family.makes_long_clips:
        limit = min(limit or MAX_WINDOW, max(3, int(request.option("window_frames"))))
    windows: tuple[Window, ...] = ()
    if limit is not None and wanted > limit:
        if spec.supports("image_to_video"):
            window = limit if c.frame_multiple <= 1 else ((limit - 1) // c.frame_multiple) * c.frame_multiple + 1
            overlap = overlap_for(c, window)
            first = request.task
            windows = tuple(plan_windows(wanted, window, overlap, c, first_task=first,
                                         end_on_image=request.task == "first_last_frame"))
            if len(windows) > 1 and first == "first_last_frame":
                windows = (replace(windows[0], task="image_to_video"), *windows[1:])
            gen_frames = wanted
            notes[:] = [n for n in notes if "retimed" not in n]
            if not math.isclose(gen_fps, request.fps) or wanted != request.num_frames:
                notes.append(f"{spec.family.title} makes {wanted} frames at {gen_fps:g} fps; retimed to "
                             f"{request.num_frames} frames at {request.fps:g} fps")
            notes.append(f"the shot is longer than the {window / gen_fps:.2f} s one run of this model makes: "
                         f"generated in {len(windows)} windows of up to {window} frames, each continuing the one "
                         f"before from a shared frame, {overlap} frames crossfaded at each seam")
        else:
            notes.append(f"the shot is longer than the {limit / gen_fps:.2f} s this model makes and it cannot "
                         f"continue from a frame (no image-to-video): the clip is slowed to "
                         f"{request.duration_seconds:.2f} s (split the shot, or use a model that can)")
    return GenerationPlan(spec, pipeline_class, gen_w, gen_h, gen_frames, gen_fps, notes, windows, references)


def retime_indices(source_frames: int, target_frames: int) -> list[int]:
    """Which source frame shows at each target frame, spreading the clip over the target's duration."""
    if source_frames < 1 or target_frames < 1:
        raise ValueError("frame counts must be positive")
    return [min(source_frames - 1, (i * source_frames) // target_frames) for i in range(target_frames)]


def to_uint8_frames(frames: object) -> np.ndarray:
    """A pipeline's frames (ndarray (F,H,W,3) floats in [0,1], or a list of PIL images) as uint8 RGB."""
    if isinstance(frames, list):
        return np.stack([np.asarray(image.convert("RGB"), dtype=np.uint8) for image in frames])
    array = np.asarray(frames)
    if array.dtype == np.uint8:
        return array
    return (np.clip(array, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def cover_resize(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale to cover ``width`` x ``height`` keeping the aspect, then crop the centre."""
    src_h, src_w = frame.shape[:2]
    if (src_w, src_h) == (width, height):
        return frame
    scale = max(width / src_w, height / src_h)
    new_w, new_h = max(width, round(src_w * scale)), max(height, round(src_h * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LANCZOS4
    resized = cv2.resize(frame, (new_w, new_h), interpolation=interpolation)
    x, y = (new_w - width) // 2, (new_h - height) // 2
    return np.ascontiguousarray(resized[y:y + height, x:x + width])
