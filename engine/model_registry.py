"""Known video models (Hub ids) and local diffusers folders: family, tasks, working size, where the weights are.

A model id is either a Hub repo id from ``KNOWN_MODELS`` or a local folder in diffusers layout (model_index.json
plus one subfolder per component); the family of a folder comes from its model_index.json ``_class_name``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from engine.model_families import FAMILIES, FrameConstraints, ModelFamily, family_for_class_name

DEFAULT_MODEL = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"


class ModelNotFound(LookupError):
    """A model id that is neither a known model nor a diffusers folder, or whose weights are not here."""


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
            "title": self.title or self.id,
            "tasks": list(self.tasks),
            "native_size": list(self.native_size),
            "params": self.params,
            "download_gb": self.download_gb,
            "frames": f"{c.frame_multiple}k+1" if c.frame_multiple > 1 else "any",
            "max_frames": c.max_frames,
            "size_multiple": c.size_multiple,
            "native_fps": c.native_fps,
        }


def _known(model_id: str, family: str, tasks: tuple[str, ...], size: tuple[int, int], title: str,
           params: str, download_gb: float, **overrides: object) -> ModelSpec:
    return ModelSpec(model_id, FAMILIES[family], tasks, size, title, params, download_gb, None, dict(overrides))


T2V, I2V, FLF = "text_to_video", "image_to_video", "first_last_frame"

KNOWN_MODELS: dict[str, ModelSpec] = {
    spec.id: spec
    for spec in (
        _known("Wan-AI/Wan2.1-T2V-1.3B-Diffusers", "wan", (T2V,), (832, 480), "Wan 2.1 text-to-video 1.3B", "1.3B", 29),
        _known("Wan-AI/Wan2.1-T2V-14B-Diffusers", "wan", (T2V,), (1280, 720), "Wan 2.1 text-to-video 14B", "14B", 78),
        _known("Wan-AI/Wan2.1-I2V-14B-480P-Diffusers", "wan", (I2V,), (832, 480), "Wan 2.1 image-to-video 14B 480p",
               "14B", 82),
        _known("Wan-AI/Wan2.1-I2V-14B-720P-Diffusers", "wan", (I2V,), (1280, 720), "Wan 2.1 image-to-video 14B 720p",
               "14B", 82),
        _known("Wan-AI/Wan2.1-FLF2V-14B-720P-diffusers", "wan", (I2V, FLF), (1280, 720),
               "Wan 2.1 first-last-frame 14B 720p", "14B", 82),
        _known("Wan-AI/Wan2.2-T2V-A14B-Diffusers", "wan", (T2V,), (1280, 720), "Wan 2.2 text-to-video A14B (MoE)",
               "2x14B", 126),
        _known("Wan-AI/Wan2.2-I2V-A14B-Diffusers", "wan", (I2V,), (1280, 720), "Wan 2.2 image-to-video A14B (MoE)",
               "2x14B", 126),
        _known("Wan-AI/Wan2.2-TI2V-5B-Diffusers", "wan", (T2V, I2V), (1280, 704), "Wan 2.2 text/image-to-video 5B",
               "5B", 34, size_multiple=32, native_fps=24, max_frames=121),
        _known("Lightricks/LTX-Video", "ltx", (T2V, I2V), (768, 512), "LTX-Video 0.9 (2B)", "2B", 28),
    )
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
    index = read_model_index(folder)
    class_name = str(index.get("_class_name", ""))
    family = family_for_class_name(class_name)
    if family is None:
        supported = ", ".join(name for f in FAMILIES.values() for name in f.class_names)
        raise ModelNotFound(f"{folder}: pipeline {class_name or '(none)'} is not a video family Storyreel runs "
                            f"(supported: {supported})")
    overrides: dict[str, object] = {}
    if family.name == "ltx":
        tasks: tuple[str, ...] = (T2V, I2V)
    elif class_name == "WanImageToVideoPipeline":
        transformer = _component_config(folder, "transformer")
        tasks = (I2V, FLF) if transformer.get("pos_embed_seq_len") else (I2V,)
    elif index.get("expand_timesteps"):  # Wan 2.2 TI2V: one checkpoint, both tasks, 24 fps, sides / 32
        tasks = (T2V, I2V)
        overrides = {"size_multiple": 32, "native_fps": 24, "max_frames": 121}
    else:
        tasks = (T2V,)
    return ModelSpec(str(folder), family, tasks, family.native_size, title=folder.name, local_folder=folder,
                     overrides=overrides)


def _component_config(folder: Path, component: str) -> dict[str, object]:
    try:
        data = json.loads((folder / component / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def resolve_model(model_id: str | None) -> ModelSpec:
    """The spec of a known model id or a local diffusers folder (None = the default model)."""
    model_id = model_id or DEFAULT_MODEL
    if model_id in KNOWN_MODELS:
        return KNOWN_MODELS[model_id]
    if Path(model_id).expanduser().is_dir():
        return spec_for_folder(Path(model_id))
    known = ", ".join(KNOWN_MODELS)
    raise ModelNotFound(f"unknown model {model_id!r}: give a known model id ({known}) or a local diffusers folder")


def cached_snapshot(repo_id: str) -> Path | None:
    """The local snapshot folder of a Hub model if its model_index.json and components are in the HF cache."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:  # pragma: no cover - huggingface_hub ships with diffusers
        return None
    found = try_to_load_from_cache(repo_id, "model_index.json")
    if not isinstance(found, str):
        return None
    snapshot = Path(found).parent
    return snapshot if _components_present(snapshot) else None


def _components_present(folder: Path) -> bool:
    try:
        index = read_model_index(folder)
    except ModelNotFound:
        return False
    components = [name for name, value in index.items()
                  if not name.startswith("_") and isinstance(value, list) and value and value[0] is not None]
    return all((folder / name).is_dir() and any((folder / name).iterdir()) for name in components)


def local_weights(spec: ModelSpec) -> Path | None:
    """Where this model's weights are on this machine, or None."""
    if spec.local_folder is not None:
        return spec.local_folder if _components_present(spec.local_folder) else None
    return cached_snapshot(spec.id)


def download_hint(model_id: str) -> str:
    return f"download it with `hf download {model_id}` (or `huggingface-cli download {model_id}`)"


def list_models(extra_folders: list[Path] | None = None) -> list[dict[str, object]]:
    """Every known model and each given local folder, with constraints and where its weights are (or null)."""
    rows: list[dict[str, object]] = []
    specs: list[ModelSpec] = list(KNOWN_MODELS.values())
    for folder in extra_folders or []:
        specs.append(spec_for_folder(folder))
    for spec in specs:
        row = spec.to_dict()
        where = local_weights(spec)
        row["local_path"] = str(where) if where else None
        row["present"] = where is not None
        rows.append(row)
    return rows
