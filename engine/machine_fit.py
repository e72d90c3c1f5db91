"""Does a video model fit this machine? GPU memory and RAM against the model's half-precision weights.

Tiers, best first (``offload`` names the engine option that makes a take fit):
  gpu      the whole pipeline on the GPU                        (VRAM >= weights x 1.2)
  model    model CPU offload: one component on the GPU at once  (VRAM >= largest component x 1.2, RAM >= weights)
  group    group offload: layers streamed to the GPU, slower    (VRAM >= 4 GB, RAM >= weights + 4 GB)
  cpu      no usable GPU: runs on the CPU in float32, very slow (RAM >= weights x 2.2)
  none     does not fit
The 20% is headroom for activations at the model's working size; long or large shots may also want VAE tiling.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

GB = 1024**3
_DTYPE_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1,
                "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1}


@dataclass(frozen=True)
class Machine:
    ram_bytes: int
    gpu_name: str | None = None  # None = no CUDA GPU
    vram_bytes: int = 0

    def describe(self) -> str:
        ram = f"{self.ram_bytes / GB:.0f} GB RAM"
        if self.gpu_name is None:
            return f"no CUDA GPU, {ram}"
        return f"{self.gpu_name} ({self.vram_bytes / GB:.0f} GB), {ram}"

    def to_dict(self) -> dict[str, object]:
        return {"gpu": self.gpu_name, "vram_gb": round(self.vram_bytes / GB, 1), "ram_gb": round(self.ram_bytes / GB, 1)}


@dataclass(frozen=True)
class Fit:
    tier: str  # gpu | model | group | cpu | none | unknown
    note: str

    def to_dict(self) -> dict[str, str]:
        return {"tier": self.tier, "note": self.note}


def this_machine(*, import_torch: bool = True) -> Machine:
    """RAM (psutil, else sysconf) and the first CUDA GPU's memory: from torch, or — when torch is not loaded
    and ``import_torch`` is False (the editor: importing torch takes seconds) — from ``nvidia-smi``."""
    try:
        import psutil

        ram = int(psutil.virtual_memory().total)
    except ImportError:  # psutil comes with accelerate; sysconf covers Linux and macOS without it
        try:
            ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            ram = 0
    if not import_torch and "torch" not in sys.modules:
        return Machine(ram, *_nvidia_smi_gpu())
    try:
        import torch

        if torch.cuda.is_available():
            props = torch.cuda.get_device_properties(0)
            return Machine(ram, props.name, int(props.total_memory))
    except Exception:  # a broken CUDA install means "no usable GPU", not a crash of `storyreel models`
        pass
    return Machine(ram)


def _nvidia_smi_gpu() -> tuple[str | None, int]:
    import subprocess

    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=5, check=True).stdout
        name, mib = out.splitlines()[0].rsplit(",", 1)
        return name.strip(), int(float(mib)) * 1024**2
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None, 0


def fit_for(memory_gb: tuple[float, float] | None, machine: Machine) -> Fit:
    """Where a model whose half-precision weights are (whole pipeline, largest component) GB can run."""
    if memory_gb is None:
        return Fit("unknown", "size unknown until downloaded")
    total, largest = (value * GB for value in memory_gb)
    vram, ram = machine.vram_bytes, machine.ram_bytes
    need = f"≈{memory_gb[0]:.0f} GB of weights"
    if machine.gpu_name is not None:
        if vram >= total * 1.2:
            return Fit("gpu", f"fits on the GPU ({need})")
        if vram >= largest * 1.2 and ram >= total:
            return Fit("model", f"needs model CPU offload: offload=model ({need}, largest part "
                                f"≈{memory_gb[1]:.0f} GB)")
        if vram >= 4 * GB and ram >= total + 4 * GB:
            return Fit("group", f"needs group offload: offload=group, slower ({need})")
    if ram >= total * 2.2:
        return Fit("cpu", f"CPU only, very slow ({need}; no GPU that fits)")
    if machine.gpu_name is None:
        return Fit("none", f"needs a CUDA GPU ({need}; the CPU would need ≈{memory_gb[0] * 2.2:.0f} GB of RAM)")
    return Fit("none", f"too large for this machine ({need}; offloading needs ≈{memory_gb[0] + 4:.0f} GB of RAM)")


def measured_memory_gb(snapshot: Path, component_names: list[str]) -> tuple[float, float] | None:
    """(whole, largest component) in GB at half precision, counted from the safetensors headers in ``snapshot``.

    Each header lists its tensors' dtypes and shapes, so this reads a few kilobytes per file, not the weights.
    Files that are not safetensors count at their size on disk.
    """
    sizes: list[int] = []
    for name in component_names:
        folder = snapshot / name
        if not folder.is_dir():
            continue
        size = 0
        for path in folder.rglob("*"):
            if path.suffix == ".safetensors":
                size += _half_precision_bytes(path)
            elif path.suffix in (".bin", ".pt", ".pth", ".ckpt"):
                size += path.stat().st_size
        sizes.append(size)
    if not sizes:
        return None
    return sum(sizes) / GB, max(sizes) / GB


def _half_precision_bytes(path: Path) -> int:
    try:
        with open(path, "rb") as handle:
            (length,) = struct.unpack("<Q", handle.read(8))
            header = json.loads(handle.read(length))
    except (OSError, ValueError, struct.error):
        return 0
    total = 0
    for name, tensor in header.items():
        if name == "__metadata__" or not isinstance(tensor, dict):
            continue
        count = 1
        for dim in tensor.get("shape", []):
            count *= int(dim)
        # Floating weights load as bf16/fp16 on a GPU; integer tensors keep their width.
        width = _DTYPE_BYTES.get(str(tensor.get("dtype")), 2)
        total += count * (2 if str(tensor.get("dtype", "")).startswith(("F", "BF")) else width)
    return total
