"""Storyreel's export vs one hand-written ffmpeg filter_complex making the same film, same encoder settings.

The film: 12 shots of 4 s at 1280x720, 24 fps; takes in the sizes/rates the engines make (animatic 1280x720@24,
Wan-like 832x480@16, LTX-like 768x512@24); crossfades on some joins, a dip to black, narration on most shots,
a music bed ducked under it, loudness-normalised to -14 LUFS.

Run: .venv/bin/python bench/export.py [--shots 12] [--seconds 4] [--preset medium] [--repeat 1]
Prints JSON lines: {"bench": "export", ...} with ratio = storyreel full export / ffmpeg (target 1.1) and
{"bench": "export_reexport", ...} with ratio = re-export after one changed shot / full export (target 0.2).
Times are wall seconds (best of --repeat, runs alternating); cpu_* are the CPU seconds of the same runs.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio.cut import build_plan, export_film
from studio.cut.ffmpeg_run import ffmpeg_exe
from studio.project import AudioTake, Line, MusicClip, Project, ProjectDocument, Shot, Take, Transition

W, H, FPS = 1280, 720, 24
SOURCES = [((1280, 720), 24), ((832, 480), 16), ((768, 512), 24)]  # animatic, Wan-like, LTX-like
CROSSFADE = 12


def make_take(path: Path, frames: int, size: tuple[int, int], fps: int, hue: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = size
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=s={w}x{h}:r={fps}",
                    "-vf", f"hue=h={hue}",
                    "-frames:v", str(frames), "-c:v", "libx264", "-preset", "ultrafast", "-crf", "16",
                    "-pix_fmt", "yuv420p", str(path)], check=True)


def make_wav(path: Path, seconds: float, rate: int, seed: int, *, music: bool = False) -> None:
    """Speech-like bursts (narration) or a soft chord (music)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    if music:
        x = sum(0.15 * np.sin(2 * np.pi * f * t) for f in (110, 138.6, 164.8))
        channels = np.stack([x, np.roll(x, 200)], axis=1)
    else:
        rng = np.random.default_rng(seed)
        syllables = (np.sin(2 * np.pi * 4 * t) > -0.2).astype(float)
        x = 0.4 * syllables * (np.sin(2 * np.pi * 180 * t) + 0.3 * rng.normal(0, 1, len(t)))
        channels = x[:, None]
    data = (np.clip(channels, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(data.shape[1])
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(data.tobytes())


def build_film(root: Path, shots: int, seconds: float, preset: str) -> ProjectDocument:
    frames = round(seconds * FPS)
    project = Project(title="Export benchmark", fps=FPS, width=W, height=H)
    project.export.preset = preset
    document = ProjectDocument.create(root / "bench", project)
    bundle = document.bundle
    for i in range(shots):
        size, fps = SOURCES[i % len(SOURCES)]
        take_frames = round(frames * fps / FPS)
        rel = f"media/takes/shot{i}/clip.mp4"
        make_take(bundle / rel, take_frames, size, fps, hue=i * 29)
        take = Take(media=rel, fps=fps, frame_count=take_frames, width=size[0], height=size[1], seed=i)
        transition = Transition()
        if i and i % 3 == 0:
            transition = Transition(kind="crossfade", duration_frames=CROSSFADE)
        elif i == shots - 1 and shots > 2:
            transition = Transition(kind="dip_to_black", duration_frames=CROSSFADE)
        shot = Shot(id=f"shot_{i}", prompt=f"shot {i}", duration_frames=frames, takes=[take], active_take=take.id,
                    transition=transition)
        project.shots.append(shot)
        if i % 4 != 3:  # narration on most shots
            line = Line(text=f"Narration for shot {i}.", shot_id=shot.id, offset_frames=12)
            wav = f"media/voice/line{i}.wav"
            make_wav(bundle / wav, min(2.5, seconds - 1), 22050, seed=i)
            line.takes.append(AudioTake(media=wav, sample_rate=22050, duration_samples=int(min(2.5, seconds - 1) * 22050)))
            line.active_take = line.takes[0].id
            line.status = "ready"
            project.lines.append(line)
    make_wav(bundle / "media/music/bed.wav", shots * seconds + 2, 44100, seed=0, music=True)
    project.music.append(MusicClip(media="media/music/bed.wav", gain_db=-10))
    document.save()
    return document


def ffmpeg_baseline_args(document: ProjectDocument, out: Path) -> list[str]:
    """What a person would write by hand: one ffmpeg, one filter_complex, the same encoder settings."""
    project, bundle = document.project, document.bundle
    plan = build_plan(project, bundle)
    s = plan.settings
    inputs: list[str] = []
    graph: list[str] = []
    for i, shot in enumerate(plan.shots):
        inputs += ["-i", str(shot.source.path)]
        chain = (f"[{i}:v]fps={FPS},scale={W}:{H}:force_original_aspect_ratio=decrease,"
                 f"pad={W}:{H}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p,trim=end_frame={shot.frames},"
                 "setpts=PTS-STARTPTS")
        nxt = plan.shots[i + 1].transition if i + 1 < len(plan.shots) else None
        if nxt is not None and nxt.kind == "dip_to_black":
            chain += f",fade=t=out:s={shot.frames - nxt.out_frames}:n={nxt.out_frames}"
        if shot.transition.kind == "dip_to_black":
            chain += f",fade=t=in:s=0:n={shot.transition.frames}"
        graph.append(chain + f"[s{i}]")
    # Runs of plain cuts are concatenated; runs are joined by crossfades.
    runs: list[list[int]] = [[0]]
    for i, shot in enumerate(plan.shots[1:], start=1):
        if shot.transition.kind == "crossfade":
            runs.append([i])
        else:
            runs[-1].append(i)
    acc, length = "", 0
    for r, run in enumerate(runs):
        label = f"r{r}"
        if len(run) > 1:
            graph.append("".join(f"[s{i}]" for i in run) + f"concat=n={len(run)}:v=1:a=0,settb=1/{FPS}[{label}]")
        else:
            label = f"s{run[0]}"
        run_frames = sum(plan.shots[i].frames for i in run)
        if not acc:
            acc, length = label, run_frames
            continue
        d = plan.shots[run[0]].transition.frames
        graph.append(f"[{acc}][{label}]xfade=transition=fade:duration={d / FPS}:offset={(length - d) / FPS}[x{r}]")
        acc, length = f"x{r}", length + run_frames - d
    n_video = len(plan.shots)
    voices = [v for v in plan.voices if v.path is not None]
    for k, voice in enumerate(voices):
        inputs += ["-i", str(voice.path)]
        ms = round(voice.start_seconds * 1000)
        graph.append(f"[{n_video + k}:a]aresample=48000,aformat=channel_layouts=stereo,adelay={ms}|{ms}[n{k}]")
    graph.append("".join(f"[n{k}]" for k in range(len(voices))) + f"amix=inputs={len(voices)}:normalize=0,asplit[nv1][nv2]")
    music = plan.music[0]
    inputs += ["-i", str(music.path)]
    graph.append(f"[{n_video + len(voices)}:a]aresample=48000,aformat=channel_layouts=stereo,volume={music.gain_db}dB[mus]")
    graph.append("[mus][nv1]sidechaincompress=threshold=0.02:ratio=8:attack=20:release=300[duck]")
    graph.append(f"[duck][nv2]amix=inputs=2:normalize=0,loudnorm=I={s.loudness_lufs}:TP={s.true_peak_db},"
                 f"aresample=48000,atrim=end={plan.duration_seconds}[a]")
    return [*inputs, "-filter_complex", ";".join(graph), "-map", f"[{acc}]", "-map", "[a]",
            "-c:v", "libx264", "-preset", s.preset, "-crf", str(s.crf), "-pix_fmt", "yuv420p", "-profile:v", "high",
            "-c:a", "aac", "-b:a", s.audio_bitrate, "-movflags", "+faststart", str(out)]


def cpu_seconds() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = fn()
    return time.perf_counter() - wall, cpu_seconds() - cpu, result


def count_frames(path: Path) -> int:
    text = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", "0:v", "-f", "null", "-"],
                          capture_output=True, text=True).stderr
    return int(text.rsplit("frame=", 1)[1].split()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shots", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--preset", default="medium")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="storyreel-bench-export-"))
    try:
        document = build_film(root, args.shots, args.seconds, args.preset)
        cache = document.bundle / "cache" / "conform"
        full, base, full_cpu, base_cpu = [], [], [], []
        report = None
        for r in range(args.repeat):
            shutil.rmtree(cache, ignore_errors=True)
            wall, cpu, report = timed(lambda: export_film(document, root / "storyreel.mp4"))
            full.append(wall)
            full_cpu.append(cpu)
            baseline = [ffmpeg_exe(), "-v", "error", "-y", *ffmpeg_baseline_args(document, root / "ffmpeg.mp4")]
            wall, cpu, _ = timed(functools.partial(subprocess.run, baseline, check=True))
            base.append(wall)
            base_cpu.append(cpu)
            print(f"run {r + 1}: storyreel {full[-1]:.1f}s, ffmpeg {base[-1]:.1f}s", file=sys.stderr)
        frames = count_frames(root / "storyreel.mp4")
        baseline_frames = count_frames(root / "ffmpeg.mp4")
        # (c) one shot re-generated: a new take file for shot 4, then export again
        re_walls, re_cpus, re_report = [], [], None
        for r in range(args.repeat):
            shot = document.project.shots[min(4, len(document.project.shots) - 1)]
            take = shot.active()
            make_take(document.bundle / take.media, take.frame_count, (take.width, take.height), int(take.fps),
                      hue=200 + r)
            wall, cpu, re_report = timed(lambda: export_film(document, root / "storyreel2.mp4"))
            re_walls.append(wall)
            re_cpus.append(cpu)
        a, b, c = min(full), min(base), min(re_walls)
        common = {"shots": args.shots, "frames": frames, "ffmpeg_frames": baseline_frames, "size": f"{W}x{H}",
                  "preset": args.preset, "cpus": os.cpu_count(), "repeat": args.repeat,
                  "storyreel_full_s": round(a, 2), "ffmpeg_s": round(b, 2), "reexport_s": round(c, 2),
                  "cpu_storyreel_full_s": round(min(full_cpu), 2), "cpu_ffmpeg_s": round(min(base_cpu), 2),
                  "cpu_reexport_s": round(min(re_cpus), 2),
                  "encodes_full": report.encodes, "encodes_reexport": re_report.encodes,
                  "segments": report.segments,
                  "storyreel_mb": round((root / "storyreel.mp4").stat().st_size / 2**20, 2),
                  "ffmpeg_mb": round((root / "ffmpeg.mp4").stat().st_size / 2**20, 2),
                  # each run's own storyreel/ffmpeg wall ratio (runs alternate, so load from elsewhere hits both)
                  "pair_ratios": [round(x / y, 3) for x, y in zip(full, base, strict=True)],
                  "cpu_ratio": round(min(full_cpu) / min(base_cpu), 3)}
        print(json.dumps({"bench": "export", "ratio": round(a / b, 3), "target": 1.1, **common}))
        print(json.dumps({"bench": "export_reexport", "ratio": round(c / a, 3), "target": 0.2, **common}))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
