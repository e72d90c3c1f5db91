"""The models this machine can use (video and image): known ones, any supported Hub model in the store, and given folders.

Each row says what the model makes (family, tasks, frame rules), whether its weights are on disk (complete,
partial or absent), how much disk they take, and whether the model fits this machine (``engine.machine_fit``).
"""

from __future__ import annotations

from pathlib import Path

from engine.machine_fit import Fit, Machine, fit_for, measured_memory_gb, this_machine
from engine.model_registry import (
    KNOWN_IMAGE_MODELS,
    KNOWN_MODELS,
    ModelNotFound,
    ModelSpec,
    local_weights,
    resolve_model,
    spec_for_folder,
)
from engine.model_store import ModelStore, component_names


def stored_specs(store: ModelStore, kind: str | None = "video") -> list[ModelSpec]:
    """Hub models in the store that are not known ids and whose model_index.json names a supported pipeline
    (of ``kind``: "video", "image", or None for both)."""
    specs = []
    for repo_id in store.repo_ids():
        if repo_id in KNOWN_MODELS or repo_id in KNOWN_IMAGE_MODELS:
            continue
        try:
            spec = resolve_model(repo_id, store)
        except ModelNotFound:  # an unsupported pipeline, a tokenizer repo, a snapshot without model_index.json
            continue
        if kind is None or spec.family.kind == kind:
            specs.append(spec)
    return specs


def model_row(spec: ModelSpec, store: ModelStore, machine: Machine) -> dict[str, object]:
    row = spec.to_dict()
    where = local_weights(spec, store)
    row["local_path"] = str(where) if where else None
    row["present"] = where is not None
    if spec.local_folder is not None:
        row["state"] = "on disk" if where else "incomplete"
        row["bytes_on_disk"] = _folder_bytes(spec.local_folder)
        snapshot: Path | None = spec.local_folder
    else:
        snapshot = store.snapshot_folder(spec.id)
        row["state"] = "on disk" if where else ("partial" if store.repo_folder(spec.id).is_dir() else "not here")
        row["bytes_on_disk"] = store.bytes_on_disk(spec.id)
    memory = spec.memory_gb
    if memory is None and snapshot is not None:
        memory = measured_memory_gb(snapshot, component_names(snapshot))
    fit: Fit = fit_for(memory, machine)
    row["memory_gb"] = [round(memory[0], 2), round(memory[1], 2)] if memory else None
    row["fit"] = fit.to_dict()
    return row


def list_models(extra_folders: list[Path] | None = None, store: ModelStore | None = None,
                machine: Machine | None = None) -> list[dict[str, object]]:
    """Every known model (video, then image), every supported Hub model in the store, and each given local
    folder, as rows."""
    store = store or ModelStore.configured()
    machine = machine or this_machine()
    specs = list(KNOWN_MODELS.values()) + list(KNOWN_IMAGE_MODELS.values()) + stored_specs(store, kind=None)
    specs += [spec_for_folder(folder) for folder in extra_folders or []]
    return [model_row(spec, store, machine) for spec in specs]


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink())
