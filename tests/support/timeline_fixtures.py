"""Tiny real projects for the timeline, preview and export tests: solid-colour 160x90 takes and a sine WAV."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from engine.video_io import write_video
from studio.project import AudioTake, Card, Character, Line, Project, ProjectDocument, Shot, Take

FPS = 24
SIZE = (160, 90)
COLOURS = [(220, 40, 40), (40, 200, 60), (40, 80, 230), (230, 200, 40), (200, 60, 200), (40, 200, 200)]


def write_solid_clip(path: Path, colour: tuple[int, int, int], frames: int, fps: int = FPS,
                     size: tuple[int, int] = SIZE) -> Path:
    """A clip whose frame i has ``colour`` with a white bar at x = i (so frames are distinguishable)."""
    width, height = size
    path.parent.mkdir(parents=True, exist_ok=True)

    def frames_iter():
        for i in range(frames):
            frame = np.empty((height, width, 3), np.uint8)
            frame[:] = colour
            frame[: height // 6, (i * 4) % width: (i * 4) % width + 4] = 255
            yield frame

    write_video(path, frames_iter(), fps, crf=12, preset="ultrafast")
    return path


def write_sine_wav(path: Path, seconds: float, rate: int = 22050, freq: float = 220.0) -> int:
    """A mono 16-bit WAV: one second of tone, then silence (the waveform has a visible shape)."""
    n = int(seconds * rate)
    t = np.arange(n) / rate
    signal = np.where(t < min(1.0, seconds / 2), 0.8 * np.sin(2 * np.pi * freq * t), 0.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((signal * 32767).astype("<i2").tobytes())
    return n


def make_document(root: Path, *, shots: int = 3, take_frames: int = 48, with_takes: bool = True,
                  with_line: bool = True, shot_frames: int | None = None, name: str = "film",
                  cards: tuple[tuple[str, str, int], ...] = ()) -> ProjectDocument:
    """A saved bundle: ``shots`` shots (each with one solid-colour take), a narrator and one narrated line, and
    ``cards`` as (text, 'title'|'credits', frames)."""
    project = Project(title="Timeline test", fps=FPS, width=SIZE[0], height=SIZE[1])
    document = ProjectDocument.create(root / name, project)
    bundle = document.bundle
    assert bundle is not None
    for index in range(shots):
        shot = Shot(prompt=f"Shot {index + 1}: a test card", duration_frames=shot_frames or take_frames)
        if with_takes:
            take = Take(media=f"media/takes/{shot.id}/clip.mp4", width=SIZE[0], height=SIZE[1], fps=FPS,
                        frame_count=take_frames)
            write_solid_clip(bundle / take.media, COLOURS[index % len(COLOURS)], take_frames)
            shot.takes.append(take)
            shot.active_take = take.id
        project.shots.append(shot)
    if with_line and shots:
        narrator = Character(name="Narrator", is_narrator=True)
        project.cast.append(narrator)
        line = Line(text="The keeper climbs the stairs.", shot_id=project.shots[0].id, offset_frames=6)
        samples = write_sine_wav(bundle / "media/voice/line1.wav", 1.5)
        audio = AudioTake(media="media/voice/line1.wav", sample_rate=22050, duration_samples=samples,
                          text=line.text)
        line.takes.append(audio)
        line.active_take, line.status = audio.id, "ready"
        project.lines.append(line)
    project.cards += [Card(text=text, position=position, duration_frames=frames) for text, position, frames in cards]
    document.save()
    return document


TITLE_AND_CREDITS = (("The Keeper", "title", 24), ("The End", "credits", 24))


def qimage_rgb(image) -> np.ndarray:
    """A QImage's pixels as an RGB uint8 array (height, width, 3)."""
    from PySide6.QtGui import QImage

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    stride = rgb.bytesPerLine()
    data = np.frombuffer(rgb.constBits(), np.uint8, count=stride * rgb.height()).reshape(rgb.height(), stride)
    return data[:, : rgb.width() * 3].reshape(rgb.height(), rgb.width(), 3).copy()
