"""`{voices}` in a card names who voiced whom, from the project as it is now."""

from __future__ import annotations

from studio.project.model import Card, Character, Line, Project, Shot, Voice
from studio.timeline.layout import compute_layout


def test_the_credits_name_each_speaking_character_and_their_voice() -> None:
    narrator = Character(name="Narrator", is_narrator=True, voice=Voice(provider="espeak", voice_id="en-gb"))
    keeper = Character(name="Keeper", voice=Voice(provider="elevenlabs", voice_id="v_1"))
    daughter = Character(name="Daughter", voice=Voice(provider="kokoro", voice_id="bf_emma"))
    silent = Character(name="Fog")
    shot = Shot(prompt="x")
    project = Project(
        cast=[narrator, keeper, daughter, silent], shots=[shot],
        lines=[Line(text="Once.", shot_id=shot.id), Line(text="Evening.", speaker=keeper.id, shot_id=shot.id),
               Line(text="Dad.", speaker=daughter.id, also_speakers=[keeper.id], shot_id=shot.id)],
        cards=[Card(position="credits", text="A film\n\nVoices\n{voices}"), Card(position="title", text="{x}")],
        metadata={"voice_casting": {keeper.id: {"voice_id": "v_1", "voice_name": "Rachel"}}},
    )
    layout = compute_layout(project)
    credits = next(c for c in layout.cards if c.kind == "credits")
    assert credits.text == ("A film\n\nVoices\nNarrator: espeak-ng en-gb\nKeeper: ElevenLabs Rachel\n"
                            "Daughter: Kokoro-82M bf_emma")
    assert next(c for c in layout.cards if c.kind == "title").text == "{x}"  # other braces stay as typed
