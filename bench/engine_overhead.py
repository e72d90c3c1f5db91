"""Engine overhead: 10 tiny-Wan takes through WorkerClient + queue + worker vs the same pipeline called directly.

Both sides run in a fresh process and are timed from before ``import diffusers`` to the tenth finished take, so
each pays its imports and one model load; both write the same files per take (H.264 video, first/last/thumb).
The engine side also pays the worker spawn, the messages, the queue file and the take cache. Previews are off
(the direct side has none). Rounds alternate sides; the best round of each counts. ``warm_ratio`` compares
the cost of each take after the first (worker started, model loaded), the engine's steady state.

    .venv/bin/python bench/engine_overhead.py            # prints {"bench": "engine_overhead", ...}
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

JOBS = 10
TARGET = 1.10
SIZE, FRAMES, FPS, STEPS = 64, 17, 16, 6


def _requests(model: Path):
    from engine.request import GenerationRequest

    return [GenerationRequest(prompt="a lighthouse keeper walks in the storm", width=SIZE, height=SIZE,
                              num_frames=FRAMES, fps=FPS, steps=STEPS, seed=seed, backend="diffusers",
                              model_id=str(model)) for seed in range(JOBS)]


def run_engine(model: Path, work: Path) -> tuple[float, list[float]]:
    """Seconds for the whole run, and the time each take was ready."""
    started = time.perf_counter()
    from engine.messages import Done
    from engine.worker_client import WorkerClient

    ready: list[float] = []
    with WorkerClient(work / "state", work / "cache", backend_options={"diffusers": {"preview_every": 0}}) as client:
        jobs = [client.submit(request, force_new=True) for request in _requests(model)]
        for job in jobs:
            final = client.wait(job, timeout=600)
            if not isinstance(final, Done):
                raise SystemExit(f"engine job failed: {final}")
            ready.append(time.perf_counter())
    return time.perf_counter() - started, ready


def run_direct(model: Path, work: Path) -> tuple[float, list[float]]:
    started = time.perf_counter()
    import numpy as np
    import torch
    from diffusers import WanPipeline

    from engine.video_io import VideoWriter, write_stills

    pipe = WanPipeline.from_pretrained(str(model), dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    ready: list[float] = []
    for n, request in enumerate(_requests(model)):
        with torch.inference_mode():  # as the engine calls it
            frames = pipe(prompt=request.prompt, height=SIZE, width=SIZE, num_frames=FRAMES,
                          num_inference_steps=STEPS, guidance_scale=request.guidance,
                          generator=torch.Generator("cpu").manual_seed(request.seed), output_type="np").frames[0]
        frames = (np.clip(frames, 0, 1) * 255 + 0.5).astype(np.uint8)
        out = work / f"take{n}"
        out.mkdir(parents=True, exist_ok=True)
        with VideoWriter(out / "video.mp4", SIZE, SIZE, FPS) as writer:
            for frame in frames:
                writer.write(frame)
        write_stills(frames[0], frames[-1], out)
        ready.append(time.perf_counter())
    return time.perf_counter() - started, ready


def _tiny_wan(folder: Path) -> Path:
    spec = importlib.util.spec_from_file_location("tiny_models", ROOT / "tests" / "support" / "tiny_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.build_tiny_wan(folder)


def _side(name: str, model: Path, work: Path) -> tuple[float, float]:
    """(whole run, seconds per take once warm) of one side, in a fresh process."""
    done = subprocess.run([sys.executable, __file__, "--side", name, "--model", str(model), "--work", str(work)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{name} side failed:\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return float(figures["seconds"]), float(figures["warm_per_take"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", choices=("engine", "direct"))
    parser.add_argument("--model", type=Path)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.side:
        seconds, ready = (run_engine if args.side == "engine" else run_direct)(args.model, args.work)
        print(json.dumps({"seconds": seconds, "warm_per_take": (ready[-1] - ready[0]) / (len(ready) - 1)}))
        return 0
    with tempfile.TemporaryDirectory(prefix="storyreel-bench-") as tmp:
        root = Path(tmp)
        model = _tiny_wan(root / "tiny-wan")
        engine_times, direct_times = [], []
        for n in range(args.rounds):
            direct_times.append(_side("direct", model, root / f"direct{n}"))
            engine_times.append(_side("engine", model, root / f"engine{n}"))
    storyreel_s, baseline_s = min(t for t, _ in engine_times), min(t for t, _ in direct_times)
    warm_engine, warm_direct = min(w for _, w in engine_times), min(w for _, w in direct_times)
    print(json.dumps({
        "bench": "engine_overhead", "storyreel_s": round(storyreel_s, 3), "baseline_s": round(baseline_s, 3),
        "ratio": round(storyreel_s / baseline_s, 3), "target": TARGET, "jobs": JOBS,
        # After the first take (worker started, model loaded): what each further take costs.
        "warm_per_take_storyreel_s": round(warm_engine, 4), "warm_per_take_baseline_s": round(warm_direct, 4),
        "warm_ratio": round(warm_engine / warm_direct, 3),
        "rounds": {"engine": [round(t, 2) for t, _ in engine_times], "direct": [round(t, 2) for t, _ in direct_times]},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
