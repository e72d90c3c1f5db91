"""Start and end frames from the command line, with the animatic: a shot that continues the previous one starts on
its last frame, a first/last-frame shot starts and ends on its stills, the lineage and staleness survive saves, and
links that would wait on each other are refused.

Tolerance: tests/support/still_images.FRAME_TOLERANCE (mean absolute difference under 6 of 255 per channel).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from skimage import data as skdata
from still_images import FRAME_TOLERANCE, frame_distance, framed, save_still

from engine.video_io import read_frames
from studio.project import store

TOLERANCE = FRAME_TOLERANCE


def _ok(done) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _video(bundle: Path, shot_id: str) -> Path:
    project = store.load(bundle)[0]
    shot = project.shot(shot_id)
    return store.resolve_media(bundle, shot.active().media)


def _shots(cli, bundle: Path) -> dict[str, dict]:
    return {s["id"]: s for s in json.loads(_ok(cli("shot", "list", str(bundle), "--json")))}


def test_continue_first_last_frame_lineage_and_staleness(cli, tmp_path: Path) -> None:
    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "192x108", "--fps", "12"))
    astronaut, coffee, cat = skdata.astronaut(), skdata.coffee(), skdata.chelsea()
    a = _ok(cli("shot", "add", str(bundle), "--prompt", "The keeper looks out", "--duration", "1", "--camera",
                "pan_left", "--ref", str(save_still(astronaut, tmp_path / "a.png")))).strip()
    b = _ok(cli("shot", "add", str(bundle), "--prompt", "He turns away", "--duration", "1", "--camera", "push_in",
                "--start-frame", "prev")).strip()
    c = _ok(cli("shot", "add", str(bundle), "--prompt", "From the cup to the cat", "--duration", "1",
                "--camera", "orbit", "--start-frame", str(save_still(coffee, tmp_path / "cup.png")),
                "--end-frame", str(save_still(cat, tmp_path / "cat.png")))).strip()
    _ok(cli("generate", str(bundle)))

    a_last = read_frames(_video(bundle, a), [-1])[0]
    b_first = read_frames(_video(bundle, b), [0])[0]
    assert frame_distance(b_first, a_last) < TOLERANCE  # B continues A from its last frame
    c_first, c_last = read_frames(_video(bundle, c), [0, -1])
    assert frame_distance(c_first, framed(coffee, 192, 108)) < TOLERANCE
    assert frame_distance(c_last, framed(cat, 192, 108)) < TOLERANCE

    listed = _shots(cli, bundle)
    assert listed[b]["start_frame"] == "previous shot's last frame" and listed[b]["stale"] is None
    assert listed[b]["lineage"] == {"start": {"shot": a, "take": listed[a]["active_take"]}}
    assert listed[c]["start_frame"].startswith("media/") and listed[c]["end_frame"].startswith("media/")

    # A new take of A: B's take was made from the old one, so it is stale (after a save and a fresh load).
    _ok(cli("generate", str(bundle), "--shot", a, "--takes", "1"))
    listed = _shots(cli, bundle)
    assert "shot 1's active take changed" in listed[b]["stale"]
    _ok(cli("generate", str(bundle), "--shot", b, "--takes", "1"))
    assert _shots(cli, bundle)[b]["stale"] is None


def test_links_that_wait_on_each_other_and_impossible_frames_are_refused(cli, tmp_path: Path) -> None:
    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "192x108"))
    a = _ok(cli("shot", "add", str(bundle), "--prompt", "First")).strip()
    _ok(cli("shot", "add", str(bundle), "--prompt", "Second", "--start-frame", "prev"))
    before = (bundle / "project.json").read_bytes()

    looped = cli("shot", "edit", str(bundle), a, "--end-frame", "next")
    assert looped.returncode == 2 and "each would wait for the other" in looped.stderr
    wrong_way = cli("shot", "edit", str(bundle), a, "--start-frame", "next")
    assert wrong_way.returncode == 2 and "a start frame can be prev" in wrong_way.stderr
    assert (bundle / "project.json").read_bytes() == before  # nothing was saved

    _ok(cli("shot", "edit", str(bundle), a, "--end-frame", str(save_still(skdata.chelsea(), tmp_path / "cat.png")),
            "--ref", str(save_still(skdata.coffee(), tmp_path / "cup.png"))))
    no_flf = cli("generate", str(bundle), "--shot", a, "--backend", "diffusers", "--model", "Lightricks/LTX-Video")
    assert no_flf.returncode == 2, no_flf.stdout + no_flf.stderr
    assert "cannot use one" in no_flf.stderr and "Wan-AI/Wan2.1-FLF2V-14B-720P-diffusers" in no_flf.stderr

    orphan = cli("generate", str(bundle), "--shot", _shots(cli, bundle)[a]["id"])
    assert orphan.returncode == 0
    second = [s for s in _shots(cli, bundle).values() if s["index"] == 1][0]
    alone = cli("shot", "edit", str(bundle), second["id"], "--start-frame", "none")
    assert alone.returncode == 0 and _shots(cli, bundle)[second["id"]]["start_frame"] is None


def test_extend_keeps_every_original_frame_and_records_its_lineage(cli, tmp_path: Path) -> None:
    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "192x108", "--fps", "12"))
    shot = _ok(cli("shot", "add", str(bundle), "--prompt", "The lamp turns", "--duration", "1", "--camera",
                   "push_in", "--ref", str(save_still(skdata.astronaut(), tmp_path / "a.png")))).strip()
    _ok(cli("generate", str(bundle)))
    original = read_frames(_video(bundle, shot))
    original_take = _shots(cli, bundle)[shot]["active_take"]

    out = _ok(cli("extend", str(bundle), shot, "--seconds", "1"))
    assert "12 kept" in out and "12 new after them" in out
    frames = read_frames(_video(bundle, shot))
    assert len(frames) == 24
    assert all(np.array_equal(a, b) for a, b in zip(original, frames[:12], strict=True))  # bit-identical
    seam = frame_distance(frames[12], frames[11])
    inside = np.median([frame_distance(frames[i + 1], frames[i]) for i in range(len(frames) - 1) if i != 11])
    assert seam < max(3 * inside, TOLERANCE), (seam, inside)  # the move carries on, no jump at the join
    listed = _shots(cli, bundle)[shot]
    assert listed["duration_frames"] == 24 and listed["takes"] == 2
    assert listed["lineage"] == {"extended_from": original_take, "kept_frames": 12, "added_frames": 12,
                                 "direction": "forward"}

    _ok(cli("extend", str(bundle), shot, "--seconds", "0.5", "--backward"))
    back = read_frames(_video(bundle, shot))
    assert len(back) == 30 and all(np.array_equal(a, b) for a, b in zip(frames, back[6:], strict=True))

    rendered = tmp_path / "film.mp4"
    _ok(cli("render", str(bundle), "-o", str(rendered)))
    assert len(read_frames(rendered)) == 30

    (bundle / store.load(bundle)[0].shot(shot).active().media).unlink()
    offline = cli("extend", str(bundle), shot, "--seconds", "1")
    assert offline.returncode == 2 and "offline" in offline.stderr


def test_bridge_meets_both_neighbours_and_refuses_itself(cli, tmp_path: Path) -> None:
    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "192x108", "--fps", "12"))
    a = _ok(cli("shot", "add", str(bundle), "--prompt", "The cup", "--duration", "1", "--camera", "pan_left",
                "--ref", str(save_still(skdata.coffee(), tmp_path / "cup.png")))).strip()
    b = _ok(cli("shot", "add", str(bundle), "--prompt", "The cat", "--duration", "1", "--camera", "tilt_up",
                "--ref", str(save_still(skdata.chelsea(), tmp_path / "cat.png")))).strip()
    _ok(cli("generate", str(bundle)))
    itself = cli("bridge", str(bundle), a, a)
    assert itself.returncode == 2 and "two different shots" in itself.stderr

    _ok(cli("bridge", str(bundle), a, b, "--seconds", "1.5"))
    shots = sorted(_shots(cli, bundle).values(), key=lambda s: s["index"])
    assert [s["id"] for s in shots][0] == a and shots[2]["id"] == b
    bridge = shots[1]
    assert bridge["duration_frames"] == 18
    assert bridge["lineage"]["start"]["shot"] == a and bridge["lineage"]["end"]["shot"] == b
    first, last = read_frames(_video(bundle, bridge["id"]), [0, -1])
    assert frame_distance(first, read_frames(_video(bundle, a), [-1])[0]) < TOLERANCE
    assert frame_distance(last, read_frames(_video(bundle, b), [0])[0]) < TOLERANCE
    assert "bridge" not in bridge["flags"]

    # As the join's transition: flagged as a bridge, between the bridge shot and B this time.
    _ok(cli("bridge", str(bundle), bridge["id"], b, "--seconds", "0.5", "--as", "transition"))
    shots = sorted(_shots(cli, bundle).values(), key=lambda s: s["index"])
    assert [s["id"] for s in shots][1] == bridge["id"] and shots[3]["id"] == b
    assert shots[2]["flags"] == ["bridge"] and shots[2]["duration_frames"] == 6
    first = read_frames(_video(bundle, shots[2]["id"]), [0])[0]
    assert frame_distance(first, read_frames(_video(bundle, bridge["id"]), [-1])[0]) < TOLERANCE


def test_a_hostile_still_inside_the_bundle_is_refused_before_the_engine_reads_it(cli, tmp_path: Path) -> None:
    import os

    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "192x108"))
    shot = _ok(cli("shot", "add", str(bundle), "--prompt", "The cup", "--start-frame",
                   str(save_still(skdata.coffee(), tmp_path / "cup.png")))).strip()
    still = bundle / store.load(bundle)[0].shot(shot).start_frame.path
    still.unlink()
    os.mkfifo(still)  # a bundle from elsewhere: its "still" would block any reader
    done = cli("generate", str(bundle), timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot be used" in done.stderr and len(done.stderr.strip().splitlines()) == 1
