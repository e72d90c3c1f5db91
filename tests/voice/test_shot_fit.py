"""Lines against shot lengths: estimates before audio, real durations after, proposals snapped to the model."""

from __future__ import annotations

import math

import pytest

from studio.project import Line, Project, ProjectDocument, Shot
from studio.project import commands as cmd
from studio.voice import estimate_seconds, fit_report, narrate_lines, propose_extensions

TWELVE_WORDS = "One two three four five six seven eight nine ten eleven twelve."


def _project(shot: Shot, *lines: Line) -> Project:
    return Project(fps=24, shots=[shot], lines=list(lines))


def test_estimates_follow_length_pauses_and_pace(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from studio.project import Voice
    from studio.voice import get_provider

    slow, fast = Voice(settings={"rate": 120}), Voice(settings={"rate": 240})
    assert estimate_seconds(TWELVE_WORDS, fast) < 0.6 * estimate_seconds(TWELVE_WORDS, slow)
    assert estimate_seconds("Wait, what? No.") > estimate_seconds("Wait what no!")
    eleven = Voice(provider="elevenlabs", voice_id="v", settings={"speed": 1.0})
    assert estimate_seconds(TWELVE_WORDS, eleven) == pytest.approx(len(TWELVE_WORDS) / 15 + 0.11)
    assert estimate_seconds(TWELVE_WORDS, eleven.model_copy(update={"settings": {"speed": 1.2}})) < \
        estimate_seconds(TWELVE_WORDS, eleven)
    # The estimate for the offline voice is close to what it really says (within a quarter).
    espeak = get_provider("espeak")
    for text in (TWELVE_WORDS, "The harbour lights came on one by one, and the boats came home.",
                 "You came back."):
        for voice in (slow, fast, Voice()):
            spoken = espeak.synthesize(text, voice, tmp_path / "e.wav").duration_seconds
            assert estimate_seconds(text, voice) == pytest.approx(spoken, rel=0.25, abs=0.12), (text, voice.settings)


def test_a_line_past_the_end_is_reported_and_extended() -> None:
    shot = Shot(duration_frames=48)
    line = Line(text=TWELVE_WORDS, shot_id=shot.id, offset_frames=12)
    project = _project(shot, line)
    [fit] = fit_report(project)
    end = 12 + math.ceil(estimate_seconds(TWELVE_WORDS) * 24)
    assert fit.lines[0].estimated and fit.lines[0].end_frame == end
    assert not fit.fits and fit.overflow_frames == end - 48
    [proposal] = propose_extensions(project)
    assert proposal.needed_frames == end + 6  # a quarter second of air
    assert proposal.proposed_frames == proposal.needed_frames  # the animatic makes any length
    assert not proposal.limited_by_model
    proposal.command().apply(project)
    assert fit_report(project)[0].fits


def test_overlapping_lines_are_flagged() -> None:
    shot = Shot(duration_frames=480)
    first = Line(text=TWELVE_WORDS, shot_id=shot.id)
    second = Line(text="Stop.", shot_id=shot.id, offset_frames=24)
    third = Line(text="Go.", shot_id=shot.id, offset_frames=400)
    [fit] = fit_report(_project(shot, third, first, second))
    assert [(f.line_id, f.overlaps_previous) for f in fit.lines] == [(first.id, False), (second.id, True),
                                                                     (third.id, False)]
    assert fit.fits and propose_extensions(_project(shot, first, second, third)) == []


def test_ltx_proposals_are_eight_k_plus_one_frames() -> None:
    shot = Shot(duration_frames=48, backend="diffusers", model_id="Lightricks/LTX-Video")
    project = _project(shot, Line(text=TWELVE_WORDS, shot_id=shot.id))
    [proposal] = propose_extensions(project)
    assert proposal.proposed_frames >= proposal.needed_frames
    assert proposal.proposed_frames % 8 == 1
    assert proposal.proposed_frames - proposal.needed_frames < 8


def test_wan_proposals_cover_the_line_at_the_models_own_rate() -> None:
    shot = Shot(duration_frames=24, backend="diffusers", model_id="Wan-AI/Wan2.1-T2V-1.3B-Diffusers")
    project = _project(shot, Line(text="A short line, said slowly.", shot_id=shot.id))
    [proposal] = propose_extensions(project)
    model_frames = proposal.proposed_frames * 16 / 24  # Wan makes 16 fps clips, frames = 4k+1
    clip = 4 * math.ceil((model_frames - 1) / 4) + 1
    assert clip * 24 / 16 >= proposal.needed_frames
    assert proposal.proposed_frames >= proposal.needed_frames
    assert not proposal.limited_by_model


def test_wan_cannot_make_a_long_enough_clip() -> None:
    shot = Shot(duration_frames=48, backend="diffusers", model_id="Wan-AI/Wan2.1-T2V-1.3B-Diffusers")
    project = _project(shot, Line(text=" ".join([TWELVE_WORDS] * 3), shot_id=shot.id))
    [proposal] = propose_extensions(project)
    assert proposal.limited_by_model
    assert proposal.proposed_frames == math.floor(81 * 24 / 16)  # the longest clip Wan makes


def test_real_audio_replaces_the_estimate(offline_project: ProjectDocument) -> None:
    document = offline_project
    before = {f.shot_id: f for f in fit_report(document.project)}
    assert all(line.estimated for fit in before.values() for line in fit.lines)
    narrate_lines(document)
    project = document.project
    for fit in fit_report(project):
        for line_fit in fit.lines:
            take = project.line(line_fit.line_id).active()
            assert take is not None and not line_fit.estimated
            assert line_fit.end_frame == line_fit.start_frame + math.ceil(take.duration_seconds * project.fps)
    proposals = propose_extensions(project)
    assert [p.shot_id for p in proposals] == [project.shots[0].id]  # a 2 s shot under a 3 s sentence
    document.execute(cmd.Batch([p.command() for p in proposals]))
    assert all(fit.fits for fit in fit_report(project))
    document.undo()
    assert project.shots[0].duration_frames == 48
