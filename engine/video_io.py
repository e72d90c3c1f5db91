"""Video in and out through ffmpeg: an atomic H.264 writer, an exact prober, a frame reader, take stills.

Frames are RGB ``uint8`` arrays shaped ``(height, width, 3)`` everywhere. The writer pipes raw frames to
imageio-ffmpeg's binary from a feeder thread, so rendering the next frame overlaps the pipe write.
"""

from __future__ import annotations

import contextlib
import math
import queue
import re
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import cv2
import imageio_ffmpeg
import numpy as np

from engine.atomic_files import commit_file, temp_path_for, write_atomic

THUMB_WIDTH = 320
# Tag and convert as BT.709 (HD) so colours survive players that honour tags; range is broadcast (tv).
COLOR_ARGS = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"]
TO_YUV_FILTER = "scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,format=yuv420p"


# BT.709 RGB -> Y'CbCr, limited ("tv") range: rows Y, Cb, Cr; the last column is the offset.
_BT709 = np.array([[0.2126, 0.7152, 0.0722], [-0.1146, -0.3854, 0.5], [0.5, -0.4542, -0.0458]])
RGB_TO_YCBCR709 = np.hstack([_BT709 * np.array([[219.0], [224.0], [224.0]]) / 255.0, [[16.0], [128.0], [128.0]]])


def rgb_to_ycbcr709(rgb: np.ndarray) -> np.ndarray:
    """RGB uint8 -> Y'CbCr uint8 (BT.709, tv range), same size; rounded and clipped by OpenCV."""
    return cv2.transform(rgb, RGB_TO_YCBCR709)


