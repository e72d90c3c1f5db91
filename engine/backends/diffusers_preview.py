"""A small preview still from the latents of a running diffusers video pipeline.

Decodes only the first latent frame (Wan's VAE is causal, LTX's decoder handles one latent frame), then shrinks
it to a thumbnail PNG: cheap next to a denoising step, and enough for a filmmaker to see where a take is going.
Wan VACE puts one latent frame per reference still before the clip's: the preview skips them.
"""

from __future__ import annotations

import numpy as np
import torch

from engine.video_io import encode_image, thumbnail

PREVIEW_WIDTH = 256


@torch.no_grad()
def first_frame_preview(pipe: object, latents: torch.Tensor, family: str, *, num_frames: int, height: int,
                        width: int, references: int = 0) -> bytes:
    """PNG bytes of the first frame the current latents would decode to (after ``references`` latent frames)."""
    vae = pipe.vae  # type: ignore[attr-defined]
    if family in ("wan", "wan_vace"):
        z = latents[:, :, references:references + 1].to(vae.dtype)
        mean = torch.tensor(vae.config.latents_mean).view(1, vae.config.z_dim, 1, 1, 1).to(z.device, z.dtype)
        inv_std = 1.0 / torch.tensor(vae.config.latents_std).view(1, vae.config.z_dim, 1, 1, 1).to(z.device, z.dtype)
        video = vae.decode(z / inv_std + mean, return_dict=False)[0]
    elif family == "ltx":
        latent_frames = (num_frames - 1) // pipe.vae_temporal_compression_ratio + 1  # type: ignore[attr-defined]
        latent_h = height // pipe.vae_spatial_compression_ratio  # type: ignore[attr-defined]
        latent_w = width // pipe.vae_spatial_compression_ratio  # type: ignore[attr-defined]
        grid = pipe._unpack_latents(  # type: ignore[attr-defined]
            latents, latent_frames, latent_h, latent_w,
            pipe.transformer_spatial_patch_size, pipe.transformer_temporal_patch_size,  # type: ignore[attr-defined]
        )
        grid = pipe._denormalize_latents(  # type: ignore[attr-defined]
            grid, vae.latents_mean, vae.latents_std, vae.config.scaling_factor
        )[:, :, :1].to(vae.dtype)
        temb = None
        if vae.config.timestep_conditioning:
            temb = torch.zeros(grid.shape[0], device=grid.device, dtype=grid.dtype)
        video = vae.decode(grid, temb, return_dict=False)[0]
    elif family == "framepack":  # the section being made (sections run from the end back to the start)
        z = latents[:, :, :1].to(vae.dtype) / vae.config.scaling_factor
        video = vae.decode(z, return_dict=False)[0]
    else:
        raise ValueError(f"no preview for family {family!r}")
    frame = video[0, :, 0].float().clamp(-1, 1).add(1).mul(127.5).round().byte().permute(1, 2, 0).cpu().numpy()
    return encode_image(thumbnail(np.ascontiguousarray(frame), PREVIEW_WIDTH), ".png")
