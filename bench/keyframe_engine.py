"""Keyframe engine overhead: N tiny-FLUX stills through WorkerClient + queue + worker vs the same pipeline called
directly.

Both sides run in a fresh process; both write the same files per still (``image.png`` with its metadata chunk,
``thumb.jpg``). The engine side also pays the worker spawn, the messages, the queue file and the take cache.
``warm_ratio`` compares what each still after the first costs (worker started, model loaded): the engine's steady
state, target <= 1.05x. Rounds alternate sides; the best round of each counts.

``animatic_still``: the no-weights keyframe (the story card with a strip of three reference images, 1280x720) vs
the animatic's one-frame clip of the same card (what a keyframe cost before stills existed), median of 7; target
<= 1.0x (the still must not make the no-weights path slower).

    .venv/bin/python bench/keyframe_engine.py            # prints {"bench": "keyframe_engine", ...}
    .venv/bin/python bench/keyframe_engine.py --model sd # the tiny SD-Turbo-class checkpoint instead
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
TARGET = 1.05
WIDTH, HEIGHT, STEPS = 256, 144, 4
PROMPT = "a lighthouse keeper walks in the storm"


def _requests(model: Path):
    from engine.request import GenerationRequest

    return [GenerationRequest.still(PROMPT, WIDTH, HEIGHT, steps=STEPS, seed=seed, backend="diffusers",
                                    model_id=str(model)) for seed in range(JOBS)]


def run_engine(model: Path, work: Path) -> list[float]:
    """The time each still was ready."""
    from engine.messages import Done
    from engine.worker_client import WorkerClient

    ready: list[float] = []
    with WorkerClient(work / "state", work / "cache", backend_options={"diffusers": {"device": "cpu"}}) as client:
        jobs = [client.submit(request, force_new=True) for request in _requests(model)]
        for job in jobs:
            final = client.wait(job, timeout=600)
            if not isinstance(final, Done):
                raise SystemExit(f"engine job failed: {final}")
            ready.append(time.perf_counter())
    return ready


def run_direct(model: Path, work: Path) -> list[float]:
    import diffusers
    import numpy as np
    import torch

    from engine.model_registry import resolve_model
    from engine.still_files import write_still

    spec = resolve_model(str(model))
    family = spec.family
    pipe = getattr(diffusers, spec.pipeline_class_name("text_to_image")).from_pretrained(str(model),
                                                                                         dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    ready: list[float] = []
    for n, request in enumerate(_requests(model)):
        with torch.inference_mode():  # as the engine calls it
            image = pipe(prompt=request.prompt, height=HEIGHT, width=WIDTH, num_inference_steps=STEPS,
                         **{family.guidance_argument: request.guidance},
                         generator=torch.Generator("cpu").manual_seed(request.seed), output_type="np").images[0]
        image = (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)
        write_still(image, work / f"still{n}", {"request": request.to_dict(), "seed": request.seed})
        ready.append(time.perf_counter())
    return ready


def animatic_still(work: Path, repeats: int = 7) -> dict[str, object]:
    import statistics

    import cv2
    import numpy as np

    from engine.backends.animatic import AnimaticBackend
    from engine.request import GenerationRequest

    references = []
    for n, size in enumerate(((300, 400), (300, 400), (640, 360))):
        path = work / f"reference{n}.png"
        cv2.imwrite(str(path), np.random.default_rng(n).integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))
        references.append(path)
    backend = AnimaticBackend()
    still = GenerationRequest.still(PROMPT, 1280, 720, label="Shot 1", references=references)
    clip = GenerationRequest(prompt=PROMPT, width=1280, height=720, num_frames=1, fps=24, label="Shot 1")

    def median(request: GenerationRequest, name: str) -> float:
        times = []
        for n in range(repeats):
            started = time.perf_counter()
            backend.generate(request, work / f"{name}{n}")
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    median(still, "warm")  # fonts and caches
    still_s, clip_s = median(still, "still"), median(clip, "clip")
    return {"bench": "animatic_still", "size": "1280x720", "references": 3, "storyreel_s": round(still_s, 4),
            "baseline_s": round(clip_s, 4), "ratio": round(still_s / clip_s, 3), "target": 1.0}


def _tiny(kind: str, folder: Path) -> Path:
    support = ROOT / "tests" / "support"
    sys.path.insert(0, str(support))  # tiny_image_models builds on tiny_models
    spec = importlib.util.spec_from_file_location("tiny_image_models", support / "tiny_image_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.build_tiny_sd(folder) if kind == "sd" else module.build_tiny_flux(folder)


def _side(name: str, model: Path, work: Path) -> float:
    """Seconds per still once warm, of one side in a fresh process."""
    done = subprocess.run([sys.executable, __file__, "--side", name, "--model", str(model), "--work", str(work)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{name} side failed:\n{done.stderr[-3000:]}")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["warm_per_still"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", choices=("engine", "direct"))
    parser.add_argument("--model", default="flux", help="flux | sd (built here), or a folder with --side")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.side:
        ready = (run_engine if args.side == "engine" else run_direct)(Path(args.model), args.work)
        print(json.dumps({"warm_per_still": (ready[-1] - ready[0]) / (len(ready) - 1)}))
        return 0
    with tempfile.TemporaryDirectory(prefix="storyreel-bench-") as tmp:
        root = Path(tmp)
        (root / "animatic").mkdir()
        print(json.dumps(animatic_still(root / "animatic")), flush=True)
        model = _tiny(args.model, root / f"tiny-{args.model}")
        engine_times, direct_times = [], []
        for n in range(args.rounds):
            direct_times.append(_side("direct", model, root / f"direct{n}"))
            engine_times.append(_side("engine", model, root / f"engine{n}"))
    warm_engine, warm_direct = min(engine_times), min(direct_times)
    print(json.dumps({
        "bench": "keyframe_engine", "model": f"tiny {args.model}", "size": f"{WIDTH}x{HEIGHT}", "steps": STEPS,
        "jobs": JOBS, "warm_per_still_storyreel_s": round(warm_engine, 4),
        "warm_per_still_baseline_s": round(warm_direct, 4), "warm_ratio": round(warm_engine / warm_direct, 3),
        "target": TARGET,
        "rounds": {"engine": [round(t, 4) for t in engine_times], "direct": [round(t, 4) for t in direct_times]},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
