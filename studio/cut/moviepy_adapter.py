"""The cut as moviepy v2 clips, for people who script further edits in Python.

    from studio.cut.moviepy_adapter import cut_clips
    with cut_clips(document, size=(640, 360)) as cut:
        film = cut.video                        # CompositeVideoClip with the soundtrack as its audio
        film.subclipped(2, 6).write_videofile("teaser.mp4", logger=None)

It reads the same plan as the exporter (``build_plan``) and puts every piece where the plan says: takes trimmed
and conformed to the output rate and size (the last frame held when a take is short), crossfades, dips to black
and the first shot's fade-in, title and credits cards, the voices, and the music with its gain, ducked under
the voices. Output frame N is at ``N / fps`` seconds. Two things stay with the exporter: loudness normalisation
of the mix and burned-in subtitles (``cues_for(plan)`` gives the cues). The exporter itself renders with ffmpeg
filtergraphs, which is several times faster (docs/benchmarks.md); this is an independent second renderer, and
tests/cut/test_moviepy_adapter.py checks the two agree.

moviepy clips hold ffmpeg reader processes: close the ``CutClips`` (or use it in a ``with``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from moviepy import (
    AudioClip,
    AudioFileClip,
    ColorClip,
    CompositeAudioClip,
    CompositeVideoClip,
    ImageClip,
    VideoClip,
    VideoFileClip,
    vfx,
)

from studio.project.document import ProjectDocument
from studio.project.errors import ProjectError
from studio.timeline.layout import card_fade_frames
from studio.timeline.text_images import render_card

from .audio_mix import duck_gain
from .plan import CutPlan, PlannedShot, SourceClip, SubtitleMode, build_plan

__all__ = ["CutClips", "cut_clips", "plan_clips"]


@dataclass
class CutClips:
    """The film as one composite clip, and the file readers behind it (closed by ``close``)."""

    plan: CutPlan
    video: CompositeVideoClip
    audio: CompositeAudioClip | None
    readers: list = field(default_factory=list)

    def close(self) -> None:
        for reader in self.readers:
            reader.close()
        self.readers.clear()
        self.video.close()

    def __enter__(self) -> CutClips:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cut_clips(document: ProjectDocument, *, size: tuple[int, int] | None = None, fps: int | None = None,
              subtitles: SubtitleMode | None = None) -> CutClips:
    """The project's cut as moviepy clips, with the export settings and these overrides (as ``export_film``)."""
    if document.bundle is None:
        raise ProjectError("save the project first: its takes are files inside the bundle")
    return plan_clips(build_plan(document.project, document.bundle, size=size, fps=fps, subtitles=subtitles))


def plan_clips(plan: CutPlan) -> CutClips:
    """Build the composite for ``plan``. Opens one reader per take and audio file."""
    fps, (width, height) = plan.fps, (plan.settings.width, plan.settings.height)
    duration = plan.total_frames / fps
    readers: list = []
    try:
        layers: list[VideoClip] = [ColorClip((width, height), (0, 0, 0), duration=duration)]
        for card in plan.cards:
            fade = card_fade_frames(card.frames) / fps
            image = ImageClip(np.asarray(render_card(card.text, width, height)), duration=card.frames / fps)
            if fade:
                image = image.with_effects([vfx.FadeIn(fade), vfx.FadeOut(fade)])
            layers.append(image.with_start(card.start / fps))
        for i, shot in enumerate(plan.shots):
            following = plan.shots[i + 1] if i + 1 < len(plan.shots) else None
            layers.append(_shot_clip(plan, shot, following, readers))
        video = CompositeVideoClip(layers, size=(width, height)).with_duration(duration).with_fps(fps)
        audio = _soundtrack(plan, duration, readers)
        if audio is not None:
            video = video.with_audio(audio)
        return CutClips(plan, video, audio, readers)
    except BaseException:
        for reader in readers:
            reader.close()
        raise


def _shot_clip(plan: CutPlan, shot: PlannedShot, following: PlannedShot | None, readers: list) -> VideoClip:
    fps = plan.fps
    reader = VideoFileClip(str(shot.source.path), audio=False)
    readers.append(reader)
    clip = _conformed(reader, shot.source, plan).with_duration(shot.frames / fps)
    clip = _fitted(clip, plan.settings.width, plan.settings.height, plan.settings.fit)
    effects = []
    t = shot.transition
    if t.kind == "crossfade":
        effects.append(vfx.CrossFadeIn(t.frames / fps))  # over the previous shot's tail, which runs on beneath
    elif t.kind in ("fade_in", "dip_to_black"):
        effects.append(vfx.FadeIn(t.frames / fps))
    if following is not None and following.transition.kind == "dip_to_black":
        effects.append(vfx.FadeOut(following.transition.out_frames / fps))
    if effects:
        clip = clip.with_effects(effects)
    return clip.with_start(shot.start / fps)


