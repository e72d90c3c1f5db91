"""Schema versions of project.json and the chain of upgrade functions between them.

Each upgrade takes the plain JSON dict of version N and returns version N+1. They work on plain values
(never the live model) so a very old file is upgraded step by step before validation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import MAX_FPS, MAX_SHOT_SECONDS, SCHEMA_VERSION, new_id

JsonDict = dict[str, Any]


class UpgradeError(ValueError):
    """A value an upgrade step cannot convert; ``field`` names it (e.g. ``shots[2].duration``)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def _seconds(value: Any, field: str, limit: float) -> float:
    """A v1 time in seconds, checked: a number, finite, not negative, within ``limit``."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise UpgradeError(f"expected seconds as a number, got {value!r}"[:200], field)
    try:
        seconds = float(value)
    except (ValueError, OverflowError):
        raise UpgradeError(f"expected seconds as a number, got {value!r}"[:200], field) from None
    if not 0 <= seconds <= limit:  # also refuses NaN and infinities
        raise UpgradeError(f"{seconds:g} s is out of range (0 to {limit:g} s)", field)
    return seconds


def _v1_to_v2(doc: JsonDict) -> JsonDict:
    """v1 stored shot durations and line offsets in seconds; v2 keeps integer frames at the project rate."""
    fps = doc.get("fps", 24)
    if isinstance(fps, bool) or not isinstance(fps, int) or not 1 <= fps <= MAX_FPS:
        raise UpgradeError(f"the frame rate must be a whole number from 1 to {MAX_FPS}, got {fps!r}"[:200], "fps")
    for kind, key, target, floor in (("shots", "duration", "duration_frames", 1), ("lines", "offset", "offset_frames", 0)):
        items = doc.get(kind, [])
        if not isinstance(items, list):
            raise UpgradeError(f"expected a list, got {type(items).__name__}", kind)
        for index, item in enumerate(items):
            if isinstance(item, dict) and key in item and target not in item:
                seconds = _seconds(item.pop(key), f"{kind}[{index}].{key}", MAX_SHOT_SECONDS)
                item[target] = max(floor, round(seconds * fps))
    return doc


def _v2_to_v3(doc: JsonDict) -> JsonDict:
    """v3 keeps a shot's stills as keyframes: a v2 reference still becomes its one, active, imported keyframe."""
    shots = doc.get("shots", [])
    if not isinstance(shots, list):
        raise UpgradeError(f"expected a list, got {type(shots).__name__}", "shots")
    for shot in shots:
        if isinstance(shot, dict) and isinstance(shot.get("reference"), str) and not shot.get("keyframes"):
            key = new_id("key")
            shot["keyframes"] = [{"id": key, "media": shot["reference"], "source": "imported"}]
            shot["active_keyframe"] = key
    return doc


UPGRADES: dict[int, Callable[[JsonDict], JsonDict]] = {1: _v1_to_v2, 2: _v2_to_v3}


def upgrade(doc: JsonDict) -> tuple[JsonDict, int]:
    """Upgrade a document to the current schema; returns it with the version it started at.

    Raises ValueError for a missing, malformed or newer version (the caller wraps it with the file name).
    """
    version = doc.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"schema_version must be a positive integer, got {version!r}")
    if version > SCHEMA_VERSION:
        raise OverflowError(
            f"written by a newer Storyreel (schema {version}, this one reads up to {SCHEMA_VERSION}); update Storyreel"
        )
    start = version
    while version < SCHEMA_VERSION:
        doc = UPGRADES[version](doc)
        version += 1
        doc["schema_version"] = version
    return doc, start
