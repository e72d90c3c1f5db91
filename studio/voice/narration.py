"""Narrating a project: plan what each line needs, voice it (or reuse audio), add takes through commands.

Nothing is sent twice: a line whose active take already matches its text and voice is kept, an older take
or a cache entry with the same key is reused, and only the rest goes to the provider. A line that fails keeps
its text and earlier takes and is marked failed with the reason. Every change goes through the document's
commands and nothing is saved here: the CLI saves when its command ends (also when cancelled or failing), the
editor when the user saves. Audio files land in the bundle's media folder at once, so a crash loses no audio.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from engine.atomic_files import commit_file, temp_path_for
from engine.progress import CancelToken, Progress, ProgressCallback, no_progress
from studio.project import commands as cmd
from studio.project import store
from studio.project.document import ProjectDocument
from studio.project.errors import ProjectError
from studio.project.model import AudioTake, Line, Project, Voice, new_id

from .audio_cache import AudioCache, cache_key
from .cast_voices import assign_default_voices, voice_for_line, voices_for_line
from .delivery_tags import spoken_text, without_tags
from .errors import VoiceError, VoiceSettingsError
from .joint_lines import SpokenPart, joint_cache_key, mix_parts
from .provider import RenderedAudio, VoiceProvider
from .providers import get_provider
from .wav_audio import check_recording

Action = Literal["keep", "reuse", "cache", "send", "invalid"]
AUDIO_FOLDER = "media/audio"
RECORDINGS_FOLDER = "recordings"


@dataclass(frozen=True)
class LinePlan:
    """What narrating one line will do. ``send`` is the only action that reaches the provider."""

    line_id: str
    text: str
    action: Action
    provider: str = ""
    voice: Voice | None = None
    cache_key: str = ""
    take_id: str | None = None  # the earlier take a 'reuse' makes active again
    reason: str = ""  # why an 'invalid' line cannot be voiced
    parts: tuple[SpokenPart, ...] = ()  # one per speaker; several for a joint line, mixed into one take
    billed_characters: int = 0  # what a 'send' costs at services that bill per character (cached parts are free)

    @property
    def joint(self) -> bool:
        return len(self.parts) > 1


@dataclass
class NarrationReport:
    narrated: list[str] = field(default_factory=list)  # sent to a provider, got a new take
    reused: list[str] = field(default_factory=list)  # audio from the cache or an earlier take; nothing sent
    unchanged: list[str] = field(default_factory=list)  # the active take already fits
    failed: dict[str, str] = field(default_factory=dict)  # line id -> reason
    not_attempted: list[str] = field(default_factory=list)  # left alone after the batch stopped
    voices_assigned: dict[str, str] = field(default_factory=dict)  # character name -> voice id
    characters_billed: int = 0
    audio_seconds: float = 0.0  # of audio made by providers in this run
    synthesis_seconds: float = 0.0  # wall time spent making it
    stopped: str | None = None  # why the batch stopped early (refused key, service down)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_attempted


class _Providers:
    """Provider instances by name; an explicit provider (name or instance) applies to every line."""

    def __init__(self, override: str | VoiceProvider | None,
                 options: dict[str, dict[str, Any]] | None = None) -> None:
        self.forced: str | None = None
        self._instances: dict[str, VoiceProvider] = {}
        self._options = options or {}
        if isinstance(override, str):
            self.forced = override
            self.get(override)  # an unknown name fails here, before anything is done
        elif override is not None:
            self.forced = override.name
            self._instances[override.name] = override

    def get(self, name: str) -> VoiceProvider:
        if name not in self._instances:
            self._instances[name] = get_provider(name, **self._options.get(name, {}))
        return self._instances[name]


def _bundle_of(document: ProjectDocument) -> Path:
    if document.bundle is None:
        raise ProjectError("save the project before narrating: its audio is stored in the project folder")
    return document.bundle


def _select(project: Project, line_ids: list[str] | None) -> list[Line]:
    if line_ids is None:
        return list(project.lines)
    return [project.line(line_id) for line_id in dict.fromkeys(line_ids)]  # unknown ids raise NotFound


def _plan_line(project: Project, bundle: Path, line: Line, providers: _Providers, cache: AudioCache,
               force: bool) -> LinePlan:
    try:
        parts = []
        for voice in voices_for_line(project, line, providers.forced):
            provider = providers.get(voice.provider)
            said = spoken_text(line.text, line.delivery, voice)
            parts.append(SpokenPart(provider.name, voice, said, cache_key("tts", said, provider.cache_identity(voice))))
    except VoiceError as exc:
        return LinePlan(line.id, line.text, "invalid", reason=str(exc))
    key = parts[0].cache_key if len(parts) == 1 else joint_cache_key(tuple(parts))
    billed = sum(len(p.text) for p in parts
                 if providers.get(p.provider).bills_characters and cache.lookup(p.cache_key) is None)
    name = "+".join(dict.fromkeys(p.provider for p in parts))
    plan = LinePlan(line.id, line.text, "send", name, parts[0].voice, key, parts=tuple(parts),
                    billed_characters=billed)
    if force:
        return plan
    active = line.active()
    if active is not None and active.cache_key == key and _take_intact(bundle, active) and line.status == "ready":
        return replace(plan, action="keep", take_id=active.id, billed_characters=0)
    earlier = next((t for t in reversed(line.takes) if t.cache_key == key and _take_intact(bundle, t)), None)
    if earlier is not None:
        return replace(plan, action="reuse", take_id=earlier.id, billed_characters=0)
    if cache.lookup(key) is not None:
        return replace(plan, action="cache", billed_characters=0)
    return plan


def _take_intact(bundle: Path, take: AudioTake) -> bool:
    try:
        return take.status == "ready" and store.resolve_media(bundle, take.media).is_file()
    except ProjectError:
        return False


def plan_narration(document: ProjectDocument, line_ids: list[str] | None = None, *,
                   provider: str | VoiceProvider | None = None, force: bool = False,
                   provider_options: dict[str, dict[str, Any]] | None = None) -> list[LinePlan]:
    """What narrating ``line_ids`` (default: every line) would do, without doing it."""
    bundle = _bundle_of(document)
    providers, cache = _Providers(provider, provider_options), AudioCache.for_bundle(bundle)
    return [_plan_line(document.project, bundle, line, providers, cache, force)
            for line in _select(document.project, line_ids)]


def billable_characters(document: ProjectDocument, line_ids: list[str] | None = None, provider: str = "elevenlabs",
                        *, using: str | VoiceProvider | None = None, force: bool = False) -> int:
    """Characters of text that narrating ``line_ids`` would send to ``provider`` (cached lines are free)."""
    return sum(p.billed_characters for p in plan_narration(document, line_ids, provider=using, force=force)
               if p.action == "send" and provider in p.provider.split("+"))


def lines_needing_audio(document: ProjectDocument, *, provider: str | VoiceProvider | None = None) -> list[str]:
    """Lines with no usable active take: never narrated, stale, failed, or text/voice changed since."""
    return [p.line_id for p in plan_narration(document, provider=provider) if p.action != "keep"]


def narrate_lines(document: ProjectDocument, line_ids: list[str] | None = None, *,
                  provider: str | VoiceProvider | None = None, progress: ProgressCallback = no_progress,
                  cancel: CancelToken | None = None, force: bool = False,
                  provider_options: dict[str, dict[str, Any]] | None = None) -> NarrationReport:
    """Give each of ``line_ids`` (default: all lines) a take in its speaker's voice.

    ``provider``: None = each character's own voice; 'espeak' = an offline draft of everything; an instance
    = that provider for every line. ``force`` makes a new take even when matching audio exists.
    ``provider_options``: keyword arguments per provider name, e.g. ``{"elevenlabs": {"base_url": ...}}``.
    """
    bundle = _bundle_of(document)
    project = document.project
    lines = _select(project, line_ids)
    report = NarrationReport()
    providers, cache = _Providers(provider, provider_options), AudioCache.for_bundle(bundle)
    report.voices_assigned = _assign_voices(document)
    total = len(lines)
    for index, line in enumerate(lines):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(Progress("narrate", index, total, line.text[:60]))
        if report.stopped:
            report.not_attempted.append(line.id)
            continue
        plan = _plan_line(project, bundle, line, providers, cache, force)
        _narrate_one(document, bundle, plan, providers, cache, report, cancel, force=force)
    progress(Progress("narrate", total, total, "done"))
    return report


def narrate_missing(document: ProjectDocument, *, provider: str | VoiceProvider | None = None,
                    progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> NarrationReport:
    """Narrate only the lines that need audio (see ``lines_needing_audio``)."""
    assigned = _assign_voices(document)
    report = narrate_lines(document, lines_needing_audio(document, provider=provider), provider=provider,
                         progress=progress, cancel=cancel)
    report.voices_assigned = {**assigned, **report.voices_assigned}
    return report


def _assign_voices(document: ProjectDocument) -> dict[str, str]:
    """Give cast members still on the stock voice distinct offline voices (one undo step)."""
    project = document.project
    assignments = assign_default_voices(project)
    if not assignments:
        return {}
    document.execute(cmd.Batch(list(assignments), text="Assign voices to the cast"))
    return {project.character(c.character_id).name: c.voice.voice_id for c in assignments}


def _narrate_one(document: ProjectDocument, bundle: Path, plan: LinePlan, providers: _Providers,
                 cache: AudioCache, report: NarrationReport, cancel: CancelToken | None, *,
                 force: bool = False) -> None:
    if plan.action == "invalid":
        _mark_failed(document, plan.line_id, plan.reason)
        report.failed[plan.line_id] = plan.reason
        return
    if plan.action == "keep":
        report.unchanged.append(plan.line_id)
        return
    if plan.action == "reuse":
        document.execute(cmd.SetFields("line", (plan.line_id,), {"active_take": plan.take_id, "status": "ready",
                                                                  "error": None}, text="Use earlier take"))
        report.reused.append(plan.line_id)
        return
    assert plan.voice is not None
    audio = cache.lookup(plan.cache_key) if plan.action == "cache" else None
    if audio is not None:
        report.reused.append(plan.line_id)
    else:
        started = time.perf_counter()
        try:
            renders = [_render_part(part, providers, cache, report, cancel, force) for part in plan.parts]
        except VoiceError as exc:
            _mark_failed(document, plan.line_id, str(exc))
            report.failed[plan.line_id] = str(exc)
            if exc.fatal or exc.retryable:  # every other line would fail the same way
                report.stopped = str(exc)
            return
        audio = renders[0]
        if plan.joint:
            audio = cache.commit(plan.cache_key, mix_parts(renders, cache.slot(plan.cache_key)),
                                 {"joint": [p.cache_key for p in plan.parts]})
        report.synthesis_seconds += time.perf_counter() - started
        report.audio_seconds += audio.duration_seconds
        report.narrated.append(plan.line_id)
    _add_take(document, bundle, plan.line_id, audio, plan.voice, plan.provider, plan.cache_key, plan.text)


def _render_part(part: SpokenPart, providers: _Providers, cache: AudioCache, report: NarrationReport,
                 cancel: CancelToken | None, force: bool) -> RenderedAudio:
    """One speaker's audio of a line: from the cache (unless forced), else made (and cached) by its provider."""
    found = None if force else cache.lookup(part.cache_key)
    if found is not None:
        return found
    provider = providers.get(part.provider)
    audio = provider.synthesize(part.text, part.voice, cache.slot(part.cache_key), cancel=cancel)
    cache.commit(part.cache_key, audio, provider.cache_identity(part.voice))
    if provider.bills_characters:
        report.characters_billed += len(part.text)
    return audio