def _conformed(reader: VideoFileClip, source: SourceClip, plan: CutPlan) -> VideoClip:
    """Shot time -> the take's frame: from the trim-in, at the take's own rate, the last usable frame held."""
    ratio, first, last = source.fps / plan.fps, source.trim_in, source.trim_out - 1
    # Never read past what the reader can decode (a take's recorded frame count can exceed the file's).
    last = min(last, max(first, math.floor(reader.duration * source.fps + 1e-6) - 1))

    def source_time(t: float) -> float:
        index = min(last, first + math.floor(t * plan.fps * ratio + 0.5))  # nearest frame, as ffmpeg's fps filter
        return (index + 0.25) / source.fps  # inside the frame, clear of float error at its edges

    return reader.time_transform(source_time, keep_duration=False)


def _fitted(clip: VideoClip, width: int, height: int, fit: str) -> VideoClip:
    """Scale to the output: letterbox/pillarbox (fit) or crop the overflow (fill), centred."""
    w, h = clip.size
    if (w, h) == (width, height):
        return clip
    if fit == "fill":
        scale = max(width / w, height / h)
        scaled = clip.resized(new_size=(max(width, round(w * scale)), max(height, round(h * scale))))
        return scaled.cropped(x_center=scaled.w / 2, y_center=scaled.h / 2, width=width, height=height)
    scale = min(width / w, height / h)
    new_w, new_h = 2 * max(1, int(w * scale / 2)), 2 * max(1, int(h * scale / 2))  # even, as the exporter
    return clip.resized(new_size=(new_w, new_h)).with_position(((width - new_w) // 2, (height - new_h) // 2))


def _soundtrack(plan: CutPlan, duration: float, readers: list) -> CompositeAudioClip | None:
    """Voices at their starts, music with its gain (ducked under voices), before loudness normalisation."""
    sr = plan.settings.sample_rate
    parts: list[AudioClip] = []
    spans: list[tuple[int, int]] = []
    for voice in plan.voices:
        if voice.path is None or voice.start_seconds >= duration:
            continue
        clip = _audio_file(voice.path, sr, readers)
        parts.append(_silent_outside(clip, clip).with_start(voice.start_seconds))
        start = round(voice.start_seconds * sr)
        spans.append((start, min(round(duration * sr), start + round(clip.duration * sr))))
    total = round(duration * sr)
    ducking = duck_gain(total, spans, sr, plan.settings.duck_db) if spans else None
    for music in plan.music:
        clip = file = _audio_file(music.path, sr, readers)
        end = min(clip.duration, music.source_in_seconds + music.duration_seconds)
        if end <= music.source_in_seconds:
            continue
        clip = clip.subclipped(music.source_in_seconds, end).with_volume_scaled(10 ** (music.gain_db / 20))
        if music.duck and ducking is not None:
            clip = _ducked(clip, ducking, music.start_seconds, sr)
        parts.append(_silent_outside(clip, file).with_start(music.start_seconds))
    if not parts:
        return None
    return CompositeAudioClip(parts).with_duration(duration).with_fps(sr)


def _audio_file(path: Path, sample_rate: int, readers: list) -> AudioFileClip:
    reader = AudioFileClip(str(path), fps=sample_rate)
    readers.append(reader)
    return reader


def _silent_outside(clip: AudioClip, file: AudioFileClip) -> AudioClip:
    """Silence outside the clip instead of an error, read in short blocks.

    A composite asks each part for its whole block of times and masks afterwards, and moviepy 2.2's file reader
    refuses times past its end and mis-splits requests longer than half its buffer (``file``'s reader).
    """
    length, channels = clip.duration, clip.nchannels
    block = max(256, file.reader.buffersize // 2 - 1)

    def bounded(get_frame, t):
        if np.ndim(t) == 0:
            return get_frame(t) if 0 <= t < length else np.zeros(channels)
        t = np.asarray(t)
        out = np.zeros((len(t), channels))
        inside = np.flatnonzero((t >= 0) & (t < length))
        for i in range(0, len(inside), block):
            chosen = inside[i:i + block]
            out[chosen] = get_frame(t[chosen])
        return out

    return clip.transform(bounded, keep_duration=True)


def _ducked(clip: AudioClip, gain: np.ndarray, start: float, sample_rate: int) -> AudioClip:
    """Multiply by the film's ducking curve (indexed in film samples) at each sample of the clip."""
    def duck(get_frame, t):
        frame = get_frame(t)
        index = np.clip(np.round((np.asarray(t) + start) * sample_rate).astype(np.int64), 0, len(gain) - 1)
        g = gain[index]
        return frame * (g[:, None] if np.ndim(g) else g)

    return clip.transform(duck, keep_duration=True)
