"""The cut plan follows the project's timeline exactly and refuses what cannot be cut."""

from __future__ import annotations

import pytest
from cut_film_factory import ShotSpec, add_card, add_line, make_film

from studio.cut import CutError, MissingTake, build_plan
from studio.cut.segments import segments_for
from studio.project import Take


@pytest.fixture
def film(tmp_path):
    return make_film(tmp_path, [
        ShotSpec("red", frames=24),
        ShotSpec("green", frames=24, take_fps=16, transition="crossfade", transition_frames=6),
        ShotSpec("blue", frames=30, transition="dip_to_black", transition_frames=8),
        ShotSpec("yellow", frames=12),
    ])


def test_plan_matches_the_timeline(film):
    project = film.project
    plan = build_plan(project, film.bundle)
    starts = project.shot_starts()
    assert [s.start for s in plan.shots] == [starts[s.id] for s in project.shots]
    assert [s.frames for s in plan.shots] == [s.duration_frames for s in project.shots]
    assert plan.total_frames == project.total_frames() == 24 + 24 - 6 + 30 + 12
    assert plan.shots[1].transition.kind == "crossfade" and plan.shots[1].transition.frames == 6
    dip = plan.shots[2].transition
    assert (dip.kind, dip.frames + dip.out_frames) == ("dip_to_black", 8)
    assert plan.shots[1].source.fps == 16 and plan.shots[1].source.trim_out == 16
    assert plan.shots[0].seed == 100 and plan.shots[0].model_id == "test-model"


def test_segments_cover_the_film_once(film):
    plan = build_plan(film.project, film.bundle)
    segments = segments_for(plan)
    assert [s.kind for s in segments] == ["shot", "crossfade", "shot", "shot", "shot"]
    assert sum(s.frames for s in segments) == plan.total_frames
    body_red, fade, body_green, body_blue, _ = segments
    assert (body_red.frames, fade.frames, body_green.frames) == (18, 6, 18)
    assert fade.inputs[0].offset == 18 and fade.inputs[1].offset == 0
    assert body_green.fade_out == 4 and body_blue.fade_in == 4


def test_output_rate_rescales_boundaries(film):
    plan = build_plan(film.project, film.bundle, fps=12)
    assert plan.total_frames == (24 + 18 + 30 + 12) // 2
    assert [s.start for s in plan.shots] == [0, 9, 21, 36]
    assert sum(s.frames for s in segments_for(plan)) == plan.total_frames


def test_cards_and_lines_shift_with_titles(film):
    line = add_line(film, "shot_1", "Hello", offset_frames=3)
    add_card(film, "My Film", "title", 12)
    add_card(film, "The End", "credits", 24)
    plan = build_plan(film.project, film.bundle)
    assert plan.shots[0].start == 12
    assert plan.total_frames == 12 + film.project.total_frames() + 24
    voice = next(v for v in plan.voices if v.line_id == line.id)
    assert voice.start_seconds == pytest.approx((12 + 18 + 3) / 24)
    assert [c.start for c in plan.cards] == [0, 12 + film.project.total_frames()]


def test_size_override_and_odd_size(film):
    plan = build_plan(film.project, film.bundle, size=(320, 180))
    assert (plan.settings.width, plan.settings.height) == (320, 180)
    with pytest.raises(CutError, match="even"):
        build_plan(film.project, film.bundle, size=(321, 180))


def test_shot_without_usable_take_is_named(film):
    shot = film.project.shots[2]
    shot.takes[0].status = "failed"
    with pytest.raises(MissingTake, match=r"shot 3 \(shot_2\).*failed"):
        build_plan(film.project, film.bundle)
    shot.takes.append(Take(media="media/takes/none/clip.mp4", fps=24, frame_count=24))
    shot.active_take = shot.takes[-1].id
    with pytest.raises(MissingTake, match="offline"):
        build_plan(film.project, film.bundle)
    shot.takes.clear()
    shot.active_take = None
    with pytest.raises(MissingTake, match="has no take"):
        build_plan(film.project, film.bundle)


def test_transition_longer_than_shot_is_refused(film):
    film.project.shots[3].transition.kind = "crossfade"
    film.project.shots[3].transition.duration_frames = 10
    film.project.shots[3].duration_frames = 8
    with pytest.raises(CutError, match="transitions need"):
        build_plan(film.project, film.bundle)


def test_plan_is_the_editor_layout_rescaled(film):
    from studio.timeline.layout import compute_layout

    add_line(film, "shot_2", "Over the dip", offset_frames=2)
    add_card(film, "My Film", "title", 12)
    add_card(film, "The End", "credits", 24)
    layout = compute_layout(film.project)
    plan = build_plan(film.project, film.bundle)
    assert plan.total_frames == layout.total
    assert [(c.card_id, c.start, c.frames) for c in plan.cards] == [
        (c.card_id, c.start, c.duration) for c in layout.title_and_credits()]
    assert [(s.shot_id, s.start, s.frames) for s in plan.shots] == [
        (s.shot_id, s.start, s.duration) for s in layout.shots]
    assert [round(v.start_seconds * 24) for v in plan.voices] == [s.start for s in layout.lines]
    half = build_plan(film.project, film.bundle, fps=12)
    assert half.total_frames == (layout.total + 1) // 2
    assert [s.start for s in half.shots] == [(s.start + 1) // 2 for s in layout.shots]
    assert [c.start for c in half.cards] == [(c.start + 1) // 2 for c in layout.title_and_credits()]
