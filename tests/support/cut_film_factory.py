"""Tiny films for the cut tests: solid-colour takes (one colour per shot), sine-tone narration and music.

Shared with tests/cli/test_render_commands.py, which loads this file by path."""

from __future__ import annotations

import re
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from studio.project import AudioTake, Card, Line, MusicClip, Project, ProjectDocument, Shot, Take, Transition

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
COLOURS = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0),
           "magenta": (255, 0, 255), "cyan": (0, 255, 255), "white": (255, 255, 255)}


def make_clip(path: Path, colour: str, frames: int, fps: float, size: tuple[int, int]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = size
    subprocess.run([FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", f"color=c={colour}:s={w}x{h}:r={fps}",
                    "-frames:v", str(frames), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    str(path)], check=True)
    return path


def make_tone(path: Path, freq: float, seconds: float, *, rate: int = 22050, amplitude: float = 0.5) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    data = (amplitude * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(data.tobytes())
    return path


@dataclass
class ShotSpec:
    colour: str
    frames: int = 24  # shot duration in project frames
    take_fps: float = 24
    take_frames: int | None = None  # None = as long as the shot at the take's rate
    size: tuple[int, int] = (160, 90)
    transition: str = "cut"
    transition_frames: int = 0


def make_film(root: Path, specs: list[ShotSpec], *, fps: int = 24, size: tuple[int, int] = (160, 90),
              name: str = "film") -> ProjectDocument:
    project = Project(title="Test film", fps=fps, width=size[0], height=size[1])
    project.export.preset = "ultrafast"
    document = ProjectDocument.create(root / name, project)
    bundle = document.bundle
    for i, spec in enumerate(specs):
        frames = spec.take_frames or round(spec.frames * spec.take_fps / fps)
        rel = f"media/takes/s{i}/clip.mp4"
        make_clip(bundle / rel, spec.colour, frames, spec.take_fps, spec.size)
        take = Take(media=rel, fps=spec.take_fps, frame_count=frames, width=spec.size[0], height=spec.size[1],
                    seed=100 + i, model_id="test-model")
        shot = Shot(id=f"shot_{i}", prompt=f"a {spec.colour} frame", duration_frames=spec.frames, takes=[take],
                    active_take=take.id, transition=Transition(kind=spec.transition,
                                                               duration_frames=spec.transition_frames))
        document.project.shots.append(shot)
    document.save()
    return document


def add_line(document: ProjectDocument, shot_id: str, text: str, *, offset_frames: int = 0, freq: float = 440,
             seconds: float | None = 0.5, timings: list[dict] | None = None) -> Line:
    line = Line(text=text, shot_id=shot_id, offset_frames=offset_frames)
    if seconds is not None:
        rel = f"media/voice/{line.id}.wav"
        make_tone(document.bundle / rel, freq, seconds)
        audio = AudioTake(media=rel, text=text, sample_rate=22050, duration_samples=int(seconds * 22050),
                          timings=timings or [])
        line.takes.append(audio)
        line.active_take = audio.id
        line.status = "ready"
    document.project.lines.append(line)
    document.save()
    return line


def add_music(document: ProjectDocument, *, freq: float = 110, seconds: float = 10, gain_db: float = -6) -> MusicClip:
    rel = "media/music/bed.wav"
    make_tone(document.bundle / rel, freq, seconds, amplitude=0.5)
    clip = MusicClip(media=rel, gain_db=gain_db, title="bed")
    document.project.music.append(clip)
    document.save()
    return clip


def add_card(document: ProjectDocument, text: str, position: str = "title", frames: int = 12) -> Card:
    card = Card(text=text, position=position, duration_frames=frames)
    document.project.cards.append(card)
    document.save()
    return card


# --- probing what was written ------------------------------------------------------------------------------

@dataclass
class Probed:
    video_codec: str
    audio_codec: str | None
    width: int
    height: int
    fps: float
    video_seconds: float
    audio_seconds: float | None
    frames: int


def probe_output(path: Path) -> Probed:
    """Codecs and sizes from ``ffmpeg -i``; frame count and stream durations by decoding everything."""
    head = subprocess.run([FFMPEG, "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    v = re.search(r"Video: (\w+).*?, (\d+)x(\d+).*?, ([\d.]+) fps", head)
    a = re.search(r"Audio: (\w+)", head)
    assert v, head
    decode = subprocess.run([FFMPEG, "-hide_banner", "-i", str(path), "-map", "0:v", "-f", "null", "-"],
                            capture_output=True, text=True).stderr
    frames = int(re.findall(r"frame=\s*(\d+)", decode)[-1])
    audio_seconds = None
    if a:
        samples = decode_audio(path)
        audio_seconds = len(samples) / 48000
    return Probed(v[1], a[1] if a else None, int(v[2]), int(v[3]), float(v[4]), frames / float(v[4]), audio_seconds,
                  frames)


def decode_audio(path: Path, rate: int = 48000) -> np.ndarray:
    """Mono float32 samples of the file's audio."""
    out = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", str(rate), "-f", "f32le",
                          "-"], capture_output=True, check=True).stdout
    return np.frombuffer(out, np.float32)


def frame_at(path: Path, index: int) -> np.ndarray:
    """RGB frame ``index`` (decoded sequentially, so exact)."""
    import cv2

    cap = cv2.VideoCapture(str(path))
    try:
        for _ in range(index):
            assert cap.grab()
        ok, frame = cap.read()
        assert ok, f"no frame {index}"
        return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    finally:
        cap.release()


def mean_colour(frame: np.ndarray) -> tuple[int, int, int]:
    return tuple(int(c) for c in frame.reshape(-1, 3).mean(axis=0))

