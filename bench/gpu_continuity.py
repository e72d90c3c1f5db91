"""GPU continuity benchmark: a long shot in windows and an extended take, on the real LTX-Video 2B architecture
(random weights, no downloads: diffusers' default LTX transformer and VAE configurations are the released ones;
the text encoder is a 2-layer T5 of the real width, the tokenizer is built in code). The checkpoint is saved in
diffusers layout and loaded through ``from_pretrained`` by the engine's worker, as a downloaded model would be.

Figures (one JSON line each):
- ``gpu_long_shot``: a shot of ``--seconds`` (default 20 s at 24 fps, 768x512) made in windows of at most 257
  frames vs one window's cost per output second: ``ratio`` is the windowing overhead (the overlaps are
  generated twice; target <= 1.15x), with the seam rule's figures (largest step across a seam over the largest
  step inside the windows; random weights make the motion unrepresentative, the figure checks the path);
- ``gpu_extend``: a 4 s take extended by 4 s through the engine (image-to-video from its last frame, joined by
  stream copy): seconds of work per second added, and whether every kept frame decodes bit-identical.

Without CUDA it prints a "skipped" line and exits 0. ``--tiny`` runs the same script on the tiny CPU checkpoint
of the tests (64x64, 2 steps) to check the script itself on any machine.

    .venv/bin/python bench/gpu_continuity.py            # on a GPU machine
    .venv/bin/python bench/gpu_continuity.py --tiny     # anywhere: the script's own check
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET = 1.15
PROMPT = "the lighthouse keeper walks along the cliff path at dusk, waves below, wind in the grass"


def _tiny_models():
    spec = importlib.util.spec_from_file_location("tiny_models", ROOT / "tests" / "support" / "tiny_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def build_checkpoint(folder: Path) -> Path:
    """Random-weight LTX-Video 2B (transformer and VAE as released) in diffusers layout, built on the GPU."""
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import T5Config, T5EncoderModel

    tokenizer = _tiny_models().build_tokenizer()
    torch.manual_seed(0)
    with torch.device("cuda"):
        transformer = LTXVideoTransformer3DModel().to(torch.bfloat16)
        vae = AutoencoderKLLTXVideo().to(torch.bfloat16)
        text_encoder = T5EncoderModel(T5Config(
            vocab_size=len(tokenizer), d_model=4096, d_ff=2048, d_kv=64, num_heads=64, num_layers=2,
            relative_attention_num_buckets=32, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
        )).to(torch.bfloat16)
    pipe = LTXPipeline(transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(),
                       text_encoder=text_encoder, tokenizer=tokenizer)
    pipe.save_pretrained(folder)
    del pipe, transformer, vae, text_encoder
    torch.cuda.empty_cache()
    return folder


def _generate(client, request):
    from engine.messages import Done

    final = client.wait(client.submit(request, force_new=True), timeout=7200)
    if not isinstance(final, Done) or final.result is None:
        raise SystemExit(f"engine job ended with {final}")
    return final.result


def long_shot(client, folder: Path, size: tuple[int, int], seconds: float, steps: int, window: int | None) -> dict:
    from engine.backends.diffusers_plan import plan_generation
    from engine.backends.diffusers_windows import seam_steps
    from engine.request import GenerationRequest
    from engine.video_io import read_frames

    options = (("window_frames", window),) if window else ()
    base = dict(prompt=PROMPT, width=size[0], height=size[1], fps=24, steps=steps, backend="diffusers",
                model_id=str(folder), seed=7, options=options)
    limit = window or plan_generation(GenerationRequest(num_frames=24, **base)).spec.constraints.max_frames
    one = GenerationRequest(num_frames=limit, **base)
    _generate(client, GenerationRequest(num_frames=one.num_frames, **{**base, "steps": 1}))  # warm: load, kernels
    started = time.perf_counter()
    _generate(client, one)
    single_s = time.perf_counter() - started
    request = GenerationRequest(num_frames=round(seconds * 24), **base)
    plan = plan_generation(request)
    started = time.perf_counter()
    result = _generate(client, request)
    long_s = time.perf_counter() - started
    seams, inside = seam_steps(read_frames(result.video), plan.windows)
    per_second_single = single_s / (one.num_frames / 24)
    per_second_long = long_s / (request.num_frames / 24)
    return {"windows": len(plan.windows), "frames": request.num_frames, "window_frames": plan.windows[0].frames,
            "one_window_s": round(single_s, 2), "long_s": round(long_s, 2),
            "ratio": round(per_second_long / per_second_single, 4), "target": TARGET,
            "max_seam_step": round(max(seams), 2), "max_inside_step": round(max(inside), 2),
            "seam_rule_holds": max(seams) <= max(inside)}


def extend(client, folder: Path, size: tuple[int, int], steps: int, tmp: Path) -> dict:
    from dataclasses import replace

    from engine.request import GenerationRequest
    from engine.take_splice import splice_videos, without_edge_frame
    from engine.video_io import read_frames

    base = GenerationRequest(prompt=PROMPT, width=size[0], height=size[1], num_frames=97, fps=24, steps=steps,
                             backend="diffusers", model_id=str(folder), seed=11)
    original = _generate(client, base)
    started = time.perf_counter()
    more = _generate(client, replace(base.with_reference(original.last_frame), num_frames=97))
    new_part = without_edge_frame(more.video, tmp / "new.mp4", 24, edge="first")
    joined = splice_videos([original.video, new_part], tmp / "extended.mp4")
    took = time.perf_counter() - started
    kept, frames = read_frames(original.video), read_frames(joined)
    identical = len(frames) == len(kept) + 96 and all(np.array_equal(a, b) for a, b in zip(kept, frames, strict=False))
    return {"kept_frames": len(kept), "added_frames": len(frames) - len(kept), "extend_s": round(took, 2),
            "s_per_second_added": round(took / 4, 3), "kept_frames_identical": identical}


def main() -> int:
    parser = argparse.ArgumentParser(description="long shots in windows and extended takes on a CUDA GPU")
    parser.add_argument("--tiny", action="store_true", help="the tests' tiny LTX on the CPU: checks the script")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--steps", type=int, default=4)
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None  # type: ignore[assignment]
    if not args.tiny and (torch is None or not torch.cuda.is_available()):
        print("gpu_continuity: no CUDA device here; nothing to measure (--tiny checks the script)", file=sys.stderr)
        print(json.dumps({"bench": "gpu_continuity", "skipped": True, "reason": "no CUDA device"}))
        return 0

    from engine.worker_client import WorkerClient

    with tempfile.TemporaryDirectory(prefix="storyreel-gpu-continuity-") as tmp:
        root = Path(tmp)
        if args.tiny:
            folder = _tiny_models().build_tiny_ltx(root / "ltx-tiny")
            size, steps, window, seconds, device = (64, 64), 2, 17, min(args.seconds, 2.0), "cpu (tiny model)"
        else:
            folder = build_checkpoint(root / "ltx-2b-random")
            size, steps, window, seconds = (768, 512), args.steps, None, args.seconds
            device = torch.cuda.get_device_name(0)
        with WorkerClient(root / "state", root / "cache",
                          backend_options={"diffusers": {"preview_every": 0}}) as client:
            figures = long_shot(client, folder, size, seconds, steps, window)
            print(json.dumps({"bench": "gpu_long_shot", "device": device, "size": f"{size[0]}x{size[1]}",
                              "steps": steps, **figures}), flush=True)
            grown = extend(client, folder, size, steps, root)
            print(json.dumps({"bench": "gpu_extend", "device": device, "size": f"{size[0]}x{size[1]}",
                              "steps": steps, **grown}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
