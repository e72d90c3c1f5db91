"""A LoRA adapter file as the user gives it: a bounded, readable safetensors file, checked before import.

Only the header is read (8 bytes of length, then JSON naming each tensor): enough to refuse a file that is not
safetensors, or one that holds no LoRA weights, with a clear message. Whether it fits the chosen model is
checked when a model loads it (the engine names the LoRA and the model then).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from engine.request import file_sha256

from .bounded_files import InputFileError, checked_regular_file
from .model import LoraRef
from .store import import_media

MAX_LORA_BYTES = 4 * 2**30
MAX_HEADER_BYTES = 100 * 2**20  # safetensors' own limit


def check_lora_file(path: Path | str) -> tuple[Path, str]:
    """(the real path, its sha256) of a usable LoRA file; raises InputFileError saying what is wrong."""
    path = Path(path)
    real = checked_regular_file(path, kind="LoRA file", max_bytes=MAX_LORA_BYTES)
    if real.suffix.lower() != ".safetensors":
        raise InputFileError("a LoRA is a .safetensors file (convert .ckpt/.pt files first)", path=path)
    with open(real, "rb") as handle:
        head = handle.read(8)
        if len(head) < 8:
            raise InputFileError("not a safetensors file (too short)", path=path)
        (length,) = struct.unpack("<Q", head)
        if not 2 <= length <= min(MAX_HEADER_BYTES, real.stat().st_size - 8):
            raise InputFileError("not a safetensors file (its header length is impossible)", path=path)
        try:
            header = json.loads(handle.read(length))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InputFileError("not a safetensors file (its header is not JSON)", path=path) from None
    names = [name for name in header if name != "__metadata__"] if isinstance(header, dict) else []
    if not any("lora" in name.lower() for name in names):
        raise InputFileError(f"holds {len(names)} tensors but no LoRA weights (no 'lora' in their names)", path=path)
    return real, file_sha256(real)


def import_lora(bundle: Path | str, path: Path | str, strength: float = 1.0) -> LoraRef:
    """Check ``path`` as a LoRA file and copy it into the bundle's media/loras/: the reference a project keeps."""
    _real, digest = check_lora_file(path)
    return LoraRef(path=import_media(bundle, Path(path), subfolder="loras"), strength=strength, sha256=digest)
