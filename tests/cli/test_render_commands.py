"""``storyreel render`` and ``storyreel export`` from the command line, with the real engine and the real voice.

The film is tiny (36 frames at 160x90): one shot has a solid red take, the other has none, and one line has no
audio yet. ``render`` must generate the missing take with the animatic engine (a real worker process), narrate the
line offline with espeak-ng, save both into the project and export them into the MP4.
"""

from __future__ import annotations

from pathlib import Path

import cut_film_factory as factory  # tests/support, on the test path
import cv2
import numpy as np
import opentimelineio as otio
import pytest

from engine.video_io import probe_video
from studio.cli.main import main
from studio.project import ProjectDocument, store
from studio.voice.wav_audio import read_wav, rms


@pytest.fixture
def complete_film(tmp_path) -> ProjectDocument:
    """Two shots with takes (red 24 frames, blue 12 frames) and a narrated line."""
    document = factory.make_film(tmp_path, [factory.ShotSpec("red"), factory.ShotSpec("blue", frames=12)])
    factory.add_line(document, "shot_0", "Spoken first.", seconds=0.4)
    return document


@pytest.fixture
def film(tmp_path) -> ProjectDocument:
    """Shot 2 has no take and the line has no audio: what ``render`` has to make."""
    document = factory.make_film(tmp_path, [factory.ShotSpec("red"), factory.ShotSpec("blue", frames=12)])
    shot = document.project.shots[1]
    shot.prompt = "A lighthouse on a rock at night"
    shot.takes.clear()
    shot.active_take = None
    factory.add_line(document, "shot_0", "The lamp was lit at dusk.", seconds=None)
    document.save()
    return document


def _frame_of(path: Path, index: int, size: tuple[int, int]) -> np.ndarray:
    return cv2.resize(factory.frame_at(path, index), size, interpolation=cv2.INTER_AREA).astype(np.float32)


def test_render_generates_narrates_and_exports(film, tmp_path, capsys):
    out = tmp_path / "short.mp4"
    rc = main(["render", str(film.bundle), "-o", str(out), "--size", "128x72", "--subtitles", "vtt",
               "--otio", str(tmp_path / "short.otio")])
    assert rc == 0, capsys.readouterr().err
    assert f"wrote {out}" in capsys.readouterr().out

    # What was generated and narrated is in the saved project, as files inside the bundle.
    project, _ = store.load(film.bundle)
    take = project.shots[1].active()
    assert take is not None and take.backend == "animatic"
    take_file = film.bundle / take.media
    assert take_file.is_relative_to(film.bundle) and probe_video(take_file).frame_count == 12
    voice = project.lines[0].active()
    assert project.lines[0].status == "ready" and voice is not None and voice.provider == "espeak"
    samples, rate = read_wav(film.bundle / voice.media)
    assert rms(samples) > 0.03

    # The film: red first, then the generated take's own picture; the narration is audible at its place.
    info = factory.probe_output(out)
    assert (info.width, info.height, info.frames, info.audio_codec) == (128, 72, 36, "aac")
    red = factory.mean_colour(factory.frame_at(out, 10))
    assert red[0] > 200 and red[1] < 60 and red[2] < 60
    exported, generated = _frame_of(out, 30, (128, 72)), _frame_of(take_file, 6, (128, 72))
    assert float(np.abs(exported - generated).mean()) < 8, "the exported shot 2 is the generated take"
    audio = factory.decode_audio(out)
    spoken = min(len(audio), round(voice.duration_seconds * 48000))
    assert np.sqrt(np.mean(audio[:spoken] ** 2)) > 0.02
    assert "The lamp was lit at dusk." in out.with_suffix(".vtt").read_text()
    timeline = otio.adapters.read_from_file(str(tmp_path / "short.otio"))
    assert len(list(timeline.video_tracks()[0].find_clips())) == 2


def test_render_without_generation_names_the_shot(film, tmp_path, capsys):
    rc = main(["render", str(film.bundle), "-o", str(tmp_path / "x.mp4"), "--no-generate"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "shot_1" in err
    assert not (tmp_path / "x.mp4").exists()


def test_render_says_why_a_missing_take_could_not_be_made(film, tmp_path, capsys):
    # A model that is not on this machine (the hub is offline in tests): the take cannot be made.
    shot = film.project.shots[1]
    shot.backend, shot.model_id = "diffusers", "tiny-org/not-downloaded"
    film.save()
    rc = main(["render", str(film.bundle), "-o", str(tmp_path / "x.mp4")])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1, err
    assert "tiny-org/not-downloaded" in err
    assert not (tmp_path / "x.mp4").exists()
    assert store.load(film.bundle)[0].shots[1].active() is None


@pytest.mark.parametrize("fmt", ["otio", "otioz", "fcpxml", "edl", "srt", "vtt"])
def test_export_writes_interchange_files(complete_film, tmp_path, fmt, capsys):
    target = tmp_path / f"cut.{fmt}"
    assert main(["export", str(complete_film.bundle), "--format", fmt, "-o", str(target)]) == 0
    assert f"wrote {target}" in capsys.readouterr().out
    if fmt in ("srt", "vtt"):
        assert "Spoken first." in target.read_text()
    elif fmt == "otioz":
        assert target.stat().st_size > 0
    else:
        timeline = otio.adapters.read_from_file(str(target))
        clips = list(timeline.video_tracks()[0].find_clips())
        assert [round(c.duration().to_frames()) for c in clips] == [24, 12]
        if fmt != "edl":  # an EDL is picture only
            [voice] = list(timeline.audio_tracks()[0].find_clips())
            assert voice.name == "Spoken first."
