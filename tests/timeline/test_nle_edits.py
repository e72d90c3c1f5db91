"""The NLE tools as model commands, without Qt: each edit does what an editor expects, keeps the cut's length
where the tool promises it, and undoes exactly (checked on the document, through its own apply/revert)."""

from __future__ import annotations

import pytest

from studio.project import Line, Project, ProjectDocument, Shot, Take
from studio.timeline import nle_edits
from studio.timeline.edits import trim_origin
from studio.timeline.layout import compute_layout, film_frames


@pytest.fixture
def document() -> ProjectDocument:
    """Four 48-frame shots with 96-frame takes (trimmed to frames 10..58), a line in shot B at 30, markers."""
    project = Project(title="Tools", fps=24, width=160, height=90)
    for name in "ABCD":
        shot = Shot(prompt=f"Shot {name}", duration_frames=48)
        take = Take(media=f"media/takes/{name}.mp4", fps=24, frame_count=96, trim_in=10, trim_out=58)
        shot.takes.append(take)
        shot.active_take = take.id
        project.shots.append(shot)
    project.lines += [Line(text="Early line.", shot_id=project.shots[1].id, offset_frames=4),
                      Line(text="Late line.", shot_id=project.shots[1].id, offset_frames=30)]
    return ProjectDocument(project)


def snapshot(project: Project) -> str:
    return project.model_dump_json()


def round_trip(document: ProjectDocument, command) -> None:
    """Undo restores the document byte for byte and redo gives the edit back."""
    before_edit = document.project.model_copy(deep=True)
    document.execute(command)
    after = snapshot(document.project)
    document.undo()
    assert snapshot(document.project) == snapshot(before_edit)
    document.redo()
    assert snapshot(document.project) == after


def test_blade_makes_two_shots_that_keep_the_take_and_the_lines_by_time(document):
    project = document.project
    b = project.shots[1]
    take = b.active()
    before = snapshot(project)
    command, second_id = nle_edits.blade_at_playhead(project, 48 + 20)
    document.execute(command)
    second = project.shot(second_id)
    assert [s.id for s in project.shots][1:3] == [b.id, second_id]
    assert (b.duration_frames, second.duration_frames) == (20, 28)
    assert (take.trim_in, take.trim_out) == (10, 30)  # the first part ends at the cut
    part = second.active()
    assert part.media == take.media and part.id != take.id  # the same file, its own take
    assert (part.trim_in, part.trim_out) == (30, 58)  # the second part starts where the cut is
    assert film_frames(project) == 4 * 48  # nothing moved
    early, late = project.lines
    assert (early.shot_id, early.offset_frames) == (b.id, 4)
    assert (late.shot_id, late.offset_frames) == (second_id, 10)  # still heard at film frame 78
    assert compute_layout(project).lines[1].start == 48 + 30
    document.undo()
    assert snapshot(project) == before


def test_blade_refuses_the_edges_and_outside_the_cut(document):
    project = document.project
    with pytest.raises(nle_edits.EditRefused):
        nle_edits.blade(project, project.shots[0].id, 0)
    with pytest.raises(nle_edits.EditRefused):
        nle_edits.blade_at_playhead(project, 10_000)


def test_ripple_delete_closes_the_gap_and_moves_markers_but_keeps_take_files(document, tmp_path):
    project = document.project
    a, b, c, d = project.shots
    document.execute(nle_edits.add_marker(project, 150, "Storm"))
    document.execute(nle_edits.set_range_mark(project, "out", 170))
    command = nle_edits.ripple_delete(project, [b.id, c.id])
    round_trip(document, command)
    assert [s.id for s in project.shots] == [a.id, d.id]
    assert project.shot_starts()[d.id] == 48
    assert project.markers[0].frame == 150 - 96 and project.export.range_out == 170 - 96
    assert project.lines == []  # the lines were heard over the deleted picture
    document.undo()
    assert [s.id for s in project.shots] == [a.id, b.id, c.id, d.id] and len(project.lines) == 2
    assert b.active() is not None  # the takes come back with the shot


def test_roll_moves_the_join_and_keeps_the_total(document):
    project = document.project
    a, b = project.shots[:2]
    left, right = nle_edits.roll_origins(project, a.id)
    command, applied = nle_edits.roll(left, right, 12, "roll")
    assert applied == 12
    round_trip(document, command)
    assert (a.duration_frames, b.duration_frames) == (60, 36)
    assert (a.active().trim_in, a.active().trim_out) == (10, 70)
    assert (b.active().trim_in, b.active().trim_out) == (22, 58)
    assert film_frames(project) == 4 * 48


