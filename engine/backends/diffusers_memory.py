"""Where a diffusers pipeline runs and how it fits: device, dtype, CPU offload, group offload, VAE tiling, caches.

The memory options come from the request (``options``): ``offload`` = "none" | "model" | "sequential" | "group",
``vae_tiling`` = bool, ``first_block_cache`` = threshold (0 = off), ``device`` / ``dtype`` to override the choice.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

import torch

OFFLOAD_MODES = ("none", "model", "sequential", "group")
DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


@dataclass(frozen=True)
class Placement:
    """How to load a pipeline; equal placements can share one loaded pipeline."""

    device: str
    dtype_name: str
    offload: str = "none"
    first_block_cache: float = 0.0

    @property
    def dtype(self) -> torch.dtype:
        return DTYPES[self.dtype_name]


def default_device() -> str:
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def default_dtype(device: str) -> str:
    """bf16 on CUDA cards that have it (fp16 on older ones), bf16 on Apple GPUs, float32 on the CPU."""
    if device.startswith("cuda"):
        return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    if device == "mps":
        return "bfloat16"
    return "float32"


def placement_for(options: dict[str, object], *, device: str | None = None, dtype: str | None = None) -> Placement:
    """The placement a request asks for; ``device``/``dtype`` are the backend's defaults (None = choose)."""
    chosen_device = str(options.get("device") or device or default_device())
    chosen_dtype = str(options.get("dtype") or dtype or default_dtype(chosen_device))
    if chosen_dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {chosen_dtype!r}")
    offload = str(options.get("offload") or "none")
    if offload not in OFFLOAD_MODES:
        raise ValueError(f"offload must be one of {', '.join(OFFLOAD_MODES)}, got {offload!r}")
    if offload != "none" and not chosen_device.startswith("cuda"):
        offload = "none"  # offloading moves weights to and from a GPU; on the CPU there is nothing to gain
    fbc = float(options.get("first_block_cache") or 0.0)
    if not 0.0 <= fbc < 1.0:
        raise ValueError(f"first_block_cache is a threshold between 0 and 1, got {fbc}")
    return Placement(chosen_device, chosen_dtype, offload, fbc)


def place(pipe: object, placement: Placement) -> None:
    """Move a freshly loaded pipeline to its device, or install the offload hooks that manage it."""
    device = torch.device(placement.device)
    if placement.offload == "model":
        pipe.enable_model_cpu_offload(device=device)  # type: ignore[attr-defined]
    elif placement.offload == "sequential":
        pipe.enable_sequential_cpu_offload(device=device)  # type: ignore[attr-defined]
    elif placement.offload == "group":
        from diffusers.hooks import apply_group_offloading

        for component in pipe.components.values():  # type: ignore[attr-defined]
            if not isinstance(component, torch.nn.Module):
                continue
            if hasattr(component, "enable_group_offload"):  # diffusers models
                component.enable_group_offload(onload_device=device, offload_device=torch.device("cpu"),
                                               offload_type="leaf_level", use_stream=True)
            else:  # text encoders from transformers
                apply_group_offloading(component, onload_device=device, offload_device=torch.device("cpu"),
                                       offload_type="leaf_level", use_stream=True)
    else:
        pipe.to(device)  # type: ignore[attr-defined]
    if placement.first_block_cache > 0:
        enable_first_block_cache(pipe, placement.first_block_cache)


def enable_first_block_cache(pipe: object, threshold: float) -> bool:
    """diffusers' first-block cache on the transformer (skips later blocks when the first barely changes)."""
    try:
        from diffusers import FirstBlockCacheConfig
    except ImportError:
        return False
    transformer = getattr(pipe, "transformer", None)
    if transformer is None or not hasattr(transformer, "enable_cache"):
        return False
    transformer.enable_cache(FirstBlockCacheConfig(threshold=threshold))
    return True


def set_vae_tiling(pipe: object, enabled: bool) -> None:
    vae = getattr(pipe, "vae", None)
    if vae is None:
        return
    if enabled and hasattr(vae, "enable_tiling"):
        vae.enable_tiling()
    elif not enabled and hasattr(vae, "disable_tiling"):
        vae.disable_tiling()


def free_memory() -> None:
    """Return freed tensors to the system (and the CUDA caching allocator's blocks to the driver)."""
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
        torch.cuda.ipc_collect()


def reset_peak(device: str) -> None:
    if device.startswith("cuda") and torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()


def peak_bytes(device: str) -> int | None:
    if device.startswith("cuda") and torch.cuda.is_available():
        return int(torch.cuda.max_memory_allocated())
    return None


def is_out_of_memory(exc: BaseException) -> bool:
    oom = getattr(torch, "OutOfMemoryError", None) or getattr(torch.cuda, "OutOfMemoryError", None)
    if oom is not None and isinstance(exc, oom):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()
