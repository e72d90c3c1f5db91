"""Which voice speaks a line, and distinct offline voices for a new cast.

A character still on the stock voice gets its own offline voice the first time the cast is narrated, so two
characters never sound the same by accident. The offline voices are espeak-ng's (zero download: the narrator
keeps the plain language voice, the others get variants) until the neural voice is on disk; from then on new
defaults are neural voices (``kokoro_cast``), the narrator's included.
"""

from __future__ import annotations

from studio.project import commands as cmd
from studio.project.model import Character, Line, Project, Voice

from .errors import VoiceSettingsError

STOCK_VOICE = Voice()
# Alternating male/female variants that are easy to tell apart on a laptop speaker.
CAST_VARIANTS = ("m3", "f2", "m7", "f4", "m2", "f3", "m5", "f1", "m4", "f5", "m6", "m1")


def is_stock_voice(voice: Voice) -> bool:
    """True for the voice every new character starts with (nobody chose it)."""
    return (voice.provider, voice.voice_id, voice.model_id, voice.settings) == (
        STOCK_VOICE.provider, STOCK_VOICE.voice_id, STOCK_VOICE.model_id, STOCK_VOICE.settings)


def offline_provider() -> str:
    """The offline voice new defaults come from: 'kokoro' once the neural voice is on disk, else 'espeak'."""
    from .kokoro_model import neural_voice_ready

    return "kokoro" if neural_voice_ready() else "espeak"


def cast_language(project: Project) -> str:
    """The espeak language of the cast: the narrator's, when it speaks offline, else American English."""
    narrator = project.narrator()
    if narrator is not None and narrator.voice.provider == "espeak":
        return narrator.voice.voice_id.split("+", 1)[0]
    if narrator is not None and narrator.voice.provider == "kokoro":
        from .kokoro_provider import voice_language

        return voice_language(narrator.voice.voice_id)
    return STOCK_VOICE.voice_id


def _neural_default(project: Project, character: Character | None, taken: set[str] | None) -> Voice:
    from .kokoro_cast import cast_voice, narrator_voice
    from .kokoro_model import required_files, voice_names

    available = voice_names(required_files().voices)
    language = cast_language(project)
    if character is None or character.is_narrator:
        return narrator_voice(language, available)
    if taken is None:
        taken = {c.voice.voice_id for c in project.cast if c.id != character.id and c.voice.provider == "kokoro"}
    index = sum(1 for c in project.cast if not c.is_narrator and c.id < character.id)
    return cast_voice(language, available, taken, index)


def default_voice_for(project: Project, character: Character, taken: set[str] | None = None,
                      offline: str | None = None) -> Voice:
    """An offline voice for ``character`` that no other cast member uses; ``offline``: 'espeak' or 'kokoro'
    (default: ``offline_provider()``)."""
    if (offline or offline_provider()) == "kokoro":
        return _neural_default(project, character, taken)
    language = cast_language(project)
    if character.is_narrator:
        return Voice(provider="espeak", voice_id=language)
    if taken is None:
        taken = {c.voice.voice_id for c in project.cast if c.id != character.id and c.voice.provider == "espeak"}
    for variant in CAST_VARIANTS:
        candidate = f"{language}+{variant}"
        if candidate not in taken:
            return Voice(provider="espeak", voice_id=candidate)
    # A very large cast: reuse variants with a shifted pitch so each is still its own voice.
    index = sum(1 for c in project.cast if not c.is_narrator and c.id < character.id)
    variant = CAST_VARIANTS[index % len(CAST_VARIANTS)]
    pitch = 20 + (index * 17) % 60
    return Voice(provider="espeak", voice_id=f"{language}+{variant}", settings={"pitch": pitch})


def assign_default_voices(project: Project, offline: str | None = None) -> list[cmd.SetCharacterVoice]:
    """Commands giving each character still on the stock voice a distinct offline voice (the narrator too once
    the defaults are neural: espeak's narrator keeps the stock voice)."""
    offline = offline or offline_provider()
    taken = {c.voice.voice_id for c in project.cast if c.voice.provider == offline and not is_stock_voice(c.voice)}
    commands: list[cmd.SetCharacterVoice] = []
    for character in sorted(project.cast, key=lambda c: not c.is_narrator):  # the narrator's voice first
        if not is_stock_voice(character.voice) or (character.is_narrator and offline == "espeak"):
            continue
        voice = default_voice_for(project, character, taken, offline)
        taken.add(voice.voice_id)
        commands.append(cmd.SetCharacterVoice(character.id, voice, text=f"Voice for {character.name}"))
    return commands


def speaker(project: Project, line: Line) -> Character | None:
    speaker_id = cmd.speaker_of(project, line)
    return project.character(speaker_id) if speaker_id is not None else None


def voices_for_line(project: Project, line: Line, provider: str | None = None) -> list[Voice]:
    """The voice of each character speaking ``line``: one, or several for a joint line (``BRICK & STEEL``)."""
    voices = [voice_for_line(project, line, provider)]
    for character_id in line.also_speakers:
        alone = line.model_copy(update={"speaker": character_id, "also_speakers": []})
        voices.append(voice_for_line(project, alone, provider))
    return voices


def voice_for_line(project: Project, line: Line, provider: str | None = None) -> Voice:
    """The voice that speaks ``line``: its speaker's (the narrator's when it has none).

    ``provider='espeak'`` (or ``'kokoro'``) asks for an offline draft: characters with another voice use their
    default voice of that provider. Any other provider must match the character's voice, since only the filmmaker can pick a voice there.
    """
    character = speaker(project, line)
    voice = character.voice if character is not None else STOCK_VOICE
    if character is None and provider in (None, "kokoro") and (provider or offline_provider()) == "kokoro":
        return _neural_default(project, None, None)  # no narrator in the cast: the neural narrator's voice
    if provider is None or voice.provider == provider:
        return voice
    if provider in ("espeak", "kokoro"):  # an offline draft in that voice
        if character is None:
            return STOCK_VOICE
        return default_voice_for(project, character, offline=provider)
    who = character.name if character is not None else "the narrator"
    raise VoiceSettingsError(
        f"{who} has an {voice.provider} voice, not an {provider} one; choose one with "
        f"`storyreel voice PATH --set-voice {who!r} {provider}:VOICE_ID` (see --list-voices --provider {provider})"
    )
