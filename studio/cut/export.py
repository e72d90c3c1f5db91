"""Exporting the finished film: plan -> cached segments -> soundtrack -> one MP4 (+ subtitle sidecar).

The output appears only complete: everything is written under a temp name beside it and renamed at the end,
so a cancelled or failed export leaves no half-written file.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from engine.atomic_files import commit_file, temp_path_for, write_atomic
from engine.progress import Cancelled, CancelToken, Progress, ProgressCallback, no_progress
from studio.project.document import ProjectDocument
from studio.project.errors import ProjectError

from .audio_mix import film_samples, mix_soundtrack
from .errors import CutError, MediaError
from .ffmpeg_run import ffmpeg_exe
from .loudness import normalize
from .plan import CutPlan, SubtitleMode, build_plan
from .segments import Caption, segments_for
from .smart_render import LinkedToken, join_segments, prune_cache, render_segments
from .subtitles import cues_for, srt_text, vtt_text

CONFORM_CACHE = ("cache", "conform")


@dataclass
class ExportReport:
    output: Path
    width: int
    height: int
    fps: int
    frames: int
    duration_seconds: float
    segments: int
    encodes: int  # video segments encoded by this export (0 = everything came from the cache)
    reused_segments: int
    encoded_labels: list[str] = field(default_factory=list)
    audio_encoded: bool = False
    loudness_lufs: float | None = None  # integrated loudness of the mix as delivered
    true_peak_db: float | None = None
    subtitles: Path | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        data = dict(self.__dict__)
        data["output"] = str(self.output)
        data["subtitles"] = str(self.subtitles) if self.subtitles else None
        return data


def cache_dir_for(bundle: Path) -> Path:
    return bundle.joinpath(*CONFORM_CACHE)


def export_film(document: ProjectDocument, out: Path, *, size: tuple[int, int] | None = None, fps: int | None = None,
                subtitles: SubtitleMode | None = None, progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None, workers: int | None = None) -> ExportReport:
    """Render the project to ``out`` (MP4, H.264 + AAC) with the project's export settings and these overrides."""
    if document.bundle is None:
        raise ProjectError("save the project before exporting (its render cache lives in the bundle)")
    plan = build_plan(document.project, document.bundle, size=size, fps=fps, subtitles=subtitles)
    return export_plan(plan, Path(out), cache_dir_for(document.bundle), progress=progress, cancel=cancel,
                       workers=workers)


