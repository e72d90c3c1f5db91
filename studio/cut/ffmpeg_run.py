"""Running the bundled ffmpeg: cancellable, with its error text in our exceptions, and a ``-i`` prober.

There is no ffprobe binary in imageio-ffmpeg, so media facts come from parsing ``ffmpeg -i``'s header.
"""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.progress import Cancelled, CancelToken

from .errors import MediaError


@functools.cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(args: list[str], *, cancel: CancelToken | None = None, what: str = "ffmpeg") -> None:
    """Run ffmpeg with ``args`` (no binary name); raise MediaError with its last lines on failure."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = _wait(proc, cancel)
    if proc.returncode != 0:
        tail = " | ".join(stderr.decode("utf-8", "replace").strip().splitlines()[-3:])
        raise MediaError(f"{what} failed: {tail or f'ffmpeg exit code {proc.returncode}'}")


def _wait(proc: subprocess.Popen, cancel: CancelToken | None) -> bytes:
    if cancel is None:
        _, err = proc.communicate()
        return err or b""
    while True:
        try:
            _, err = proc.communicate(timeout=0.1)
            return err or b""
        except subprocess.TimeoutExpired:
            if cancel.cancelled:
                proc.kill()
                proc.communicate()
                raise Cancelled("cancelled") from None


def decode_audio(path: Path, sample_rate: int, *, channels: int = 2, start: float = 0.0,
                 duration: float | None = None, cancel: CancelToken | None = None) -> np.ndarray:
    """Any audio file -> float32 array (samples, channels) at ``sample_rate`` (ffmpeg resamples with soxr)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error"]
    if start > 0:
        cmd += ["-ss", f"{start:.6f}"]
    if duration is not None:
        cmd += ["-t", f"{duration:.6f}"]
    cmd += ["-i", str(path), "-vn", "-af", "aresample=resampler=soxr", "-ac", str(channels),
            "-ar", str(sample_rate), "-f", "f32le", "pipe:1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if cancel is not None and cancel.cancelled:
        proc.kill()
    out, err = proc.communicate()
    if cancel is not None:
        cancel.raise_if_cancelled()
    if proc.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        raise MediaError(f"cannot read audio {path.name}: {tail[0]}")
    return np.frombuffer(out, dtype=np.float32).reshape(-1, channels).copy()


@dataclass(frozen=True)
class MediaInfo:
    """What ``ffmpeg -i`` says about a file (first video and audio streams)."""

    duration_seconds: float | None
    video_codec: str | None = None
    width: int = 0
    height: int = 0
    fps: float = 0.0
    pix_fmt: str | None = None
    audio_codec: str | None = None
    sample_rate: int = 0


_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+)[^,]*, (\w+)[^,]*?(?:\([^)]*\))?, (\d+)x(\d+)")
_FPS = re.compile(r"([\d.]+) fps")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+)[^,]*, (\d+) Hz")


def probe(path: Path) -> MediaInfo:
    """Parse the stream header of a media file; raises MediaError when ffmpeg cannot open it."""
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
                          capture_output=True, text=True, errors="replace")
    text = proc.stderr
    if "Stream #" not in text:
        last = text.strip().splitlines()[-1:] or ["unreadable"]
        raise MediaError(f"cannot read {path.name}: {last[0]}")
    duration = None
    if m := _DURATION.search(text):
        duration = int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])
    info: dict = {"duration_seconds": duration}
    for line in text.splitlines():
        if "Video:" in line and "video_codec" not in info and (m := _VIDEO.search(line)):
            info.update(video_codec=m[1], pix_fmt=m[2], width=int(m[3]), height=int(m[4]))
            if f := _FPS.search(line):
                info["fps"] = float(f[1])
        elif "Audio:" in line and "audio_codec" not in info and (m := _AUDIO.search(line)):
            info.update(audio_codec=m[1], sample_rate=int(m[2]))
    return MediaInfo(**info)
