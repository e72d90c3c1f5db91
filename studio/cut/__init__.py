"""Cut and export: the finished short from the timeline.

``build_plan`` describes the film; ``export_film`` renders it (smart rendering: only changed segments are
encoded, plain cuts are joined without re-encoding), mixes narration over ducked music at a loudness target,
and writes subtitles; ``export_interchange`` writes OTIO/OTIOZ/FCPXML/EDL/SRT/VTT without rendering video.

Names are imported on first use: the CLI builds its parser from this package, and loading the mixer
(scipy via pyloudnorm) and OpenTimelineIO up front cost every `storyreel` command seconds.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOME = {
    "CutError": "errors", "MediaError": "errors", "MissingTake": "errors",
    "ExportReport": "export", "export_film": "export", "export_plan": "export",
    "INTERCHANGE_FORMATS": "formats", "build_timeline": "interchange", "export_interchange": "interchange",
    "CutPlan": "plan", "OutputSettings": "plan", "PlannedShot": "plan", "build_plan": "plan",
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value
