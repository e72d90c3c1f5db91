"""The film's timeline without Qt: cards, shots, lines and music where the export puts them, and the edits
that gestures and menus make, all in film frames (title cards included)."""

from __future__ import annotations

import pytest

from studio.project import Card, Line, MusicClip, Project, Shot, Take, Transition
from studio.project.commands import SetFields
from studio.project.model import SoundTake
from studio.timeline.edits import move_line_command, move_music_command
from studio.timeline.layout import compute_layout, film_frames
from studio.timeline.playback_sequence import cut_sequence
from studio.timeline.shot_edits import split_shot, trim_at_playhead


@pytest.fixture
def project() -> Project:
    """Title 12 | shot A 48 | shot B 48 (crossfade 12 in) | shot C 30 (dip 8 in, no take) | credits 24."""
    project = Project(title="Layout", fps=24, width=160, height=90)
    for name, frames, transition in (("A", 48, Transition()), ("B", 48, Transition(kind="crossfade", duration_frames=12)),
                                     ("C", 30, Transition(kind="dip_to_black", duration_frames=8))):
        shot = Shot(prompt=f"Shot {name}", duration_frames=frames, transition=transition)
        if name != "C":
            take = Take(media=f"media/takes/{name}.mp4", fps=24, frame_count=frames)
            shot.takes.append(take)
            shot.active_take = take.id
        project.shots.append(shot)
    project.cards += [Card(text="My Film", position="title", duration_frames=12),
                      Card(text="The End", position="credits", duration_frames=24)]
    project.lines.append(Line(text="Hello there.", shot_id=project.shots[1].id, offset_frames=5))
    project.music.append(MusicClip(media="media/music/theme.wav", start_frame=10))
    return project


def test_cards_come_first_and_last_and_shots_sit_after_the_titles(project):
    layout = compute_layout(project)
    shots_total = 48 + 48 - 12 + 30
    assert project.total_frames() == shots_total
    assert layout.lead == 12 and layout.total == 12 + shots_total + 24 == film_frames(project)
    assert [(s.start, s.end) for s in layout.shots] == [(12, 60), (48, 96), (96, 126)]
    kinds = [(c.kind, c.start, c.duration) for c in layout.cards]
    assert kinds == [("title", 0, 12), ("story", 96, 30), ("credits", 126, 24)]
    assert layout.story_card(project.shots[2].id).text == "Shot C"  # no take: the film shows its story card
    assert layout.card_at(5).text == "My Film" and layout.card_at(130).text == "The End"
    assert layout.card_at(20) is None and layout.shot_at(20).shot_id == project.shots[0].id
    assert {0, 12, 126, 150} <= set(layout.edges())


def test_lines_follow_their_shot_and_music_counts_from_the_first_shot(project):
    layout = compute_layout(project)
    assert layout.lines[0].start == 48 + 5  # shot B's film start + the line's offset
    music = layout.music[0]
    assert (music.start, music.end) == (12 + 10, layout.total)  # an open-ended clip plays to the film's end


def test_a_shot_sound_sits_under_its_shot_once_it_is_ready(project):
    a, b, c = project.shots
    a.sound_takes.append(SoundTake(media="media/sounds/a.wav", status="ready"))
    a.active_sound_take = a.sound_takes[0].id
    b.sound_takes.append(SoundTake(media="media/sounds/b.wav", status="failed"))
    b.active_sound_take = b.sound_takes[0].id
    c.sound_takes.append(SoundTake(media="media/sounds/c.wav"))  # made, but not chosen: the mix leaves it out
    layout = compute_layout(project)
    assert [(s.shot_id, s.start, s.end) for s in layout.sounds] == [(a.id, 12, 60)]


def test_transitions_in_film_frames(project):
    layout = compute_layout(project)
    assert [(t.kind, t.start, t.end, t.boundary) for t in layout.transitions] == [
        ("crossfade", 48, 60, 48), ("dip_to_black", 92, 100, 96)]
    project.shots[0].transition = Transition(kind="dip_to_black", duration_frames=6)
    first = compute_layout(project).transitions[0]
    assert (first.kind, first.start, first.end) == ("fade_in", 12, 18)


def test_dragging_a_line_or_music_works_in_film_frames(project):
    layout = compute_layout(project)
    first, second = project.shots[0].id, project.shots[1].id
    move = move_line_command(layout, project.lines[0].id, 20, "k")
    assert move.values == {"shot_id": first, "offset_frames": 8}
    over_titles = move_line_command(layout, project.lines[0].id, 3, "k")
    assert over_titles.values == {"shot_id": first, "offset_frames": 0}
    assert move_line_command(layout, project.lines[0].id, 70, "k").values == {"shot_id": second, "offset_frames": 22}
    music = move_music_command(layout, project.music[0].id, 40, "k")
    assert isinstance(music, SetFields) and music.values == {"start_frame": 28}
    assert move_music_command(layout, project.music[0].id, 4, "k").values == {"start_frame": 0}


def test_split_and_marks_take_the_playhead_in_film_frames(project):
    shot = project.shots[0]
    command, new_id = split_shot(project, shot.id, 12 + 20)  # 20 frames into the first shot
    command.apply(project)
    assert shot.duration_frames == 20 and project.shot(new_id).duration_frames == 28
    command.revert(project)
    mark = trim_at_playhead(project, shot.id, 12 + 6, "in")
    assert mark is not None
    mark.apply(project)
    assert shot.active().trim_in == 6
    assert trim_at_playhead(project, shot.id, 5, "in") is None  # the playhead is on the title card


def test_playback_sequence_mixes_like_the_export(project):
    sequence = cut_sequence(project)
    assert sequence.length == compute_layout(project).total
    title = sequence.piece_at(0)
    assert title.kind == "card" and title.fade_in == title.fade_out == 3  # min(12 // 4, 12)
    assert sequence.mix_at(0)[0][1] == 0.0 and sequence.mix_at(6)[0][1] == 1.0
    # Crossfade B over A from frame 48 for 12 frames: frame k mixes A*(1-k/12) + B*k/12.
    mix = sequence.mix_at(48 + 3)
    assert [(p.label, w) for p, w in mix] == [("Shot 1", 0.75), ("Shot 2", 0.25)]
    # Dip into C at 96: B fades down over its last 4 frames, C (a story card) up over its first 4.
    assert [round(w, 3) for _, w in sequence.mix_at(93)] == [0.75]
    story = sequence.piece_at(96)
    assert story.kind == "card" and story.card.kind == "story" and sequence.mix_at(96)[0][1] == 0.0
    assert sequence.mix_at(98)[0][1] == 0.5
    assert sequence.piece_at(140).card.text == "The End"
