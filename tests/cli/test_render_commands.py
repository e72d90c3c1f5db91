"""``storyreel render`` and ``storyreel export`` from the command line."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import opentimelineio as otio
import pytest

from studio.cli.main import main
from studio.project import AudioTake, ProjectDocument, Take
from studio.project import commands as cmd


def _load_factory() -> types.ModuleType:
    """The cut tests' film builders (tests/cut/cut_film_factory.py), shared rather than copied."""
    if "cut_film_factory" in sys.modules:
        return sys.modules["cut_film_factory"]
    path = Path(__file__).parents[1] / "cut" / "cut_film_factory.py"
    spec = importlib.util.spec_from_file_location("cut_film_factory", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["cut_film_factory"] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


factory = _load_factory()


@pytest.fixture
def film(tmp_path):
    document = factory.make_film(tmp_path, [factory.ShotSpec("red"), factory.ShotSpec("blue", frames=12)])
    shot = document.project.shots[1]
    shot.takes.clear()
    shot.active_take = None
    factory.add_line(document, "shot_0", "Spoken later.", seconds=None)
    document.save()
    return document


@pytest.fixture
def fake_engines(monkeypatch):
    """Stand-ins for studio.generation / studio.voice (other helpers' modules) that really add media."""
    calls: list[str] = []

    def generate_missing(document: ProjectDocument, *, progress, cancel):
        calls.append("generate")
        for i, shot in enumerate(document.project.shots):
            if shot.active() is None:
                rel = f"media/takes/gen{i}/clip.mp4"
                factory.make_clip(document.bundle / rel, "yellow", shot.duration_frames, 24, (160, 90))
                document.execute(cmd.AddTake(shot.id, Take(media=rel, fps=24, frame_count=shot.duration_frames)))
        document.save()
        return []

    def narrate_missing(document: ProjectDocument, *, progress, cancel):
        calls.append("narrate")
        for line in document.project.lines:
            if line.active() is None:
                rel = f"media/voice/{line.id}.wav"
                factory.make_tone(document.bundle / rel, 700, 0.4)
                audio = AudioTake(media=rel, text=line.text, sample_rate=22050, duration_samples=int(0.4 * 22050))
                line.takes.append(audio)
                line.active_take = audio.id
                line.status = "ready"
        document.save()

    monkeypatch.setitem(sys.modules, "studio.generation", types.SimpleNamespace(generate_missing=generate_missing))
    monkeypatch.setitem(sys.modules, "studio.voice", types.SimpleNamespace(narrate_missing=narrate_missing))
    return calls


def test_render_generates_narrates_and_exports(film, fake_engines, tmp_path, capsys):
    out = tmp_path / "short.mp4"
    rc = main(["render", str(film.bundle), "-o", str(out), "--size", "128x72", "--subtitles", "vtt",
               "--otio", str(tmp_path / "short.otio")])
    assert rc == 0, capsys.readouterr().err
    assert fake_engines == ["generate", "narrate"]
    info = factory.probe_output(out)
    assert (info.width, info.height, info.frames, info.audio_codec) == (128, 72, 36, "aac")
    assert factory.mean_colour(factory.frame_at(out, 30))[:2] > (200, 200), "the generated (yellow) take is used"
    assert "Spoken later." in out.with_suffix(".vtt").read_text()
    timeline = otio.adapters.read_from_file(str(tmp_path / "short.otio"))
    assert len(list(timeline.video_tracks()[0].find_clips())) == 2
    assert f"wrote {out}" in capsys.readouterr().out


def test_render_without_generation_names_the_shot(film, tmp_path, capsys):
    rc = main(["render", str(film.bundle), "-o", str(tmp_path / "x.mp4"), "--no-generate"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "shot_1" in err
    assert not (tmp_path / "x.mp4").exists()


def test_render_reports_a_shot_generation_could_not_fill(film, monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "studio.generation",
                        types.SimpleNamespace(generate_missing=lambda document, **kw: []))
    monkeypatch.setitem(sys.modules, "studio.voice", types.SimpleNamespace(narrate_missing=lambda document, **kw: None))
    rc = main(["render", str(film.bundle), "-o", str(tmp_path / "x.mp4")])
    err = capsys.readouterr().err
    assert rc == 2 and "shot 2 (shot_1) has no take" in err


@pytest.mark.parametrize("fmt", ["otio", "otioz", "fcpxml", "edl", "srt", "vtt"])
def test_export_writes_interchange_files(film, fake_engines, tmp_path, fmt, capsys):
    sys.modules["studio.generation"].generate_missing(film, progress=None, cancel=None)
    target = tmp_path / f"cut.{fmt}"
    assert main(["export", str(film.bundle), "--format", fmt, "-o", str(target)]) == 0
    assert target.stat().st_size > 0
    assert f"wrote {target}" in capsys.readouterr().out
