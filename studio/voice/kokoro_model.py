"""The neural offline voice's weights: which Hub files, where the model store keeps them, loading them safely.

The weights come once through the same model store as the video models (``engine.model_store``, downloaded by
``engine.model_download``: progress, resume, size shown); after that the voice needs no network. A damaged file
(a disk error, a half-copied model folder) is a ``VoiceModelDamaged`` error that says how to fetch it again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.model_store import ModelStore, ModelStoreError

from .errors import VoiceError


@dataclass(frozen=True)
class NeuralVoiceModel:
    """A downloadable neural voice: a Hub repo holding an ONNX model and its voices file."""

    repo_id: str
    title: str
    model_file: str
    voices_file: str
    params: str
    download_mb: int
    sample_rate: int
    weights_licence: str
    code_licence: str

    @property
    def files(self) -> tuple[str, str]:
        return (self.model_file, self.voices_file)

    def download_hint(self) -> str:
        return f"storyreel models download {self.repo_id}"


# Kokoro-82M v1.0 as kokoro-onnx's release files (kokoro-v1.0.onnx, voices-v1.0.bin), mirrored on the Hub.
KOKORO = NeuralVoiceModel(
    repo_id="fastrtc/kokoro-onnx",
    title="Kokoro-82M v1.0 (ONNX), offline neural voices",
    model_file="kokoro-v1.0.onnx",
    voices_file="voices-v1.0.bin",
    params="82M",
    download_mb=353,
    sample_rate=24000,
    weights_licence="Apache-2.0 (hexgrad/Kokoro-82M)",
    code_licence="MIT (kokoro-onnx)",
)
VOICE_MODELS: dict[str, NeuralVoiceModel] = {KOKORO.repo_id: KOKORO}


class VoiceModelMissing(VoiceError):
    """The neural voice's weights are not in the model store."""


class VoiceModelDamaged(VoiceError):
    """The neural voice's files are on disk but cannot be read (truncated, overwritten, not a model)."""


@dataclass(frozen=True)
class VoiceModelFiles:
    model: Path
    voices: Path


def _store(store: ModelStore | None) -> ModelStore | None:
    if store is not None:
        return store
    try:
        return ModelStore.configured()
    except ModelStoreError:
        return None


def stored_files(store: ModelStore | None = None, model: NeuralVoiceModel = KOKORO) -> VoiceModelFiles | None:
    """The model's files in the store (no network), or None until both are there."""
    store = _store(store)
    if store is None:
        return None
    found = [store.cached_file(model.repo_id, name) for name in model.files]
    if any(path is None for path in found):
        return None
    return VoiceModelFiles(found[0], found[1])  # type: ignore[arg-type]


def neural_voice_ready(store: ModelStore | None = None) -> bool:
    """True when the neural voice can speak on this machine: its files are on disk and kokoro-onnx is installed."""
    import importlib.util

    return stored_files(store) is not None and importlib.util.find_spec("kokoro_onnx") is not None


def required_files(store: ModelStore | None = None, model: NeuralVoiceModel = KOKORO) -> VoiceModelFiles:
    files = stored_files(store, model)
    if files is None:
        raise VoiceModelMissing(
            f"the neural voice ({model.title}) is not downloaded; get it once with `{model.download_hint()}` "
            f"(about {model.download_mb} MB), or use the offline espeak voice"
        )
    return files


def _damaged(path: Path, reason: str, model: NeuralVoiceModel) -> VoiceModelDamaged:
    return VoiceModelDamaged(
        f"the neural voice file {path} is damaged ({reason}); download it again with `{model.download_hint()}` "
        f"(it replaces damaged files and keeps good ones)"
    )


@functools.lru_cache(maxsize=4)
def _voice_names(path: str, size: int, mtime: float) -> tuple[str, ...]:
    import numpy as np

    with np.load(path) as archive:  # an .npz: names come from the zip directory, no tables are read
        return tuple(sorted(archive.files))


