"""Video and image models through diffusers (Wan 2.1 / 2.2, Wan VACE, LTX-Video, FramePack; SD-Turbo, FLUX.1, Kontext, ... for
stills): load once, generate takes (clips, or stills for the image tasks), report every step.

The pipeline stays loaded between takes of the same model (and placement); another model frees it first.
Progress comes from ``callback_on_step_end``; cancel sets the pipeline's ``_interrupt`` flag and leaves at the
end of the current step (raising from the callback, so the VAE does not decode a clip nobody wants).

Request options it reads: ``offload`` ("none" | "model" | "sequential" | "group"), ``vae_tiling`` (bool),
``first_block_cache`` (threshold, 0 = off), ``device`` / ``dtype`` (override the choice), ``preview_every``
(steps between preview stills, 0 = none), ``resolution`` ("model": the model's working area, the default;
"request": the request's own size, snapped) and ``allow_download`` (fetch missing weights from the Hub).
The request's ``loras`` are applied on the loaded weights for the job (``engine.backends.diffusers_loras``); its
``reference_images`` go to the families that take them (stills, and Wan VACE clips), else a note says so.

Weights come from the model store (``engine.model_store``): the folder the user chose, else the Hugging Face
cache. ``DiffusersBackend(model_dir=...)`` pins another store folder (``EngineClient(backend_options=
{"diffusers": {"model_dir": ...}})`` passes it to the worker).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.backends.diffusers_conditions import frame_arguments
from engine.backends.diffusers_framepack import framepack_arguments, running_steps, sections_for
from engine.backends.diffusers_loras import apply_loras
from engine.backends.diffusers_memory import (
    Placement,
    free_memory,
    is_out_of_memory,
    peak_bytes,
    place,
    placement_for,
    reset_peak,
    set_vae_tiling,
)
from engine.backends.diffusers_plan import (
    GenerationPlan,
    UnsupportedRequest,
    cover_resize,
    plan_generation,
    retime_indices,
    to_uint8_frames,
)
from engine.backends.diffusers_stills import StillPlan, plan_still, reference_arguments, still_arguments
from engine.backends.diffusers_windows import stitch
from engine.model_registry import ModelNotFound, ModelSpec, download_hint, local_weights
from engine.model_store import ModelStore
from engine.progress import Cancelled, CancelToken, Progress, ProgressCallback
from engine.request import GenerationRequest, StillResult, TakeResult
from engine.still_files import write_still
from engine.video_io import VideoWriter, load_image_rgb, write_stills

__all__ = ["DiffusersBackend", "ModelUnavailable", "OutOfMemory", "StepPreview", "UnsupportedRequest"]


class ModelUnavailable(RuntimeError):
    """The model's weights are not on this machine (and may not be fetched)."""


class OutOfMemory(RuntimeError):
    """The GPU ran out of memory; the message lists the options that make the take fit."""


@dataclass(frozen=True)
class StepPreview(Progress):
    """A denoising step, with a small PNG of where the take is going (None between previews)."""

    preview_png: bytes | None = None


@dataclass
class _Loaded:
    key: tuple[Any, ...]
    pipe: Any
    placement: Placement
    spec: ModelSpec
    revision: str | None
    views: dict[str, Any] = field(default_factory=dict)  # the same weights as other tasks' pipelines
    loras: dict[str, str] = field(default_factory=dict)  # adapter name -> LoRA file, loaded on the weights now


def hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _weights_location(spec: ModelSpec, request: GenerationRequest, store: ModelStore) -> tuple[str, str | None]:
    """(what to pass to from_pretrained, revision) or a clear error naming the model and how to get it."""
    found = local_weights(spec, store)
    if found is not None:
        revision = found.name if found.parent.name == "snapshots" else None
        return str(found), revision
    if spec.local_folder is not None:
        raise ModelUnavailable(f"{spec.local_folder} lacks some of its component folders (see model_index.json)")
    missing = store.missing_files(spec.id) if store.snapshot_folder(spec.id) is not None else []
    if missing:
        raise ModelUnavailable(f"model {spec.id} is only partly downloaded ({len(missing)} files missing in "
                               f"{store.describe()}); {download_hint(spec.id, store)} to finish it")
    allow = bool(request.option("allow_download", False)) or os.environ.get("STORYREEL_ALLOW_DOWNLOAD") == "1"
    if hub_offline():
        raise ModelUnavailable(f"model {spec.id} is not on this machine and HF_HUB_OFFLINE is set; "
                               f"{download_hint(spec.id, store)} on a connected machine, or unset HF_HUB_OFFLINE")
    if not allow:
        size = f" (about {spec.download_gb:g} GB)" if spec.download_gb else ""
        raise ModelUnavailable(f"model {spec.id} is not downloaded{size}; {download_hint(spec.id, store)}, "
                               f"or allow downloads with STORYREEL_ALLOW_DOWNLOAD=1")
    return spec.id, None