def test_roll_stops_where_a_take_runs_out(document):
    project = document.project
    left, right = nle_edits.roll_origins(project, project.shots[0].id)
    _, applied = nle_edits.roll(left, right, -40, "roll")
    assert applied == -10  # the right shot's take has only 10 frames before its in mark
    _, applied = nle_edits.roll(left, right, 100, "roll")
    assert applied == 38  # A's take has 96 - 10 = 86 frames from its in mark: 38 more than it shows
    with pytest.raises(nle_edits.EditRefused):
        nle_edits.roll_origins(project, project.shots[-1].id)


def test_slip_moves_the_take_inside_a_shot_of_constant_length(document):
    project = document.project
    b = project.shots[1]
    command, applied = nle_edits.slip(trim_origin(project, b.id), 20, "slip")
    assert applied == 20
    round_trip(document, command)
    assert (b.active().trim_in, b.active().trim_out, b.duration_frames) == (30, 78, 48)
    command, applied = nle_edits.slip(trim_origin(project, b.id), 100, "slip2")
    assert applied == 18  # up to the take's last frame
    command, applied = nle_edits.slip(trim_origin(project, b.id), -100, "slip3")
    assert applied == -30


def test_slide_keeps_the_shot_and_adjusts_its_neighbours(document):
    project = document.project
    a, b, c = project.shots[:3]
    before, after = nle_edits.slide_origins(project, b.id)
    command, applied = nle_edits.slide(before, after, 8, "slide")
    assert applied == 8
    round_trip(document, command)
    assert (a.duration_frames, b.duration_frames, c.duration_frames) == (56, 48, 40)
    assert (b.active().trim_in, b.active().trim_out) == (10, 58)  # the slid shot shows the same frames
    assert c.active().trim_in == 18
    assert project.shot_starts()[b.id] == 56 and film_frames(project) == 4 * 48
    with pytest.raises(nle_edits.EditRefused):
        nle_edits.slide_origins(project, a.id)


def test_move_shots_keeps_their_order_and_undoes(document):
    project = document.project
    a, b, c, d = (s.id for s in project.shots)
    command = nle_edits.move_shots(project, [a, c], 200)
    round_trip(document, command)
    assert [s.id for s in project.shots] == [b, d, a, c]
    assert nle_edits.move_shots(project, [a, c], 200) is None  # already there


def test_markers_and_range_marks(document):
    project = document.project
    document.execute(nle_edits.add_marker(project, 100))
    document.execute(nle_edits.add_marker(project, 20, "Open"))
    assert [(m.frame, m.name) for m in project.markers] == [(20, "Open"), (100, "Marker 1")]
    document.execute(nle_edits.EditMarker(project.markers[1].id, name="Storm"))
    assert project.markers[1].name == "Storm"
    document.execute(nle_edits.set_range_mark(project, "in", 50))
    document.execute(nle_edits.set_range_mark(project, "out", 120))
    assert nle_edits.export_range(project, film_frames(project)) == (50, 120)
    document.execute(nle_edits.set_range_mark(project, "in", 130))  # past the out mark: the out mark goes
    assert (project.export.range_in, project.export.range_out) == (130, None)
    assert nle_edits.export_range(project, film_frames(project)) == (130, 192)
    document.execute(nle_edits.RemoveMarker(project.markers[0].id))
    assert [m.name for m in project.markers] == ["Storm"]
    # Markers survive a save and load.
    loaded = Project.model_validate_json(project.model_dump_json())
    assert [(m.frame, m.name) for m in loaded.markers] == [(100, "Storm")]


def test_structural_edits_that_check_themselves_still_refuse_what_would_not_load(document):
    """Blade, ripple and move skip the document's full re-validation (``Command.verify``), yet an add that
    would break a loader rule is still refused and leaves the project as it was."""
    from studio.project import ProjectError
    from studio.project.commands import AddShot

    project = document.project
    before = snapshot(project)
    with pytest.raises(ProjectError, match="appears twice"):
        document.execute(AddShot(project.shots[0].model_copy(deep=True)))  # the same id again
    assert snapshot(project) == before
    from studio.project.commands import Batch

    twice = Batch([AddShot(Shot()), AddShot(project.shots[1].model_copy(deep=True))])  # ids checked per batch
    with pytest.raises(ProjectError, match="appears twice"):
        document.execute(twice)
    assert snapshot(project) == before
    command, _ = nle_edits.blade(project, project.shots[0].id, 10)
    document.execute(command)
    assert command.verify(project)  # it vouched for itself: the document skipped the full re-validation
    assert Project.model_validate_json(project.model_dump_json()).shots[1].duration_frames == 38
