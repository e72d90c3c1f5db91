"""The ffmpeg writer/prober/reader: exact counts and sizes, colours that survive, nothing left on failure."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from engine.progress import Cancelled
from engine.video_io import (
    VideoError,
    VideoWriter,
    fps_fraction,
    load_image_rgb,
    probe_video,
    read_frames,
    write_stills,
    write_video,
)


def moving_square(count: int, width: int = 160, height: int = 90) -> list[np.ndarray]:
    frames = []
    for i in range(count):
        frame = np.full((height, width, 3), (200, 60, 30), np.uint8)
        frame[20:40, 10 + i * 4 : 30 + i * 4] = (20, 200, 240)
        frames.append(frame)
    return frames


@pytest.mark.parametrize(("fps", "count"), [(24.0, 24), (23.976, 13), (30.0, 1), (12.5, 17)])
def test_written_video_has_exact_count_size_rate(tmp_path: Path, fps: float, count: int) -> None:
    path = tmp_path / "clip.mp4"
    assert write_video(path, moving_square(count), fps) == count
    info = probe_video(path)
    assert (info.width, info.height, info.frame_count) == (160, 90, count)
    assert info.codec == "h264" and info.pix_fmt == "yuv420p"
    assert info.fps == pytest.approx(float(fps_fraction(fps)), rel=1e-6)
    assert info.duration_seconds == pytest.approx(count / float(fps_fraction(fps)), abs=1e-3)
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]  # no temp left beside it


def test_frames_read_back_with_their_colours_and_order(tmp_path: Path) -> None:
    frames = moving_square(20)
    path = tmp_path / "clip.mp4"
    write_video(path, frames, 24)
    first, last, middle = read_frames(path, [0, -1, 10])
    assert np.abs(first.astype(int) - frames[0]).mean() < 2.0
    assert np.abs(last.astype(int) - frames[-1]).mean() < 2.0
    # the square sits where frame 10 put it (x 50..70), not where frame 0 did
    assert middle[30, 60, 2] > 200 and middle[30, 20, 2] < 60
    assert len(read_frames(path)) == 20
    with pytest.raises(IndexError):
        read_frames(path, [20])


def test_exception_inside_writer_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    path_before = tmp_path / "other.mp4"
    write_video(path_before, moving_square(3), 24)
    with pytest.raises(Cancelled), VideoWriter(path, 160, 90, 24) as writer:
        for frame in moving_square(10):
            writer.write(frame)
        raise Cancelled("user cancelled")
    assert not path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.mp4"]


def test_existing_file_survives_a_failed_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    write_video(path, moving_square(5), 24)
    before = path.read_bytes()
    with pytest.raises(RuntimeError), VideoWriter(path, 160, 90, 24) as writer:
        writer.write(moving_square(1)[0])
        raise RuntimeError("boom")
    assert path.read_bytes() == before


def test_bad_frames_and_sizes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="even"):
        VideoWriter(tmp_path / "x.mp4", 161, 90, 24)
    with pytest.raises(ValueError, match="shape"), VideoWriter(tmp_path / "x.mp4", 160, 90, 24) as writer:
        writer.write(np.zeros((90, 100, 3), np.uint8))
    assert not (tmp_path / "x.mp4").exists()
    with pytest.raises(VideoError):
        write_video(tmp_path / "y.mp4", [], 24)


def test_probe_rejects_a_truncated_or_bogus_file(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    write_video(path, moving_square(12), 24)
    data = path.read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: len(data) // 3])
    (tmp_path / "text.mp4").write_text("not a video")
    for name in ("cut.mp4", "text.mp4", "missing.mp4"):
        with pytest.raises(VideoError):
            probe_video(tmp_path / name)


def test_write_stills_makes_first_last_and_small_thumb(tmp_path: Path, test_still: np.ndarray) -> None:
    other = np.ascontiguousarray(test_still[::-1])
    first_png, last_png, thumb = write_stills(test_still, other, tmp_path / "take")
    assert np.array_equal(load_image_rgb(first_png), test_still)
    assert np.array_equal(load_image_rgb(last_png), other)
    small = cv2.imread(str(thumb))
    assert small.shape[1] == 320 and small.shape[0] == 200


def test_load_image_handles_grey_alpha_and_garbage(tmp_path: Path) -> None:
    grey = np.tile(np.arange(64, dtype=np.uint8), (32, 1))
    cv2.imwrite(str(tmp_path / "g.png"), grey)
    assert load_image_rgb(tmp_path / "g.png").shape == (32, 64, 3)
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[..., 2] = 255
    rgba[..., 3] = 128
    cv2.imwrite(str(tmp_path / "a.png"), rgba)
    assert load_image_rgb(tmp_path / "a.png")[0, 0, 0] in range(126, 130)
    (tmp_path / "bad.png").write_bytes(b"nope")
    with pytest.raises(VideoError, match="cannot read"):
        load_image_rgb(tmp_path / "bad.png")


def test_yuv420p_input_keeps_colours_and_counts(tmp_path: Path, test_still: np.ndarray) -> None:
    from engine.video_io import rgb_to_i420

    frames = [np.ascontiguousarray(test_still[:90, :160]), np.ascontiguousarray(test_still[100:190, 200:360])]
    path = tmp_path / "planes.mp4"
    with VideoWriter(path, 160, 90, 24, pixel_format="yuv420p") as writer:
        for frame in frames:
            writer.write(rgb_to_i420(frame))
        with pytest.raises(ValueError, match="yuv420p"):
            writer.write(frame)  # an RGB frame is not an I420 buffer
    back = read_frames(path)
    assert len(back) == 2 and probe_video(path).frame_count == 2
    for original, decoded in zip(frames, back, strict=True):
        assert np.abs(original.astype(int) - decoded).mean() < 4.0
    flat = np.full((90, 160, 3), (200, 60, 30), np.uint8)
    write_video(tmp_path / "rgb.mp4", [flat], 24)
    with VideoWriter(tmp_path / "yuv.mp4", 160, 90, 24, pixel_format="yuv420p") as writer:
        writer.write(rgb_to_i420(flat))
    via_rgb, via_yuv = read_frames(tmp_path / "rgb.mp4")[0], read_frames(tmp_path / "yuv.mp4")[0]
    assert np.abs(via_rgb.astype(int) - via_yuv).max() <= 2  # our BT.709 matches ffmpeg's
