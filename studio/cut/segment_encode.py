"""The ffmpeg command that encodes one segment: conform its takes, mix transitions, fades, cards, captions.

Every segment is encoded with the same H.264 parameters and starts on an IDR frame of a closed GOP, so the
segments of a film can be joined by the concat demuxer with ``-c copy``.
"""

from __future__ import annotations

from pathlib import Path

from .plan import OutputSettings
from .segments import Segment, SourceRange


def video_codec_args(settings: OutputSettings, threads: int | None = None) -> list[str]:
    """Encoder options shared by every segment (and by the benchmark's hand-written baseline)."""
    args = ["-c:v", "libx264", "-preset", settings.preset, "-crf", str(settings.crf), "-pix_fmt", "yuv420p",
            "-profile:v", "high", "-x264-params", "open-gop=0", "-video_track_timescale", str(settings.fps * 1000)]
    if threads:
        args += ["-threads", str(threads)]
    return args


def conform_chain(rng: SourceRange, frames: int, settings: OutputSettings) -> str:
    """Filters turning a take into ``frames`` output frames of its shot from ``rng.offset`` on.

    Source frames are selected by number (exact, unlike seeking by time), re-stamped at the take's own rate,
    converted to the output rate, scaled (fit: letterbox/pillarbox, fill: crop), and the last frame is held
    when the take is shorter than the shot.
    """
    src = rng.source
    w, h = settings.width, settings.height
    if settings.fit == "fill":
        scale = f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h}"
    else:
        scale = (f"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
                 f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black")
    return ",".join([
        f"trim=start_frame={src.trim_in}:end_frame={src.trim_out}",
        f"setpts=N/({src.fps:.6f}*TB)",
        f"fps={settings.fps}",
        f"trim=start_frame={rng.offset}",
        "setpts=PTS-STARTPTS",
        scale,
        "setsar=1",
        "tpad=stop=-1:stop_mode=clone",
        f"trim=end_frame={frames}",
        "format=yuv420p",
    ])


def segment_args(segment: Segment, settings: OutputSettings, out: Path, *, card_image: Path | None = None,
                 caption_images: list[tuple[Path, int, int]] | None = None, threads: int | None = None) -> list[str]:
    """ffmpeg arguments (without the binary) that write ``segment`` to ``out``."""
    n, fps = segment.frames, settings.fps
    inputs: list[str] = []
    graph: list[str] = []
    if segment.kind == "card":
        if card_image is None:
            raise ValueError("a card segment needs its image")
        inputs += ["-loop", "1", "-framerate", str(fps), "-i", str(card_image)]
        graph.append(f"[0:v]format=yuv420p,trim=end_frame={n}[v0]")
    else:
        for i, rng in enumerate(segment.inputs):
            inputs += ["-an", "-sn", "-i", str(rng.source.path)]
            graph.append(f"[{i}:v]{conform_chain(rng, n, settings)}[v{i}]")
        if segment.kind == "crossfade":
            graph.append(f"[v0][v1]xfade=transition=fade:duration={n / fps:.6f}:offset=0[vx]")
    last = "vx" if segment.kind == "crossfade" else "v0"
    fades = []
    if segment.fade_in:
        fades.append(f"fade=t=in:s=0:n={segment.fade_in}")
    if segment.fade_out:
        fades.append(f"fade=t=out:s={n - segment.fade_out}:n={segment.fade_out}")
    if fades:
        graph.append(f"[{last}]{','.join(fades)}[vf]")
        last = "vf"
    base = len(segment.inputs) if segment.kind != "card" else 1
    seg_start = segment.start / fps
    for k, (caption, (image, x, y)) in enumerate(zip(segment.captions, caption_images or [], strict=True)):
        inputs += ["-i", str(image)]
        a, b = max(0.0, caption.start - seg_start), caption.end - seg_start
        graph.append(f"[{last}][{base + k}:v]overlay=x={x}:y={y}:enable='between(t,{a:.4f},{b:.4f})'[c{k}]")
        last = f"c{k}"
    return [*inputs, "-filter_complex", ";".join(graph), "-map", f"[{last}]", "-frames:v", str(n),
            "-fps_mode", "cfr", "-r", str(fps), *video_codec_args(settings, threads), "-an", "-f", "mp4", str(out)]