class DiffusersBackend:
    name = "diffusers"

    def __init__(self, *, device: str | None = None, dtype: str | None = None, preview_every: int | None = None,
                 model_dir: str | Path | None = None):
        self.device = device
        self.dtype = dtype
        self.preview_every = preview_every  # None = about six previews per take; 0 = none
        self.model_dir = Path(model_dir) if model_dir else None  # None = the configured store, read per job
        self._loaded: _Loaded | None = None

    @property
    def store(self) -> ModelStore:
        # Read per job, so a folder changed in the editor's settings reaches a running worker.
        return ModelStore(self.model_dir) if self.model_dir else ModelStore.configured()

    # --- loading -------------------------------------------------------------------------------------------
    def is_loaded(self, plan: GenerationPlan, request: GenerationRequest) -> bool:
        """Whether this plan's pipeline is already in memory (a warm take: no loading)."""
        if self._loaded is None:
            return False
        placement = placement_for(dict(request.options), device=self.device, dtype=self.dtype)
        found = local_weights(plan.spec, self.store)
        return found is not None and self._loaded.key == (str(found), plan.pipeline_class, placement)

    def pipeline_for(self, plan: GenerationPlan, request: GenerationRequest) -> _Loaded:
        """The loaded pipeline for this plan: reused if warm, else the old one is freed and this one loaded."""
        placement = placement_for(dict(request.options), device=self.device, dtype=self.dtype)
        store = self.store
        location, revision = _weights_location(plan.spec, request, store)
        key = (location, plan.pipeline_class, placement)
        loaded = self._loaded
        if loaded is not None and loaded.key == key:
            return loaded
        import diffusers

        pipeline_cls = getattr(diffusers, plan.pipeline_class)
        loras: dict[str, str] = {}
        if (loaded is not None and loaded.key[0] == location and loaded.placement == placement
                and placement.offload == "none"):
            # Same weights, other task (text- vs image-to-video): share the loaded components (and their LoRAs).
            pipe = pipeline_cls.from_pipe(loaded.pipe)
            loras = loaded.loras
        else:
            self.release()
            pipe = self._load(pipeline_cls, location, plan, placement, store)
        pipe.set_progress_bar_config(disable=True)
        self._loaded = _Loaded(key, pipe, placement, plan.spec, revision, loras=loras)
        return self._loaded

    def _load(self, pipeline_cls: Any, location: str, plan: GenerationPlan, placement: Placement,
              store: ModelStore) -> Any:
        from diffusers.utils import logging as diffusers_logging
        from transformers.utils import logging as transformers_logging

        diffusers_logging.disable_progress_bar()  # progress goes through our events, not bars on stderr
        transformers_logging.disable_progress_bar()
        # A download (allow_download: the location is the Hub id) goes into the store, never elsewhere.
        fetch = {"cache_dir": str(store.location)} if location == plan.spec.id and not store.is_default else {}
        kwargs: dict[str, Any] = {"dtype": placement.dtype, **fetch}
        if plan.spec.family.vae_in_float32 and placement.dtype_name != "float32":
            import torch
            from diffusers import AutoModel

            kwargs["vae"] = AutoModel.from_pretrained(location, subfolder="vae", dtype=torch.float32, **fetch)
        try:
            pipe = pipeline_cls.from_pretrained(location, **kwargs)
        except (OSError, ValueError) as exc:
            if "offline" in str(exc).lower() or "connect" in str(exc).lower():
                raise ModelUnavailable(f"model {plan.spec.id} could not be fetched: {download_hint(plan.spec.id, store)}") \
                    from exc
            raise ModelUnavailable(f"model {plan.spec.id} could not be loaded from {location}: {exc}") from exc
        place(pipe, placement)
        return pipe

    def release(self) -> None:
        if self._loaded is None:
            return
        pipe = self._loaded.pipe
        self._loaded = None
        if hasattr(pipe, "remove_all_hooks"):
            pipe.remove_all_hooks()
        del pipe
        free_memory()

    # --- generating ----------------------------------------------------------------------------------------
    def generate(self, request: GenerationRequest, out_dir: Path, progress: ProgressCallback,
                 cancel: CancelToken) -> TakeResult | StillResult:  # a still for the image tasks
        started = time.perf_counter()
        try:
            still = plan_still(request, self.store) if request.kind == "image" else None
            plan = still.plan if still is not None else plan_generation(request, self.store)
        except ModelNotFound as exc:
            raise ModelUnavailable(str(exc)) from exc
        loaded = self._loaded_for(plan, request, progress, cancel)
        # The job's LoRAs on the weights (the ones it does not use come off), before any view of them runs.
        name, family = plan.spec.title or plan.spec.id, plan.spec.family.title
        plan.notes.extend(apply_loras(loaded.pipe, loaded.loras, request.loras,
                                      name if name == family else f"{name} ({family})"))
        load_s = time.perf_counter() - started
        cancel.raise_if_cancelled()

        reset_peak(loaded.placement.device)
        denoise_started = time.perf_counter()
        what = "a still" if still is not None else f"{plan.num_frames} frames"
        try:
            frames = (self._run_still(loaded, still, request, progress, cancel) if still is not None
                      else self._run(loaded, plan, request, progress, cancel))
        except Cancelled:
            free_memory()
            raise
        except Exception as exc:
            if is_out_of_memory(exc):
                del exc
                free_memory()
                raise OutOfMemory(
                    f"the GPU ran out of memory generating {plan.width}x{plan.height}, {what} with "
                    f"{plan.spec.id}; try the options offload=model (or group/sequential), vae_tiling=true, a "
                    f"smaller size or a shorter shot"
                ) from None
            raise
        generate_s = time.perf_counter() - denoise_started
        peak = peak_bytes(loaded.placement.device)
        if still is not None:
            return self._write_still(frames[0], plan, loaded, request, Path(out_dir), peak,
                                     {"load": round(load_s, 4), "generate": round(generate_s, 4)}, started)

        encode_started = time.perf_counter()
        result = self._write_take(frames, plan, request, Path(out_dir), progress, cancel)
        # Refcounts free a finished take's tensors; a full gc.collect() here cost ~0.4 s a job, and the CUDA
        # allocator's cached blocks serve the next job of this warm pipeline. Cancel, OOM and unload still free all.
        del frames
        result.model_id = plan.spec.id
        result.model_revision = loaded.revision
        result.peak_memory_bytes = peak
        result.timings = {"load": round(load_s, 4), "generate": round(generate_s, 4),
                          "encode": round(time.perf_counter() - encode_started, 4),
                          "total": round(time.perf_counter() - started, 4)}
        return result

    def _loaded_for(self, plan: GenerationPlan, request: GenerationRequest, progress: ProgressCallback,
                    cancel: CancelToken) -> _Loaded:
        cancel.raise_if_cancelled()
        name = plan.spec.title or plan.spec.id
        warm = self.is_loaded(plan, request)
        progress(Progress("load", 0, 1, f"{name} is loaded" if warm else f"loading {name}"))
        loaded = self.pipeline_for(plan, request)
        progress(Progress("load", 1, 1, "warm" if warm else "loaded"))
        return loaded

    def _step_callback(self, progress: ProgressCallback, cancel: CancelToken, total: int, *, offset: int = 0,
                       message: str = "", preview: Any = None, every: int = 0) -> Any:
        """A ``callback_on_step_end`` that reports step ``offset + step + 1`` of ``total`` and stops on cancel
        (``preview(pipeline, latents)``, every ``every`` steps, makes the step's preview PNG)."""

        def on_step_end(pipeline: Any, step: int, _timestep: Any, callback_kwargs: dict[str, Any]) -> dict[str, Any]:
            done = offset + step + 1
            png = None
            if preview is not None and every and (done % every == 0 or done == total) and not cancel.cancelled:
                png = preview(pipeline, callback_kwargs.get("latents"))
            progress(StepPreview("denoise", done, total, message, png))
            if cancel.cancelled:
                pipeline._interrupt = True
                raise Cancelled("cancelled during denoising")
            return callback_kwargs

        return on_step_end

    def _run_still(self, loaded: _Loaded, still: StillPlan, request: GenerationRequest, progress: ProgressCallback,
                   cancel: CancelToken) -> np.ndarray:
        """One still: the family's pipeline for the task run, with the references as the family takes them."""
        import torch

        family = still.plan.spec.family
        pipe = self._pipeline_for_task(loaded, still.plan, still.task)
        set_vae_tiling(pipe, bool(request.option("vae_tiling", False)))
        references, notes = reference_arguments(still, family)
        still.plan.notes.extend(notes)
        kwargs = still_arguments(still, request, family)
        kwargs.update(references)
        kwargs["generator"] = torch.Generator(device="cpu").manual_seed(request.seed)
        kwargs["callback_on_step_end"] = self._step_callback(progress, cancel, request.steps)
        kwargs["callback_on_step_end_tensor_inputs"] = ["latents"]
        with torch.inference_mode():
            output = pipe(**kwargs)
        images = to_uint8_frames(output.images)
        del output
        return images

    def _write_still(self, image: np.ndarray, plan: GenerationPlan, loaded: _Loaded, request: GenerationRequest,
                     out_dir: Path, peak: int | None, timings: dict[str, float], started: float) -> StillResult:
        encode_started = time.perf_counter()
        image = cover_resize(image, request.width, request.height)
        metadata = {"request": request.to_dict(), "model_id": plan.spec.id, "model_revision": loaded.revision,
                    "seed": request.seed, "backend": self.name, "notes": plan.notes}
        image_png, thumb = write_still(image, out_dir, metadata)
        timings["encode"] = round(time.perf_counter() - encode_started, 4)
        timings["total"] = round(time.perf_counter() - started, 4)
        return StillResult(image=image_png, thumbnail=thumb, request=request, width=request.width,
                           height=request.height, seed=request.seed, model_id=plan.spec.id,
                           model_revision=loaded.revision, backend=self.name, timings=timings,
                           peak_memory_bytes=peak, notes=list(plan.notes))

    def _run(self, loaded: _Loaded, plan: GenerationPlan, request: GenerationRequest, progress: ProgressCallback,
             cancel: CancelToken) -> np.ndarray:
        """The clip's frames: one pipeline run, or one per window of a long shot, stitched."""
        from PIL import Image

        start = end = None
        if request.task in ("image_to_video", "first_last_frame"):
            assert request.reference_image is not None
            start = Image.fromarray(cover_resize(load_image_rgb(Path(request.reference_image)), plan.width,
                                                 plan.height))
        if request.task == "first_last_frame":
            if not request.last_image:
                raise UnsupportedRequest("first-last-frame needs a last image")
            end = Image.fromarray(cover_resize(load_image_rgb(Path(request.last_image)), plan.width, plan.height))
        set_vae_tiling(loaded.pipe, bool(request.option("vae_tiling", False)))
        # Loaded once; every window gets the same stills (VACE fits each into the frame itself).
        references = [Image.fromarray(load_image_rgb(Path(path))) for path in plan.references]
        if not plan.windows:
            return self._call(loaded.pipe, plan, request, request.task, plan.num_frames, start, end, references,
                              progress, cancel, 0, 1)
        clips: list[np.ndarray] = []
        for k, window in enumerate(plan.windows):
            if k > 0:  # carry on from the frame where this window's overlap with the last one begins
                previous = plan.windows[k - 1]
                start = Image.fromarray(clips[-1][window.start - previous.start])
            pipe = self._pipeline_for_task(loaded, plan, window.task)
            clips.append(self._call(pipe, plan, request, window.task, window.frames, start,
                                    end if window.task == "first_last_frame" else None, references, progress,
                                    cancel, k, len(plan.windows)))
        return stitch(plan.windows, clips, plan.num_frames)

    def _pipeline_for_task(self, loaded: _Loaded, plan: GenerationPlan, task: str) -> Any:
        """The loaded weights as the pipeline of ``task`` (another class shares the same components)."""
        import diffusers

        name = plan.spec.pipeline_class_name(task) or plan.pipeline_class
        if type(loaded.pipe).__name__ == name:
            return loaded.pipe
        if name not in loaded.views:
            view = getattr(diffusers, name).from_pipe(loaded.pipe)
            view.set_progress_bar_config(disable=True)
            loaded.views[name] = view
        return loaded.views[name]

    def _call(self, pipe: Any, plan: GenerationPlan, request: GenerationRequest, task: str, num_frames: int,
              start: Any, end: Any, references: list[Any], progress: ProgressCallback, cancel: CancelToken,
              window: int, windows: int) -> np.ndarray:
        import torch

        family = plan.spec.family
        steps = request.steps
        # FramePack runs every step once per section of the clip.
        sections = sections_for(num_frames) if family.name == "framepack" else 1
        total = steps * sections * windows
        every = self.preview_every
        if every is None:
            every = max(1, total // 6)
        every = int(request.option("preview_every", every))
        if self._loaded is not None and self._loaded.placement.offload != "none":
            every = 0  # decoding a preview would shuttle the VAE on and off the GPU every step

        on_step_end = self._step_callback(
            progress, cancel, total, offset=window * steps * sections,
            message=f"window {window + 1} of {windows}" if windows > 1 else "", every=every,
            preview=lambda pipeline, latents: self._preview(pipeline, latents, plan, num_frames))
        if sections > 1:
            on_step_end = running_steps(on_step_end)
        kwargs: dict[str, Any] = {
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt or None,
            "height": plan.height,
            "width": plan.width,
            "num_frames": num_frames,
            "num_inference_steps": steps,
            "guidance_scale": request.guidance,
            # A CPU generator gives the same noise for a seed on every device; each window its own stream.
            "generator": torch.Generator(device="cpu").manual_seed((request.seed + window) % 2**63),
            "output_type": "np",
            "callback_on_step_end": on_step_end,
            "callback_on_step_end_tensor_inputs": ["latents"],
        }
        if family.fps_argument:
            kwargs[family.fps_argument] = round(plan.fps)
        kwargs.update(frame_arguments(family.name, task, start, end, num_frames))
        if family.name == "framepack":
            kwargs.update(framepack_arguments(num_frames))
        if references:
            kwargs["reference_images"] = references
        with torch.inference_mode():
            output = pipe(**kwargs)
        frames = to_uint8_frames(output.frames[0])
        del output
        return frames

    def _preview(self, pipe: Any, latents: Any, plan: GenerationPlan, num_frames: int) -> bytes | None:
        if latents is None:
            return None
        from engine.backends.diffusers_preview import first_frame_preview

        try:
            return first_frame_preview(pipe, latents, plan.spec.family.name, num_frames=num_frames,
                                       height=plan.height, width=plan.width, references=len(plan.references))
        except Exception:  # a preview is a nicety: a failure here must never fail the take
            return None

    def _write_take(self, frames: np.ndarray, plan: GenerationPlan, request: GenerationRequest, out_dir: Path,
                    progress: ProgressCallback, cancel: CancelToken) -> TakeResult:
        out_dir.mkdir(parents=True, exist_ok=True)
        indices = retime_indices(len(frames), request.num_frames)
        if len(frames) != plan.num_frames:
            plan.notes.append(f"the pipeline returned {len(frames)} frames for the {plan.num_frames} asked")
        video = out_dir / "video.mp4"
        first = last = None
        with VideoWriter(video, request.width, request.height, request.fps) as writer:
            for n, index in enumerate(indices):
                cancel.raise_if_cancelled()
                frame = cover_resize(frames[index], request.width, request.height)
                writer.write(frame)
                if n == 0:
                    first = frame
                last = frame
                if n % 24 == 0 or n == len(indices) - 1:
                    progress(Progress("encode", n + 1, len(indices)))
        assert first is not None and last is not None
        first_png, last_png, thumb = write_stills(first, last, out_dir)
        return TakeResult(
            video=video, first_frame=first_png, last_frame=last_png, thumbnail=thumb, request=request,
            width=request.width, height=request.height, fps=request.fps, num_frames=request.num_frames,
            backend=self.name, notes=list(plan.notes),
        )
