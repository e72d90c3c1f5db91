"""Where video-model weights live on this machine: the Hugging Face cache, or a folder the user chose.

One store serves the engine, ``storyreel models`` and the editor's model manager. A chosen folder is used as a
Hugging Face *cache_dir* (``models--org--name/`` with ``blobs/``, ``snapshots/``, ``refs/``), so
``snapshot_download(cache_dir=...)`` and ``try_to_load_from_cache(cache_dir=...)`` agree on every file, and a
download that stopped picks up where it left off.

Which folder (the first that is set):
  1. ``STORYREEL_MODEL_DIR`` (environment; for scripts and headless machines),
  2. ``model_dir`` in ``model_store.json`` in Storyreel's user config folder (written by the editor's settings;
     the folder is platformdirs' ``user_config_dir("storyreel")``, or ``STORYREEL_CONFIG_DIR``),
  3. the Hugging Face cache (``HF_HUB_CACHE``, else ``HF_HOME/hub``, else ``~/.cache/huggingface/hub``).
The engine's worker process reads the same places, so the editor, the CLI and the engine always agree.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from engine.atomic_files import write_atomic

MODEL_DIR_ENV = "STORYREEL_MODEL_DIR"
CONFIG_DIR_ENV = "STORYREEL_CONFIG_DIR"
CONFIG_NAME = "model_store.json"
_REPO_PREFIX = "models--"


class ModelStoreError(RuntimeError):
    """The store's settings cannot be read or written."""


def config_path() -> Path:
    """The small JSON file that holds the model folder the user chose in the editor."""
    folder = os.environ.get(CONFIG_DIR_ENV, "").strip()
    if not folder:
        from platformdirs import user_config_dir

        folder = user_config_dir("storyreel")
    return Path(folder).expanduser() / CONFIG_NAME


def saved_model_dir() -> Path | None:
    """The folder saved in the user config (None = none chosen: the Hugging Face cache)."""
    path = config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelStoreError(f"the model settings in {path} cannot be read ({exc}); fix or delete the file") from exc
    value = data.get("model_dir") if isinstance(data, dict) else None
    return Path(value).expanduser() if isinstance(value, str) and value.strip() else None


def configured_model_dir() -> Path | None:
    """``STORYREEL_MODEL_DIR``, else the saved folder, else None (the Hugging Face cache)."""
    env = os.environ.get(MODEL_DIR_ENV, "").strip()
    return Path(env).expanduser() if env else saved_model_dir()


