"""The cut's pieces are built when asked for; what the sequence answers is what a walk over all of them gives."""

from __future__ import annotations

from studio.project import Card, Project, Shot, Take, Transition
from studio.timeline.layout import latest_at
from studio.timeline.playback_sequence import Piece, cut_sequence


def _project() -> Project:
    """Title 12 | A 48 (fades in) | B 10 (crossfade 12) | C 20 (crossfade 30: starts before B) | D 30 (dip, no
    take) | E 24 (a trimmed take at 12 fps) | credits 24."""
    project = Project(title="Pieces", fps=24, width=160, height=90)
    for name, frames, transition, take_fps in (
            ("A", 48, Transition(kind="crossfade", duration_frames=6), 24),
            ("B", 10, Transition(kind="crossfade", duration_frames=12), 24),
            ("C", 20, Transition(kind="crossfade", duration_frames=30), 24),
            ("D", 30, Transition(kind="dip_to_black", duration_frames=8), None),
            ("E", 24, Transition(), 12)):
        shot = Shot(prompt=f"Shot {name}", duration_frames=frames, transition=transition)
        if take_fps is not None:
            take = Take(media=f"media/takes/{name}.mp4", fps=take_fps, frame_count=40, trim_in=2,
                        trim_out=30 if name == "E" else None)
            shot.takes.append(take)
            shot.active_take = take.id
        project.shots.append(shot)
    project.cards += [Card(text="Pieces", position="title", duration_frames=12),
                      Card(text="The End", position="credits", duration_frames=24)]
    return project


def _walk_mix(pieces: list[Piece], frame: int) -> list[tuple[Piece, float]]:
    """Frame ``frame``'s mix by walking every piece (how the sequence answered when it held them all)."""
    current = latest_at(pieces, frame)
    if current is None:
        return []
    k = frame - current.start
    if current.blend_in and k < current.blend_in:
        before = next((p for p in reversed(pieces) if p.start < current.start and p.end > frame), None)
        if before is not None:
            return [(before, 1 - k / current.blend_in), (current, k / current.blend_in)]
    return [(current, current.brightness(frame))]


def test_the_sequence_answers_what_a_walk_over_all_its_pieces_gives() -> None:
    sequence = cut_sequence(_project())
    pieces = list(sequence.pieces)
    assert [p.label for p in pieces] == ["Title", "Shot 1", "Shot 3", "Shot 2", "Shot 4", "Shot 5", "Credits"]
    assert [p.start for p in pieces] == sorted(p.start for p in pieces)
    assert sequence.length == max(p.end for p in pieces)
    for frame in range(-2, sequence.length + 3):
        assert sequence.piece_at(frame) == latest_at(pieces, frame), frame
        assert sequence.mix_at(frame) == _walk_mix(pieces, frame), frame
    blended = sequence.mix_at(pieces[2].start + 3)  # C over A (B starts after C)
    assert [(p.label, round(w, 2)) for p, w in blended] == [("Shot 1", 0.9), ("Shot 3", 0.1)]
    trimmed = pieces[5]
    assert (trimmed.source_in, trimmed.source_out, trimmed.ratio) == (2, 30, 0.5)
    assert pieces[4].kind == "card" and pieces[4].card.kind == "story" and pieces[4].fade_in == 4


def test_pieces_built_after_an_edit_are_those_of_the_cut_the_sequence_was_made_from() -> None:
    project = _project()
    before = [(p.label, p.shot_id, p.start) for p in cut_sequence(project).pieces]
    sequence = cut_sequence(project)
    sequence.piece_at(0)  # one piece built; the others wait
    del project.shots[0]
    assert [(p.label, p.shot_id, p.start) for p in sequence.pieces] == before
    assert len(cut_sequence(project).pieces) == len(before) - 1
