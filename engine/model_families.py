"""What each model family can make: frame counts, frame sizes, native rate, pipeline classes.

Video families are here; image families (stills, keyframes) are in ``engine.image_families``, with the same
descriptor. One descriptor per family (diffusers' own advice: a family's constraints live in one place, not in scattered
``if``s). Backends snap a request to these constraints and report the snap in ``TakeResult.notes``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class FrameConstraints:
    """Frame counts of the form ``k * frame_multiple + 1``, sides divisible by ``size_multiple``.

    ``native_fps`` None means "whatever the request asks" (the animatic engine draws any rate).
    ``max_frames`` is the longest clip the model was trained for (None = no limit).
    """

    frame_multiple: int = 1
    size_multiple: int = 2
    native_fps: float | None = None
    max_frames: int | None = None

    def snap_frames(self, n: int) -> int:
        """The nearest allowed frame count to ``n`` (ties go up), at least one step of motion."""
        if n < 1:
            raise ValueError(f"frame count must be at least 1, got {n}")
        m = self.frame_multiple
        if m <= 1:
            snapped = n
        else:
            k = max(1, math.floor((n - 1) / m + 0.5))
            snapped = k * m + 1
        if self.max_frames is not None and snapped > self.max_frames:
            snapped = self.max_frames if m <= 1 else ((self.max_frames - 1) // m) * m + 1
        return snapped

    def snap_size(self, width: int, height: int) -> tuple[int, int]:
        """Each side to the nearest multiple of ``size_multiple`` (never below one multiple)."""
        m = self.size_multiple

        def snap(side: int) -> int:
            if side < 1:
                raise ValueError(f"frame sides must be positive, got {side}")
            return max(m, int(math.floor(side / m + 0.5)) * m)

        return snap(width), snap(height)

    def fps_for(self, requested_fps: float) -> float:
        """The rate the model generates at for a request at ``requested_fps``."""
        return requested_fps if self.native_fps is None else self.native_fps

    def native_frames_for(self, num_frames: int, fps: float) -> int:
        """How many model frames cover ``num_frames`` at ``fps`` (before snapping)."""
        if self.native_fps is None or math.isclose(self.native_fps, fps):
            return num_frames
        return max(1, round(num_frames / fps * self.native_fps))

    def plan_frames(self, num_frames: int, fps: float) -> int:
        """The frame count the model is asked for: the request's duration at the native rate, snapped."""
        return self.snap_frames(self.native_frames_for(num_frames, fps))


# How a family takes reference stills (``ModelFamily.references``):
#   ""                 none: references are ignored, with a note on the still or the take;
#   "image"            one image (``image=``); several are set side by side on one canvas, as FLUX Kontext users do;
#   "image_list"       a list of images (``image=[...]``);
#   "ip_adapter"       an IP-Adapter loaded on the pipeline (``load_ip_adapter``; planned, no family uses it yet);
#   "reference_images" video: a list of images beside the clip's own conditioning (Wan VACE's ``reference_images=``).
REFERENCE_MODES = ("", "image", "image_list", "ip_adapter", "reference_images")


@dataclass(frozen=True)
class ModelFamily:
    """A family of diffusers models sharing pipelines and constraints (``kind``: "video" or "image")."""

    name: str  # "wan", "ltx"
    title: str
    constraints: FrameConstraints
    # diffusers pipeline class name per task this family's pipelines can do.
    pipelines: dict[str, str] = field(default_factory=dict)
    # model_index.json ``_class_name`` values that identify a local folder as this family.
    class_names: tuple[str, ...] = ()
    default_steps: int = 30
    default_guidance: float = 5.0
    # Width x height the family's base checkpoints were trained at (models may override in the registry).
    native_size: tuple[int, int] = (832, 480)
    # Keep the VAE in float32 under a half-precision transformer (Wan's VAE loses detail in bf16).
    vae_in_float32: bool = False
    # The pipeline's keyword for the clip's frame rate, if its positional encoding uses it (LTX).
    fps_argument: str | None = None
    kind: str = "video"
    # How references are passed (see REFERENCE_MODES: image families, and video ones such as Wan VACE), and how
    # many the pipeline takes.
    references: str = ""
    max_references: int = 0
    # The pipeline's keyword for the guidance the request asks (Qwen-Image's real CFG is ``true_cfg_scale``).
    guidance_argument: str = "guidance_scale"
    # Most steps the family's distilled checkpoints are made for (None = no advice); a note says when exceeded.
    max_useful_steps: int | None = None
    takes_negative_prompt: bool = True
    # The keyword of a pipeline that rescales to a pixel area of its own (FLUX Kontext's ``max_area``): given the
    # planned width x height so the still is made at the planned size.
    area_argument: str | None = None
    # Further keywords every call of this family's pipelines gets, as (name, value) pairs.
    call_arguments: tuple[tuple[str, object], ...] = ()
    # The pipeline makes long clips itself (FramePack's sections): a shot is one run, never our own windows.
    makes_long_clips: bool = False

    def pipeline_for(self, task: str) -> str | None:
        return self.pipelines.get(task)

    def with_constraints(self, **changes: object) -> ModelFamily:
        return replace(self, constraints=replace(self.constraints, **changes))


