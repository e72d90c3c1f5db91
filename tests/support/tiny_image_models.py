"""Tiny random image checkpoints built in code (no downloads), saved in diffusers layout: Stable Diffusion (the
SD-Turbo class) and FLUX.1 (saved as a FluxPipeline, or as a FluxKontextPipeline: the same components, which
takes reference images).

Component sizes follow diffusers' own fast tests (``tests/pipelines/stable_diffusion``, ``tests/pipelines/flux``);
the tokenizers are the WordLevel one of ``tiny_models`` (CLIP's needs ``model_max_length=77``).
"""

from __future__ import annotations

from pathlib import Path

from tiny_models import build_tokenizer


def _clip_tokenizer():
    tokenizer = build_tokenizer()
    tokenizer.model_max_length = 77
    return tokenizer


def _clip_text_encoder(vocab_size: int, *, with_projection: bool = False):
    import torch
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    config = CLIPTextConfig(bos_token_id=0, eos_token_id=1, pad_token_id=0, hidden_size=32, intermediate_size=37,
                            layer_norm_eps=1e-05, num_attention_heads=4, num_hidden_layers=2, vocab_size=vocab_size,
                            hidden_act="gelu", projection_dim=32)
    torch.manual_seed(0)
    return (CLIPTextModelWithProjection if with_projection else CLIPTextModel)(config)


def build_tiny_sd(folder: Path) -> Path:
    """A tiny Stable Diffusion checkpoint (one-step Turbo-style use: guidance 0)."""
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerAncestralDiscreteScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )

    tokenizer = _clip_tokenizer()
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(4, 8), layers_per_block=1, sample_size=32, in_channels=4, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32, norm_num_groups=2, attention_head_dim=2,
    )
    torch.manual_seed(0)
    vae = AutoencoderKL(
        block_out_channels=(4, 8), in_channels=3, out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"), latent_channels=4, norm_num_groups=2,
    )
    pipe = StableDiffusionPipeline(
        vae=vae, text_encoder=_clip_text_encoder(len(tokenizer)), tokenizer=tokenizer, unet=unet,
        scheduler=EulerAncestralDiscreteScheduler(timestep_spacing="trailing", steps_offset=1), safety_checker=None,
        feature_extractor=None, image_encoder=None, requires_safety_checker=False,
    )
    pipe.save_pretrained(folder)
    return Path(folder)


def build_tiny_flux(folder: Path, *, kontext: bool = False) -> Path:
    """A tiny FLUX.1 checkpoint; ``kontext`` saves it as a FluxKontextPipeline (text- and references-to-image)."""
    import torch
    from diffusers import (
        AutoencoderKL,
        FlowMatchEulerDiscreteScheduler,
        FluxKontextPipeline,
        FluxPipeline,
        FluxTransformer2DModel,
    )
    from transformers import T5Config, T5EncoderModel

    tokenizer, tokenizer_2 = _clip_tokenizer(), build_tokenizer()
    torch.manual_seed(0)
    transformer = FluxTransformer2DModel(
        patch_size=1, in_channels=4, num_layers=1, num_single_layers=1, attention_head_dim=16, num_attention_heads=2,
        joint_attention_dim=32, pooled_projection_dim=32, axes_dims_rope=[4, 4, 8],
    )
    torch.manual_seed(0)
    text_encoder_2 = T5EncoderModel(T5Config(vocab_size=len(tokenizer_2), d_model=32, d_ff=37, d_kv=8, num_heads=4,
                                             num_layers=2, relative_attention_num_buckets=8, pad_token_id=0,
                                             eos_token_id=1, decoder_start_token_id=0))
    torch.manual_seed(0)
    vae = AutoencoderKL(
        sample_size=32, in_channels=3, out_channels=3, block_out_channels=(4,), layers_per_block=1, latent_channels=1,
        norm_num_groups=1, use_quant_conv=False, use_post_quant_conv=False, shift_factor=0.0609,
        scaling_factor=1.5035,
    )
    pipeline_cls = FluxKontextPipeline if kontext else FluxPipeline
    pipe = pipeline_cls(scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae,
                        text_encoder=_clip_text_encoder(len(tokenizer)), tokenizer=tokenizer,
                        text_encoder_2=text_encoder_2, tokenizer_2=tokenizer_2, transformer=transformer)
    pipe.save_pretrained(folder)
    return Path(folder)


def ensure_tiny_image_models(root: Path) -> dict[str, Path]:
    """Build (once per folder) the tiny image checkpoints: sd, flux, flux_kontext."""
    import shutil

    root = Path(root)
    builders = {"sd": build_tiny_sd, "flux": build_tiny_flux,
                "flux_kontext": lambda d: build_tiny_flux(d, kontext=True)}
    folders = {}
    for name, build in builders.items():
        folder = root / name
        if not folder.is_dir():
            partial = root / f".{name}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            build(partial)
            partial.rename(folder)  # whole or absent: an interrupted build is never loaded
        folders[name] = folder
    return folders
