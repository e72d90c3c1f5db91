"""Golden test: the editor's preview and the exported MP4 are one film, frame for frame.

The example film is rendered with ``storyreel render`` (the animatic engine makes its takes, espeak narrates),
then for frames sampled across the title card, the first shot's fade-in, cuts, crossfades, the dip to black,
and the credits, the preview's own frame (its frame path, drawn offscreen: not QtMultimedia) must agree with
frame N decoded from the MP4.

Metric: PSNR over the whole RGB frame at the render size (320x180), >= 30 dB per sampled frame. H.264 at the
export's settings measures 33-66 dB here; a frame one shot off measures far below (checked at every cut, so the
metric can tell neighbouring shots apart). The render is made at 320x180 (the project's size is set so on a copy)
to keep the test short; the comparison is the same at any size.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import timeline_fixtures as fixtures  # tests/support, on the test path

from engine.video_io import probe_video, read_frames
from studio.cli.main import main as storyreel
from studio.project import ProjectDocument
from studio.timeline.layout import compute_layout
from studio.ui.preview_player import PreviewPlayer
from studio.ui.session import ProjectSession
from studio.ui.timeline import TimelineView

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "the-lighthouse-keeper.storyreel"
SIZE = (320, 180)
MIN_PSNR_DB = 30.0


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    bundle = tmp_path_factory.mktemp("golden") / "lighthouse.storyreel"
    shutil.copytree(EXAMPLE, bundle)
    document, _ = ProjectDocument.open(bundle)
    document.project.width, document.project.height = SIZE  # a small copy of the film renders fast
    document.project.export.preset = "ultrafast"
    document.mark_dirty()
    document.save()
    out = bundle.parent / "lighthouse.mp4"
    assert storyreel(["render", str(bundle), "-o", str(out)]) == 0
    return bundle, out


def sample_frames(layout) -> dict[str, int]:
    """Named frames of the film: inside cards and their fades, the fade-in, both sides of cuts, crossfades, the dip."""
    title, credits = layout.title_and_credits()[0], layout.title_and_credits()[-1]
    samples = {"title: first (black)": title.start, "title: fading up": title.start + 3,
               "title: full": title.start + title.duration // 2, "title: fading out": title.end - 2,
               "credits: fading up": credits.start + 5, "credits: full": credits.start + credits.duration // 2,
               "credits: last": credits.end - 1}
    for t in layout.transitions:
        name = f"{t.kind} into {t.shot_id}"
        samples.update({f"{name}: start": t.start, f"{name}: middle": (t.start + t.end) // 2,
                        f"{name}: end": t.end - 1})
    kinds = {t.shot_id: t.kind for t in layout.transitions}
    for after in layout.shots[1:]:
        if after.shot_id not in kinds:  # a cut
            samples[f"cut into {after.shot_id}: last of the shot before"] = after.start - 1
            samples[f"cut into {after.shot_id}: first"] = after.start
    for span in layout.shots:
        samples[f"{span.shot_id}: middle"] = span.start + span.duration // 2
    return samples


def test_preview_frames_are_the_exported_frames(qtbot, rendered):
    bundle, out = rendered
    document, _ = ProjectDocument.open(bundle)
    session = ProjectSession(document)
    player = PreviewPlayer(session, use_multimedia=False)
    qtbot.addWidget(player)
    timeline = TimelineView(session)
    qtbot.addWidget(timeline)

    info = probe_video(out)  # frames counted from the file's packets, as ffprobe -count_packets does
    layout = compute_layout(document.project)
    assert player.length == timeline.layout_frames.total == layout.total == info.frame_count
    assert len(layout.title_and_credits()) == 2 and any(t.kind == "crossfade" for t in layout.transitions)

    samples = sample_frames(layout)
    wanted = sorted(set(samples.values()))
    exported = dict(zip(wanted, read_frames(out, wanted), strict=True))
    previous = dict(zip([f - 1 for f in wanted if f > 0], read_frames(out, [f - 1 for f in wanted if f > 0]),
                        strict=True))
    low = []
    for name, frame in samples.items():
        session.set_playhead(frame)  # the timeline's playhead moves; the preview draws that frame
        assert player.position == frame
        shown = fixtures.qimage_rgb(player.current_image)
        assert shown.shape == (SIZE[1], SIZE[0], 3), name
        score = psnr(shown, exported[frame])
        if score < MIN_PSNR_DB:
            low.append(f"{name} (frame {frame}): {score:.1f} dB")
        if name.startswith("cut into") and name.endswith("first"):
            # The metric tells shots apart: frame N is not the shot before it.
            assert psnr(shown, previous[frame - 1]) < MIN_PSNR_DB - 5, name
    assert not low, "preview and export differ: " + "; ".join(low)
