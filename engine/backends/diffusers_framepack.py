"""FramePack (``HunyuanVideoFramepackPipeline``): how a clip's frame count maps onto its sections, and its keywords.

FramePack always starts from an image (``image=``; ``last_image=`` for first-last-frame) and generates the clip
itself in sections of ``latent_window_size`` latent frames, each section conditioned on a packed history of the
ones made so far — so long shots are one pipeline run, never our own windows. With the default inverted
anti-drifting sampling (the only one that takes ``last_image``) it generates the end first and works back to the
start image. ``n`` sections decode to ``n * latent_window_size * t + 1`` frames (``t``: the VAE's temporal
compression, 4), and the pipeline makes ``ceil(num_frames / ((latent_window_size - 1) * t + 1))`` sections: the
family's frame rule is the first, and ``pipeline_frames`` turns it into the ``num_frames`` that asks for it.
Each section runs every denoising step again (the step index restarts), so progress counts steps over sections.
"""

from __future__ import annotations

import math
from typing import Any

LATENT_WINDOW_SIZE = 9  # the pipeline's default and the released checkpoints' (33 frames a section)
VAE_TEMPORAL = 4  # AutoencoderKLHunyuanVideo's temporal compression
FRAMES_PER_SECTION = LATENT_WINDOW_SIZE * VAE_TEMPORAL  # new frames each section adds (36)
SAMPLING = "inverted_anti_drifting"  # the released FramePackI2V_HY's sampling; the only one taking last_image


def sections_for(num_frames: int) -> int:
    """How many sections make a clip of ``num_frames`` (a count of the family's ``36k + 1`` rule)."""
    return max(1, math.ceil((num_frames - 1) / FRAMES_PER_SECTION))


def pipeline_frames(num_frames: int) -> int:
    """The ``num_frames`` the pipeline is given so that it makes ``sections_for(num_frames)`` sections."""
    return sections_for(num_frames) * ((LATENT_WINDOW_SIZE - 1) * VAE_TEMPORAL + 1)


def framepack_arguments(num_frames: int) -> dict[str, Any]:
    """The FramePack keywords for a clip of ``num_frames`` planned frames (they replace ``num_frames``)."""
    # No negative prompt: without real CFG (true_cfg_scale 1) the pipeline would ignore it anyway.
    return {"num_frames": pipeline_frames(num_frames), "latent_window_size": LATENT_WINDOW_SIZE,
            "sampling_type": SAMPLING, "negative_prompt": None}


def running_steps(on_step_end: Any) -> Any:
    """``on_step_end`` told a step count that runs on over the sections (the pipeline restarts it each one)."""
    done = 0

    def counted(pipeline: Any, _step: int, timestep: Any, callback_kwargs: dict[str, Any]) -> dict[str, Any]:
        nonlocal done
        step, done = done, done + 1
        return on_step_end(pipeline, step, timestep, callback_kwargs)

    return counted
