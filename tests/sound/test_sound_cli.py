"""`storyreel shot add|edit --sound` and `storyreel sound` through the real entry point (a separate process)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_process import run_cli
from sound_measures import rms, tonality

from studio.project import store
from studio.voice.wav_audio import read_wav


def test_sound_prompts_takes_and_choosing_one(tmp_path: Path) -> None:
    bundle = tmp_path / "film.storyreel"
    assert run_cli("new", str(bundle), "--fps", "24", "--size", "320x180").returncode == 0
    added = run_cli("shot", "add", str(bundle), "--prompt", "a storm at sea", "--duration", "2",
                    "--sound", "waves on rocks, gulls, wind", "--sound-level", "-20")
    assert added.returncode == 0, added.stderr
    shot_id = added.stdout.strip()
    quiet = run_cli("shot", "add", str(bundle), "--prompt", "a silent card", "--duration", "1")
    assert quiet.returncode == 0
    edited = run_cli("shot", "edit", str(bundle), quiet.stdout.strip(), "--sound", "a crackling fire")
    assert edited.returncode == 0 and "sound_prompt" in edited.stdout

    made = run_cli("sound", str(bundle))
    assert made.returncode == 0, made.stderr
    assert f"{shot_id}: snd_" in made.stdout and "(sea, gulls, wind)" in made.stdout
    assert "made 2 sound take(s)" in made.stdout
    project, _ = store.load(bundle)
    shot = project.shot(shot_id)
    assert (shot.sound_prompt, shot.sound_gain_db) == ("waves on rocks, gulls, wind", -20.0)
    take = shot.active_sound()
    samples, rate = read_wav(store.resolve_media(bundle, take.media))
    assert (rate, len(samples)) == (48_000, 96_000)  # exactly the 2 s shot
    assert rms(samples / 32768) > 0.05 and tonality(samples / 32768, rate) < 30

    again = run_cli("sound", str(bundle), "--json")
    assert again.returncode == 0
    assert json.loads(again.stdout)["unchanged"] == [shot_id, quiet.stdout.strip()]

    more = run_cli("sound", str(bundle), "--shot", shot_id, "--takes", "2", "--json")
    assert more.returncode == 0, more.stderr
    assert len(json.loads(more.stdout)["made"]) == 2
    project, _ = store.load(bundle)
    takes = project.shot(shot_id).sound_takes
    assert len(takes) == 3 and len({t.seed for t in takes}) == 3 and project.shot(shot_id).active_sound_take == takes[-1].id
    first = run_cli("sound", str(bundle), "--shot", shot_id, "--use", takes[0].id)
    assert first.returncode == 0, first.stderr
    assert store.load(bundle)[0].shot(shot_id).active_sound_take == takes[0].id

    listing = json.loads(run_cli("shot", "list", str(bundle), "--json").stdout)
    assert listing[0]["sound_prompt"] == "waves on rocks, gulls, wind" and listing[0]["sound_takes"] == 3


def test_bad_sound_input_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    bundle = tmp_path / "film.storyreel"
    run_cli("new", str(bundle))
    shot_id = run_cli("shot", "add", str(bundle), "--prompt", "x", "--sound", "rain").stdout.strip()
    before = (bundle / "project.json").read_bytes()
    for args, message in (
        (("sound", str(bundle), "--shot", "shot_nope"), "no shot 'shot_nope'"),
        (("sound", str(bundle), "--takes", "0"), "--takes must be from 1 to 20"),
        (("sound", str(bundle), "--use", "snd_x"), "--use TAKE_ID needs exactly one --shot ID"),
        (("sound", str(bundle), "--shot", shot_id, "--use", "snd_x"), "has no sound take 'snd_x'"),
        (("shot", "edit", str(bundle), shot_id, "--sound-level", "loud"), "expected a level in dB"),
        (("shot", "edit", str(bundle), shot_id, "--sound-level", "40"), "between -60 and 12 dB"),
        (("shot", "edit", str(bundle), shot_id, "--sound", "x" * 1001), "sound_prompt"),
    ):
        done = run_cli(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert (bundle / "project.json").read_bytes() == before
