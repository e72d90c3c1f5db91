"""Giving shots their sound: a take per shot from its sound prompt (offline or ElevenLabs), cached, undoable.

Like narration: a shot whose active sound take already fits its prompt is kept, an earlier take or a cache entry
of the same request is reused, and only the rest is made (or sent). Takes are added through the document's
commands and nothing is saved here; the WAV lands in ``media/sound/<shot>/`` at once, so a crash loses nothing.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from engine.atomic_files import commit_file, temp_path_for
from engine.progress import CancelToken, Progress, ProgressCallback, no_progress
from studio.project import commands as cmd
from studio.project import store
from studio.project.document import ProjectDocument
from studio.project.errors import ProjectError
from studio.project.model import Project, Shot, SoundTake, new_id
from studio.voice.audio_cache import AudioCache, cache_key
from studio.voice.errors import VoiceError
from studio.voice.provider import RenderedAudio

from .sound_sources import OfflineAmbience, RenderedSound, SoundSource

SOUND_FOLDER = "media/sound"
CACHE_FOLDER = "sound"
SOUND_PROVIDERS = ("offline", "elevenlabs")
ProviderName = Literal["offline", "elevenlabs"]


@dataclass
class SoundReport:
    made: list[str] = field(default_factory=list)  # take ids made (or sent) in this run
    reused: list[str] = field(default_factory=list)  # shot ids given an earlier take or a cached sound
    unchanged: list[str] = field(default_factory=list)  # the active take already fits the prompt
    no_prompt: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # shot id -> reason
    not_attempted: list[str] = field(default_factory=list)
    requests_billed: int = 0
    sound_seconds: float = 0.0  # of sound made in this run
    work_seconds: float = 0.0
    stopped: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_attempted


def shot_samples(project: Project, shot: Shot, sample_rate: int) -> int:
    """The shot's length in samples at ``sample_rate`` (rounded)."""
    return (shot.duration_frames * sample_rate + project.fps // 2) // project.fps


def sound_source(name: str, shot: Shot, options: dict[str, Any] | None = None) -> SoundSource:
    if name == "offline":
        return OfflineAmbience(shot.seed)
    if name == "elevenlabs":
        from .elevenlabs_sound import ElevenLabsSoundEffects

        return ElevenLabsSoundEffects(**(options or {}))
    raise ProjectError(f"no sound provider {name!r}; choose one of {', '.join(SOUND_PROVIDERS)}")


def _intact(bundle: Path, take: SoundTake) -> bool:
    try:
        return take.status == "ready" and store.resolve_media(bundle, take.media).is_file()
    except ProjectError:
        return False


def _fits(bundle: Path, shot: Shot, take: SoundTake | None, provider: str | None) -> bool:
    return (take is not None and take.prompt == shot.sound_prompt and provider in (None, take.provider)
            and _intact(bundle, take))


def shots_needing_sound(project: Project, bundle: Path, provider: str | None = None) -> list[str]:
    """Shots with a sound prompt whose active sound take is missing, broken, of another prompt, or (given a
    ``provider``) made by another provider."""
    return [s.id for s in project.shots
            if s.sound_prompt.strip() and not _fits(bundle, s, s.active_sound(), provider)]


def make_sounds(document: ProjectDocument, shot_ids: list[str] | None = None, *, provider: ProviderName = "offline",
                takes: int | None = None, progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None, provider_options: dict[str, Any] | None = None) -> SoundReport:
    """Give each of ``shot_ids`` (default: every shot with a sound prompt) a sound take of its prompt.

    ``takes=None``: only shots that need one get one (an earlier matching take or a cached one is reused);
    ``takes=N``: N new takes per shot (different seeds; for ElevenLabs, different requests), the last one active.
    """
    if document.bundle is None:
        raise ProjectError("save the project first: its sounds are stored in the project folder")
    bundle, project = document.bundle, document.project
    if provider not in SOUND_PROVIDERS:
        raise ProjectError(f"no sound provider {provider!r}; choose one of {', '.join(SOUND_PROVIDERS)}")
    if takes is not None and not 1 <= takes <= 20:
        raise ProjectError(f"--takes must be from 1 to 20, got {takes}")
    shots = project.shots if shot_ids is None else [project.shot(i) for i in dict.fromkeys(shot_ids)]
    cache = AudioCache(bundle / "cache" / CACHE_FOLDER)
    report = SoundReport()
    for index, shot in enumerate(shots):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(Progress("sound", index, len(shots), shot.sound_prompt[:60]))
        if not shot.sound_prompt.strip():
            report.no_prompt.append(shot.id)
            continue
        if report.stopped:
            report.not_attempted.append(shot.id)
            continue
        if takes is None:
            if _fits(bundle, shot, shot.active_sound(), provider):
                report.unchanged.append(shot.id)
                continue
            earlier = next((t for t in reversed(shot.sound_takes) if _fits(bundle, shot, t, provider)), None)
            if earlier is not None:
                document.execute(cmd.edit_shot(shot.id, active_sound_take=earlier.id))
                report.reused.append(shot.id)
                continue
        source = sound_source(provider, shot, provider_options)
        first = sum(1 for t in shot.sound_takes if t.prompt == shot.sound_prompt and t.provider == provider)
        for variant in range(first if takes else 0, first + takes if takes else 1):
            try:
                _make_one(document, bundle, shot.id, source, variant, cache, report, cancel)
            except VoiceError as exc:
                report.failed[shot.id] = str(exc)
                if exc.fatal or exc.retryable:  # every further request would fail the same way
                    report.stopped = str(exc)
                break
    progress(Progress("sound", len(shots), len(shots), "done"))
    return report


def _make_one(document: ProjectDocument, bundle: Path, shot_id: str, source: SoundSource, variant: int,
              cache: AudioCache, report: SoundReport, cancel: CancelToken | None) -> SoundTake:
    shot = document.project.shot(shot_id)
    n = shot_samples(document.project, shot, source.sample_rate())
    identity = source.identity(shot.sound_prompt, n, variant)
    key = cache_key("sfx", shot.sound_prompt, identity)
    cached = cache.lookup(key)
    if cached is not None:
        sound = RenderedSound(cached.path, cached.sample_rate, cached.duration_samples,
                              tuple(identity.get("layers", ())))
        report.reused.append(shot_id)
    else:
        started = time.perf_counter()
        sound = source.render(shot.sound_prompt, n, variant, cache.slot(key), cancel=cancel)
        cache.commit(key, _as_audio(sound), identity)
        report.work_seconds += time.perf_counter() - started
        report.sound_seconds += sound.duration_samples / sound.sample_rate
        report.requests_billed += int(source.bills)
    take_id = new_id("snd")
    relative = f"{SOUND_FOLDER}/{shot_id}/{take_id}.wav"
    with temp_path_for(bundle / relative) as tmp:
        shutil.copyfile(sound.path, tmp)
        commit_file(tmp, bundle / relative)
    take = SoundTake(id=take_id, media=relative, provider=source.name, prompt=shot.sound_prompt,
                     layers=list(sound.layers), seed=int(identity.get("seed", variant)),
                     sample_rate=sound.sample_rate, duration_samples=sound.duration_samples, cache_key=key)
    document.execute(cmd.edit_shot(shot_id, sound_takes=[*shot.sound_takes, take], active_sound_take=take_id))
    if cached is None:
        report.made.append(take_id)
    return take


def _as_audio(sound: RenderedSound) -> RenderedAudio:
    return RenderedAudio(sound.path, sound.sample_rate, sound.duration_samples)


def use_sound_take(document: ProjectDocument, shot_id: str, take_id: str) -> None:
    """Make ``take_id`` the shot's active sound (one undo step); an unknown take is refused by name."""
    shot = document.project.shot(shot_id)
    if all(t.id != take_id for t in shot.sound_takes):
        known = ", ".join(t.id for t in shot.sound_takes) or "none yet"
        raise ProjectError(f"shot {shot_id} has no sound take {take_id!r} (its takes: {known})")
    document.execute(cmd.edit_shot(shot_id, active_sound_take=take_id))
