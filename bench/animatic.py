"""Animatic push-in vs ffmpeg's own zoompan making the same move on the same still, same encoder settings (x264
medium, CRF 18, one encoder thread as the animatic's takes use: the same bytes on every machine).

Run: .venv/bin/python bench/animatic.py [--repeat N]
Prints one JSON line: {"bench": "animatic", "storyreel_s": .., "baseline_s": .., "ratio": .., "target": 1.0}
(ratio = storyreel / baseline; below 1 means the animatic engine is faster than ffmpeg's filter).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
from skimage import data as skdata

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.backends.animatic import ENCODER_THREADS, AnimaticBackend
from engine.request import GenerationRequest
from engine.video_io import TO_YUV_FILTER, ffmpeg_exe, h264_args, probe_video

WIDTH, HEIGHT, FPS, SECONDS, ZOOM = 1280, 720, 24, 5, 0.22
FRAMES = FPS * SECONDS
CRF, PRESET = 18, "medium"


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (ffmpeg): a load-independent second view."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def make_still(path: Path) -> None:
    """A 1920x1080 photograph (scikit-image's astronaut, cover-cropped and scaled up)."""
    image = skdata.astronaut()
    crop = image[(512 - 288) // 2 : (512 + 288) // 2]
    still = cv2.resize(crop, (1920, 1080), interpolation=cv2.INTER_LANCZOS4)
    cv2.imwrite(str(path), cv2.cvtColor(still, cv2.COLOR_RGB2BGR))


def run_storyreel(still: Path, out_dir: Path) -> float:
    request = GenerationRequest(prompt="", width=WIDTH, height=HEIGHT, num_frames=FRAMES, fps=FPS,
                                camera="push_in").with_reference(still)
    started = time.perf_counter()
    result = AnimaticBackend(crf=CRF, preset=PRESET).generate(request, out_dir)
    elapsed = time.perf_counter() - started
    assert probe_video(result.video).frame_count == FRAMES
    return elapsed


def run_zoompan(still: Path, out: Path) -> float:
    # The same eased zoom (1 -> 1.22, sine ease-in-out), centred, at the same size, rate and frame count.
    zoom = f"1+{ZOOM}*(0.5-0.5*cos(PI*on/{FRAMES - 1}))"
    graph = (f"zoompan=z='{zoom}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d={FRAMES}"
             f":s={WIDTH}x{HEIGHT}:fps={FPS},{TO_YUV_FILTER}")
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", str(still),
               "-vf", graph, *h264_args(crf=CRF, preset=PRESET), "-threads", str(ENCODER_THREADS),
               "-frames:v", str(FRAMES), str(out)]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    elapsed = time.perf_counter() - started
    assert probe_video(out).frame_count == FRAMES
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each side, alternated; the best counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="storyreel-bench-") as folder:
        root = Path(folder)
        still = root / "still.png"
        make_still(still)
        ours, theirs, ours_cpu, theirs_cpu = [], [], [], []
        for run in range(args.repeat):
            before = cpu_seconds()
            ours.append(run_storyreel(still, root / f"take{run}"))
            middle = cpu_seconds()
            theirs.append(run_zoompan(still, root / f"zoompan{run}.mp4"))
            ours_cpu.append(middle - before)
            theirs_cpu.append(cpu_seconds() - middle)
    storyreel_s, baseline_s = min(ours), min(theirs)
    print(json.dumps({
        "bench": "animatic", "storyreel_s": round(storyreel_s, 3), "baseline_s": round(baseline_s, 3),
        "ratio": round(storyreel_s / baseline_s, 3), "target": 1.0,
        "storyreel_cpu_s": round(min(ours_cpu), 3), "baseline_cpu_s": round(min(theirs_cpu), 3),
        "cpu_ratio": round(min(ours_cpu) / min(theirs_cpu), 3),
        "frames": FRAMES, "size": f"{WIDTH}x{HEIGHT}", "preset": PRESET, "crf": CRF,
    }))


if __name__ == "__main__":
    main()
