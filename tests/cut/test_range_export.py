"""A partial export of the cut between its I/O marks: the MP4 starts on the in mark's frame, lasts exactly the
marked frames, and carries sound; the CLI's ``render --range`` does the same; bad ranges are refused clearly."""

from __future__ import annotations

import numpy as np
import pytest
import timeline_fixtures as fixtures  # tests/support, on the test path

from engine.video_io import probe_video, read_frames
from studio.cli.main import main as storyreel
from studio.cut import CutError
from studio.cut.ffmpeg_run import probe
from studio.cut.range_export import export_marked_range, parse_range
from studio.project import ProjectDocument
from studio.timeline import nle_edits


def colour_of(frame: np.ndarray) -> tuple[int, int, int]:
    """The mean colour below the frame-number bar (the fixtures' clips are solid with a white bar on top)."""
    return tuple(int(c) for c in frame[frame.shape[0] // 3:].reshape(-1, 3).mean(axis=0))


def close_to(colour, expected, tolerance: int = 30) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


@pytest.fixture
def document(tmp_path) -> ProjectDocument:
    """Red, green and blue shots of 48 frames (2 s each at 24 fps), a narrated line on the first."""
    return fixtures.make_document(tmp_path, shots=3, take_frames=48)


def test_the_marked_range_is_exported_frame_exact(document, tmp_path):
    project = document.project
    document.execute(nle_edits.set_range_mark(project, "in", 60))  # 12 frames into the green shot
    document.execute(nle_edits.set_range_mark(project, "out", 108))  # 12 frames into the blue one
    out = tmp_path / "range.mp4"
    report = export_marked_range(document, out)
    info = probe_video(out)
    assert info.frame_count == 48 and report.frames == 48
    assert report.duration_seconds == pytest.approx(2.0)
    first, last = read_frames(out, [0, -1])
    assert close_to(colour_of(first), fixtures.COLOURS[1])  # green: shot 2 at its 12th frame
    assert close_to(colour_of(last), fixtures.COLOURS[2])  # blue: shot 3
    # The frame-number bar says which frame of the take is shown: 12 of shot 2 (bar at x = 48).
    bar = first[2, :, :].astype(int).sum(axis=1)
    assert abs(int(np.argmax(bar > 600)) - (12 * 4) % fixtures.SIZE[0]) <= 2
    assert probe(out).audio_codec == "aac"


def test_render_range_on_the_command_line_and_bad_ranges(document, tmp_path, capsys):
    out = tmp_path / "cli.mp4"
    assert storyreel(["render", str(document.bundle), "-o", str(out), "--range", "1:3", "--no-generate"]) == 0
    assert probe_video(out).frame_count == 48
    assert close_to(colour_of(read_frames(out, [0])[0]), fixtures.COLOURS[0])  # 1 s in: still the red shot
    assert storyreel(["render", str(document.bundle), "-o", str(tmp_path / "x.mp4"), "--range", "marks"]) == 2
    assert "no in or out mark" in capsys.readouterr().err
    assert storyreel(["render", str(document.bundle), "-o", str(tmp_path / "x.mp4"), "--range", "5:2"]) == 2
    assert not (tmp_path / "x.mp4").exists()
    with pytest.raises(ValueError, match="IN:OUT"):
        parse_range("12", 24)
    assert parse_range(":2", 24) == (0, 48) and parse_range("marks", 24) is None
    with pytest.raises(CutError, match="outside the film"):
        export_marked_range(document, tmp_path / "y.mp4", (500, 600))
