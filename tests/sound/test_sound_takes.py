"""Sound takes are takes like the others: made once, reused, undoable, remade when their file is gone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.project import Project, ProjectDocument, Shot, store
from studio.project import commands as cmd
from studio.project.errors import ProjectError
from studio.sound import make_sounds, shots_needing_sound
from studio.voice.wav_audio import read_wav


@pytest.fixture
def document(tmp_path: Path) -> ProjectDocument:
    shots = [Shot(id="shot_a", seed=5, duration_frames=36, sound_prompt="rain on the window"),
             Shot(id="shot_b", seed=5, duration_frames=36, sound_prompt="rain on the window")]
    return ProjectDocument.create(tmp_path / "t", Project(fps=24, shots=shots))


def samples_of(document: ProjectDocument, shot_id: str) -> np.ndarray:
    take = document.project.shot(shot_id).active_sound()
    return read_wav(store.resolve_media(document.bundle, take.media))[0]


def test_a_changed_prompt_gets_a_new_take_and_the_old_one_comes_back_with_its_prompt(document) -> None:
    make_sounds(document)
    first = document.project.shot("shot_a").active_sound_take
    # Same prompt and seed: the second shot's sound comes from the cache, byte for byte.
    assert np.array_equal(samples_of(document, "shot_a"), samples_of(document, "shot_b"))

    document.execute(cmd.edit_shot("shot_a", sound_prompt="a log fire"))
    assert shots_needing_sound(document.project, document.bundle) == ["shot_a"]
    report = make_sounds(document, ["shot_a"])
    fire = document.project.shot("shot_a").active_sound()
    assert report.made == [fire.id] and fire.layers == ["fire"]
    document.execute(cmd.edit_shot("shot_a", sound_prompt="rain on the window"))
    report = make_sounds(document, ["shot_a"])
    assert report.reused == ["shot_a"] and report.made == []
    assert document.project.shot("shot_a").active_sound_take == first
    document.undo()  # choosing the earlier take is one undo step
    assert document.project.shot("shot_a").active_sound_take == fire.id


def test_a_take_whose_file_is_gone_is_remade(document) -> None:
    make_sounds(document, ["shot_a"])
    take = document.project.shot("shot_a").active_sound()
    store.resolve_media(document.bundle, take.media).unlink()
    assert shots_needing_sound(document.project, document.bundle) == ["shot_a", "shot_b"]
    report = make_sounds(document, ["shot_a"])
    assert report.reused == ["shot_a"]  # from the cache: nothing synthesized again
    assert store.resolve_media(document.bundle, document.project.shot("shot_a").active_sound().media).is_file()


def test_takes_are_checked_and_a_document_without_a_folder_is_refused(document, tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="from 1 to 20"):
        make_sounds(document, takes=0)
    with pytest.raises(ProjectError, match="no sound provider"):
        make_sounds(document, provider="foley")  # type: ignore[arg-type]
    with pytest.raises(ProjectError, match="save the project first"):
        make_sounds(ProjectDocument(Project(shots=[Shot(sound_prompt="rain")])))
