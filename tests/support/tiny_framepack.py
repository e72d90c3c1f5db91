"""A tiny random FramePack checkpoint built in code (no downloads), saved as a whole diffusers pipeline.

FramePack is the HunyuanVideo stack (Llama + CLIP text encoders, HunyuanVideo VAE) with a packed transformer and a
SigLIP image encoder for the start (and end) frame. The component sizes follow diffusers' fast tests for the
pipeline; the tokenizers are the word-level one of ``tiny_models`` (nothing fetched from the Hub), and the SigLIP
encoder and its processor are built from configs. Loading goes through ``from_pretrained``.
"""

from __future__ import annotations

from pathlib import Path

from tiny_models import build_tokenizer

# The transformer's image projection reads SigLIP's hidden states: the two widths must agree.
_IMAGE_WIDTH = 32


def build_tiny_framepack(folder: Path) -> Path:
    """A tiny ``HunyuanVideoFramepackPipeline`` checkpoint (image-to-video and first-last-frame)."""
    import torch
    from diffusers import (
        AutoencoderKLHunyuanVideo,
        FlowMatchEulerDiscreteScheduler,
        HunyuanVideoFramepackPipeline,
        HunyuanVideoFramepackTransformer3DModel,
    )
    from transformers import (
        CLIPTextConfig,
        CLIPTextModel,
        LlamaConfig,
        LlamaModel,
        SiglipImageProcessorPil,
        SiglipVisionConfig,
        SiglipVisionModel,
    )

    tokenizer = build_tokenizer()
    vocab = len(tokenizer)
    torch.manual_seed(0)
    transformer = HunyuanVideoFramepackTransformer3DModel(
        in_channels=4, out_channels=4, num_attention_heads=2, attention_head_dim=10, num_layers=1,
        num_single_layers=1, num_refiner_layers=1, patch_size=2, patch_size_t=1, guidance_embeds=True,
        text_embed_dim=16, pooled_projection_dim=8, rope_axes_dim=(2, 4, 4), image_condition_type=None,
        has_image_proj=True, image_proj_dim=_IMAGE_WIDTH, has_clean_x_embedder=True,
    )
    torch.manual_seed(0)
    blocks = 4
    vae = AutoencoderKLHunyuanVideo(
        in_channels=3, out_channels=3, latent_channels=4,
        down_block_types=("HunyuanVideoDownBlock3D",) * blocks, up_block_types=("HunyuanVideoUpBlock3D",) * blocks,
        block_out_channels=(8,) * blocks, layers_per_block=1, act_fn="silu", norm_num_groups=4,
        scaling_factor=0.476986, spatial_compression_ratio=8, temporal_compression_ratio=4,
        mid_block_add_attention=True,
    )
    torch.manual_seed(0)
    text_encoder = LlamaModel(LlamaConfig(
        bos_token_id=0, eos_token_id=1, pad_token_id=0, hidden_size=16, intermediate_size=37, num_attention_heads=4,
        num_hidden_layers=2, vocab_size=vocab, hidden_act="gelu"))
    torch.manual_seed(0)
    text_encoder_2 = CLIPTextModel(CLIPTextConfig(
        bos_token_id=0, eos_token_id=1, pad_token_id=0, hidden_size=8, intermediate_size=37, num_attention_heads=4,
        num_hidden_layers=2, vocab_size=vocab, hidden_act="gelu", projection_dim=32))
    torch.manual_seed(0)
    image_encoder = SiglipVisionModel(SiglipVisionConfig(
        hidden_size=_IMAGE_WIDTH, intermediate_size=37, num_hidden_layers=2, num_attention_heads=4, image_size=30,
        patch_size=2))
    feature_extractor = SiglipImageProcessorPil(size={"height": 30, "width": 30})
    pipe = HunyuanVideoFramepackPipeline(
        transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        text_encoder=text_encoder, tokenizer=tokenizer, text_encoder_2=text_encoder_2, tokenizer_2=build_tokenizer(),
        image_encoder=image_encoder, feature_extractor=feature_extractor)
    pipe.save_pretrained(folder)
    return Path(folder)