def voice_names(voices: Path, model: NeuralVoiceModel = KOKORO) -> tuple[str, ...]:
    """The voices a voices file holds (af_heart, am_adam, ...), without loading their tables."""
    try:
        stat = Path(voices).stat()
        return _voice_names(str(voices), stat.st_size, stat.st_mtime)
    except FileNotFoundError as exc:
        raise VoiceModelMissing(f"the voices file {voices} is missing; `{model.download_hint()}`") from exc
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise _damaged(Path(voices), f"not a voices archive: {exc}", model) from exc


def _session(path: Path, model: NeuralVoiceModel) -> Any:
    """An onnxruntime session over the model file, checked to take a Kokoro model's inputs."""
    import kokoro_onnx
    from onnxruntime.capi.onnxruntime_pybind11_state import Fail, InvalidProtobuf

    try:
        session = kokoro_onnx.create_session(str(path))
    except (InvalidProtobuf, Fail, RuntimeError, OSError) as exc:
        raise _damaged(path, f"onnxruntime cannot load it: {str(exc).splitlines()[0][:160]}", model) from exc
    inputs = {i.name for i in session.get_inputs()}
    if not {"style", "speed"} <= inputs or not inputs & {"tokens", "input_ids"}:
        raise _damaged(path, f"its inputs {sorted(inputs)} are not a Kokoro voice model's", model)
    return session


def load_kokoro(files: VoiceModelFiles, model: NeuralVoiceModel = KOKORO) -> Any:
    """A ``kokoro_onnx.Kokoro`` over ``files``: the model session and the voice tables, checked."""
    try:
        import kokoro_onnx
    except ImportError as exc:
        raise VoiceError("the neural voice needs kokoro-onnx and onnxruntime (pip install kokoro-onnx)") from exc
    if not voice_names(files.voices, model):
        raise _damaged(files.voices, "it holds no voices", model)
    session = _session(files.model, model)
    try:
        return kokoro_onnx.Kokoro.from_session(session, str(files.voices))
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise _damaged(files.voices, str(exc)[:160], model) from exc


def _differs_from_hub(link: Path) -> bool:
    """True when a stored file's bytes no longer hash to its blob's name (the Hub's sha256 of an LFS file)."""
    blob = link.resolve()
    if len(blob.name) != 64 or not all(c in "0123456789abcdef" for c in blob.name):
        return False  # a small file's blob is named by its git hash, or the store holds a plain copy
    digest = hashlib.sha256()
    with blob.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest() != blob.name


def discard_damaged(store: ModelStore, model: NeuralVoiceModel = KOKORO) -> list[str]:
    """Remove the model's stored files that are damaged (changed since download, or unreadable), so that a
    download fetches them again; returns their names."""
    files = stored_files(store, model)
    if files is None:
        return []
    damaged: list[str] = []
    for name, link, check in ((model.model_file, files.model, lambda: _session(files.model, model)),
                              (model.voices_file, files.voices, lambda: voice_names(files.voices, model))):
        try:
            bad = _differs_from_hub(link)
            if not bad:
                check()
        except (VoiceError, OSError):
            bad = True
        if bad:
            damaged.append(name)
            blob = link.resolve()
            for path in dict.fromkeys((link, blob)):  # the snapshot link, and the blob it points to
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
    return damaged


def file_fingerprint(path: Path) -> str:
    """A cheap identity for a large file: its size and the sha256 of its first and last MiB."""
    path = Path(path)
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with path.open("rb") as handle:
        digest.update(handle.read(1 << 20))
        if size > 2 << 20:
            handle.seek(-(1 << 20), 2)
            digest.update(handle.read())
    return digest.hexdigest()[:16]


def voice_model_row(store: ModelStore, model: NeuralVoiceModel = KOKORO) -> dict[str, object]:
    """The voice model as ``storyreel models`` lists it."""
    files = stored_files(store, model)
    partial = store.repo_folder(model.repo_id).is_dir()
    return {"id": model.repo_id, "kind": "voice", "title": model.title, "params": model.params,
            "download_gb": round(model.download_mb / 1000, 2), "present": files is not None,
            "state": "on disk" if files else ("partial" if partial else "not here"),
            "bytes_on_disk": store.bytes_on_disk(model.repo_id),
            "local_path": str(files.model.parent) if files else None,
            "licence": f"weights {model.weights_licence}; code {model.code_licence}"}
