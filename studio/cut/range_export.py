"""A partial export: the frames between the cut's I/O marks (film frames, title cards included), as an MP4.

The whole film is rendered the usual way first (its segments come from the render cache, so exporting the
marked range again after an edit encodes only what changed), then the range is cut out of it and re-encoded
from its exact first frame, so the result starts and ends on the marks whatever the keyframes were. The mix
keeps the whole film's loudness: the range sounds as it does in the film.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from pathlib import Path

from engine.atomic_files import commit_file, temp_path_for
from engine.progress import CancelToken, ProgressCallback, no_progress
from studio.project.document import ProjectDocument
from studio.project.errors import ProjectError
from studio.timeline.layout import film_frames
from studio.timeline.nle_edits import export_range as marked_range

from .errors import CutError
from .export import ExportReport, cache_dir_for, export_plan
from .ffmpeg_run import run_ffmpeg
from .plan import SubtitleMode, build_plan
from .segment_encode import video_codec_args


def parse_range(text: str, project_fps: int) -> tuple[int, int] | None:
    """``--range``: 'marks' (None: the project's I/O marks) or 'IN:OUT' in seconds of film time, either side
    may be left out (':30' is the start to 30 s) -> film frames [first, end)."""
    if text.strip().lower() == "marks":
        return None
    start, sep, stop = text.partition(":")
    if not sep:
        raise ValueError(f"a range looks like IN:OUT in seconds (e.g. 12.5:30) or 'marks', got {text!r}")
    try:
        first = round(float(start) * project_fps) if start.strip() else 0
        end = round(float(stop) * project_fps) if stop.strip() else 2**31
    except ValueError:
        raise ValueError(f"a range looks like IN:OUT in seconds (e.g. 12.5:30) or 'marks', got {text!r}") from None
    if first < 0 or end <= first:
        raise ValueError(f"the range {text!r} must start at 0 s or later and end after it starts")
    return first, end


def export_marked_range(document: ProjectDocument, out: Path, frame_range: tuple[int, int] | None = None, *,
                        size: tuple[int, int] | None = None, fps: int | None = None,
                        subtitles: SubtitleMode | None = None, progress: ProgressCallback = no_progress,
                        cancel: CancelToken | None = None, workers: int | None = None) -> ExportReport:
    """Render film frames [first, end) of the project to ``out``: ``frame_range``, or the I/O marks when None
    (clipped to the film). A subtitle sidecar is refused: its cues would be timed for the whole film."""
    started = time.perf_counter()
    if document.bundle is None:
        raise ProjectError("save the project before exporting (its render cache lives in the bundle)")
    project = document.project
    total = film_frames(project)
    if frame_range is None:
        export = project.export
        if export.range_in is None and export.range_out is None:
            raise CutError("the cut has no in or out mark: set them with I and O on the timeline")
        frame_range = marked_range(project, total)
    first, end = max(0, frame_range[0]), min(total, frame_range[1])
    if not 0 <= first < end:
        raise CutError(f"the range (frames {frame_range[0]}-{frame_range[1]}) lies outside the film "
                       f"(0-{total} frames at {project.fps} fps)")
    plan = build_plan(project, document.bundle, size=size, fps=fps, subtitles=subtitles)
    if plan.settings.subtitles in ("srt", "vtt"):
        raise CutError("a partial export writes no subtitle sidecar (its cues are timed for the whole film); "
                       "burn the subtitles in or export the whole film")
    out = Path(out)
    start_s, duration_s = first / project.fps, (end - first) / project.fps
    with tempfile.TemporaryDirectory(prefix="storyreel-range-") as work:
        full = Path(work) / "film.mp4"
        report = export_plan(plan, full, cache_dir_for(document.bundle), progress=progress, cancel=cancel,
                             workers=workers)
        with temp_path_for(out) as tmp:
            # -ss before -i with a re-encode seeks exactly: the first frame is the one at the in mark.
            run_ffmpeg(["-ss", f"{start_s:.6f}", "-i", str(full), "-t", f"{duration_s:.6f}",
                        *video_codec_args(plan.settings), "-c:a", "aac", "-b:a", plan.settings.audio_bitrate,
                        "-movflags", "+faststart", "-f", "mp4", str(tmp)], cancel=cancel,
                       what="cutting the marked range")
            commit_file(tmp, out)
    return dataclasses.replace(report, output=out, frames=round(duration_s * plan.fps), duration_seconds=duration_s,
                               seconds=time.perf_counter() - started)
