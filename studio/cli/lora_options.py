"""``--lora FILE[:STRENGTH]`` on the command line: parsed, checked as a LoRA file and copied into the bundle."""

from __future__ import annotations

from pathlib import Path

from studio.project.lora_file import import_lora
from studio.project.model import LoraRef

from .common import UsageError


def parse_lora(text: str) -> tuple[Path, float]:
    """FILE or FILE:STRENGTH (a path may hold ':' itself: only a number after the last one is a strength)."""
    path, _, tail = text.rpartition(":")
    try:
        strength = float(tail) if path else 1.0
    except ValueError:
        path, strength = text, 1.0
    if not path:
        path = text
    if not -4 <= strength <= 4:
        raise UsageError(f"--lora {text}: the strength must be between -4 and 4")
    return Path(path), strength


def import_loras(bundle: Path, texts: list[str]) -> list[LoraRef]:
    """Each ``--lora`` checked (a safetensors file with LoRA weights) and copied into the bundle's loras/."""
    return [import_lora(bundle, *parse_lora(text)) for text in texts]
