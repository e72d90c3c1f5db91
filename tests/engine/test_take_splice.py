"""Joining an original take and newly generated frames keeps every original frame bit-identical."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.backends.animatic import AnimaticBackend
from engine.request import GenerationRequest
from engine.take_splice import splice_videos
from engine.video_io import VideoError, probe_video, read_frames, write_video


def take(tmp_path: Path, name: str, seed: int, frames: int, camera: str = "push_in") -> Path:
    request = GenerationRequest(prompt=f"The lighthouse, take {seed}", width=160, height=90, num_frames=frames,
                                fps=24, seed=seed, camera=camera, label="SHOT 1")
    # The default encoder: B-frames, whose order a join must keep.
    return AnimaticBackend().generate(request, tmp_path / name).video


def test_the_kept_frames_are_bit_identical_and_the_new_ones_follow(tmp_path: Path) -> None:
    original = take(tmp_path, "original", 1, 30)
    extension = take(tmp_path, "extension", 2, 18, camera="pan_left")
    joined = splice_videos([original, extension], tmp_path / "extended.mp4")

    info = probe_video(joined)
    assert info.frame_count == 48 and (info.width, info.height) == (160, 90)
    assert abs(info.duration_seconds - 2.0) < 1e-6
    kept, added = read_frames(original), read_frames(extension)
    frames = read_frames(joined)
    for index, frame in enumerate(kept):
        assert np.array_equal(frame, frames[index]), f"original frame {index} changed"
    for index, frame in enumerate(added):
        assert np.array_equal(frame, frames[len(kept) + index]), f"new frame {index} changed"


def test_backward_extension_puts_the_new_frames_first(tmp_path: Path) -> None:
    original = take(tmp_path, "original", 1, 24)
    before = take(tmp_path, "before", 3, 12)
    joined = read_frames(splice_videos([before, original], tmp_path / "back.mp4"))
    assert len(joined) == 36
    assert all(np.array_equal(a, b) for a, b in zip(read_frames(original), joined[12:], strict=True))


def test_clips_of_other_sizes_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    original = take(tmp_path, "original", 1, 12)
    other = tmp_path / "other.mp4"
    write_video(other, [np.zeros((120, 160, 3), np.uint8)] * 6, 24)
    with pytest.raises(VideoError, match="different sizes"):
        splice_videos([original, other], tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".mp4"] == ["other.mp4"]