def ycbcr_to_i420(ycc: np.ndarray) -> np.ndarray:
    """Full-size Y'CbCr -> one flat I420 buffer (W*H*3/2 bytes): Y plane, then Cb and Cr at half size.

    Chroma is a 2x2 box average (sited at the centre of each 2x2 block).
    """
    height, width = ycc.shape[:2]
    out = new_i420(width, height)
    y_plane, cb_plane, cr_plane = i420_planes(out, width, height)
    y_plane[:] = ycc[:, :, 0]
    half = (width // 2, height // 2)
    cv2.resize(np.ascontiguousarray(ycc[:, :, 1]), half, dst=cb_plane, interpolation=cv2.INTER_AREA)
    cv2.resize(np.ascontiguousarray(ycc[:, :, 2]), half, dst=cr_plane, interpolation=cv2.INTER_AREA)
    return out


def rgb_to_i420(rgb: np.ndarray) -> np.ndarray:
    """RGB uint8 (even sides) -> an I420 (yuv420p) BT.709 tv-range buffer for ``VideoWriter(pixel_format="yuv420p")``."""
    return ycbcr_to_i420(rgb_to_ycbcr709(rgb))


def i420_planes(buffer: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views of the Y, Cb and Cr planes inside a flat I420 buffer of W*H*3/2 bytes."""
    luma, chroma = width * height, (width // 2) * (height // 2)
    y_plane = buffer[:luma].reshape(height, width)
    cb_plane = buffer[luma : luma + chroma].reshape(height // 2, width // 2)
    cr_plane = buffer[luma + chroma : luma + 2 * chroma].reshape(height // 2, width // 2)
    return y_plane, cb_plane, cr_plane


def new_i420(width: int, height: int) -> np.ndarray:
    return np.empty(width * height * 3 // 2, np.uint8)


class VideoError(RuntimeError):
    """ffmpeg could not write or read a video (the message carries ffmpeg's own words)."""


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def fps_fraction(fps: float) -> Fraction:
    """Exact rational rate: 23.976 / 29.97 / 59.94 become the NTSC n*1000/1001 rates, others stay as given."""
    for base in (24, 30, 48, 60, 120):
        ntsc = Fraction(base * 1000, 1001)
        if abs(fps - float(ntsc)) < 0.002:
            return ntsc
    return Fraction(fps).limit_denominator(1001)


def h264_args(*, crf: int = 18, preset: str = "medium") -> list[str]:
    """Encoder arguments shared by the writer and the benchmark baseline (same settings on both sides).

    The rate is the input's (rawvideo ``-framerate`` or a filter's); frames pass through 1:1, so the count is exact.
    Callers put ``TO_YUV_FILTER`` last in their filter chain.
    """
    return [
        "-c:v", "libx264", "-preset", preset, "-crf", str(int(crf)), "-pix_fmt", "yuv420p",
        *COLOR_ARGS,
        "-fps_mode", "passthrough",
        "-movflags", "+faststart",
        "-an",
    ]


class VideoWriter:
    """Pipe RGB frames to ffmpeg; the MP4 appears at ``path`` only when the block exits cleanly.

    >>> with VideoWriter(path, 1280, 720, 24) as writer:
    ...     for frame in frames:
    ...         writer.write(frame)

    On an exception (a cancel included) or ``abort()``, ffmpeg is killed and nothing is left at ``path``.
    ``pixel_format="yuv420p"`` takes I420 buffers (see ``rgb_to_i420``) instead of RGB: half the bytes through
    the pipe and no colour conversion in ffmpeg, for renderers that produce planes directly.
    """

    def __init__(
        self, path: Path, width: int, height: int, fps: float, *, crf: int = 18, preset: str = "medium",
        pixel_format: str = "rgb24", threads: int | None = None,
    ) -> None:
        """``threads``: the encoder's threads (None: x264 picks by the CPU count, so the bytes depend on the
        machine; a fixed count makes the same frames the same file everywhere)."""
        if width % 2 or height % 2 or width < 2 or height < 2:
            raise ValueError(f"H.264 (yuv420p) needs an even width and height, got {width}x{height}")
        if pixel_format not in ("rgb24", "yuv420p"):
            raise ValueError(f"pixel_format must be rgb24 or yuv420p, got {pixel_format!r}")
        self.pixel_format = pixel_format
        self.frame_shape = (height, width, 3) if pixel_format == "rgb24" else (width * height * 3 // 2,)
        if not (math.isfinite(fps) and fps > 0):
            raise ValueError(f"fps must be positive, got {fps!r}")
        if not 0 <= crf <= 51:
            raise ValueError(f"crf must be 0..51, got {crf}")
        self.path = Path(path)
        self.width, self.height, self.fps = int(width), int(height), float(fps)
        self.crf, self.preset, self.threads = crf, preset, threads
        self.frames_written = 0
        self._tmp_cm: contextlib.AbstractContextManager[Path] | None = None
        self._tmp: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: tempfile._TemporaryFileWrapper[bytes] | None = None
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._feeder: threading.Thread | None = None
        self._feed_error: BaseException | None = None
        self._finished = False

    # --- lifecycle ----------------------------------------------------------------------------------------
    def __enter__(self) -> VideoWriter:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def open(self) -> None:
        rate = fps_fraction(self.fps)
        self._tmp_cm = temp_path_for(self.path)
        self._tmp = self._tmp_cm.__enter__()
        self._log = tempfile.TemporaryFile(prefix="storyreel-ffmpeg-")  # noqa: SIM115 - lives until close()/abort()
        command = [
            ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "rawvideo", "-pix_fmt", self.pixel_format, "-s", f"{self.width}x{self.height}",
            *([] if self.pixel_format == "rgb24" else COLOR_ARGS),
            "-framerate", f"{rate.numerator}/{rate.denominator}", "-i", "pipe:0",
            *(["-vf", TO_YUV_FILTER] if self.pixel_format == "rgb24" else []),
            *h264_args(crf=self.crf, preset=self.preset),
            *(["-threads", str(int(self.threads))] if self.threads else []),
            "-f", "mp4", str(self._tmp),
        ]
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log)
        self._feeder = threading.Thread(target=self._feed, name="video-writer-feed", daemon=True)
        self._feeder.start()

    def _feed(self) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        stdin = self._proc.stdin
        while True:
            data = self._queue.get()
            if data is None:
                break
            if self._feed_error is not None:
                continue  # drain so the producer never blocks on a dead pipe
            try:
                stdin.write(data)
            except Exception as error:  # ffmpeg gone (broken pipe) or worse: report it, keep draining
                self._feed_error = error
        with contextlib.suppress(BrokenPipeError, OSError):
            stdin.close()

    def write(self, frame: np.ndarray) -> None:
        """Queue one uint8 frame: RGB (height, width, 3), or a flat I420 buffer (width*height*3/2) for yuv420p."""
        if self._proc is None or self._finished:
            raise VideoError("the writer is not open")
        if frame.dtype != np.uint8 or frame.shape != self.frame_shape:
            raise ValueError(
                f"expected a {self.pixel_format} uint8 frame of shape {self.frame_shape}, "
                f"got {frame.dtype} {tuple(frame.shape)}"
            )
        if self._feed_error is not None:
            raise VideoError(f"ffmpeg stopped accepting frames: {self._ffmpeg_log()}")
        self._queue.put(np.ascontiguousarray(frame).tobytes())
        self.frames_written += 1

    def close(self) -> None:
        """Finish encoding and move the file into place; raises ``VideoError`` (and leaves nothing) on failure."""
        if self._finished:
            return
        if self._proc is None:
            raise VideoError("the writer was never opened")
        try:
            if self.frames_written == 0:
                raise VideoError("no frames were written")
            self._stop_feeder()
            code = self._proc.wait()
            if code != 0 or self._feed_error is not None:
                raise VideoError(f"ffmpeg failed to encode {self.path.name} (exit {code}): {self._ffmpeg_log()}")
            assert self._tmp is not None
            commit_file(self._tmp, self.path)
        except BaseException:
            self.abort()
            raise
        self._cleanup()

    def abort(self) -> None:
        """Stop ffmpeg and remove the partial file; ``path`` is left untouched."""
        if self._finished:
            return
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
        self._stop_feeder()
        if self._proc is not None:
            self._proc.wait()
        self._cleanup()

    def _stop_feeder(self) -> None:
        if self._feeder is not None and self._feeder.is_alive():
            self._queue.put(None)
            self._feeder.join()

    def _cleanup(self) -> None:
        self._finished = True
        if self._tmp_cm is not None:
            self._tmp_cm.__exit__(None, None, None)  # removes the temp file if it was not moved into place
        if self._log is not None:
            self._log.close()

    def _ffmpeg_log(self) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace").strip()
        return text[-2000:] or "(no message)"


def write_video(path: Path, frames: Iterable[np.ndarray], fps: float, **options: object) -> int:
    """Encode an iterable of equal-size frames; returns the frame count."""
    iterator = iter(frames)
    first = next(iterator, None)
    if first is None:
        raise VideoError("no frames to write")
    height, width = first.shape[:2]
    with VideoWriter(path, width, height, fps, **options) as writer:  # type: ignore[arg-type]
        writer.write(first)
        for frame in iterator:
            writer.write(frame)
    return writer.frames_written


# --- reading --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    fps: float
    frame_count: int
    duration_seconds: float
    codec: str
    pix_fmt: str


_STREAM_LINE = re.compile(r"Stream #\d+:\d+.*?: Video: (.*)")
_TIMEBASE = re.compile(r"^#tb 0: (\d+)/(\d+)", re.MULTILINE)


def _split_top_level(text: str) -> list[str]:
    """Split ffmpeg's stream description on commas that are not inside parentheses."""
    parts, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def probe_video(path: Path) -> VideoInfo:
    """Exact facts about the first video stream: frame count and rate come from the packets, not estimates."""
    path = Path(path)
    if not path.is_file():
        raise VideoError(f"no video at {path}")
    # Stream-copy into the framemd5 muxer: one line per packet (no decoding), with exact timestamps.
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:v:0", "-c", "copy",
         "-f", "framemd5", "-"],
        capture_output=True, check=False,
    )
    log = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise VideoError(f"cannot read {path.name}: {log.strip().splitlines()[-1] if log.strip() else 'unknown error'}")
    stream = _STREAM_LINE.search(log)
    if stream is None:
        raise VideoError(f"{path.name} has no video stream")
    parts = _split_top_level(stream.group(1))
    codec = parts[0].split()[0]
    pix_fmt = parts[1].split("(")[0].strip() if len(parts) > 1 else ""
    size = re.search(r"\b(\d{1,5})x(\d{1,5})\b", stream.group(1))
    if size is None:
        raise VideoError(f"{path.name}: cannot tell the frame size")
    out = proc.stdout.decode("ascii", "replace")
    timebase = _TIMEBASE.search(out)
    durations = []
    for line in out.splitlines():
        if line and not line.startswith("#"):
            fields = [f.strip() for f in line.split(",")]
            durations.append(int(fields[3]))
    if not durations or timebase is None:
        raise VideoError(f"{path.name} has no video frames")
    tb = Fraction(int(timebase.group(1)), int(timebase.group(2)))
    typical = max(set(durations), key=durations.count)
    fps = float(1 / (typical * tb)) if typical > 0 else 0.0
    return VideoInfo(
        width=int(size.group(1)),
        height=int(size.group(2)),
        fps=fps,
        frame_count=len(durations),
        duration_seconds=float(sum(durations) * tb),
        codec=codec,
        pix_fmt=pix_fmt,
    )


def iter_frames(path: Path, width: int | None = None, height: int | None = None) -> Iterator[np.ndarray]:
    """Decode every frame as RGB; the process stops when the iterator is closed."""
    if width is None or height is None:
        info = probe_video(path)
        width, height = info.width, info.height
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(path), "-map", "0:v:0",
        "-vf", "scale=in_color_matrix=auto:in_range=auto:flags=bicubic+accurate_rnd+full_chroma_int",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
    ]
    frame_bytes = width * height * 3
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    try:
        while True:
            data = proc.stdout.read(frame_bytes)
            if len(data) < frame_bytes:
                break
            yield np.frombuffer(data, np.uint8).reshape(height, width, 3).copy()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.wait()


