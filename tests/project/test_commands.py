"""Every edit is a command: applied, undone and redone exactly; listeners hear about it."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.project import Character, Line, ProjectDocument, ProjectError, Shot, Take, Voice, store
from studio.project import commands as cmd


@pytest.fixture
def document(bundle: Path) -> ProjectDocument:
    return ProjectDocument.open(bundle)[0]


def snapshot(document: ProjectDocument) -> dict:
    return document.project.model_dump(mode="json")


def test_each_command_undoes_and_redoes_exactly(document: ProjectDocument) -> None:
    keeper = document.project.cast[1]
    new_take = Take(media="media/takes/s2/x/video.mp4", seed=3)
    edits = [
        cmd.AddShot(Shot(id="s3", prompt="boat at dawn"), index=1),
        cmd.MoveShot("s1", 2),
        cmd.edit_shot("s2", prompt="rain", duration_frames=30, camera="pan_left"),
        cmd.AddTake("s2", new_take),
        cmd.set_active_take("s1", document.project.shots[0].takes[0].id),
        cmd.trim_take("s1", document.project.shots[0].takes[0].id, 4, 60),
        cmd.AddLine(Line(text="Morning.", shot_id="s3")),
        cmd.AddCharacter(Character(name="Daughter")),
        cmd.SetCharacterVoice(keeper.id, Voice(provider="espeak", voice_id="en-us+f2")),
        cmd.RemoveTake("s2", new_take.id),
        cmd.RemoveShot("s1"),
        cmd.SetFields("project", (), {"title": "Renamed", "fps": 30}),
    ]
    states = [snapshot(document)]
    for edit in edits:
        document.execute(edit)
        states.append(snapshot(document))
    for expected in reversed(states[:-1]):
        document.undo()
        assert snapshot(document) == expected
    assert not document.can_undo
    for expected in states[1:]:
        document.redo()
        assert snapshot(document) == expected


def test_remove_shot_takes_its_lines_and_undo_restores_them(document: ProjectDocument) -> None:
    before = snapshot(document)
    document.execute(cmd.RemoveShot("s1"))
    assert [line.shot_id for line in document.project.lines] == ["s2"]
    document.undo()
    assert snapshot(document) == before


def test_typing_merges_into_one_undo_step(document: ProjectDocument) -> None:
    for text in ("A", "A l", "A lighthouse"):
        document.execute(cmd.edit_shot("s1", merge_key="prompt-typing", prompt=text))
    document.undo()
    assert document.project.shot("s1").prompt == "A lighthouse at dusk"


def test_changing_a_voice_marks_that_characters_lines_stale(document: ProjectDocument) -> None:
    keeper = document.project.cast[1]
    line = document.project.lines[1]
    line.status = "ready"
    document.execute(cmd.SetCharacterVoice(keeper.id, Voice(voice_id="en-gb")))
    assert line.status == "stale"
    assert document.project.lines[0].status == "pending"  # the narrator's line is untouched
    document.undo()
    assert line.status == "ready"


def test_invalid_edit_raises_our_error_and_changes_nothing(document: ProjectDocument) -> None:
    before = snapshot(document)
    with pytest.raises(ProjectError, match="duration_frames"):
        document.execute(cmd.edit_shot("s1", prompt="new", duration_frames=-5))
    assert snapshot(document) == before
    assert not document.dirty


def test_listeners_dirty_flag_and_save(document: ProjectDocument) -> None:
    changes = []
    document.subscribe(changes.append)
    document.execute(cmd.edit_shot("s2", prompt="x"))
    assert changes[-1].kind == "shots" and changes[-1].ids == ("s2",)
    assert document.dirty
    document.save()
    assert not document.dirty
    assert store.load(document.bundle)[0].shot("s2").prompt == "x"


def test_timeline_time_is_integer_frames_with_crossfade_overlap(document: ProjectDocument) -> None:
    project = document.project
    starts = project.shot_starts()
    assert starts == {"s1": 0, "s2": 96 - 8}
    assert project.total_frames() == 96 - 8 + 48
