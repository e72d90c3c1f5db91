"""Smart rendering: encode only segments whose content changed (in parallel), join them without re-encoding.

Encoded segments live in the bundle's ``cache/conform/`` under their content hash; a segment file appears
there only complete (temp name, then rename), so a cancelled or crashed export never leaves a bad cache entry.
"""

from __future__ import annotations

import hashlib
import os
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from engine.atomic_files import temp_path_for
from engine.progress import Cancelled, CancelToken, Progress, ProgressCallback, no_progress
from studio.timeline.text_images import render_caption, render_card

from .ffmpeg_run import run_ffmpeg
from .plan import CutPlan
from .segment_encode import segment_args
from .segments import Segment


@dataclass
class RenderStats:
    encodes: int = 0  # ffmpeg video encodes run by this export
    reused: int = 0  # segments taken from the cache
    encoded_frames: int = 0
    encoded_labels: list[str] = field(default_factory=list)


def render_segments(plan: CutPlan, segments: list[Segment], cache_dir: Path, *,
                    progress: ProgressCallback = no_progress, cancel: CancelToken | None = None,
                    workers: int | None = None) -> tuple[list[Path], RenderStats]:
    """Make sure every segment exists in the cache; return their files in film order."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    stats = RenderStats()
    files = [cache_dir / f"{segment.key(plan)}.mp4" for segment in segments]
    todo = [(s, f) for s, f in zip(segments, files, strict=True) if not _reuse(f)]
    todo = list({f: (s, f) for s, f in todo}.values())  # identical segments encode once
    total = plan.total_frames
    done = total - sum(s.frames for s, _ in todo)
    stats.reused = len(segments) - len(todo)
    progress(Progress("encode", done, total, f"{stats.reused} segments unchanged"))
    if not todo:
        return files, stats
    cpus = os.cpu_count() or 1
    jobs = max(1, min(workers or cpus, len(todo)))
    # Longest first, so the last running encodes are short ones. Every core runs one single-threaded encode
    # (the most work per CPU second); the last few encodes get more threads, so the cores left idle while
    # the queue drains are used.
    todo.sort(key=lambda item: -item[0].frames * max(1, len(item[0].inputs)))
    threads = [max(1, cpus // jobs) if i < len(todo) - jobs else cpus for i in range(len(todo))]
    stop = LinkedToken(cancel)  # one failed encode stops the others too
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="encode") as pool:
        futures = {pool.submit(_encode, plan, s, f, cache_dir, n, stop): s
                   for (s, f), n in zip(todo, threads, strict=True)}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in finished:
                segment = futures[future]
                error = future.exception()
                if error is not None:
                    stop.cancel()
                    for other in pending:
                        other.cancel()
                    wait(pending)
                    raise error
                done += segment.frames
                stats.encodes += 1
                stats.encoded_frames += segment.frames
                stats.encoded_labels.append(segment.label)
                progress(Progress("encode", done, total, f"encoded {segment.kind} {segment.label}"))
    return files, stats


def _reuse(path: Path) -> bool:
    """True if the cached segment exists; marks it used (``prune_cache`` keeps what was used lately)."""
    try:
        os.utime(path)
    except FileNotFoundError:
        return False
    return True


def prune_cache(cache_dir: Path, *, max_age_days: float = 30) -> int:
    """Delete cached segments/soundtracks no export has used for ``max_age_days``; returns how many."""
    cutoff = time.time() - max_age_days * 86400
    removed = 0
    for path in cache_dir.glob("*"):
        if path.suffix in (".mp4", ".m4a", ".json") and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


class LinkedToken(CancelToken):
    """Cancelled when its parent is, or when cancelled itself (without cancelling the parent)."""

    def __init__(self, parent: CancelToken | None) -> None:
        super().__init__()
        self._parent = parent

    @property
    def cancelled(self) -> bool:
        return super().cancelled or (self._parent is not None and self._parent.cancelled)

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled("cancelled")


def _encode(plan: CutPlan, segment: Segment, target: Path, cache_dir: Path, threads: int,
            cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.raise_if_cancelled()
    settings = plan.settings
    card = _card_image(segment.card_text, settings.width, settings.height, cache_dir) if segment.kind == "card" else None
    captions = [_caption_image(c.text, settings.width, settings.height, cache_dir) for c in segment.captions]
    with temp_path_for(target) as tmp:
        args = segment_args(segment, settings, tmp, card_image=card, caption_images=captions, threads=threads)
        run_ffmpeg(args, cancel=cancel, what=f"encoding {segment.kind} {segment.label}")
        os.replace(tmp, target)


def _image_path(cache_dir: Path, *parts: object) -> Path:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:20]
    return cache_dir / "images" / f"{digest}.png"


def _card_image(text: str, width: int, height: int, cache_dir: Path) -> Path:
    path = _image_path(cache_dir, "card", text, width, height)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        with temp_path_for(path) as tmp:
            render_card(text, width, height).save(tmp, format="PNG")
            os.replace(tmp, path)
    return path


def _caption_image(text: str, width: int, height: int, cache_dir: Path) -> tuple[Path, int, int]:
    image, x, y = render_caption(text, width, height)
    path = _image_path(cache_dir, "caption", text, width, height)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        with temp_path_for(path) as tmp:
            image.save(tmp, format="PNG")
            os.replace(tmp, path)
    return path, x, y


def join_segments(files: list[Path], audio: Path | None, out: Path, *, work_dir: Path, title: str = "",
                  cancel: CancelToken | None = None) -> None:
    """Concatenate encoded segments without re-encoding and mux the finished audio beside them."""
    listing = work_dir / "segments.txt"
    listing.write_text("".join(f"file '{_concat_quote(f)}'\n" for f in files), encoding="utf-8")
    args = ["-f", "concat", "-safe", "0", "-i", str(listing)]
    if audio is not None:
        args += ["-i", str(audio), "-map", "0:v", "-map", "1:a"]
    args += ["-c", "copy", "-movflags", "+faststart", "-metadata", f"title={title}", "-f", "mp4", str(out)]
    run_ffmpeg(args, cancel=cancel, what="joining segments")


def _concat_quote(path: Path) -> str:
    return path.resolve().as_posix().replace("'", "'\\''")