def save_model_dir(folder: Path | None) -> Path:
    """Remember ``folder`` as the model folder (None = back to the Hugging Face cache); returns the config file."""
    path = config_path()
    data = {"model_dir": str(Path(folder).expanduser()) if folder else None}
    try:
        write_atomic(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
    except OSError as exc:
        raise ModelStoreError(f"the model folder setting cannot be saved to {path}: {exc}") from exc
    return path


def repo_folder_name(repo_id: str) -> str:
    """The Hugging Face cache's folder for a model repo (``org/name`` -> ``models--org--name``)."""
    return _REPO_PREFIX + repo_id.replace("/", "--")


def looks_like_repo_id(text: str) -> bool:
    """``org/name`` with Hub-legal characters (not a path: no leading dot or slash, exactly one slash)."""
    parts = text.split("/")
    legal = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
    return (len(parts) == 2 and all(parts) and all(set(p) <= legal for p in parts)
            and not any(p.startswith(".") or p.endswith(".") or "--" in p for p in parts))


@dataclass(frozen=True)
class ModelStore:
    """A Hugging Face cache folder (``cache_dir`` None = the default cache) and the Hub it downloads from
    (``endpoint`` None = ``HF_ENDPOINT`` or huggingface.co)."""

    cache_dir: Path | None = None
    endpoint: str | None = None

    @classmethod
    def configured(cls, *, endpoint: str | None = None) -> ModelStore:
        """The store the user chose (see the module docstring)."""
        return cls(configured_model_dir(), endpoint)

    @property
    def location(self) -> Path:
        if self.cache_dir is not None:
            return Path(self.cache_dir).expanduser()
        from huggingface_hub import constants

        return Path(constants.HF_HUB_CACHE)

    @property
    def is_default(self) -> bool:
        return self.cache_dir is None

    def describe(self) -> str:
        """Where the weights are kept, in words."""
        if self.is_default:
            return f"the Hugging Face cache ({self.location})"
        return f"the model folder {self.location}"

    def repo_folder(self, repo_id: str) -> Path:
        return self.location / repo_folder_name(repo_id)

    def repo_ids(self) -> list[str]:
        """Every model repo with something in this store (complete or not), sorted."""
        try:
            names = [p.name for p in self.location.iterdir() if p.is_dir() and p.name.startswith(_REPO_PREFIX)]
        except OSError:
            return []
        return sorted(name[len(_REPO_PREFIX):].replace("--", "/", 1) for name in names)

    def cached_file(self, repo_id: str, filename: str, revision: str | None = None) -> Path | None:
        """A file of the repo's snapshot if it is in the store (no network)."""
        from huggingface_hub import try_to_load_from_cache

        try:
            found = try_to_load_from_cache(repo_id, filename, cache_dir=str(self.location), revision=revision)
        except (OSError, ValueError):  # an unreadable cache or a malformed id counts as "not here"
            return None
        return Path(found) if isinstance(found, str) else None

    def snapshot_folder(self, repo_id: str, revision: str | None = None) -> Path | None:
        """The snapshot folder holding the repo's model_index.json, complete or not."""
        index = self.cached_file(repo_id, "model_index.json", revision)
        return index.parent if index is not None else None

    def missing_files(self, repo_id: str, revision: str | None = None) -> list[str]:
        """Files of the repo's snapshot that are not (yet) in the store; all of them unknown = ["model_index.json"].

        The file list comes from the listing snapshot_download keeps beside the cache; a snapshot made without one
        (an older huggingface_hub, or files fetched one by one) is checked by its components instead.
        """
        snapshot = self.snapshot_folder(repo_id, revision)
        if snapshot is None:
            return ["model_index.json"]
        listed = self._listed_files(repo_id, revision)
        if listed is not None:
            return [name for name in listed if not (snapshot / name).is_file()]
        return [name for name in component_names(snapshot)
                if not (snapshot / name).is_dir() or not any((snapshot / name).iterdir())]

    def _listed_files(self, repo_id: str, revision: str | None) -> list[str] | None:
        try:
            from huggingface_hub import get_cached_repo_tree
        except ImportError:  # huggingface_hub before 1.x keeps no listing
            return None
        try:
            return [f.path for f in get_cached_repo_tree(repo_id, revision=revision, cache_dir=str(self.location))]
        except Exception:  # no listing cached (CachedRepoTreeNotFoundError) or an unreadable one
            return None

    def snapshot(self, repo_id: str, revision: str | None = None) -> Path | None:
        """The repo's snapshot folder if every file is here, else None."""
        folder = self.snapshot_folder(repo_id, revision)
        if folder is None or self.missing_files(repo_id, revision):
            return None
        return folder

    def bytes_on_disk(self, repo_id: str) -> int:
        """What the repo's files take on disk: its blobs, downloads in flight included (snapshots only link them)."""
        total = 0
        with contextlib.suppress(OSError), os.scandir(self.repo_folder(repo_id) / "blobs") as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    if entry.is_file(follow_symlinks=False):
                        total += entry.stat(follow_symlinks=False).st_size
        return total

    def free_bytes(self) -> int:
        """Free space on the disk that holds the store (its nearest existing parent if not made yet)."""
        import shutil

        folder = self.location
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent
        return shutil.disk_usage(folder).free


def component_names(snapshot: Path) -> list[str]:
    """The component folders a diffusers model_index.json names (``"vae": ["diffusers", "AutoencoderKLWan"]``)."""
    try:
        index = json.loads((snapshot / "model_index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["model_index.json"]
    if not isinstance(index, dict):
        return ["model_index.json"]
    return [name for name, value in index.items()
            if not name.startswith("_") and isinstance(value, list) and value and value[0] is not None]
