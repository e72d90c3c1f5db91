"""Storyreel's export (ffmpeg filtergraphs) vs rendering the same cut with moviepy (studio/cut/moviepy_adapter.py).

Both make the film of bench/export.py (takes in the engines' sizes and rates, crossfades, a dip, narration, a
ducked music bed) with the same x264 settings (the project's preset, CRF 20) and AAC audio; moviepy composites
every frame in Python/numpy and writes with ``write_videofile``. moviepy's side leaves out loudness
normalisation, so the comparison favours it slightly. This is the measurement behind "the exporter stays on
ffmpeg" in the README.

Run: .venv/bin/python bench/moviepy_export.py [--shots 6] [--seconds 3] [--preset medium]
Prints one JSON line: {"bench": "moviepy_export", ...} with ratio = storyreel export / moviepy (target 1.0).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from export import build_film, count_frames, timed  # bench/export.py: the same film and timers

from studio.cut import build_plan, export_film
from studio.cut.moviepy_adapter import plan_clips


def moviepy_render(document, out: Path) -> None:
    plan = build_plan(document.project, document.bundle)
    s = plan.settings
    with plan_clips(plan) as cut:
        cut.video.write_videofile(str(out), fps=plan.fps, codec="libx264", preset=s.preset, audio_codec="aac",
                                  audio_bitrate=s.audio_bitrate, audio_fps=s.sample_rate,
                                  ffmpeg_params=["-crf", str(s.crf), "-pix_fmt", "yuv420p"], logger=None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shots", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--preset", default="medium")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="storyreel-bench-moviepy-"))
    try:
        document = build_film(root, args.shots, args.seconds, args.preset)
        ours_wall, ours_cpu, report = timed(lambda: export_film(document, root / "storyreel.mp4"))
        theirs_wall, theirs_cpu, _ = timed(lambda: moviepy_render(document, root / "moviepy.mp4"))
        frames = (count_frames(root / "storyreel.mp4"), count_frames(root / "moviepy.mp4"))
        print(json.dumps({
            "bench": "moviepy_export", "shots": args.shots, "seconds_per_shot": args.seconds,
            "size": f"{report.width}x{report.height}", "frames": frames,
            "storyreel_s": round(ours_wall, 2), "moviepy_s": round(theirs_wall, 2),
            "storyreel_cpu_s": round(ours_cpu, 2), "moviepy_cpu_s": round(theirs_cpu, 2),
            "ratio": round(ours_wall / theirs_wall, 3), "cpu_ratio": round(ours_cpu / theirs_cpu, 3),
            "moviepy_slower_by": round(theirs_wall / ours_wall, 2), "target": 1.0,
        }))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
