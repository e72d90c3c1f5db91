"""Words a card can ask for: ``{voices}`` in a card's text becomes who voiced whom ("Keeper: espeak-ng
en-gb+m3"), one line per character who speaks, read from the project (the voices its lines' takes were made
with, the ElevenLabs voice names casting stored) so the credits stay true when the film is re-voiced."""

from __future__ import annotations

from studio.project.commands import speakers_of
from studio.project.model import Project, Voice

VOICES = "{voices}"
PROVIDER_NAMES = {"espeak": "espeak-ng", "kokoro": "Kokoro-82M", "elevenlabs": "ElevenLabs"}


def voice_name(project: Project, character_id: str, voice: Voice) -> str:
    """'espeak-ng en-gb', 'Kokoro-82M bf_emma', 'ElevenLabs Rachel' (the name casting recorded, else the id)."""
    provider = PROVIDER_NAMES.get(voice.provider, voice.provider)
    name = voice.voice_id
    cast = project.metadata.get("voice_casting") if isinstance(project.metadata, dict) else None
    recorded = cast.get(character_id) if isinstance(cast, dict) else None
    if isinstance(recorded, dict) and recorded.get("voice_id") == voice.voice_id and recorded.get("voice_name"):
        name = str(recorded["voice_name"])
    return f"{provider} {name}"


def voices_credit(project: Project) -> str:
    """One line per character who speaks a line, in the order they are first heard: 'Name: voice' — the
    voice of the audio the film plays for them (a line's active take), else the one the character is cast with."""
    heard: dict[str, Voice | None] = {}
    for line in project.lines:
        take = line.active()
        for n, character_id in enumerate(speakers_of(project, line)):
            played = take.voice if take is not None and n == 0 else None  # a joint take records its first voice
            if heard.get(character_id) is None:
                heard[character_id] = played
    rows = []
    for character_id, played in heard.items():
        character = next((c for c in project.cast if c.id == character_id), None)
        if character is not None:
            rows.append(f"{character.name}: {voice_name(project, character.id, played or character.voice)}")
    return "\n".join(rows)


def card_text(project: Project, text: str) -> str:
    """``text`` with ``{voices}`` filled in (only when it asks; other braces are left as typed)."""
    return text.replace(VOICES, voices_credit(project)) if VOICES in text else text
