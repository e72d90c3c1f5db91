"""Joining clips without touching the frames that are kept: the basis of extending a take.

An extended take is the original clip followed (or preceded) by newly generated frames. Re-encoding the whole
would change every original frame a little; here each part's H.264 stream is copied as it is into one MP4. Decoded, the kept frames are
bit-identical to the original's, which ``test_take_splice`` checks frame by frame. (The engine's clips share
their encoder settings, so their parameter sets agree, which a stream copy needs.)

    splice_videos([original, extension], out)        # out: original's frames, then the extension's
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from engine.atomic_files import commit_file, temp_path_for
from engine.video_io import VideoError, VideoWriter, ffmpeg_exe, iter_frames, probe_video


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        log = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise VideoError(f"{what}: {log[-1] if log else f'ffmpeg exit {done.returncode}'}")


def _quoted(path: Path) -> str:
    """A path in a concat list (single quotes; a quote inside is closed, escaped and reopened)."""
    return str(path).replace("'", "'\\''")


def splice_videos(parts: Sequence[Path], out: Path) -> Path:
    """Write ``out``: the frames of ``parts`` one after another, each part's stream copied (no re-encode).

    The parts must be H.264 of one size (the engine's takes are); ``out`` appears only when complete."""
    if len(parts) < 2:
        raise ValueError("splicing needs at least two clips")
    infos = [probe_video(Path(part)) for part in parts]
    if any(info.codec != "h264" for info in infos):
        raise VideoError("only H.264 clips can be joined without re-encoding")
    sizes = {(info.width, info.height) for info in infos}
    if len(sizes) != 1:
        raise VideoError(f"the clips to join have different sizes: {sorted(sizes)}")
    with tempfile.TemporaryDirectory(prefix="storyreel-splice-") as tmp:
        # The concat demuxer offsets each part's timestamps by the parts before it and keeps B-frame order.
        listing = Path(tmp) / "parts.txt"
        listing.write_text("".join(f"file '{_quoted(Path(part).resolve())}'\n" for part in parts), "utf-8")
        with temp_path_for(Path(out)) as target:
            _run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
                  "-map", "0:v:0", "-c", "copy", "-movflags", "+faststart", "-f", "mp4", str(target)],
                 "cannot join the clips")
            joined_info = probe_video(target)
            expected = sum(info.frame_count for info in infos)
            if joined_info.frame_count != expected:
                raise VideoError(f"the joined clip has {joined_info.frame_count} frames, expected {expected}")
            commit_file(target, Path(out))
    return Path(out)


def without_edge_frame(video: Path, out: Path, fps: float, *, edge: str) -> Path:
    """Write ``out``: ``video`` less its first (``edge="first"``) or last frame, re-encoded with one encoder
    thread (the animatic's settings). An extension starts (or ends) on the frame it continues from; that frame
    is the original's own, so the extension drops its copy before the clips are joined."""
    if edge not in ("first", "last"):
        raise ValueError(f"edge must be 'first' or 'last', got {edge!r}")
    info = probe_video(video)
    if info.frame_count < 2:
        raise VideoError(f"{Path(video).name} has {info.frame_count} frame(s): nothing would be left")
    skip = 0 if edge == "first" else info.frame_count - 1
    with VideoWriter(out, info.width, info.height, fps, threads=1) as writer:
        for index, frame in enumerate(iter_frames(video, info.width, info.height)):
            if index != skip:
                writer.write(frame)
    return Path(out)