def export_plan(plan: CutPlan, out: Path, cache_dir: Path, *, progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None, workers: int | None = None) -> ExportReport:
    """Render a plan to ``out``, reusing the segments and soundtrack already in ``cache_dir``."""
    started = time.perf_counter()
    out = Path(out)
    if out.suffix.lower() not in (".mp4", ".m4v", ".mov"):
        raise CutError(f"{out.name}: export writes MP4 video; use a .mp4 name")
    mode = plan.settings.subtitles
    cues = cues_for(plan) if mode != "none" else []
    captions = tuple(Caption(c.text, c.start, c.end) for c in cues) if mode == "burn" else ()
    segments = segments_for(plan, captions)
    # One scale for the whole export: picture frames, then the soundtrack and the join as a few percent more.
    frames = plan.total_frames
    total = frames + max(1, frames // 10) + max(1, frames // 50)

    def on_encode(p: Progress) -> None:
        progress(Progress(p.stage, p.done, total, p.message))

    # The soundtrack is mixed while the picture encodes (numpy and the AAC encoder fill cores the video
    # encodes leave idle); a failure in either stops the other through the shared cancel token.
    stop = LinkedToken(cancel)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="soundtrack") as pool:
        sound = pool.submit(_soundtrack, plan, cache_dir, stop)
        sound.add_done_callback(lambda f: f.exception() and stop.cancel())
        try:
            files, stats = render_segments(plan, segments, cache_dir, progress=on_encode, cancel=stop,
                                           workers=workers)
        except Cancelled:
            if sound.done() and not isinstance(sound.exception(), Cancelled | type(None)):
                raise sound.exception() from None  # the soundtrack failed: report that, not the stop
            raise
        except BaseException:
            stop.cancel()
            raise
        progress(Progress("audio", frames, total, "finishing the soundtrack"))
        try:
            audio, loudness, peak, audio_encoded = sound.result()
        except Cancelled:
            if cancel is not None:
                cancel.raise_if_cancelled()
            raise
    progress(Progress("join", total - max(1, frames // 50), total, "joining segments"))
    with tempfile.TemporaryDirectory(prefix="storyreel-join-") as work, temp_path_for(out) as tmp:
        join_segments(files, audio, tmp, work_dir=Path(work), title=plan.title, cancel=cancel)
        if cancel is not None:
            cancel.raise_if_cancelled()
        commit_file(tmp, out)
    sidecar = None
    if mode in ("srt", "vtt"):
        sidecar = out.with_suffix(f".{mode}")
        write_atomic(sidecar, (srt_text(cues) if mode == "srt" else vtt_text(cues)).encode("utf-8"))
    prune_cache(cache_dir)
    progress(Progress("join", total, total, f"wrote {out.name}"))
    return ExportReport(
        output=out, width=plan.settings.width, height=plan.settings.height, fps=plan.fps, frames=plan.total_frames,
        duration_seconds=plan.duration_seconds, segments=len(segments), encodes=stats.encodes,
        reused_segments=stats.reused, encoded_labels=stats.encoded_labels, audio_encoded=audio_encoded,
        loudness_lufs=None if loudness is None else float(loudness),
        true_peak_db=None if peak is None else float(peak), subtitles=sidecar, warnings=list(plan.warnings),
        seconds=time.perf_counter() - started,
    )


def _audio_key(plan: CutPlan) -> str:
    def identity(path: Path) -> list:
        stat = path.stat()
        return [str(path.resolve()), stat.st_size, stat.st_mtime_ns]

    s = plan.settings
    desc = {
        "v": 1, "samples": film_samples(plan), "sr": s.sample_rate, "lufs": s.loudness_lufs, "tp": s.true_peak_db,
        "duck": s.duck_db, "bitrate": s.audio_bitrate,
        "voices": [[identity(v.path), round(v.start_seconds, 6)] for v in plan.voices if v.path is not None],
        "music": [[identity(m.path), m.start_seconds, m.duration_seconds, m.source_in_seconds, m.gain_db, m.duck]
                  for m in plan.music],
        "sounds": [[identity(x.path), x.start_seconds, x.duration_seconds, x.gain_db, x.fade_in_seconds,
                    x.fade_out_seconds] for x in plan.sounds],
    }
    return hashlib.sha256(json.dumps(desc, sort_keys=True).encode()).hexdigest()[:24]


def _soundtrack(plan: CutPlan, cache_dir: Path, cancel: CancelToken | None) -> tuple[Path, float | None, float | None, bool]:
    """The encoded AAC soundtrack (cached by its inputs) and its loudness facts."""
    target = cache_dir / f"audio-{_audio_key(plan)}.m4a"
    facts = target.with_suffix(".json")
    if target.is_file() and facts.is_file():
        for path in (target, facts):
            os.utime(path)  # used: keep it when the cache is pruned
        data = json.loads(facts.read_text())
        return target, data.get("lufs"), data.get("true_peak"), False
    mix = mix_soundtrack(plan, cancel=cancel)
    s = plan.settings
    result = normalize(mix.samples, mix.sample_rate, s.loudness_lufs, s.true_peak_db)
    if cancel is not None:
        cancel.raise_if_cancelled()
    with temp_path_for(target) as tmp:
        cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "f32le",
               "-ar", str(mix.sample_rate), "-ac", str(mix.samples.shape[1]), "-i", "pipe:0",
               "-c:a", "aac", "-b:a", s.audio_bitrate, "-f", "mp4", str(tmp)]
        proc = subprocess.run(cmd, input=result.samples.astype("<f4").tobytes(), capture_output=True)
        if proc.returncode != 0:
            raise MediaError(f"encoding the soundtrack failed: {proc.stderr.decode(errors='replace').strip()[-300:]}")
        commit_file(tmp, target)
    peak = result.true_peak_db if result.output_lufs is not None else None
    write_atomic(facts, json.dumps({"lufs": result.output_lufs, "true_peak": peak}).encode())
    return target, result.output_lufs, peak, True
