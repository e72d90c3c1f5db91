"""Cut and export: the finished short from the timeline.

``build_plan`` describes the film; ``export_film`` renders it (smart rendering: only changed segments are
encoded, plain cuts are joined without re-encoding), mixes narration over ducked music at a loudness target,
and writes subtitles; ``export_interchange`` writes OTIO/OTIOZ/FCPXML/EDL/SRT/VTT without rendering video.
"""

from .errors import CutError, MediaError, MissingTake
from .export import ExportReport, export_film, export_plan
from .interchange import INTERCHANGE_FORMATS, build_timeline, export_interchange
from .plan import CutPlan, OutputSettings, PlannedShot, build_plan

__all__ = [
    "INTERCHANGE_FORMATS", "CutError", "CutPlan", "ExportReport", "MediaError", "MissingTake", "OutputSettings",
    "PlannedShot", "build_plan", "build_timeline", "export_film", "export_interchange", "export_plan",
]