WAN = ModelFamily(
    name="wan",
    title="Wan 2.1 / 2.2",
    constraints=FrameConstraints(frame_multiple=4, size_multiple=16, native_fps=16, max_frames=81),
    pipelines={
        "text_to_video": "WanPipeline",
        "image_to_video": "WanImageToVideoPipeline",
        "first_last_frame": "WanImageToVideoPipeline",
    },
    class_names=("WanPipeline", "WanImageToVideoPipeline"),
    default_steps=30,
    default_guidance=5.0,
    native_size=(832, 480),
    vae_in_float32=True,
)

LTX = ModelFamily(
    name="ltx",
    title="LTX-Video",
    constraints=FrameConstraints(frame_multiple=8, size_multiple=32, native_fps=24, max_frames=257),
    pipelines={
        "text_to_video": "LTXPipeline",
        "image_to_video": "LTXImageToVideoPipeline",
        # The condition pipeline: images at any frame index (start and end here; 0.9.5+ checkpoints are
        # trained for keyframes, earlier ones follow the end image loosely).
        "first_last_frame": "LTXConditionPipeline",
    },
    class_names=("LTXPipeline", "LTXImageToVideoPipeline", "LTXConditionPipeline"),
    default_steps=40,
    default_guidance=3.0,
    native_size=(768, 512),
    fps_argument="frame_rate",
)

# Wan 2.1 with VACE's context blocks: one pipeline for every task (the start and end frames are frames of its
# ``video`` kept by a ``mask``), and the cast's stills as ``reference_images``. Each reference adds a latent frame
# to every step, so a shot takes a few.
WAN_VACE = replace(
    WAN,
    name="wan_vace",
    title="Wan 2.1 VACE",
    pipelines={"text_to_video": "WanVACEPipeline", "image_to_video": "WanVACEPipeline",
               "first_last_frame": "WanVACEPipeline"},
    class_names=("WanVACEPipeline",),
    references="reference_images",
    max_references=4,
)

# FramePack (HunyuanVideo with a packed-history transformer): always from a start image — no text-to-video — and
# the clip is made in sections of 9 latent frames (36 new frames each, 36k+1 in all), each conditioned on the
# ones before, so a long shot is one run (engine.backends.diffusers_framepack). 120 s at 30 fps is the longest
# FramePack's own app offers. Guidance is distilled (guidance_scale ~10; real CFG, true_cfg_scale, stays off).
FRAMEPACK = ModelFamily(
    name="framepack",
    title="FramePack (HunyuanVideo)",
    constraints=FrameConstraints(frame_multiple=36, size_multiple=16, native_fps=30, max_frames=3601),
    pipelines={"image_to_video": "HunyuanVideoFramepackPipeline",
               "first_last_frame": "HunyuanVideoFramepackPipeline"},
    class_names=("HunyuanVideoFramepackPipeline",),
    default_steps=30,
    default_guidance=10.0,
    native_size=(640, 640),
    takes_negative_prompt=False,
    makes_long_clips=True,
)

FAMILIES: dict[str, ModelFamily] = {family.name: family for family in (WAN, LTX, WAN_VACE, FRAMEPACK)}

# The animatic engine draws any frame count at any rate; H.264 needs even sides.
ANIMATIC_CONSTRAINTS = FrameConstraints(frame_multiple=1, size_multiple=2, native_fps=None)
