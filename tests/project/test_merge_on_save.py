"""A save merges what another writer saved meanwhile: this document's commands are replayed onto the new file."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.project import Line, Project, ProjectDocument, Shot, Take, store
from studio.project import commands as cmd
from studio.project.document import ProjectConflict


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return store.create_bundle(tmp_path / "film", Project(shots=[Shot(id="s1"), Shot(id="s2")]))


def _open(bundle: Path) -> ProjectDocument:
    return ProjectDocument.open(bundle)[0]


def test_both_writers_edits_survive_in_either_order(bundle: Path) -> None:
    editor, generator = _open(bundle), _open(bundle)
    editor.execute(cmd.edit_shot("s1", prompt="edited"))
    editor.execute(cmd.AddLine(Line(id="l1", text="Hello", shot_id="s2")))
    generator.execute(cmd.AddTake("s1", Take(id="t1", media="media/takes/s1/t1/video.mp4")))
    editor.save()
    changes: list[str] = []
    generator.subscribe(lambda change: changes.append(change.kind))
    generator.save()
    assert "project" in changes  # the editor would redraw: the document now holds the merged project
    project = store.load(bundle)[0]
    assert project.shot("s1").prompt == "edited" and [t.id for t in project.shot("s1").takes] == ["t1"]
    assert [line.id for line in project.lines] == ["l1"]
    assert generator.project.shot("s1").prompt == "edited"
    editor.execute(cmd.edit_shot("s2", notes="later"))
    editor.save()  # the editor had not seen the take: it merges too
    assert [t.id for t in store.load(bundle)[0].shot("s1").takes] == ["t1"]


def test_undone_edits_stay_undone_after_a_merge(bundle: Path) -> None:
    first, second = _open(bundle), _open(bundle)
    first.execute(cmd.AddShot(Shot(id="s3")))
    first.execute(cmd.edit_shot("s1", prompt="kept"))
    first.execute(cmd.edit_shot("s2", prompt="undone"))
    first.undo()
    second.execute(cmd.AddShot(Shot(id="s4")))
    second.save()
    first.save()
    project = store.load(bundle)[0]
    assert [s.id for s in project.shots] == ["s1", "s2", "s4", "s3"]
    assert (project.shot("s1").prompt, project.shot("s2").prompt) == ("kept", "")
    first.undo()  # undo after the merge still undoes the right thing
    assert first.project.shot("s1").prompt == ""


def test_an_edit_of_a_shot_deleted_meanwhile_refuses_the_save(bundle: Path) -> None:
    deleter, editor = _open(bundle), _open(bundle)
    deleter.execute(cmd.RemoveShot("s1"))
    deleter.save()
    saved = (bundle / "project.json").read_bytes()
    editor.execute(cmd.edit_shot("s1", prompt="too late"))
    with pytest.raises(ProjectConflict, match="another program saved this project meanwhile.*no longer applies"):
        editor.save()
    assert (bundle / "project.json").read_bytes() == saved


def test_a_merge_that_would_pass_a_limit_is_refused(bundle: Path) -> None:
    first, second = _open(bundle), _open(bundle)
    first.execute(cmd.AddShot(Shot(id="dup")))
    second.execute(cmd.AddShot(Shot(id="dup")))
    first.save()
    with pytest.raises(ProjectConflict, match="appears twice"):
        second.save()
    assert [s.id for s in store.load(bundle)[0].shots] == ["s1", "s2", "dup"]
