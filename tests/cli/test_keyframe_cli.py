"""`storyreel keyframe`: each shot's still, made from its prompt and its cast's reference stills — with the
animatic (the story card with the cast's stills in a strip) and with a tiny image model loaded through
``from_pretrained`` — then animated by `storyreel generate`; the metadata names the elements used, and a new
still for an element marks the keyframe stale."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from skimage import data as skdata
from still_images import save_still

from engine.request import file_sha256
from engine.video_io import load_image_rgb
from studio.project import store


def _ok(done) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _shot(cli, bundle: Path) -> dict:
    return json.loads(_ok(cli("shot", "list", str(bundle), "--json")))[0]


def test_animatic_keyframes_show_the_cast_and_are_what_the_take_animates(cli, tmp_path: Path) -> None:
    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "320x180", "--fps", "12"))
    red = np.zeros((120, 90, 3), np.uint8)
    red[:] = (220, 30, 30)
    _ok(cli("cast", "add", str(bundle), "Keeper", "--description", "an old man",
            "--ref", str(save_still(red, tmp_path / "keeper.png"))))
    _ok(cli("shot", "add", str(bundle), "--prompt", "@Keeper climbs the stairs", "--duration", "1"))
    out = _ok(cli("keyframe", str(bundle)))
    assert "elements: Keeper" in out
    summary = _shot(cli, bundle)
    assert summary["keyframes"] == 1 and summary["keyframe_stale"] is None
    still = load_image_rgb(bundle / summary["reference"])
    assert still.shape == (180, 320, 3)
    reds = (still[..., 0] > 180) & (still[..., 1] < 80) & (still[..., 2] < 80)
    assert reds[90:].sum() > 200 and reds[:60].sum() == 0  # the keeper's still, in the strip at the card's foot

    assert "every shot has a keyframe" in _ok(cli("keyframe", str(bundle), "--missing-only"))
    _ok(cli("keyframe", str(bundle), "--takes", "2"))
    project = store.load(bundle)[0]
    shot = project.shots[0]
    assert len(shot.keyframes) == 3 and len({k.seed for k in shot.keyframes}) == 3
    assert shot.reference == shot.keyframe(shot.active_keyframe).media

    _ok(cli("generate", str(bundle)))
    take = store.load(bundle)[0].shots[0].active()
    assert take.request["reference_sha256"] == file_sha256(bundle / shot.reference)  # the take starts from it

    _ok(cli("cast", "edit", str(bundle), "Keeper", "--ref", str(save_still(skdata.astronaut(), tmp_path / "k.png"))))
    assert _shot(cli, bundle)["keyframe_stale"] == "Keeper's reference images changed since this take was made"


def test_a_tiny_image_model_makes_the_keyframe_and_says_what_it_ignored(cli, tmp_path: Path,
                                                                        tmp_path_factory) -> None:
    import tiny_image_models  # tests/support

    model = tiny_image_models.ensure_tiny_image_models(tmp_path_factory.getbasetemp() / "tiny-image-models")["sd"]
    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "128x72"))
    _ok(cli("cast", "add", str(bundle), "Keeper", "--description", "an old man",
            "--ref", str(save_still(skdata.astronaut(), tmp_path / "keeper.png"))))
    _ok(cli("shot", "add", str(bundle), "--prompt", "The keeper looks at the sea", "--cast", "Keeper"))
    out = _ok(cli("keyframe", str(bundle), "--model", str(model)))
    assert "takes no reference images" in out  # SD is text-only: the cast's still was ignored, and it says so
    key = store.load(bundle)[0].shots[0].keyframes[0]
    assert key.source == "generated" and key.backend == "diffusers" and key.model_id
    assert key.request["prompt"] == "The keeper looks at the sea. Keeper: an old man."
    assert list(key.metadata["elements"].values())[0]["name"] == "Keeper"
    assert load_image_rgb(bundle / key.media).shape[2] == 3

    video = cli("keyframe", str(bundle), "--model", "Wan-AI/Wan2.1-T2V-1.3B-Diffusers")
    assert video.returncode == 2 and "makes video, not stills" in video.stderr


def test_a_story_card_take_shows_the_cast_strip_on_every_frame(cli, tmp_path: Path) -> None:
    from engine.video_io import read_frames

    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "320x180", "--fps", "12"))
    red = np.zeros((120, 90, 3), np.uint8)
    red[:] = (220, 30, 30)
    _ok(cli("cast", "add", str(bundle), "Keeper", "--ref", str(save_still(red, tmp_path / "keeper.png"))))
    _ok(cli("shot", "add", str(bundle), "--prompt", "@Keeper climbs the stairs", "--duration", "1",
            "--camera", "push_in"))
    _ok(cli("shot", "add", str(bundle), "--prompt", "The empty stairs", "--duration", "1", "--camera", "push_in"))
    _ok(cli("generate", str(bundle)))
    project = store.load(bundle)[0]
    with_cast, without = (read_frames(bundle / s.active().media, [0, -1]) for s in project.shots)

    def red_in_strip(frame: np.ndarray) -> int:
        foot = frame[90:, 120:].astype(int)  # the strip sits right-aligned along the foot of the card
        return int(((foot[..., 0] > 170) & (foot[..., 1] < 90) & (foot[..., 2] < 90)).sum())

    assert all(red_in_strip(f) > 300 for f in with_cast)  # first and last frame: it holds still over the move
    assert all(red_in_strip(f) == 0 for f in without)
