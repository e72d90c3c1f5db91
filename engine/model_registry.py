"""Video and image models: known Hub ids, any Hub id in the model store, local diffusers folders — family, tasks, size.

A model id is one of
  - a Hub repo id from ``KNOWN_MODELS`` (with its metadata: title, working size, download and memory figures),
  - a local folder in diffusers layout (model_index.json plus one subfolder per component),
  - any other Hub repo id (a fine-tune, a community checkpoint) whose weights are in the model store
    (``engine.model_store``): its family comes from the cached model_index.json ``_class_name``.
Where the weights are is the store's business; this module asks it (``local_weights``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from engine.image_families import IMAGE_FAMILIES
from engine.model_families import ANIMATIC_CONSTRAINTS, FAMILIES, FrameConstraints, ModelFamily
from engine.model_store import ModelStore, component_names, looks_like_repo_id

DEFAULT_MODEL = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"


def all_families() -> dict[str, ModelFamily]:
    """Video and image families by name."""
    return {**FAMILIES, **IMAGE_FAMILIES}


def family_for_class_name(class_name: str) -> ModelFamily | None:
    """The family whose pipelines include ``class_name`` (a model_index.json ``_class_name``)."""
    for family in all_families().values():
        if class_name in family.class_names:
            return family
    return None


def families_for(task: str) -> list[ModelFamily]:
    """The families with a pipeline for ``task`` (for errors that say which could do it)."""
    return [family for family in all_families().values() if task in family.pipelines]


class ModelNotFound(LookupError):
    """A model id that is neither a known model, a diffusers folder nor a Hub model in the store."""


@dataclass(frozen=True)
class ModelSpec:
    id: str
    family: ModelFamily
    tasks: tuple[str, ...]
    native_size: tuple[int, int]
    title: str = ""
    params: str = ""  # e.g. "1.3B"
    download_gb: float | None = None
    local_folder: Path | None = None  # set for a folder given by path
    # Per-model changes to the family constraints (Wan 2.2 TI2V-5B: sizes / 32, 24 fps, 121 frames).
    overrides: dict[str, object] = field(default_factory=dict)
    # Estimated memory in half precision: (whole pipeline, largest component) in GB (None = measure the files).
    memory_gb: tuple[float, float] | None = None

    @property
    def constraints(self) -> FrameConstraints:
        base = self.family.constraints
        if not self.overrides:
            return base
        return replace(base, **self.overrides)  # type: ignore[arg-type]

    def supports(self, task: str) -> bool:
        return task in self.tasks

    def pipeline_class_name(self, task: str) -> str | None:
        return self.family.pipeline_for(task) if self.supports(task) else None

    def to_dict(self) -> dict[str, object]:
        c = self.constraints
        return {
            "id": self.id,
            "family": self.family.name,
            "kind": self.family.kind,
            "title": self.title or self.id,
            "tasks": list(self.tasks),
            # How the model takes reference stills ("" = it does not; "reference_images": a video model's).
            "references": self.family.references,
            "max_references": self.family.max_references,
            "native_size": list(self.native_size),
            "params": self.params,
            "download_gb": self.download_gb,
            "frames": "still" if self.family.kind == "image" else f"{c.frame_multiple}k+1" if c.frame_multiple > 1
            else "any",
            "max_frames": c.max_frames,
            "size_multiple": c.size_multiple,
            "native_fps": c.native_fps,
        }


def _known(model_id: str, family: str, tasks: tuple[str, ...], size: tuple[int, int], title: str,
           params: str, download_gb: float, memory_gb: tuple[float, float], **overrides: object) -> ModelSpec:
    return ModelSpec(model_id, all_families()[family], tasks, size, title, params, download_gb, None, dict(overrides),
                     memory_gb)


T2V, I2V, FLF = "text_to_video", "image_to_video", "first_last_frame"
T2I, R2I = "text_to_image", "references_to_image"

# memory_gb: bf16 weights of the whole pipeline and of its largest component (the UMT5-XXL / T5-XXL text
# encoders are ~11 / ~9.5 GB, a 14B transformer ~28 GB); estimates that decide which offload a machine needs.
KNOWN_MODELS: dict[str, ModelSpec] = {
    spec.id: spec
    for spec in (
        _known("Wan-AI/Wan2.1-T2V-1.3B-Diffusers", "wan", (T2V,), (832, 480), "Wan 2.1 text-to-video 1.3B", "1.3B", 29,
               (14.5, 11.4)),
        _known("Wan-AI/Wan2.1-T2V-14B-Diffusers", "wan", (T2V,), (1280, 720), "Wan 2.1 text-to-video 14B", "14B", 78,
               (40, 28)),
        _known("Wan-AI/Wan2.1-I2V-14B-480P-Diffusers", "wan", (I2V,), (832, 480), "Wan 2.1 image-to-video 14B 480p",
               "14B", 82, (42, 29)),
        _known("Wan-AI/Wan2.1-I2V-14B-720P-Diffusers", "wan", (I2V,), (1280, 720), "Wan 2.1 image-to-video 14B 720p",
               "14B", 82, (42, 29)),
        _known("Wan-AI/Wan2.1-FLF2V-14B-720P-diffusers", "wan", (I2V, FLF), (1280, 720),
               "Wan 2.1 first-last-frame 14B 720p", "14B", 82, (42, 29)),
        _known("Wan-AI/Wan2.2-T2V-A14B-Diffusers", "wan", (T2V,), (1280, 720), "Wan 2.2 text-to-video A14B (MoE)",
               "2x14B", 126, (68, 28)),
        _known("Wan-AI/Wan2.2-I2V-A14B-Diffusers", "wan", (I2V,), (1280, 720), "Wan 2.2 image-to-video A14B (MoE)",
               "2x14B", 126, (68, 28)),
        _known("Wan-AI/Wan2.2-TI2V-5B-Diffusers", "wan", (T2V, I2V), (1280, 704), "Wan 2.2 text/image-to-video 5B",
               "5B", 34, (22, 11.4), size_multiple=32, native_fps=24, max_frames=121),
        _known("Lightricks/LTX-Video", "ltx", (T2V, I2V), (768, 512), "LTX-Video 0.9 (2B)", "2B", 28, (14, 9.5)),
        # VACE: the base transformer plus its context blocks (15 on 1.3B, 8 on 14B); figures from parameter counts.
        _known("Wan-AI/Wan2.1-VACE-1.3B-diffusers", "wan_vace", (T2V, I2V, FLF), (832, 480),
               "Wan 2.1 VACE 1.3B (the cast's stills as references)", "1.3B", 31, (15.7, 11.4)),
        _known("Wan-AI/Wan2.1-VACE-14B-diffusers", "wan_vace", (T2V, I2V, FLF), (1280, 720),
               "Wan 2.1 VACE 14B (the cast's stills as references)", "14B", 91, (46, 34)),
    )
}
# Stills (keyframes), apart from KNOWN_MODELS so that lists of video models stay video models.
# memory_gb: from the parameter counts in half precision (estimates).
KNOWN_IMAGE_MODELS: dict[str, ModelSpec] = {
    spec.id: spec
    for spec in (
        _known("stabilityai/sd-turbo", "sd", (T2I,), (512, 512), "SD-Turbo (stills, 1-4 steps)", "0.9B", 5,
               (2.6, 1.7)),
        _known("stabilityai/sdxl-turbo", "sdxl", (T2I,), (512, 512), "SDXL-Turbo (stills, 1-4 steps)", "2.6B", 14,
               (7.0, 5.1)),
        _known("black-forest-labs/FLUX.1-schnell", "flux", (T2I,), (1024, 1024), "FLUX.1 [schnell] (stills)", "12B",
               54, (33.5, 23.8)),
        _known("black-forest-labs/FLUX.1-Kontext-dev", "flux_kontext", (T2I, R2I), (1024, 1024),
               "FLUX.1 Kontext [dev] (stills with references)", "12B", 54, (33.5, 23.8)),
        _known("Qwen/Qwen-Image", "qwen_image", (T2I,), (1328, 1328), "Qwen-Image (stills)", "20B", 58, (57.7, 40.9)),
        _known("Qwen/Qwen-Image-Edit", "qwen_image_edit", (R2I,), (1024, 1024), "Qwen-Image-Edit (stills from a reference)",
               "20B", 58, (57.7, 40.9)),
        _known("Tongyi-MAI/Z-Image-Turbo", "z_image", (T2I,), (1024, 1024), "Z-Image-Turbo (stills, 8 steps)", "6B",
               33, (20.5, 12.3)),
    )
}


# Models whose Hub weights are not one pipeline, so no Hub id loads them: how to assemble a local folder instead.
# FramePack's transformer (lllyasviel/FramePackI2V_HY, ~13B, ~26 GB in bf16) runs with the HunyuanVideo text
# encoders and VAE (hunyuanvideo-community/HunyuanVideo: Llama 3 8B ~16 GB, CLIP-L, VAE) and FLUX Redux's SigLIP
# image encoder (lllyasviel/flux_redux_bfl); about 44 GB in all in half precision (estimates from parameter counts).
ASSEMBLED_MODELS: dict[str, str] = {
    "lllyasviel/FramePackI2V_HY": (
        "FramePack's transformer alone, not a whole pipeline: load it with HunyuanVideoFramepackTransformer3DModel, "
        "the SigLIP image_encoder and feature_extractor from lllyasviel/flux_redux_bfl, build "
        "HunyuanVideoFramepackPipeline.from_pretrained('hunyuanvideo-community/HunyuanVideo', transformer=..., "
        "image_encoder=..., feature_extractor=...), save_pretrained it to a folder and choose that folder "
        "(about 44 GB, estimate)"),
}


def read_model_index(folder: Path) -> dict[str, object]:
    path = Path(folder) / "model_index.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelNotFound(f"{folder} is not a diffusers model folder (no model_index.json)") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelNotFound(f"{path} cannot be read as JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ModelNotFound(f"{path} is not a JSON object")
    return data


def spec_for_folder(folder: Path) -> ModelSpec:
    """Describe a local diffusers folder from its model_index.json (and, for Wan, its transformer config)."""
    folder = Path(folder).expanduser().resolve()
    return _spec_from_index(folder, str(folder), folder.name, local_folder=folder)


def _spec_from_index(folder: Path, model_id: str, title: str, *, local_folder: Path | None) -> ModelSpec:
    """A spec from the model_index.json in ``folder`` (a local folder, or a Hub model's cached snapshot)."""
    index = read_model_index(folder)
    class_name = str(index.get("_class_name", ""))
    family = family_for_class_name(class_name)
    if family is None:
        supported = ", ".join(name for f in all_families().values() for name in f.class_names)
        raise ModelNotFound(f"{model_id}: pipeline {class_name or '(none)'} is not a video or image family "
                            f"Storyreel runs (supported: {supported})")
    overrides: dict[str, object] = {}
    if family.kind == "image":
        tasks: tuple[str, ...] = tuple(family.pipelines)
    elif family.name in ("ltx", "wan_vace"):  # one checkpoint makes clips from words, a start, or both ends
        tasks = (T2V, I2V, FLF)
    elif family.name == "framepack":  # always from a start image, to an end image if given
        tasks = (I2V, FLF)
    elif class_name == "WanImageToVideoPipeline":
        transformer = _component_config(folder, "transformer")
        tasks = (I2V, FLF) if transformer.get("pos_embed_seq_len") else (I2V,)
    elif index.get("expand_timesteps"):  # Wan 2.2 TI2V: one checkpoint, both tasks, 24 fps, sides / 32
        tasks = (T2V, I2V)
        overrides = {"size_multiple": 32, "native_fps": 24, "max_frames": 121}
    else:
        tasks = (T2V,)
    return ModelSpec(model_id, family, tasks, family.native_size, title=title, local_folder=local_folder,
                     overrides=overrides)


def _component_config(folder: Path, component: str) -> dict[str, object]:
    try:
        data = json.loads((folder / component / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def resolve_model(model_id: str | None, store: ModelStore | None = None) -> ModelSpec:
    """The spec of a known model id, a local diffusers folder or a Hub model in the store (None = the default).

    ``store`` None = the store the user chose (``ModelStore.configured()``).
    """
    model_id = model_id or DEFAULT_MODEL
    if model_id in KNOWN_MODELS:
        return KNOWN_MODELS[model_id]
    if model_id in KNOWN_IMAGE_MODELS:
        return KNOWN_IMAGE_MODELS[model_id]
    if model_id in ASSEMBLED_MODELS:
        raise ModelNotFound(f"{model_id}: {ASSEMBLED_MODELS[model_id]}")
    if Path(model_id).expanduser().is_dir():
        return spec_for_folder(Path(model_id))
    if looks_like_repo_id(model_id):
        store = store or ModelStore.configured()
        snapshot = store.snapshot_folder(model_id)
        if snapshot is not None:
            return _spec_from_index(snapshot, model_id, model_id, local_folder=None)
        raise ModelNotFound(f"unknown model {model_id!r}: not a known model, a local folder or a Hub model in "
                            f"{store.describe()}; if it is on the Hub, {download_hint(model_id, store)}")
    known = ", ".join(KNOWN_MODELS)
    raise ModelNotFound(f"unknown model {model_id!r}: give a Hub model id (e.g. {known.split(', ')[0]}) or a "
                        f"local diffusers folder")


def constraints_for(backend: str, model_id: str | None, store: ModelStore | None = None) -> FrameConstraints:
    """What a take from ``backend`` / ``model_id`` can look like (``model_id`` None = the backend's default).

    Raises ``ValueError`` for an unknown backend, ``ModelNotFound`` for a model that is none of the three kinds.
    """
    if backend == "animatic":
        return ANIMATIC_CONSTRAINTS
    if backend == "diffusers":
        return resolve_model(model_id, store).constraints
    raise ValueError(f"unknown backend {backend!r}; one of animatic, diffusers")


def _components_present(folder: Path) -> bool:
    if not (folder / "model_index.json").is_file():
        return False
    return all((folder / name).is_dir() and any((folder / name).iterdir()) for name in component_names(folder))


def local_weights(spec: ModelSpec, store: ModelStore | None = None) -> Path | None:
    """Where this model's complete weights are on this machine (a local folder or a store snapshot), or None."""
    if spec.local_folder is not None:
        return spec.local_folder if _components_present(spec.local_folder) else None
    return (store or ModelStore.configured()).snapshot(spec.id)


def download_hint(model_id: str, store: ModelStore | None = None) -> str:
    """How to get a model's weights into the store (``hf download`` fills only the default cache)."""
    text = f"download it with `storyreel models download {model_id}` or the editor's Models window"
    if (store or ModelStore.configured()).is_default:
        text += f" (or `hf download {model_id}`)"
    return text