def read_frames(path: Path, indices: list[int] | None = None) -> list[np.ndarray]:
    """RGB frames at ``indices`` (all frames when None), in the order asked; negative indices count from the end."""
    info = probe_video(path)
    if indices is None:
        return list(iter_frames(path, info.width, info.height))
    wanted = [i + info.frame_count if i < 0 else i for i in indices]
    bad = [i for i, w in zip(indices, wanted, strict=True) if not 0 <= w < info.frame_count]
    if bad:
        raise IndexError(f"frame indices {bad} out of range for {info.frame_count} frames")
    targets, found = set(wanted), {}
    last = max(wanted, default=-1)
    frames = iter_frames(path, info.width, info.height)
    try:
        for index, frame in enumerate(frames):
            if index in targets:
                found[index] = frame
            if index >= last:
                break
    finally:
        frames.close()  # type: ignore[attr-defined]
    return [found[i] for i in wanted]


# --- take stills ------------------------------------------------------------------------------------------------
def encode_image(frame: np.ndarray, suffix: str, *, jpeg_quality: int = 88) -> bytes:
    params = [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality] if suffix in (".jpg", ".jpeg") else []
    ok, buffer = cv2.imencode(suffix, cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), params)
    if not ok:
        raise VideoError(f"could not encode a {suffix} image")
    return buffer.tobytes()


