"""What each image-model family makes (stills: keyframes and reference sheets), one descriptor per family.

Same descriptor as the video families (``engine.model_families.ModelFamily``, ``kind="image"``): pipeline class per
task, the class names that identify a folder, size rule, working size, default steps and guidance, and whether and
how the family takes reference images (``references``, see ``REFERENCE_MODES``). A still is one frame, so the
frame rule is "one" (``max_frames=1``).
"""

from __future__ import annotations

from engine.model_families import FrameConstraints, ModelFamily

T2I, R2I = "text_to_image", "references_to_image"


def _still(size_multiple: int) -> FrameConstraints:
    return FrameConstraints(frame_multiple=1, size_multiple=size_multiple, native_fps=None, max_frames=1)


# SD-Turbo (SD 2.1 distilled) and SD 1.5 fine-tunes: 1-4 steps at guidance 0 for Turbo. Text only for now: an
# IP-Adapter ("ip_adapter" references; SD 1.5 and SDXL have h94/IP-Adapter, SD 2.1 none) is not wired yet.
STABLE_DIFFUSION = ModelFamily(
    name="sd", title="Stable Diffusion / SD-Turbo", kind="image", constraints=_still(8),
    pipelines={T2I: "StableDiffusionPipeline"}, class_names=("StableDiffusionPipeline",), default_steps=1,
    default_guidance=0.0, native_size=(512, 512), max_useful_steps=4,
)
STABLE_DIFFUSION_XL = ModelFamily(
    name="sdxl", title="SDXL / SDXL-Turbo", kind="image", constraints=_still(8),
    pipelines={T2I: "StableDiffusionXLPipeline"}, class_names=("StableDiffusionXLPipeline",), default_steps=1,
    default_guidance=0.0, native_size=(512, 512), max_useful_steps=4,
)
# FLUX.1 [schnell] (4 steps, no guidance) and [dev]; the transformer packs 2x2 latents, so sides are /16.
FLUX = ModelFamily(
    name="flux", title="FLUX.1", kind="image", constraints=_still(16), pipelines={T2I: "FluxPipeline"},
    class_names=("FluxPipeline",), default_steps=4, default_guidance=0.0, native_size=(1024, 1024),
    takes_negative_prompt=False,
)
# FLUX.1 Kontext: the reference is one image in the transformer's sequence; several are set side by side.
FLUX_KONTEXT = ModelFamily(
    name="flux_kontext", title="FLUX.1 Kontext", kind="image", constraints=_still(16),
    pipelines={T2I: "FluxKontextPipeline", R2I: "FluxKontextPipeline"}, class_names=("FluxKontextPipeline",),
    default_steps=28, default_guidance=2.5, native_size=(1024, 1024), references="image", max_references=4,
    takes_negative_prompt=False, area_argument="max_area",
    # The references are framed at the working size already; Kontext's own resize would pick another shape.
    call_arguments=(("_auto_resize", False),),
)
FLUX2 = ModelFamily(
    name="flux2", title="FLUX.2", kind="image", constraints=_still(16),
    pipelines={T2I: "Flux2Pipeline", R2I: "Flux2Pipeline"}, class_names=("Flux2Pipeline",), default_steps=50,
    default_guidance=4.0, native_size=(1024, 1024), references="image_list", max_references=4,
    takes_negative_prompt=False,
)
FLUX2_KLEIN = ModelFamily(
    name="flux2_klein", title="FLUX.2 klein", kind="image", constraints=_still(16),
    pipelines={T2I: "Flux2KleinPipeline", R2I: "Flux2KleinPipeline"}, class_names=("Flux2KleinPipeline",),
    default_steps=4, default_guidance=1.0, native_size=(1024, 1024), references="image_list", max_references=4,
    max_useful_steps=8, takes_negative_prompt=False,
)
# Qwen-Image's classifier-free guidance is ``true_cfg_scale`` (``guidance_scale`` is for guidance-distilled ones).
QWEN_IMAGE = ModelFamily(
    name="qwen_image", title="Qwen-Image", kind="image", constraints=_still(16), pipelines={T2I: "QwenImagePipeline"},
    class_names=("QwenImagePipeline",), default_steps=50, default_guidance=4.0, native_size=(1328, 1328),
    guidance_argument="true_cfg_scale",
)
QWEN_IMAGE_EDIT = ModelFamily(
    name="qwen_image_edit", title="Qwen-Image-Edit", kind="image", constraints=_still(16),
    pipelines={R2I: "QwenImageEditPipeline"}, class_names=("QwenImageEditPipeline",), default_steps=50,
    default_guidance=4.0, native_size=(1024, 1024), references="image", max_references=4,
    guidance_argument="true_cfg_scale",
)
QWEN_IMAGE_EDIT_PLUS = ModelFamily(
    name="qwen_image_edit_plus", title="Qwen-Image-Edit (multi-image)", kind="image", constraints=_still(16),
    pipelines={R2I: "QwenImageEditPlusPipeline"}, class_names=("QwenImageEditPlusPipeline",), default_steps=40,
    default_guidance=4.0, native_size=(1024, 1024), references="image_list", max_references=3,
    guidance_argument="true_cfg_scale",
)
Z_IMAGE = ModelFamily(
    name="z_image", title="Z-Image", kind="image", constraints=_still(16), pipelines={T2I: "ZImagePipeline"},
    class_names=("ZImagePipeline",), default_steps=9, default_guidance=0.0, native_size=(1024, 1024),
)
SANA_SPRINT = ModelFamily(
    name="sana_sprint", title="SANA-Sprint", kind="image", constraints=_still(32),
    pipelines={T2I: "SanaSprintPipeline"}, class_names=("SanaSprintPipeline",), default_steps=2,
    default_guidance=4.5, native_size=(1024, 1024), max_useful_steps=4, takes_negative_prompt=False,
)

IMAGE_FAMILIES: dict[str, ModelFamily] = {
    family.name: family
    for family in (STABLE_DIFFUSION, STABLE_DIFFUSION_XL, FLUX, FLUX_KONTEXT, FLUX2, FLUX2_KLEIN, QWEN_IMAGE,
                   QWEN_IMAGE_EDIT, QWEN_IMAGE_EDIT_PLUS, Z_IMAGE, SANA_SPRINT)
}
