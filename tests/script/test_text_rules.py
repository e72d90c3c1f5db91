"""The small rules behind prompts, joins and voices."""

from __future__ import annotations

import pytest

from studio.script.casting import VoicePicker, display_name, guess_gender, spoken_language
from studio.script.scene_heading import describe_heading
from studio.script.timing import sentence_groups, split_sentences
from studio.script.transition_marks import combine_marks, transition_for


@pytest.mark.parametrize(("heading", "described"), [
    ("INT. LIGHTHOUSE LAMP ROOM - NIGHT", "Interior, lighthouse lamp room, night."),
    ("EXT. GULL ROCK - JETTY - DAWN", "Exterior, gull rock, jetty, dawn."),
    ("INT./EXT. CAR - MOVING - DAY", "Interior and exterior, car, moving, day."),
    ("I/E BOAT - CONTINUOUS", "Interior and exterior, boat."),
    ("EXT. BEACH - LATER", "Exterior, beach."),
    ("THE SEA", "The sea."),
])
def test_scene_headings_become_settings(heading: str, described: str) -> None:
    assert describe_heading(heading) == described


@pytest.mark.parametrize(("mark", "kind", "frames"), [
    ("CUT TO:", "cut", 0), ("SMASH CUT TO:", "cut", 0), ("DISSOLVE TO:", "crossfade", 12),
    ("FADE OUT.", "dip_to_black", 24), ("FADE IN:", "dip_to_black", 24), ("FADE TO BLACK.", "dip_to_black", 24),
    ("CUT TO BLACK.", "dip_to_black", 6), ("BACK TO:", "cut", 0),
])
def test_transition_marks(mark: str, kind: str, frames: int) -> None:
    join = transition_for(mark, 24)
    assert (join.kind, join.duration_frames) == (kind, frames)


def test_marks_combine() -> None:
    both = combine_marks(["FADE OUT.", "FADE IN:"], 24)
    assert (both.kind, both.duration_frames) == ("dip_to_black", 48)
    assert combine_marks(["CUT TO:", "DISSOLVE TO:"], 30).duration_frames == 15


def test_sentences_and_groups() -> None:
    assert split_sentences("Mr. Hale waits. The sea! Is it late? 风很大。雨也很大。") == [
        "Mr. Hale waits.", "The sea!", "Is it late?", "风很大。", "雨也很大。"]
    text = "One two three. Four five six. Seven eight nine ten eleven. Twelve."
    assert sentence_groups(text) == ["One two three. Four five six.", "Seven eight nine ten eleven. Twelve."]


def test_names_languages_genders_and_voices() -> None:
    assert display_name("OLD  KEEPER") == "Old Keeper" and display_name("McCLANE") == "McCLANE"
    assert spoken_language(["你好，世界。"]) == "cmn" and spoken_language(["Hello."]) is None
    assert guess_gender("Mara", ["A woman jumps the gap. MARA (40s). His daughter."]) == "f"
    assert guess_gender("Tomas", ["Tomas writes. He switches off the lamp."]) == "m"
    assert guess_gender("OLD MOTHER", []) == "f"
    picker = VoicePicker(["en-us+m3"])
    voices = [picker.pick(gender=g, language=None).voice_id for g in ("m", "f", "m", None, None, "f")]
    assert len(set(voices)) == 6 and "en-us+m3" not in voices and "en-gb+m3" not in voices  # narrator's
