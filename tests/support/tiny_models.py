"""Tiny random Wan and LTX checkpoints built in code (no downloads), saved in diffusers layout.

The component sizes follow diffusers' own fast tests; the tokenizer is a WordLevel model over a small vocabulary
so nothing is fetched from the Hub. Loading them goes through ``from_pretrained`` — the real loading path.
"""

from __future__ import annotations

from pathlib import Path

from engine.request import GenerationRequest

WORDS = (
    "a", "the", "of", "and", "in", "on", "at", "with", "to", "from", "over", "under", "lighthouse",
    "keeper", "storm", "sea", "wave", "night", "light", "lamp", "man", "woman", "girl", "boy", "dog",
    "cat", "walks", "runs", "looks", "stands", "sits", "rain", "wind", "cliff", "rock", "boat", "ship",
    "sky", "cloud", "sun", "moon", "star", "door", "window", "room", "stairs", "old", "young", "red",
    "blue", "dark", "bright", "slow", "fast", "close", "wide", "shot", "camera", "pushes", "in", "out",
    "morning",
)


def build_tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2}
    for word in WORDS:
        vocab.setdefault(word, len(vocab))
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    core.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    return PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")


def _t5_config(vocab_size: int, config_cls):
    return config_cls(vocab_size=vocab_size, d_model=32, d_ff=37, d_kv=8, num_heads=4, num_layers=2,
                      relative_attention_num_buckets=8, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)


def _wan_components() -> dict:
    """The tokenizer, UMT5 text encoder, VAE and scheduler every tiny Wan checkpoint shares (fixed seeds)."""
    import torch
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler
    from transformers import UMT5Config, UMT5EncoderModel

    tokenizer = build_tokenizer()
    torch.manual_seed(0)
    text_encoder = UMT5EncoderModel(_t5_config(len(tokenizer), UMT5Config))
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    return {"tokenizer": tokenizer, "text_encoder": text_encoder, "vae": vae,
            "scheduler": FlowMatchEulerDiscreteScheduler(shift=7.0)}


# The tiny Wan transformer's shape (the Wan, FLF2V and VACE transformers add their own keywords).
_WAN_TRANSFORMER = dict(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, out_channels=16,
                        text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True,
                        qk_norm="rms_norm_across_heads", rope_max_seq_len=32)


def build_tiny_wan(folder: Path, *, image_to_video: bool = False) -> Path:
    """A tiny Wan checkpoint. ``image_to_video`` builds a Wan 2.2 TI2V-style one (``expand_timesteps``: the
    reference is encoded by the VAE, no CLIP encoder), which serves both text- and image-to-video."""
    import torch
    from diffusers import WanPipeline, WanTransformer3DModel

    components = _wan_components()
    torch.manual_seed(0)
    transformer = WanTransformer3DModel(in_channels=16, **_WAN_TRANSFORMER)
    pipe = WanPipeline(**components, transformer=transformer, expand_timesteps=image_to_video)
    pipe.save_pretrained(folder)
    return Path(folder)


def build_tiny_wan_flf(folder: Path) -> Path:
    """A tiny Wan 2.1 first-last-frame checkpoint (FLF2V): image-to-video with a CLIP image encoder, and a
    transformer whose ``pos_embed_seq_len`` covers the two images' tokens (what marks FLF2V checkpoints)."""
    import torch
    from diffusers import WanImageToVideoPipeline, WanTransformer3DModel
    from transformers import CLIPVisionConfig, CLIPVisionModel
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

    components = _wan_components()
    torch.manual_seed(0)
    image_side = 4  # CLIP tokens per image: 4 x 4 patches + the class token
    image_encoder = CLIPVisionModel(CLIPVisionConfig(
        hidden_size=4, projection_dim=4, num_hidden_layers=2, num_attention_heads=2, image_size=image_side,
        intermediate_size=16, patch_size=1))
    image_processor = CLIPImageProcessorPil(crop_size=image_side, size=image_side)
    torch.manual_seed(0)
    transformer = WanTransformer3DModel(in_channels=36, image_dim=4, pos_embed_seq_len=2 * (image_side * image_side + 1),
                                        **_WAN_TRANSFORMER)
    pipe = WanImageToVideoPipeline(**components, transformer=transformer, image_encoder=image_encoder,
                                   image_processor=image_processor)
    pipe.save_pretrained(folder)
    return Path(folder)


