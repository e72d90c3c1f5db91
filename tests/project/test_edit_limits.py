"""What is saved can be loaded: an edit the loader would refuse is refused when it is made, and nothing is written.

The property test drives random sequences of edits (valid and invalid values near every limit) through the
document's commands; each edit either applies or fails with our own error, and every save loads again unchanged.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.project import (
    Character,
    Line,
    Project,
    ProjectDocument,
    ProjectError,
    Shot,
    StoryreelError,
    Take,
    store,
)
from studio.project import commands as cmd
from studio.project.model import CAMERA_MOVES, MAX_FPS, MAX_SHOT_SECONDS, MAX_SHOTS


def test_a_shot_past_the_limit_is_refused_and_the_project_is_unchanged(tmp_path: Path) -> None:
    document = ProjectDocument.create(tmp_path / "full", Project(shots=[Shot(id=f"s{i}") for i in range(MAX_SHOTS)]))
    before = (document.bundle / "project.json").read_bytes()
    with pytest.raises(ProjectError, match=f"at most {MAX_SHOTS} shots"):
        document.execute(cmd.AddShot(Shot()))
    assert len(document.project.shots) == MAX_SHOTS and not document.dirty and not document.can_undo
    with pytest.raises(ProjectError, match=f"at most {MAX_SHOTS} shots"):  # a batch is refused whole
        document.execute(cmd.Batch([cmd.RemoveShot("s0"), cmd.AddShot(Shot()), cmd.AddShot(Shot())]))
    assert [s.id for s in document.project.shots[:2]] == ["s0", "s1"]
    assert (document.bundle / "project.json").read_bytes() == before


def test_duplicate_ids_and_bad_media_paths_are_refused_at_edit_time() -> None:
    document = ProjectDocument(Project(shots=[Shot(id="s1")]))
    with pytest.raises(ProjectError, match="appears twice"):
        document.execute(cmd.AddShot(Shot(id="s1")))
    with pytest.raises(ProjectError, match="at most 5000 characters|5000"):
        document.execute(cmd.AddLine(Line.model_construct(id="l1", text="x" * 6000, shot_id="s1")))
    assert document.project.lines == [] and len(document.project.shots) == 1


def test_an_edit_of_the_projects_own_lists_is_checked_like_an_add() -> None:
    document = ProjectDocument(Project(shots=[Shot(id="s1")]))
    twins = [Shot.model_construct(**Shot(id="twin").__dict__), Shot.model_construct(**Shot(id="twin").__dict__)]
    with pytest.raises(ProjectError, match="appears twice"):
        document.execute(cmd.SetFields("project", (), {"shots": twins}))
    assert [s.id for s in document.project.shots] == ["s1"]


def test_a_save_the_loader_would_refuse_is_not_written(tmp_path: Path) -> None:
    document = ProjectDocument.create(tmp_path / "deep", Project(title="Deep"))
    before = (document.bundle / "project.json").read_bytes()
    deep: object = 1
    for _ in range(100):
        deep = [deep]
    document.project.metadata["nested"] = deep  # open metadata: only the loader's depth cap sees this
    with pytest.raises(ProjectError, match="would not open again.*nests"):
        document.save()
    assert (document.bundle / "project.json").read_bytes() == before
    assert store.backups(document.bundle) == []


# --- the property ---------------------------------------------------------------------------------------------

near = st.one_of  # readability: values just inside and just outside each limit
texts = near(st.text(max_size=30), st.integers(9_990, 10_010).map(lambda n: "p" * n))
frames = near(st.integers(-2, 3), st.integers(MAX_FPS * MAX_SHOT_SECONDS - 2, MAX_FPS * MAX_SHOT_SECONDS + 2))
seeds = near(st.integers(0, 10), st.integers(2**63 - 2, 2**64 + 2))
names = near(st.just(""), st.just(" "), st.text(min_size=1, max_size=20), st.just("n" * 201))


@st.composite
def edits(draw: st.DrawFn, project: Project, counter: list[int]) -> cmd.Command:
    counter[0] += 1
    new_id = f"n{counter[0]}"
    shot_ids = [s.id for s in project.shots] + ["missing"]
    kind = draw(st.sampled_from(["add_shot", "edit", "remove", "move", "line", "character", "take", "batch"]))
    shot_id = draw(st.sampled_from(shot_ids))
    if kind == "add_shot":
        existing = draw(st.booleans()) and project.shots
        return cmd.AddShot(Shot(id=shot_id if existing else new_id), index=draw(st.none() | st.integers(-3, 30)))
    if kind == "edit":
        field, value = draw(st.sampled_from([
            ("prompt", texts), ("duration_frames", frames), ("seed", seeds), ("camera", st.sampled_from(
                [*CAMERA_MOVES, "zoom"])), ("aspect", st.sampled_from(["16:9", "1:100", "x"])),
            ("reference", st.sampled_from(["media/stills/a.png", "../out.png", "/etc/passwd"]))]))
        return cmd.edit_shot(shot_id, **{field: draw(value)})
    if kind == "remove":
        return cmd.RemoveShot(shot_id)
    if kind == "move":
        return cmd.MoveShot(shot_id, draw(st.integers(-2, 40)))
    if kind == "line":  # model_construct skips validation, as a buggy caller would
        return cmd.AddLine(Line.model_construct(**{**Line(id=new_id, text="x", shot_id=shot_id).__dict__,
                                                   "text": draw(texts), "offset_frames": draw(frames)}))
    if kind == "character":
        return cmd.AddCharacter(Character.model_construct(**{**Character(id=new_id, name="x").__dict__,
                                                             "name": draw(names)}))
    if kind == "take":
        take = Take.model_construct(**{**Take(id=new_id, media="media/takes/a/b/video.mp4").__dict__,
                                       "seed": draw(seeds)})
        return cmd.AddTake(shot_id, take)
    return cmd.Batch([cmd.AddShot(Shot(id=new_id)), cmd.RemoveShot(shot_id)])


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_edits_never_save_a_project_that_cannot_load(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        document = ProjectDocument.create(Path(folder) / "film", Project(shots=[Shot(id="s1"), Shot(id="s2")]))
        bundle = document.bundle
        (bundle / "media/takes/a/b").mkdir(parents=True)
        (bundle / "media/takes/a/b/video.mp4").write_bytes(b"a take")  # present, so no take loads as offline
        counter = [0]
        for _ in range(data.draw(st.integers(1, 12))):
            command = data.draw(edits(document.project, counter))
            before = document.project.model_dump()
            try:
                document.execute(command)
            except StoryreelError:
                assert document.project.model_dump() == before  # a refused edit leaves no trace
            document.save()
            loaded, _ = store.load(bundle)
            assert loaded.model_dump(mode="json") == document.project.model_dump(mode="json")
