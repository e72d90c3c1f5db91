"""Default voices for a cast: distinct, stored through commands, and never overriding a chosen voice."""

from __future__ import annotations

from studio.project import Character, Line, Project, Shot, Voice
from studio.voice import VoiceSettingsError, assign_default_voices, voice_for_line


def test_a_large_cast_gets_distinct_voices_and_chosen_ones_stay() -> None:
    chosen = Character(name="Chosen", voice=Voice(voice_id="en-us+f2"))
    cast = [Character(name="Narrator", is_narrator=True, voice=Voice(voice_id="en-gb")), chosen]
    cast += [Character(name=f"Extra {i}") for i in range(14)]
    project = Project(cast=cast)
    commands = assign_default_voices(project)
    assert len(commands) == 14
    for command in commands:
        command.apply(project)
    voices = [(c.voice.voice_id, tuple(sorted(c.voice.settings.items()))) for c in project.cast]
    assert len(set(voices)) == len(voices)
    assert project.cast[0].voice.voice_id == "en-gb" and chosen.voice.voice_id == "en-us+f2"
    assert all(c.voice.voice_id.startswith("en-gb+") for c in project.cast[2:])  # the narrator's language
    assert "en-gb+f2" in {c.voice.voice_id for c in project.cast}  # f2 is free in en-gb
    assert assign_default_voices(project) == []  # nothing left to assign


def test_voice_for_line_follows_speaker_narrator_and_override() -> None:
    narrator = Character(name="Narrator", is_narrator=True,
                         voice=Voice(provider="elevenlabs", voice_id="voice00"))
    mara = Character(name="Mara", voice=Voice(voice_id="en-us+f4", settings={"rate": 140}))
    shot = Shot()
    told = Line(text="Once.", shot_id=shot.id)
    said = Line(text="Hello.", shot_id=shot.id, speaker=mara.id)
    project = Project(cast=[narrator, mara], shots=[shot], lines=[told, said])
    assert voice_for_line(project, told).voice_id == "voice00"
    assert voice_for_line(project, said).settings == {"rate": 140}
    assert voice_for_line(project, told, "espeak").provider == "espeak"  # an offline draft of the narrator
    try:
        voice_for_line(project, said, "elevenlabs")
    except VoiceSettingsError as exc:
        assert "Mara has an espeak voice" in str(exc) and "--set-voice 'Mara' elevenlabs:VOICE_ID" in str(exc)
    else:
        raise AssertionError("an offline voice cannot be sent to ElevenLabs")
