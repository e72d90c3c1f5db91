"""Screenplay import fills each shot's sound prompt from the sounds its action writes in CAPS (Fountain's
convention) and the ambience its scene heading's place implies; names in caps are not sounds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from studio.project import ProjectDocument
from studio.script import import_fountain
from studio.script.sound_words import caps_sounds, sound_prompt

SCRIPT = """EXT. HARBOUR - DAWN

Boats knock against the jetty.

INT. KITCHEN - NIGHT

MARA (40) sits alone. The SCREEN DOOR slides open. THUNDER.

MARA
You're late.

EXT. FIELD - DAY

Nothing moves.
"""


def test_caps_sounds_and_heading_places_make_the_prompts(document: ProjectDocument,
                                                        script_file: Callable[..., Path]) -> None:
    import_fountain(document, script_file(SCRIPT))
    prompts = [shot.sound_prompt for shot in document.project.shots]
    assert prompts[0] == "harbour"  # the heading's place is an ambience; lower-case words are not caps sounds
    assert prompts[1] == "screen door slides, thunder, kitchen"  # MARA is the cast, not a sound
    assert prompts[-1] == ""  # a field with nothing in caps: no prompt (the offline film falls back per shot)
    document.undo()  # the prompts came with the one import step
    assert document.project.shots == []


def test_caps_phrases_need_a_sound_word() -> None:
    assert caps_sounds("A PHONE RINGS twice. FBI agents enter.") == ["phone rings"]
    assert caps_sounds("The TRAIN WHISTLE screams past", frozenset()) == ["train whistle screams"]
    assert caps_sounds("BRICK knocks.", frozenset({"brick"})) == []
    assert sound_prompt("Silence.", "INT. BEDROOM - NIGHT") == "bedroom"
    assert sound_prompt("Silence.", "INT. GARAGE - NIGHT") == ""