def _add_take(document: ProjectDocument, bundle: Path, line_id: str, audio: RenderedAudio, voice: Voice,
              provider: str, key: str, text: str, source_recording: str | None = None) -> AudioTake:
    """Copy the audio into ``media/audio/<line_id>/`` and add it to the line as its active take."""
    take_id = new_id("aud")
    relative = f"{AUDIO_FOLDER}/{line_id}/{take_id}.wav"
    target = bundle / relative
    with temp_path_for(target) as tmp:
        shutil.copyfile(audio.path, tmp)
        commit_file(tmp, target)
    take = AudioTake(id=take_id, media=relative, provider=provider, voice=voice.model_copy(deep=True), text=text,
                     sample_rate=audio.sample_rate, duration_samples=audio.duration_samples,
                     timings=[w.to_dict() for w in without_tags(audio.words)], source_recording=source_recording, cache_key=key)
    document.execute(cmd.AddAudioTake(line_id, take))
    return take


def _mark_failed(document: ProjectDocument, line_id: str, reason: str) -> None:
    document.execute(cmd.SetFields("line", (line_id,), {"status": "failed", "error": reason[:2000]},
                                   text="Narration failed"))


def convert_recording(document: ProjectDocument, line_id: str, recording: Path, *,
                      provider: VoiceProvider | None = None, progress: ProgressCallback = no_progress,
                      cancel: CancelToken | None = None) -> AudioTake:
    """Turn a recorded reading of a line into its speaker's voice (ElevenLabs voice changer).

    The recording is copied into the bundle first (``media/recordings/``) and kept as the take's source; on
    failure the line is marked failed and the error is raised.
    """
    bundle = _bundle_of(document)
    project = document.project
    line = project.line(line_id)
    recording = Path(recording)
    check_recording(recording)  # a missing or non-audio file is refused before anything changes
    voice = voice_for_line(project, line, provider.name if provider is not None else None)
    engine = provider if provider is not None else get_provider(voice.provider)
    if not engine.converts_recordings:
        raise VoiceSettingsError(
            f"{line.id} is spoken with the offline voice ({voice.voice_id}), which can only read text; give its "
            "speaker an ElevenLabs voice (storyreel voice PATH --set-voice CHARACTER elevenlabs:VOICE_ID) to "
            "change a recording into it")
    source = store.import_media(bundle, recording, subfolder=RECORDINGS_FOLDER)
    data = (bundle / source).read_bytes()
    cache = AudioCache.for_bundle(bundle)
    try:
        identity = engine.cache_identity(voice)
        key = cache_key("sts", data, identity)
        audio = cache.lookup(key)
        if audio is None:
            audio = engine.convert(bundle / source, voice, cache.slot(key), progress=progress, cancel=cancel)
            cache.commit(key, audio, identity)
    except VoiceSettingsError:
        raise  # the voice is misconfigured: nothing about the line itself failed
    except VoiceError as exc:
        _mark_failed(document, line_id, str(exc))
        raise
    return _add_take(document, bundle, line_id, audio, voice, engine.name, key, line.text, source_recording=source)