def build_tiny_wan_vace(folder: Path) -> Path:
    """A tiny Wan 2.1 VACE checkpoint: the Wan transformer with VACE context blocks on layers 0 and 1, which read
    the clip's ``video``/``mask`` conditioning and its ``reference_images``."""
    import torch
    from diffusers import WanVACEPipeline, WanVACETransformer3DModel

    components = _wan_components()
    torch.manual_seed(0)
    # vace_in_channels: the conditioning latents (16 inactive + 16 reactive) and the mask (8 x 8 pixels folded in).
    transformer = WanVACETransformer3DModel(in_channels=16, vace_layers=[0, 1], vace_in_channels=96,
                                            **_WAN_TRANSFORMER)
    pipe = WanVACEPipeline(**components, transformer=transformer)
    pipe.save_pretrained(folder)
    return Path(folder)


def build_tiny_ltx(folder: Path) -> Path:
    """A tiny LTX-Video checkpoint (serves text- and image-to-video)."""
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import T5Config, T5EncoderModel

    tokenizer = build_tokenizer()
    torch.manual_seed(0)
    text_encoder = T5EncoderModel(_t5_config(len(tokenizer), T5Config))
    torch.manual_seed(0)
    transformer = LTXVideoTransformer3DModel(
        in_channels=8, out_channels=8, patch_size=1, patch_size_t=1, num_attention_heads=4, attention_head_dim=8,
        cross_attention_dim=32, num_layers=1, caption_channels=32,
    )
    torch.manual_seed(0)
    vae = AutoencoderKLLTXVideo(
        latent_channels=8, block_out_channels=(8, 8, 8, 8), decoder_block_out_channels=(8, 8, 8, 8),
        spatio_temporal_scaling=(True, True, False, False), decoder_spatio_temporal_scaling=(True, True, False, False),
        layers_per_block=(1, 1, 1, 1, 1), decoder_layers_per_block=(1, 1, 1, 1, 1), patch_size=1, patch_size_t=1,
        encoder_causal=True, decoder_causal=False,
    )
    pipe = LTXPipeline(transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(),
                       text_encoder=text_encoder, tokenizer=tokenizer)
    pipe.save_pretrained(folder)
    return Path(folder)


def ensure_tiny_models(root: Path) -> dict[str, Path]:
    """Build (once per folder) the tiny checkpoints the engine tests use: wan (text-to-video), wan_ti2v
    (text- and image-to-video), ltx, wan_flf (first-last-frame) and wan_vace (references)."""
    root = Path(root)
    builders = {
        "wan": lambda d: build_tiny_wan(d),
        "wan_ti2v": lambda d: build_tiny_wan(d, image_to_video=True),
        "ltx": build_tiny_ltx,
        "wan_flf": build_tiny_wan_flf,
        "wan_vace": build_tiny_wan_vace,
    }
    folders = {}
    for name, build in builders.items():
        folder = root / name
        if not folder.is_dir():
            import shutil

            partial = root / f".{name}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            build(partial)
            partial.rename(folder)  # whole or absent: an interrupted build is never loaded
        folders[name] = folder
    return folders


def diffusers_request(model: Path | str, prompt: str, seed: int, **changes: object) -> GenerationRequest:
    """A small diffusers clip request (64x64, 9 frames at 16 fps, 2 steps) for a tiny checkpoint or a known id."""
    values = dict(prompt=prompt, width=64, height=64, num_frames=9, fps=16, steps=2, backend="diffusers",
                  model_id=str(model), seed=seed)
    values.update(changes)
    return GenerationRequest(**values)
