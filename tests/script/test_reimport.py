"""Re-importing an edited script: matched shots keep ids and takes, nothing the user made is lost, one undo."""

from __future__ import annotations

from pathlib import Path

from studio.project import AudioTake, ProjectDocument, Take
from studio.project import commands as cmd
from studio.script import import_fountain

V1 = """Title: Gale

INT. LAMP ROOM - NIGHT

The lens turns slowly in the dark.

KEEPER
Last watch.

The cat sleeps on the logbook.

KEEPER
Goodnight, cat.

EXT. JETTY - NIGHT

Waves break over the jetty steps.

MARA
Dad!
"""

# Edits: the first paragraph reworded, the cat paragraph and its line cut, a new paragraph added,
# Mara's line reworded, and a new scene at the end.
V2 = """Title: Gale

INT. LAMP ROOM - NIGHT

The great lens turns slowly in the dark.

KEEPER
Last watch.

A green light rises on the swell.

EXT. JETTY - NIGHT

Waves break over the jetty steps.

MARA
Dad! Help me tie her up!

EXT. SEA - DAWN

Calm water.
"""


def _fake_take(document: ProjectDocument, shot_id: str) -> Take:
    folder = document.bundle / "media" / "takes" / shot_id / "t1"
    folder.mkdir(parents=True)
    (folder / "clip.mp4").write_bytes(b"not really a video, but the user's file")
    return Take(media=f"media/takes/{shot_id}/t1/clip.mp4", frame_count=48, fps=24, width=160, height=90)


def _fake_audio(document: ProjectDocument, line_id: str) -> AudioTake:
    folder = document.bundle / "media" / "audio"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{line_id}.wav").write_bytes(b"RIFF....WAVE")
    return AudioTake(media=f"media/audio/{line_id}.wav", text="", duration_samples=22050)


def test_reimport_updates_matches_and_keeps_takes(document: ProjectDocument, script_file, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = import_fountain(document, script_file(V1))
    assert (first.scenes, first.shots, first.lines, len(first.cast)) == (2, 3, 3, 2)
    lens, cat, waves = document.project.shots
    cat_line = document.project.lines_for_shot(cat.id)[0]
    mara_line = document.project.lines_for_shot(waves.id)[0]
    lens_take, cat_take = _fake_take(document, lens.id), _fake_take(document, cat.id)
    document.execute(cmd.AddTake(lens.id, lens_take))
    document.execute(cmd.AddTake(cat.id, cat_take))
    document.execute(cmd.AddAudioTake(cat_line.id, _fake_audio(document, cat_line.id)))
    document.execute(cmd.AddAudioTake(mara_line.id, _fake_audio(document, mara_line.id)))
    document.save()
    cast_ids = [c.id for c in document.project.cast]

    reopened, _ = ProjectDocument.open(document.bundle)
    summary = import_fountain(reopened, script_file(V2, "v2.fountain"))
    reopened.save()
    project = ProjectDocument.open(document.bundle)[0].project  # as saved

    assert (summary.new_shots, summary.updated_shots, summary.unchanged_shots, summary.unmatched_shots) == (2, 2, 0, 1)
    assert (summary.new_lines, summary.updated_lines, summary.removed_lines, summary.kept_lines) == (0, 1, 0, 1)
    assert [c.id for c in project.cast] == cast_ids  # the same two characters, not duplicates

    by_id = {s.id: s for s in project.shots}
    assert set(by_id) >= {lens.id, cat.id, waves.id} and len(project.shots) == 5
    # The reworded paragraph kept its shot and take; its prompt follows the script and is flagged.
    assert by_id[lens.id].prompt == "Interior, lamp room, night. The great lens turns slowly in the dark."
    assert [t.id for t in by_id[lens.id].takes] == [lens_take.id] and by_id[lens.id].active_take == lens_take.id
    assert "prompt_changed" in by_id[lens.id].flags
    # The cut paragraph's shot stays with its take, flagged, in its old place (after the lens shot).
    assert by_id[cat.id].flags == ["unmatched"] and [t.id for t in by_id[cat.id].takes] == [cat_take.id]
    order = [s.id for s in project.shots]
    assert order.index(cat.id) == order.index(lens.id) + 1
    assert (document.bundle / cat_take.media).read_bytes() == b"not really a video, but the user's file"
    # Its line (with audio) stays on the kept shot, flagged too.
    kept = project.line(cat_line.id)
    assert kept.text == "Goodnight, cat." and len(kept.takes) == 1 and kept.shot_id == cat.id
    assert kept.flags == ["unmatched"]
    # Mara's reworded line keeps its id and audio but is marked stale.
    mara = project.line(mara_line.id)
    assert mara.text == "Dad! Help me tie her up!" and mara.status == "stale" and len(mara.takes) == 1
    assert [s.prompt for s in project.shots if s.id not in (lens.id, cat.id, waves.id)] == [
        "Interior, lamp room, night. A green light rises on the swell.", "Exterior, sea, dawn. Calm water."]
    assert by_id[waves.id].flags == []

    # The whole import is one undo step.
    reopened.undo()
    assert [s.id for s in reopened.project.shots] == [lens.id, cat.id, waves.id]
    assert reopened.project.shot(lens.id).prompt == lens.prompt and reopened.project.shot(cat.id).flags == []
    assert reopened.project.line(mara_line.id).text == "Dad!"


def test_reimport_same_script_changes_nothing(document: ProjectDocument, script_file) -> None:  # type: ignore[no-untyped-def]
    path = script_file(V1)
    import_fountain(document, path)
    before = document.project.model_dump(exclude={"metadata"})
    summary = import_fountain(document, path)
    assert (summary.new_shots, summary.updated_shots, summary.unchanged_shots, summary.unmatched_shots) == (0, 0, 3, 0)
    assert (summary.new_lines, summary.updated_lines, summary.removed_lines) == (0, 0, 0)
    assert document.project.model_dump(exclude={"metadata"}) == before


def test_hand_edited_prompt_survives_reimport_of_unchanged_paragraph(document: ProjectDocument, script_file) -> None:  # type: ignore[no-untyped-def]
    path = script_file(V1)
    import_fountain(document, path)
    shot = document.project.shots[1]
    document.execute(cmd.edit_shot(shot.id, prompt="My own better prompt for the cat"))
    line = document.project.lines_for_shot(shot.id)[0]
    document.execute(cmd.RemoveLine(line.id))  # the user deleted a line: a re-import may bring it back
    import_fountain(document, path)
    assert document.project.shot(shot.id).prompt == "My own better prompt for the cat"
    assert [x.text for x in document.project.lines_for_shot(shot.id)] == ["Goodnight, cat."]


def test_line_moved_to_another_shot_keeps_its_audio(document: ProjectDocument, script_file) -> None:  # type: ignore[no-untyped-def]
    import_fountain(document, script_file(V1))
    line = document.project.lines_for_shot(document.project.shots[0].id)[0]
    document.execute(cmd.AddAudioTake(line.id, _fake_audio(document, line.id)))
    moved = V1.replace("KEEPER\nLast watch.\n\n", "").replace("KEEPER\nGoodnight, cat.", "KEEPER\nLast watch.")
    summary = import_fountain(document, script_file(moved, "moved.fountain"))
    project = document.project
    assert project.line(line.id).shot_id == project.shots[1].id and len(project.line(line.id).takes) == 1
    assert summary.lines == 2 and len(project.lines) == 2  # 'Goodnight, cat.' had no audio: removed