def thumbnail(frame: np.ndarray, width: int = THUMB_WIDTH) -> np.ndarray:
    height, source_width = frame.shape[:2]
    if source_width <= width:
        return frame
    new_height = max(2, round(height * width / source_width))
    return cv2.resize(frame, (width, new_height), interpolation=cv2.INTER_AREA)


def write_stills(
    first: np.ndarray, last: np.ndarray, out_dir: Path, *, thumb_source: np.ndarray | None = None
) -> tuple[Path, Path, Path]:
    """Write ``first.png``, ``last.png`` and ``thumb.jpg`` (~320 px wide, from ``thumb_source`` or the first frame)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    first_png, last_png, thumb_jpg = out_dir / "first.png", out_dir / "last.png", out_dir / "thumb.jpg"
    write_atomic(first_png, encode_image(first, ".png"))
    write_atomic(last_png, encode_image(last, ".png"))
    write_atomic(thumb_jpg, encode_image(thumbnail(first if thumb_source is None else thumb_source), ".jpg"))
    return first_png, last_png, thumb_jpg


def load_image_rgb(path: Path) -> np.ndarray:
    """Read a still as RGB uint8 (alpha composited on black, 16-bit scaled down); clear error if unreadable."""
    data = np.fromfile(str(path), dtype=np.uint8)  # np.fromfile + imdecode copes with non-ASCII paths on Windows
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
    if image is None:
        raise VideoError(f"cannot read the image {Path(path).name}: not a picture OpenCV understands")
    if image.dtype == np.uint16:
        image = (image // 257).astype(np.uint8)
    elif image.dtype != np.uint8:
        image = cv2.normalize(image, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    if image.shape[2] == 4:
        alpha = image[:, :, 3:4].astype(np.float32) / 255.0
        image = (image[:, :, :3].astype(np.float32) * alpha).astype(np.uint8)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
