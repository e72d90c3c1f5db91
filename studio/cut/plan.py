"""The cut plan: a plain, frozen description of the finished film, built from the project.

Everything downstream (smart render, audio mix, subtitles, interchange) reads the plan, never the project, so
nothing downstream places things itself. Picture time is integer frames at the *output* rate; the film's timeline
layout (``studio.timeline.layout``, which the editor draws too) is the single source of truth for where every
card, shot, line and music clip sits, and is only rescaled, boundary by boundary, so the plan's total equals the
timeline's exactly. Audio and subtitles use seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from studio.project.errors import UnsafeMediaPath
from studio.project.media_path import resolve_media
from studio.project.model import Project, Shot, Take
from studio.timeline.layout import LineSpan, MusicSpan, ShotSpan, TransitionSpan, compute_layout

from .errors import CutError, MissingTake
from .ffmpeg_run import MediaError, probe

SAMPLE_RATE = 48_000

Fit = Literal["fit", "fill"]
SubtitleMode = Literal["none", "srt", "vtt", "burn"]


@dataclass(frozen=True)
class OutputSettings:
    width: int
    height: int
    fps: int
    fit: Fit = "fit"
    crf: int = 20
    preset: str = "medium"
    audio_bitrate: str = "192k"
    loudness_lufs: float = -14.0
    true_peak_db: float = -1.0
    duck_db: float = -12.0
    subtitles: SubtitleMode = "none"
    sample_rate: int = SAMPLE_RATE

    def video_key(self) -> dict:
        """The settings that change encoded picture (part of every segment's cache key)."""
        return {"w": self.width, "h": self.height, "fps": self.fps, "fit": self.fit, "crf": self.crf,
                "preset": self.preset}


@dataclass(frozen=True)
class SourceClip:
    """A take as the cut uses it: its file, its own rate, and its trim in source frames."""

    shot_id: str
    take_id: str
    media: str
    path: Path
    fps: float
    frame_count: int
    trim_in: int
    trim_out: int  # exclusive, in source frames

    @property
    def usable_frames(self) -> int:
        return max(1, self.trim_out - self.trim_in)


@dataclass(frozen=True)
class TransitionIn:
    """How a shot begins: a cut, a crossfade from the previous shot (overlapping it), or a dip to black."""

    kind: Literal["cut", "crossfade", "dip_to_black", "fade_in"]
    frames: int = 0  # crossfade: overlap; dip: the fade-up half; fade_in: the whole fade from black
    out_frames: int = 0  # dip only: the fade-down half at the end of the previous shot


@dataclass(frozen=True)
class PlannedShot:
    shot_id: str
    index: int
    start: int  # output frame on the film
    frames: int
    source: SourceClip
    transition: TransitionIn
    prompt: str = ""
    seed: int = 0
    backend: str = ""
    model_id: str = ""
    camera: str = "static"
    alternates: tuple[str, ...] = ()  # other take ids of the shot

    @property
    def end(self) -> int:
        return self.start + self.frames


@dataclass(frozen=True)
class PlannedCard:
    card_id: str
    position: Literal["title", "credits"]
    text: str
    start: int
    frames: int


@dataclass(frozen=True)
class PlannedVoice:
    """A narration/dialogue line on the film; ``path`` is None when it has no (readable) audio yet."""

    line_id: str
    shot_id: str
    text: str
    speaker: str
    start_seconds: float
    path: Path | None = None
    media: str | None = None
    take_id: str | None = None
    duration_seconds: float | None = None
    timings: tuple[dict, ...] = ()
    speakers: tuple[str, ...] = ()  # every name when several speak it together (``speaker`` joins them)


@dataclass(frozen=True)
class PlannedMusic:
    clip_id: str
    path: Path
    media: str
    start_seconds: float
    duration_seconds: float
    source_in_seconds: float
    gain_db: float
    duck: bool
    title: str = ""


@dataclass(frozen=True)
class PlannedSound:
    """A shot's active sound take on its own track: under the shot, at the shot's level, faded at its edges
    (a short fade at a cut, the whole overlap at a crossfade or a dip)."""

    shot_id: str
    take_id: str
    path: Path
    media: str
    start_seconds: float
    duration_seconds: float
    gain_db: float
    fade_in_seconds: float
    fade_out_seconds: float
    prompt: str = ""


SOUND_CUT_FADE_SECONDS = 0.03  # a cut in the picture is a very short fade in the ambience: no click


@dataclass(frozen=True)
class CutPlan:
    title: str
    settings: OutputSettings
    total_frames: int
    shots: tuple[PlannedShot, ...]
    cards: tuple[PlannedCard, ...] = ()
    voices: tuple[PlannedVoice, ...] = ()
    music: tuple[PlannedMusic, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    sounds: tuple[PlannedSound, ...] = ()

    @property
    def fps(self) -> int:
        return self.settings.fps

    @property
    def duration_seconds(self) -> float:
        return self.total_frames / self.settings.fps

    def seconds(self, frames: int) -> float:
        return frames / self.settings.fps


def output_settings(project: Project, *, size: tuple[int, int] | None = None, fps: int | None = None,
                    subtitles: SubtitleMode | None = None) -> OutputSettings:
    export = project.export
    width, height = size or (export.width or project.width, export.height or project.height)
    if width % 2 or height % 2:
        raise CutError(f"output size {width}x{height}: both sides must be even for H.264")
    return OutputSettings(
        width=width, height=height, fps=fps or export.fps or project.fps, fit=export.fit, crf=export.crf,
        preset=export.preset, audio_bitrate=export.audio_bitrate, loudness_lufs=export.loudness_lufs,
        true_peak_db=export.true_peak_db, duck_db=export.duck_db, subtitles=subtitles or export.subtitles,
    )


def build_plan(project: Project, bundle: Path, *, size: tuple[int, int] | None = None, fps: int | None = None,
               subtitles: SubtitleMode | None = None) -> CutPlan:
    """Describe the finished film. Raises MissingTake naming the first shot without a usable take.

    Positions come from the film's timeline layout (the editor's); the plan only rescales them to the output rate.
    """
    if not project.shots:
        raise CutError("the project has no shots to cut")
    settings = output_settings(project, size=size, fps=fps, subtitles=subtitles)
    pfps, ofps = project.fps, settings.fps

    def out(frame: int) -> int:  # project frame -> output frame (boundaries rescale; durations follow)
        return (2 * frame * ofps + pfps) // (2 * pfps)  # exact integer rounding, half up

    layout = compute_layout(project)
    cards = tuple(PlannedCard(c.card_id, c.kind, c.text, out(c.start), out(c.end) - out(c.start))
                  for c in layout.title_and_credits())
    transitions = {t.shot_id: t for t in layout.transitions}
    shots = tuple(_plan_shot(project, bundle, project.shots[span.index], span, transitions.get(span.shot_id), out)
                  for span in layout.shots)
    shots = _check_overlaps(shots)
    total = out(layout.total)

    warnings: list[str] = []
    placed = {span.line_id: span for span in layout.lines}
    voices = tuple(_plan_voice(project, bundle, line, placed.get(line.id), warnings) for line in project.lines)
    music = tuple(m for span, clip in zip(layout.music, project.music, strict=True)
                  if (m := _plan_music(project, bundle, clip, span, total / ofps, warnings)))
    sounds = _plan_sounds(project, bundle, shots, ofps, warnings)
    return CutPlan(project.title, settings, total, shots, cards, voices, music, tuple(warnings), sounds)


def _usable_source(bundle: Path, shot: Shot, index: int) -> tuple[Take, SourceClip]:
    take = shot.active()
    if take is None:
        raise MissingTake(shot.id, index, "has no take" if not shot.takes else "has no active take")
    if take.status == "failed":
        raise MissingTake(shot.id, index, f"active take {take.id} failed ({take.error or 'no reason given'})")
    try:
        path = resolve_media(bundle, take.media)
    except UnsafeMediaPath as exc:
        raise CutError(str(exc)) from exc
    if take.status == "offline" or not path.is_file():
        raise MissingTake(shot.id, index, f"active take {take.id} is offline (missing file {take.media})")
    fps, frames = take.fps, take.frame_count
    if not fps or not frames:
        try:
            info = probe(path)
        except MediaError as exc:
            raise CutError(f"shot {index + 1} ({shot.id}): {exc}") from exc
        fps = fps or info.fps
        if not frames and info.duration_seconds:
            frames = max(1, round(info.duration_seconds * fps))
    if not fps:
        raise CutError(f"shot {index + 1} ({shot.id}): cannot tell the frame rate of {take.media}")
    trim_out = min(take.trim_out or frames, frames) if frames else (take.trim_out or 1)
    if take.trim_in >= trim_out:
        raise CutError(f"shot {index + 1} ({shot.id}): take {take.id} is trimmed to nothing "
                       f"(in {take.trim_in}, out {trim_out} of {frames} frames)")
    return take, SourceClip(shot.id, take.id, take.media, path, float(fps), frames, take.trim_in, trim_out)


def _plan_shot(project: Project, bundle: Path, shot: Shot, span: ShotSpan, t: TransitionSpan | None,
               out) -> PlannedShot:
    index = span.index
    take, source = _usable_source(bundle, shot, index)
    o_start, o_end = out(span.start), out(span.end)
    if t is None:
        transition = TransitionIn("cut")
    elif t.kind == "fade_in":
        transition = TransitionIn("fade_in", max(1, out(t.end - t.start)))
    elif t.kind == "crossfade":
        transition = TransitionIn("crossfade", -1)  # the overlap is filled in by _check_overlaps
    else:
        whole = max(2, out(t.end - t.start))
        transition = TransitionIn("dip_to_black", whole - whole // 2, whole // 2)
    return PlannedShot(
        shot.id, index, o_start, o_end - o_start, source, transition, prompt=shot.prompt, seed=take.seed or shot.seed,
        backend=take.backend, model_id=take.model_id, camera=shot.camera,
        alternates=tuple(t.id for t in shot.takes if t.id != take.id),
    )


def _check_overlaps(shots: tuple[PlannedShot, ...]) -> tuple[PlannedShot, ...]:
    """Fill in crossfade overlaps from the rescaled starts and refuse transitions that do not fit their shots."""
    fixed = list(shots)
    for i, shot in enumerate(fixed):
        if shot.transition.kind == "crossfade":
            overlap = fixed[i - 1].end - shot.start
            if overlap <= 0:
                raise CutError(f"shot {i + 1} ({shot.shot_id}): its crossfade has no frames to overlap")
            fixed[i] = replace(shot, transition=TransitionIn("crossfade", overlap))
    for i, shot in enumerate(fixed):
        head = shot.transition.frames
        nxt = fixed[i + 1].transition if i + 1 < len(fixed) else None
        tail = (nxt.frames if nxt.kind == "crossfade" else nxt.out_frames) if nxt else 0
        if head + tail > shot.frames:
            raise CutError(f"shot {i + 1} ({shot.shot_id}) lasts {shot.frames} frames but its transitions need "
                           f"{head + tail}; shorten the transitions or lengthen the shot")
    return tuple(fixed)


def _plan_voice(project: Project, bundle: Path, line, span: LineSpan | None, warnings: list[str]) -> PlannedVoice:
    if span is None:
        raise CutError(f"line {line.id} is anchored to shot {line.shot_id}, which is not in the project")
    start = span.start / project.fps
    names = [next((c.name for c in project.cast if c.id == sid), sid) if sid else "Narrator"
             for sid in dict.fromkeys([line.speaker, *line.also_speakers])]
    speaker, speakers = " & ".join(names), tuple(names) if len(names) > 1 else ()
    audio = line.active()
    if audio is None or audio.status != "ready":
        return PlannedVoice(line.id, line.shot_id, line.text, speaker, start, speakers=speakers)
    try:
        path = resolve_media(bundle, audio.media)
    except UnsafeMediaPath as exc:
        raise CutError(str(exc)) from exc
    if not path.is_file():
        warnings.append(f"line {line.id}: audio {audio.media} is missing; the line is left silent")
        return PlannedVoice(line.id, line.shot_id, line.text, speaker, start, speakers=speakers)
    duration = audio.duration_seconds if audio.duration_samples else None
    if duration is None:
        try:
            duration = probe(path).duration_seconds
        except MediaError as exc:
            raise CutError(f"line {line.id}: {exc}") from exc
    return PlannedVoice(line.id, line.shot_id, audio.text or line.text, speaker, start, path, audio.media, audio.id,
                        duration, tuple(audio.timings), speakers)


def _plan_sounds(project: Project, bundle: Path, shots: tuple[PlannedShot, ...], fps: int,
                 warnings: list[str]) -> tuple[PlannedSound, ...]:
    sounds = []
    for i, planned in enumerate(shots):
        shot = project.shots[planned.index]
        take = shot.active_sound()
        if take is None or take.status != "ready":
            continue
        try:
            path = resolve_media(bundle, take.media)
        except UnsafeMediaPath as exc:
            raise CutError(str(exc)) from exc
        if not path.is_file():
            warnings.append(f"shot {planned.index + 1}: sound {take.media} is missing; left out")
            continue
        nxt = shots[i + 1].transition if i + 1 < len(shots) else None
        fade_in = planned.transition.frames / fps if planned.transition.kind != "cut" else SOUND_CUT_FADE_SECONDS
        fade_out = SOUND_CUT_FADE_SECONDS
        if nxt is not None and nxt.kind in ("crossfade", "dip_to_black"):
            fade_out = (nxt.frames if nxt.kind == "crossfade" else nxt.out_frames) / fps
        sounds.append(PlannedSound(shot.id, take.id, path, take.media, planned.start / fps, planned.frames / fps,
                                   shot.sound_gain_db, max(SOUND_CUT_FADE_SECONDS, fade_in),
                                   max(SOUND_CUT_FADE_SECONDS, fade_out), shot.sound_prompt))
    return tuple(sounds)


def _plan_music(project: Project, bundle: Path, clip, span: MusicSpan, film_seconds: float,
                warnings: list[str]) -> PlannedMusic | None:
    try:
        path = resolve_media(bundle, clip.media)
    except UnsafeMediaPath as exc:
        raise CutError(str(exc)) from exc
    if not path.is_file():
        warnings.append(f"music {clip.title or clip.id}: {clip.media} is missing; left out")
        return None
    start = span.start / project.fps
    end = film_seconds if clip.duration_frames is None else min(film_seconds, span.end / project.fps)
    if end <= start:
        return None
    return PlannedMusic(clip.id, path, clip.media, start, end - start, clip.source_in_seconds, clip.gain_db, clip.duck,
                        clip.title)
