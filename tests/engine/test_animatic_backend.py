"""The animatic backend's takes: exact files and metadata, determinism, stills, cancel, progress, bad input."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data as skdata

from engine.backends.animatic import AnimaticBackend
from engine.progress import Cancelled, CancelToken, Progress
from engine.request import GenerationRequest, RequestError
from engine.video_io import load_image_rgb, probe_video, read_frames

FAST = AnimaticBackend(preset="ultrafast")


def request(**fields: object) -> GenerationRequest:
    values: dict[str, object] = dict(prompt="The keeper lights the lamp", width=160, height=90, num_frames=18,
                                     fps=24, seed=5, camera="push_in", label="Shot 2 · Medium")
    values.update(fields)
    return GenerationRequest(**values)  # type: ignore[arg-type]


def test_take_has_exact_video_stills_and_metadata(tmp_path: Path) -> None:
    events: list[Progress] = []
    req = request(fps=25.0, num_frames=20)
    result = FAST.generate(req, tmp_path, events.append, CancelToken())
    info = probe_video(result.video)
    assert (info.width, info.height, info.frame_count) == (160, 90, 20)
    assert info.fps == pytest.approx(25.0) and info.duration_seconds == pytest.approx(0.8, abs=1e-3)
    assert info.codec == "h264" and info.pix_fmt == "yuv420p"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.png", "last.png", "thumb.jpg", "video.mp4"]
    frames = read_frames(result.video, [0, -1])
    assert np.abs(load_image_rgb(result.first_frame).astype(int) - frames[0]).mean() < 4
    assert np.abs(load_image_rgb(result.last_frame).astype(int) - frames[1]).mean() < 4
    assert cv2.imread(str(result.thumbnail)).shape[:2] == (90, 160)  # never upscaled past the frame
    assert (result.width, result.height, result.num_frames, result.fps) == (160, 90, 20, 25.0)
    assert result.request == req and result.backend == "animatic" and result.model_id == "animatic"
    assert set(result.timings) >= {"prepare_s", "render_encode_s", "total_s"} and result.timings["total_s"] > 0
    assert result.peak_memory_bytes and result.peak_memory_bytes > 160 * 90 * 3
    renders = [e for e in events if e.stage == "render"]
    assert [e.done for e in renders] == list(range(1, 21)) and all(e.total == 20 for e in renders)


def test_same_seed_same_frames_other_seed_other_colours(tmp_path: Path) -> None:
    a = FAST.generate(request(), tmp_path / "a")
    b = FAST.generate(request(), tmp_path / "b")
    c = FAST.generate(request(seed=6), tmp_path / "c")
    assert a.first_frame.read_bytes() == b.first_frame.read_bytes()
    assert a.last_frame.read_bytes() == b.last_frame.read_bytes()
    assert all(np.array_equal(x, y) for x, y in zip(read_frames(a.video), read_frames(b.video), strict=True))
    mean_a = load_image_rgb(a.first_frame).reshape(-1, 3).mean(axis=0)
    mean_c = load_image_rgb(c.first_frame).reshape(-1, 3).mean(axis=0)
    assert np.abs(mean_a - mean_c).sum() > 6  # another seed, another palette


def test_reference_still_is_what_the_take_shows(tmp_path: Path) -> None:
    astronaut = skdata.astronaut()  # 512x512 RGB
    still = tmp_path / "astronaut.png"
    cv2.imwrite(str(still), cv2.cvtColor(astronaut, cv2.COLOR_RGB2BGR))
    result = FAST.generate(request(camera="static", width=128, height=128).with_reference(still), tmp_path / "take")
    frame = read_frames(result.video, [0])[0]
    expected = cv2.resize(astronaut, (128, 128), interpolation=cv2.INTER_AREA)
    assert np.abs(frame.astype(int) - expected).mean() < 6
    assert result.request.task == "image_to_video"


def test_first_last_frame_dissolves_between_the_stills(tmp_path: Path) -> None:
    red, blue = tmp_path / "red.png", tmp_path / "blue.png"
    cv2.imwrite(str(red), np.full((90, 160, 3), (40, 40, 220), np.uint8))
    cv2.imwrite(str(blue), np.full((90, 160, 3), (220, 60, 40), np.uint8))
    req = replace(request(camera="static").with_reference(red), task="first_last_frame", last_image=str(blue))
    first, middle, last = read_frames(FAST.generate(req, tmp_path / "take").video, [0, 9, -1])
    assert first[45, 80, 0] > 200 and last[45, 80, 2] > 200
    assert 60 < middle[45, 80, 0] < 200


def test_cancel_mid_render_leaves_no_file(tmp_path: Path) -> None:
    token = CancelToken()

    def cancel_at_five(event: Progress) -> None:
        if event.stage == "render" and event.done == 5:
            token.cancel()

    with pytest.raises(Cancelled):
        FAST.generate(request(num_frames=24), tmp_path, cancel_at_five, token)
    assert list(tmp_path.iterdir()) == []


def test_odd_size_is_trimmed_with_a_note(tmp_path: Path) -> None:
    result = FAST.generate(request(width=161, height=91, num_frames=4), tmp_path)
    assert (probe_video(result.video).width, probe_video(result.video).height) == (160, 90)
    assert any("trimmed" in note for note in result.notes)


def test_bad_references_and_options_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(RequestError, match="cannot be found"):
        FAST.generate(request(reference_image=str(tmp_path / "gone.png"), task="image_to_video"), tmp_path)
    (tmp_path / "junk.png").write_bytes(b"not an image")
    with pytest.raises(RequestError, match="cannot be used"):
        FAST.generate(request(reference_image=str(tmp_path / "junk.png"), task="image_to_video"), tmp_path)
    with pytest.raises(RequestError, match="camera_strength"):
        FAST.generate(request(options=(("camera_strength", "lots"),)), tmp_path)
    assert not (tmp_path / "video.mp4").exists()


def test_single_frame_take(tmp_path: Path) -> None:
    result = FAST.generate(request(num_frames=1, camera="orbit"), tmp_path)
    assert probe_video(result.video).frame_count == 1
