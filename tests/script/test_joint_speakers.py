"""Joint cues (``BRICK & STEEL``, ``BRICK AND STEEL``, dual dialogue saying the same words): one line, two speakers,
no new cast member; a re-import merges back a "Brick & Steel" character an older import made."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from studio.project import AudioTake, ProjectDocument, store
from studio.project import commands as cmd
from studio.project.model import Character, Line
from studio.script import import_fountain

SCRIPT = """INT. GARAGE - NIGHT

Two brothers lean on the car.

BRICK
Ready?

STEEL
Always.

BRICK & STEEL
Let's go!

BRICK AND STEEL
(whispering)
Now.

MR. AND MRS. SMITH
We live next door.

BRICK
Same time?

STEEL ^
Same time?
"""


def _names(document: ProjectDocument, line: Line) -> list[str]:
    project = document.project
    return [project.character(cid).name for cid in cmd.speakers_of(project, line)]


def test_joint_cues_make_one_line_with_both_speakers(document: ProjectDocument,
                                                     script_file: Callable[..., Path]) -> None:
    import_fountain(document, script_file(SCRIPT))
    project = document.project
    assert sorted(c.name for c in project.cast) == ["Brick", "Mr. And Mrs. Smith", "Steel"]
    by_text = {line.text: line for line in project.lines}
    assert _names(document, by_text["Let's go!"]) == ["Brick", "Steel"]
    whisper = by_text["Now."]
    assert _names(document, whisper) == ["Brick", "Steel"] and whisper.delivery == "whispering"
    assert _names(document, by_text["We live next door."]) == ["Mr. And Mrs. Smith"]  # AND inside one name
    same = [line for line in project.lines if line.text == "Same time?"]
    assert len(same) == 1 and _names(document, same[0]) == ["Brick", "Steel"]  # dual dialogue, same words
    assert _names(document, by_text["Ready?"]) == ["Brick"]
    document.save()
    saved, _ = store.load(document.bundle)  # type: ignore[arg-type]
    assert saved.line(by_text["Let's go!"].id).also_speakers == [project.character_by_name("Steel").id]


def test_reimport_merges_an_old_joint_character(document: ProjectDocument,
                                                script_file: Callable[..., Path]) -> None:
    path = script_file(SCRIPT)
    import_fountain(document, path)
    project = document.project
    brick, steel = project.character_by_name("Brick"), project.character_by_name("Steel")
    assert brick is not None and steel is not None
    # What an older Storyreel made of the joint cue: a character of its own, speaking the line, with audio.
    joint = Character(name="Brick & Steel")
    document.execute(cmd.AddCharacter(joint))
    line = next(li for li in project.lines if li.text == "Let's go!")
    document.execute(cmd.SetFields("line", (line.id,), {"speaker": joint.id, "also_speakers": []}))
    document.execute(cmd.AddAudioTake(line.id, AudioTake(media="media/audio/x.wav", text=line.text)))
    hand = Line(text="We did it.", speaker=joint.id, shot_id=line.shot_id)
    document.execute(cmd.AddLine(hand))

    summary = import_fountain(document, path)
    assert summary.merged_characters == ["Brick & Steel"]
    assert project.character_by_name("Brick & Steel") is None
    merged = project.line(line.id)  # the same line (its takes kept), now spoken by both
    assert (merged.speaker, merged.also_speakers) == (brick.id, [steel.id])
    assert merged.takes and merged.status == "stale"  # its audio has the old voice
    assert (project.line(hand.id).speaker, project.line(hand.id).also_speakers) == (brick.id, [steel.id])
    assert sum(li.text == "Let's go!" for li in project.lines) == 1
    document.undo()
    assert project.character_by_name("Brick & Steel") is not None and project.line(line.id).speaker == joint.id


def test_a_file_without_joint_speakers_loads_and_round_trips(tmp_path: Path) -> None:
    """Older files (schema 3, no ``also_speakers``, no ``voice_hints``) load unchanged: no upgrade needed."""
    from studio.project import Project, Shot

    shot = Shot()
    project = Project(cast=[Character(name="Mara")], shots=[shot])
    data = json.loads(project.model_dump_json())
    data["lines"] = [{"id": "line_old", "text": "Hello.", "speaker": project.cast[0].id, "shot_id": shot.id}]
    for character in data["cast"]:
        character.pop("voice_hints")
    bundle = tmp_path / "old.storyreel"
    bundle.mkdir()
    (bundle / "project.json").write_text(json.dumps(data))
    loaded, _ = store.load(bundle)
    assert loaded.lines[0].also_speakers == [] and loaded.cast[0].voice_hints.gender == ""
    assert cmd.speakers_of(loaded, loaded.lines[0]) == [project.cast[0].id]


def test_a_character_speaking_only_in_a_joint_line_cannot_be_removed(document: ProjectDocument,
                                                                     script_file: Callable[..., Path]) -> None:
    import pytest

    from studio.project import StoryreelError
    from studio.project.element_commands import RemoveElement

    import_fountain(document, script_file("INT. GARAGE - NIGHT\n\nBRICK\nReady?\n\nBRICK & STEEL\nGo!\n"))
    steel = document.project.character_by_name("Steel")
    assert steel is not None
    with pytest.raises(StoryreelError, match="Steel speaks 1 line"):
        document.execute(RemoveElement(steel.id))
    assert document.project.character_by_name("Steel") is not None
