"""Joining clips without touching the frames that are kept: the basis of extending a take.

An extended take is the original clip followed (or preceded) by newly generated frames. Re-encoding the whole
would change every original frame a little; here each part's H.264 stream is copied as it is (Annex B, so each
part keeps its own parameter sets) and the parts are muxed into one MP4. Decoded, the kept frames are
bit-identical to the original's, which ``test_take_splice`` checks frame by frame.

    splice_videos([original, extension], out, fps)        # out: original's frames, then the extension's
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from engine.atomic_files import commit_file, temp_path_for
from engine.video_io import VideoError, ffmpeg_exe, fps_fraction, probe_video


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        log = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise VideoError(f"{what}: {log[-1] if log else f'ffmpeg exit {done.returncode}'}")


def splice_videos(parts: Sequence[Path], out: Path, fps: float) -> Path:
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
    rate = fps_fraction(fps)
    with tempfile.TemporaryDirectory(prefix="storyreel-splice-") as tmp:
        joined = Path(tmp) / "joined.h264"
        with joined.open("wb") as stream:
            for n, part in enumerate(parts):
                annex_b = Path(tmp) / f"part{n}.h264"
                _run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-i", str(part), "-map", "0:v:0", "-c", "copy",
                      "-bsf:v", "h264_mp4toannexb", "-f", "h264", str(annex_b)], f"cannot read {Path(part).name}")
                stream.write(annex_b.read_bytes())
        with temp_path_for(Path(out)) as target:
            _run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-fflags", "+genpts",
                  "-r", f"{rate.numerator}/{rate.denominator}", "-f", "h264", "-i", str(joined), "-c", "copy",
                  "-movflags", "+faststart", "-f", "mp4", str(target)], "cannot join the clips")
            joined_info = probe_video(target)
            expected = sum(info.frame_count for info in infos)
            if joined_info.frame_count != expected:
                raise VideoError(f"the joined clip has {joined_info.frame_count} frames, expected {expected}")
            commit_file(target, Path(out))
    return Path(out)
