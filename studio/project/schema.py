"""Schema versions of project.json and the chain of upgrade functions between them.

Each upgrade takes the plain JSON dict of version N and returns version N+1. They work on plain values
(never the live model) so a very old file is upgraded step by step before validation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import SCHEMA_VERSION

JsonDict = dict[str, Any]


def _v1_to_v2(doc: JsonDict) -> JsonDict:
    """v1 stored shot durations and line offsets in seconds; v2 keeps integer frames at the project rate."""
    fps = doc.get("fps", 24)
    for shot in doc.get("shots", []):
        if "duration" in shot and "duration_frames" not in shot:
            shot["duration_frames"] = max(1, round(float(shot.pop("duration")) * fps))
    for line in doc.get("lines", []):
        if "offset" in line and "offset_frames" not in line:
            line["offset_frames"] = max(0, round(float(line.pop("offset")) * fps))
    return doc


UPGRADES: dict[int, Callable[[JsonDict], JsonDict]] = {1: _v1_to_v2}


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
