"""Tiny LoRA adapters built in code for the tiny checkpoints (``tiny_image_models``, ``tiny_models``), saved as
diffusers saves them (``save_lora_weights``), so tests load them through the real ``load_lora_weights`` path.

As diffusers' own LoRA tests do: a peft ``LoraConfig`` on the attention projections, random (not zero) weights
(``init_lora_weights=False``) so the adapter changes the pixels, saved from ``get_peft_model_state_dict``.
"""

from __future__ import annotations

from pathlib import Path

ATTENTION = ["to_q", "to_k", "to_v", "to_out.0"]


def build_tiny_lora(model: Path, out: Path, *, seed: int = 0, rank: int = 4) -> Path:
    """A LoRA for the denoiser (UNet or transformer) of the tiny checkpoint in ``model``, saved at ``out``."""
    import json

    import diffusers
    import torch
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    pipeline_cls = getattr(diffusers, json.loads((Path(model) / "model_index.json").read_text())["_class_name"])
    name = "unet" if (Path(model) / "unet").is_dir() else "transformer"
    denoiser = diffusers.AutoModel.from_pretrained(str(model), subfolder=name)
    torch.manual_seed(seed)
    denoiser.add_adapter(LoraConfig(r=rank, lora_alpha=rank, target_modules=ATTENTION, init_lora_weights=False))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pipeline_cls.save_lora_weights(out.parent, weight_name=out.name,
                                   **{f"{name}_lora_layers": get_peft_model_state_dict(denoiser)})
    return out


def rename_modules(lora: Path, out: Path, old: str, new: str) -> Path:
    """A copy of ``lora`` whose tensor names have ``old`` replaced by ``new`` (keys no model has)."""
    from safetensors.torch import load_file, save_file

    save_file({key.replace(old, new): value for key, value in load_file(str(lora)).items()}, str(out))
    return out
