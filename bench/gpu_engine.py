"""GPU engine benchmark: the real Wan 2.1 1.3B architecture (random weights) at 832x480, 81 frames, bf16.

Self-contained (no downloads): the transformer and VAE have Wan2.1-T2V-1.3B's real configuration; the text
encoder is a 2-layer UMT5 of the real width (4096) and the tokenizer is built in code. The checkpoint is saved
in diffusers layout and loaded through ``from_pretrained``, as a downloaded model would be.

Figures (one JSON line each):
- ``gpu_engine``: seconds per denoising step through WorkerClient + worker vs the same pipeline called directly
  in this process (both warm, previews off), target <= 1.02x;
- ``gpu_engine_memory``: peak GPU memory without offload and with model CPU offload (engine and direct);
- ``gpu_engine_first_block_cache``: seconds per step with diffusers' first-block cache vs without (random weights
  make its skipping unrepresentative of a trained model; the figure checks the option works and what it costs);
- ``gpu_engine_image`` / ``gpu_engine_image_memory``: a still (text-to-image) on the FLUX.1 architecture as released
  (19 double + 38 single blocks, dim 3072; random weights, a 2-layer T5 of the real width) at 1024x576: seconds per
  step through the engine vs the pipeline called directly, and peak GPU memory without and with model CPU offload.

Without CUDA it prints a "skipped" line and exits 0.

    .venv/bin/python bench/gpu_engine.py           # 81 frames, 4 steps
    .venv/bin/python bench/gpu_engine.py --quick   # 33 frames, 3 steps
    .venv/bin/python bench/gpu_engine.py --image-only [--flux-layers 4]   # the still case alone (fewer blocks)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET = 1.02
# Wan-AI/Wan2.1-T2V-1.3B-Diffusers transformer/config.json
WAN_13B_TRANSFORMER = dict(
    patch_size=(1, 2, 2), num_attention_heads=12, attention_head_dim=128, in_channels=16, out_channels=16,
    text_dim=4096, freq_dim=256, ffn_dim=8960, num_layers=30, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
    eps=1e-6, image_dim=None, added_kv_proj_dim=None, rope_max_seq_len=1024,
)
PROMPT = "a lighthouse keeper climbs the stairs at night, storm outside, lamp light on the walls"


def _tokenizer():
    spec = importlib.util.spec_from_file_location("tiny_models", ROOT / "tests" / "support" / "tiny_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.build_tokenizer()


def build_checkpoint(folder: Path) -> Path:
    """Random-weight Wan 2.1 1.3B (transformer + VAE as released) saved in diffusers layout."""
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanPipeline, WanTransformer3DModel
    from transformers import UMT5Config, UMT5EncoderModel

    tokenizer = _tokenizer()
    torch.manual_seed(0)
    with torch.device("cuda"):  # initialising 1.3B parameters is seconds on the GPU, minutes on the CPU
        transformer = WanTransformer3DModel(**WAN_13B_TRANSFORMER).to(torch.bfloat16)
        text_encoder = UMT5EncoderModel(UMT5Config(
            vocab_size=len(tokenizer), d_model=4096, d_ff=2048, d_kv=64, num_heads=64, num_layers=2,
            relative_attention_num_buckets=32, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
        )).to(torch.bfloat16)
        vae = AutoencoderKLWan()  # the defaults are Wan 2.1's VAE
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0)
    pipe = WanPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, scheduler=scheduler,
                       transformer=transformer)
    pipe.save_pretrained(folder)
    del pipe, transformer, text_encoder, vae
    torch.cuda.empty_cache()
    return folder


# black-forest-labs/FLUX.1-schnell transformer/config.json (num_layers / num_single_layers may be cut for a quick run)
FLUX_TRANSFORMER = dict(
    patch_size=1, in_channels=64, num_layers=19, num_single_layers=38, attention_head_dim=128, num_attention_heads=24,
    joint_attention_dim=4096, pooled_projection_dim=768, guidance_embeds=False, axes_dims_rope=(16, 56, 56),
)
IMAGE_SIZE, IMAGE_STEPS = (1024, 576), 4
BUILD_DEVICE = "cuda"  # initialising 12B parameters is seconds on the GPU


def build_flux_checkpoint(folder: Path, layers: int | None = None) -> Path:
    """Random-weight FLUX.1 (transformer and VAE as released; small text encoders of the real widths)."""
    import torch
    from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler, FluxPipeline, FluxTransformer2DModel
    from transformers import CLIPTextConfig, CLIPTextModel, T5Config, T5EncoderModel

    tokenizer = _tokenizer()
    tokenizer.model_max_length = 77
    config = dict(FLUX_TRANSFORMER)
    if layers:
        config.update(num_layers=layers, num_single_layers=2 * layers)
    torch.manual_seed(0)
    with torch.device(BUILD_DEVICE):
        transformer = FluxTransformer2DModel(**config).to(torch.bfloat16)
        text_encoder_2 = T5EncoderModel(T5Config(
            vocab_size=len(tokenizer), d_model=4096, d_ff=2048, d_kv=64, num_heads=64, num_layers=2,
            relative_attention_num_buckets=32, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
        )).to(torch.bfloat16)
        text_encoder = CLIPTextModel(CLIPTextConfig(
            vocab_size=len(tokenizer), hidden_size=768, intermediate_size=3072, num_hidden_layers=2,
            num_attention_heads=12, projection_dim=768, bos_token_id=0, eos_token_id=1, pad_token_id=0,
        )).to(torch.bfloat16)
        vae = AutoencoderKL(  # FLUX.1's VAE configuration
            in_channels=3, out_channels=3, latent_channels=16, block_out_channels=(128, 256, 512, 512),
            down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4, layers_per_block=2,
            use_quant_conv=False, use_post_quant_conv=False, shift_factor=0.1159, scaling_factor=0.3611,
        )
    pipe = FluxPipeline(scheduler=FlowMatchEulerDiscreteScheduler(shift=1.0), vae=vae, text_encoder=text_encoder,
                        tokenizer=tokenizer, text_encoder_2=text_encoder_2, tokenizer_2=_tokenizer(),
                        transformer=transformer)
    pipe.save_pretrained(folder)
    del pipe, transformer, text_encoder, text_encoder_2, vae
    torch.cuda.empty_cache()
    return folder


def run_flux_direct(folder: Path, steps: int, *, offload: bool) -> dict[str, float]:
    """FluxPipeline called directly, loaded as the engine loads it (bf16)."""
    import torch
    from diffusers import FluxPipeline

    pipe = FluxPipeline.from_pretrained(str(folder), dtype=torch.bfloat16)
    pipe.set_progress_bar_config(disable=True)
    if offload:
        pipe.enable_model_cpu_offload()
    else:
        pipe.to("cuda")

    def call(n_steps: int, stamps: list[float]) -> float:
        def on_step(_pipe, _i, _t, kwargs):
            stamps.append(time.perf_counter())
            return kwargs

        started = time.perf_counter()
        with torch.inference_mode():
            pipe(prompt=PROMPT, width=IMAGE_SIZE[0], height=IMAGE_SIZE[1], num_inference_steps=n_steps,
                 guidance_scale=0.0, generator=torch.Generator("cpu").manual_seed(0), output_type="np",
                 callback_on_step_end=on_step)
        torch.cuda.synchronize()
        return time.perf_counter() - started

    call(2, [])
    torch.cuda.reset_peak_memory_stats()
    stamps: list[float] = []
    total = call(steps, stamps)
    figures = {"step_s": _median_step(stamps), "generate_s": total,
               "peak_gb": torch.cuda.max_memory_allocated() / 2**30}
    if hasattr(pipe, "remove_all_hooks"):
        pipe.remove_all_hooks()
    pipe = None
    torch.cuda.empty_cache()
    return figures


def run_flux_engine(client, folder: Path, steps: int, **options: object) -> dict[str, float]:
    from engine.messages import Done, StepProgress
    from engine.request import GenerationRequest

    def run(n_steps: int, seed: int) -> tuple[Done, list[float]]:
        request = GenerationRequest.still(PROMPT, *IMAGE_SIZE, steps=n_steps, guidance=0.0, seed=seed,
                                          backend="diffusers", model_id=str(folder), options=tuple(options.items()))
        job = client.submit(request, force_new=True)
        stamps: list[float] = []
        while True:
            for event in client.poll(timeout=0.05):
                if event.job_id != job:
                    continue
                if isinstance(event, StepProgress) and event.stage == "denoise":
                    stamps.append(time.perf_counter())
                elif isinstance(event, Done):
                    return event, stamps
                elif hasattr(event, "reason") or type(event).__name__ == "Cancelled":
                    raise SystemExit(f"engine still job ended with {event}")

    run(2, 1)  # warm-up (and the load, for a new placement)
    done, stamps = run(steps, 2)
    result = done.result
    return {"step_s": _median_step(stamps), "generate_s": result.timings.get("generate", float("nan")),
            "peak_gb": (result.peak_memory_bytes or 0) / 2**30}


def image_case(root: Path, device: str, layers: int | None, steps: int) -> None:
    """The text-to-image figures (``gpu_engine_image``, ``gpu_engine_image_memory``)."""
    from engine.worker_client import WorkerClient

    started = time.perf_counter()
    folder = build_flux_checkpoint(root / "flux-random", layers)
    print(f"FLUX checkpoint built in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    direct = run_flux_direct(folder, steps, offload=False)
    print(f"direct still: {direct}", file=sys.stderr, flush=True)
    direct_offload = run_flux_direct(folder, steps, offload=True)
    print(f"direct still, model offload: {direct_offload}", file=sys.stderr, flush=True)
    with WorkerClient(root / "state-image", root / "cache-image") as client:
        engine = run_flux_engine(client, folder, steps)
        print(f"engine still: {engine}", file=sys.stderr, flush=True)
        engine_offload = run_flux_engine(client, folder, steps, offload="model")
        print(f"engine still, model offload: {engine_offload}", file=sys.stderr, flush=True)
    common = {"device": device, "size": f"{IMAGE_SIZE[0]}x{IMAGE_SIZE[1]}", "steps": steps, "dtype": "bfloat16",
              "double_blocks": layers or 19, "single_blocks": 2 * layers if layers else 38}
    print(json.dumps({"bench": "gpu_engine_image", "storyreel_step_s": round(engine["step_s"], 4),
                      "baseline_step_s": round(direct["step_s"], 4),
                      "ratio": round(engine["step_s"] / direct["step_s"], 4), "target": TARGET,
                      "storyreel_generate_s": round(engine["generate_s"], 3),
                      "baseline_generate_s": round(direct["generate_s"], 3), **common}), flush=True)
    print(json.dumps({"bench": "gpu_engine_image_memory", "peak_gb_engine": round(engine["peak_gb"], 2),
                      "peak_gb_engine_model_offload": round(engine_offload["peak_gb"], 2),
                      "peak_gb_direct": round(direct["peak_gb"], 2),
                      "peak_gb_direct_model_offload": round(direct_offload["peak_gb"], 2),
                      "step_s_engine_model_offload": round(engine_offload["step_s"], 4),
                      "step_s_direct_model_offload": round(direct_offload["step_s"], 4), **common}), flush=True)


def _median_step(stamps: list[float]) -> float:
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    return statistics.median(gaps) if gaps else float("nan")


def run_direct(folder: Path, frames: int, steps: int, *, offload: bool) -> dict[str, float]:
    """The pipeline called directly, loaded as the engine loads it (bf16, VAE in float32)."""
    import torch
    from diffusers import AutoModel, WanPipeline

    vae = AutoModel.from_pretrained(str(folder), subfolder="vae", dtype=torch.float32)
    pipe = WanPipeline.from_pretrained(str(folder), vae=vae, dtype=torch.bfloat16)
    pipe.set_progress_bar_config(disable=True)
    if offload:
        pipe.enable_model_cpu_offload()
    else:
        pipe.to("cuda")

    def call(n_steps: int, stamps: list[float]) -> float:
        def on_step(_pipe, _i, _t, kwargs):
            stamps.append(time.perf_counter())
            return kwargs

        started = time.perf_counter()
        with torch.inference_mode():
            pipe(prompt=PROMPT, height=480, width=832, num_frames=frames, num_inference_steps=n_steps,
                 guidance_scale=5.0, generator=torch.Generator("cpu").manual_seed(0), output_type="np",
                 callback_on_step_end=on_step)
        torch.cuda.synchronize()
        return time.perf_counter() - started

    call(2, [])  # warm-up: kernels, allocator, cuDNN autotuning
    torch.cuda.reset_peak_memory_stats()
    stamps: list[float] = []
    total = call(steps, stamps)
    figures = {"step_s": _median_step(stamps), "generate_s": total,
               "peak_gb": torch.cuda.max_memory_allocated() / 2**30}
    if hasattr(pipe, "remove_all_hooks"):
        pipe.remove_all_hooks()
    pipe = vae = None  # let the weights go before the next measurement
    torch.cuda.empty_cache()
    return figures


def run_engine(client, folder: Path, frames: int, steps: int, *, size: tuple[int, int] = (832, 480),
               **options: object) -> dict[str, float]:
    from engine.messages import Done, StepProgress
    from engine.request import GenerationRequest

    def request(n_steps: int, seed: int) -> GenerationRequest:
        return GenerationRequest(prompt=PROMPT, width=size[0], height=size[1], num_frames=frames, fps=16, steps=n_steps,
                                 guidance=5.0, seed=seed, backend="diffusers", model_id=str(folder),
                                 options=tuple(options.items()))

    def run(n_steps: int, seed: int) -> tuple[Done | None, list[float]]:
        job = client.submit(request(n_steps, seed), force_new=True)
        stamps: list[float] = []
        while True:
            for event in client.poll(timeout=0.05):
                if event.job_id != job:
                    continue
                if isinstance(event, StepProgress) and event.stage == "denoise":
                    stamps.append(time.perf_counter())
                elif isinstance(event, Done):
                    return event, stamps
                elif hasattr(event, "reason") or type(event).__name__ == "Cancelled":
                    if len(stamps) >= min(2, n_steps):  # denoising ran; a later failure (e.g. no ffmpeg) is noted
                        print(f"engine job failed after denoising: {event}", file=sys.stderr, flush=True)
                        return None, stamps
                    raise SystemExit(f"engine job ended with {event}")

    run(2, 1)  # warm-up (and the load, for a new placement)
    done, stamps = run(steps, 2)
    if done is None or done.result is None:
        return {"step_s": _median_step(stamps), "generate_s": float("nan"), "peak_gb": float("nan")}
    result = done.result
    return {"step_s": _median_step(stamps), "generate_s": result.timings.get("generate", float("nan")),
            "peak_gb": (result.peak_memory_bytes or 0) / 2**30}


def main() -> int:
    parser = argparse.ArgumentParser(description="Wan 2.1 1.3B engine vs raw pipeline on a CUDA GPU")
    parser.add_argument("--quick", action="store_true", help="33 frames, 3 steps")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--frames", type=int, default=None)
    parser.add_argument("--image-only", action="store_true", help="only the text-to-image (FLUX) case")
    parser.add_argument("--no-image", action="store_true", help="skip the text-to-image (FLUX) case")
    parser.add_argument("--flux-layers", type=int, default=None,
                        help="double blocks of the FLUX transformer (single = twice that; default: 19 as released)")
    args = parser.parse_args()
    frames = args.frames or (33 if args.quick else 81)
    steps = args.steps or (3 if args.quick else 4)

    try:
        import torch
    except ImportError:
        torch = None  # type: ignore[assignment]
    if torch is None or not torch.cuda.is_available():
        print("gpu_engine: no CUDA device here; nothing to measure", file=sys.stderr)
        print(json.dumps({"bench": "gpu_engine", "skipped": True, "reason": "no CUDA device"}))
        return 0

    from engine.worker_client import WorkerClient

    device = torch.cuda.get_device_name(0)
    if args.image_only:
        with tempfile.TemporaryDirectory(prefix="storyreel-gpu-bench-") as tmp:
            image_case(Path(tmp), device, args.flux_layers, args.steps or IMAGE_STEPS)
        return 0
    with tempfile.TemporaryDirectory(prefix="storyreel-gpu-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        folder = build_checkpoint(root / "wan-1.3b-random")
        print(f"checkpoint built in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)

        direct = run_direct(folder, frames, steps, offload=False)
        print(f"direct: {direct}", file=sys.stderr, flush=True)
        direct_offload = run_direct(folder, frames, steps, offload=True)
        print(f"direct, model offload: {direct_offload}", file=sys.stderr, flush=True)

        with WorkerClient(root / "state", root / "cache",
                          backend_options={"diffusers": {"preview_every": 0}}) as client:
            engine = run_engine(client, folder, frames, steps)
            print(f"engine: {engine}", file=sys.stderr, flush=True)
            engine_offload = run_engine(client, folder, frames, steps, offload="model")
            print(f"engine, model offload: {engine_offload}", file=sys.stderr, flush=True)
            engine_fbc = run_engine(client, folder, frames, steps, first_block_cache=0.05)
            print(f"engine, first-block cache: {engine_fbc}", file=sys.stderr, flush=True)

    common = {"device": device, "frames": frames, "size": "832x480", "steps": steps, "dtype": "bfloat16"}
    print(json.dumps({"bench": "gpu_engine", "storyreel_step_s": round(engine["step_s"], 4),
                      "baseline_step_s": round(direct["step_s"], 4),
                      "ratio": round(engine["step_s"] / direct["step_s"], 4), "target": TARGET,
                      "storyreel_generate_s": round(engine["generate_s"], 3),
                      "baseline_generate_s": round(direct["generate_s"], 3), **common}))
    print(json.dumps({"bench": "gpu_engine_memory", "peak_gb_engine": round(engine["peak_gb"], 2),
                      "peak_gb_engine_model_offload": round(engine_offload["peak_gb"], 2),
                      "peak_gb_direct": round(direct["peak_gb"], 2),
                      "peak_gb_direct_model_offload": round(direct_offload["peak_gb"], 2),
                      "step_s_engine_model_offload": round(engine_offload["step_s"], 4),
                      "step_s_direct_model_offload": round(direct_offload["step_s"], 4), **common}))
    print(json.dumps({"bench": "gpu_engine_first_block_cache", "step_s_with_cache": round(engine_fbc["step_s"], 4),
                      "step_s_without": round(engine["step_s"], 4),
                      "ratio": round(engine_fbc["step_s"] / engine["step_s"], 4), **common}))
    if not args.no_image:
        with tempfile.TemporaryDirectory(prefix="storyreel-gpu-bench-") as tmp:
            image_case(Path(tmp), device, args.flux_layers, IMAGE_STEPS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
