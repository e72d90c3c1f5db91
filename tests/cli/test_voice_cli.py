"""`storyreel voice`: one subprocess run as a user would, the rest through ``main()`` in this process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.cli.main import main
from studio.project import Character, Line, Project, ProjectDocument, Shot, store
from studio.voice.wav_audio import read_wav, rms


def _small_film(tmp_path: Path) -> tuple[Path, str]:
    narrator, mara = Character(name="Narrator", is_narrator=True), Character(name="Mara")
    shot = Shot(prompt="Harbour at dusk", duration_frames=24)
    lines = [Line(text="The harbour lights came on one by one, and the boats came home.", shot_id=shot.id),
             Line(text="Is anyone there?", speaker=mara.id, shot_id=shot.id, offset_frames=5)]
    project = Project(fps=24, width=320, height=180, cast=[narrator, mara], shots=[shot], lines=lines)
    return ProjectDocument.create(tmp_path / "film", project).bundle, shot.id  # type: ignore[return-value]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["voice", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_narrate_a_project_offline_in_a_subprocess(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bundle, _ = _small_film(tmp_path)
    r = cli("voice", str(bundle), input="")
    assert r.returncode == 0, r.stderr
    assert "Mara speaks with the offline voice en-us+m3" in r.stdout
    assert "narrated 2 line(s)" in r.stdout
    project, _ = store.load(bundle)
    for line in project.lines:
        take = line.active()
        assert line.status == "ready" and take is not None and take.provider == "espeak"
        samples, rate = read_wav(bundle / take.media)
        assert rate == 22050 and samples.size == take.duration_samples and rms(samples) > 0.03


def test_again_and_forced(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bundle, _ = _small_film(tmp_path)
    assert _run(capsys, str(bundle))[0] == 0
    code, out, _ = _run(capsys, str(bundle))
    assert code == 0 and "all 2 line(s) already have audio" in out
    line_id = store.load(bundle)[0].lines[1].id
    code, out, _ = _run(capsys, str(bundle), "--line", line_id, "--force", "--json")
    report = json.loads(out)
    assert report["narrated"] == [line_id] and report["characters_billed"] == 0
    assert len(store.load(bundle)[0].lines[1].takes) == 2


def test_set_voice_list_voices_and_fit(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bundle, shot = _small_film(tmp_path)
    code, out, _ = _run(capsys, str(bundle), "--list-voices", "--search", "english (great")
    assert code == 0 and "espeak:en-gb" in out
    code, out, _ = _run(capsys, str(bundle), "--set-voice", "Mara", "espeak:en-gb+f4", "--setting", "rate=140")
    assert code == 0 and "Mara now speaks with espeak:en-gb+f4" in out
    mara = store.load(bundle)[0].character_by_name("Mara")
    assert mara is not None and (mara.voice.voice_id, mara.voice.settings) == ("en-gb+f4", {"rate": 140})
    code, out, _ = _run(capsys, str(bundle), "--fit")
    assert f"{shot}    1.00s  lines end at" in out and "over (estimated: no audio yet)" in out
    assert "start(s) before the previous line ends" in out and f"propose {shot}: 1.00s ->" in out
    assert _run(capsys, str(bundle), "--fit", "--apply")[0] == 0
    assert ": fits" in _run(capsys, str(bundle), "--fit")[1]
    assert store.load(bundle)[0].shots[0].duration_frames > 24


def test_user_errors_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bundle, _ = _small_film(tmp_path)
    first_line = store.load(bundle)[0].lines[0].id
    recording = tmp_path / "take.wav"
    for args, message in [
        (["--set-voice", "Nobody", "espeak:en-us"], "no character 'Nobody' in the cast (Narrator, Mara)"),
        (["--set-voice", "Mara", "espeak:zz-nowhere"], "the offline voice has no voice 'zz-nowhere'"),
        (["--set-voice", "Mara", "en-us"], "a voice looks like PROVIDER:VOICE_ID"),
        (["--set-voice", "Mara", "espeak:en-us", "--setting", "rate=9000"], "rate must be between 80 and 450"),
        (["--line", "line_missing"], "no line 'line_missing'"),
        (["--convert", first_line, str(recording)], "recording not found"),
    ]:
        code, _, err = _run(capsys, str(bundle), *args)
        assert code == 2, (args, err)
        assert message in err and len(err.strip().splitlines()) == 1, err
    recording.write_bytes(b"RIFF....WAVEfmt nothing useful")
    code, _, err = _run(capsys, str(bundle), "--convert", first_line, str(recording))
    assert code == 2 and "not an audio file" in err
    assert _run(capsys)[0] == 2
    assert store.load(bundle)[0].lines[0].status == "pending"  # nothing was marked failed by bad input


def test_store_key_without_a_keyring_says_so(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("sk_secret_value_123\n"))
    code, out, err = _run(capsys, "--store-key")
    assert code == 2 and "no usable keyring" in err and "ELEVENLABS_API_KEY" in err
    assert "sk_secret_value_123" not in out + err
