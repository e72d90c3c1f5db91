"""Download a Hub model into the model store with ``huggingface_hub.snapshot_download``: progress, cancel, resume.

- Before anything is fetched, the Hub's file list (with sizes) says how much is still missing; a disk with less
  free space than that is refused.
- Progress is the bytes on disk in the model's store folder (finished files and the ones in flight), reported
  through the usual ``Progress`` callback a few times a second.
- Cancel (a ``CancelToken``, or Ctrl-C in the CLI) stops every transfer at its next chunk. Finished files stay
  in the store, so the next try fetches only what is missing; a connection that drops mid-file is resumed
  where it stopped (an HTTP Range request). huggingface_hub >= 1.x writes each file to a private temporary
  file, so a file that was still in flight when a download was cancelled starts again on the next try.
- Offline (``HF_HUB_OFFLINE``) and an unreachable Hub are clear errors, not tracebacks.
"""

from __future__ import annotations

import fnmatch
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.model_store import ModelStore
from engine.progress import Cancelled, CancelToken, Progress, ProgressCallback, no_progress

_POLL_S = 0.2


class DownloadError(RuntimeError):
    """A model download that cannot start or did not finish; the message says what to do."""


class HubOffline(DownloadError):
    """Downloads are switched off (HF_HUB_OFFLINE)."""


class HubUnreachable(DownloadError):
    """The Hub (or HF_ENDPOINT) did not answer."""


class NotOnHub(DownloadError):
    """No such model repository (or it is private or gated)."""


class NotEnoughDisk(DownloadError):
    """The store's disk has less free space than the files still to fetch."""


def hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class DownloadPlan:
    repo_id: str
    commit: str
    file_sizes: dict[str, int]
    missing: dict[str, int] = field(default_factory=dict)  # files not yet in the store -> size
    free_bytes: int = 0
    allow_patterns: tuple[str, ...] | None = None  # only these files of the repo (None = all of them)

    @property
    def total_bytes(self) -> int:
        return sum(self.file_sizes.values())

    @property
    def missing_bytes(self) -> int:
        return sum(self.missing.values())


def plan_download(store: ModelStore, repo_id: str, revision: str | None = None,
                  allow_patterns: tuple[str, ...] | None = None) -> DownloadPlan:
    """Ask the Hub what the repo holds (files, sizes, commit) and what of it is not in the store yet.

    ``allow_patterns``: fetch only the files matching these glob patterns (a repo holding several variants)."""
    if hub_offline():
        raise HubOffline(f"cannot download {repo_id}: downloads are off (HF_HUB_OFFLINE is set). Unset it on a "
                         f"connected machine, or copy the model into {store.describe()}")
    from huggingface_hub import HfApi
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    api = HfApi(endpoint=store.endpoint)
    try:
        info = api.model_info(repo_id, revision=revision, files_metadata=True)
    except (RepositoryNotFoundError, GatedRepoError) as exc:
        raise NotOnHub(f"no model {repo_id!r} on the Hub (or it is private or gated: log in with `hf auth login` "
                       f"and accept its licence on the model page)") from exc
    except RevisionNotFoundError as exc:
        raise NotOnHub(f"model {repo_id} has no revision {revision!r} on the Hub") from exc
    except HfHubHTTPError as exc:
        raise HubUnreachable(f"the Hub answered with an error for {repo_id}: {exc}") from exc
    except Exception as exc:
        if _is_connection_error(exc):
            raise HubUnreachable(f"cannot reach the Hugging Face Hub at {api.endpoint} to download {repo_id} "
                                 f"({type(exc).__name__}); check the connection (or HF_ENDPOINT), or work "
                                 f"offline with HF_HUB_OFFLINE=1 and the models already on disk") from exc
        raise
    sizes = {s.rfilename: int(s.size or 0) for s in info.siblings or []
             if allow_patterns is None or any(fnmatch.fnmatch(s.rfilename, p) for p in allow_patterns)}
    snapshot = store.location / _snapshot_path(repo_id, info.sha or "")
    missing = {name: size for name, size in sizes.items() if not (snapshot / name).is_file()}
    return DownloadPlan(repo_id, info.sha or "", sizes, missing, store.free_bytes(), allow_patterns)


def check_disk(plan: DownloadPlan, store: ModelStore) -> None:
    """Refuse a download that cannot fit (what is still missing, against the free space of the store's disk)."""
    if plan.missing_bytes > plan.free_bytes:
        raise NotEnoughDisk(f"{plan.repo_id} needs {format_bytes(plan.missing_bytes)} more but only "
                            f"{format_bytes(plan.free_bytes)} is free on the disk of {store.describe()}; free some "
                            f"space or choose another model folder (Settings, or STORYREEL_MODEL_DIR)")


def download_model(store: ModelStore, repo_id: str, *, revision: str | None = None,
                   progress: ProgressCallback = no_progress, cancel: CancelToken | None = None,
                   plan: DownloadPlan | None = None, max_workers: int = 8) -> Path:
    """Fetch every missing file of ``repo_id`` into ``store``; returns the complete snapshot folder.

    Raises ``Cancelled`` when ``cancel`` is set (or on Ctrl-C in the calling thread); finished files are kept.
    """
    cancel = cancel or CancelToken()
    plan = plan or plan_download(store, repo_id, revision)
    check_disk(plan, store)
    folder = store.repo_folder(repo_id)
    start_bytes = store.bytes_on_disk(repo_id)
    total = plan.missing_bytes
    outcome: dict[str, Any] = {}

    def fetch() -> None:
        from huggingface_hub import snapshot_download

        try:
            outcome["path"] = snapshot_download(
                repo_id, revision=revision, cache_dir=str(store.location), endpoint=store.endpoint,
                tqdm_class=_cancelling_tqdm(cancel), max_workers=max_workers,
                allow_patterns=list(plan.allow_patterns) if plan.allow_patterns else None,
            )
        except BaseException as exc:  # handed to the calling thread, which raises it
            outcome["error"] = exc

    worker = threading.Thread(target=fetch, name=f"download {repo_id}", daemon=True)
    worker.start()
    done = 0
    try:
        while worker.is_alive():
            worker.join(_POLL_S)
            done = min(total, max(0, store.bytes_on_disk(repo_id) - start_bytes)) if folder.exists() else 0
            progress(Progress("download", done, total, f"{format_bytes(done)} of {format_bytes(total)}"))
    except KeyboardInterrupt:
        cancel.cancel()
        worker.join()  # every transfer stops at its next chunk; finished files are kept
    error = outcome.get("error")
    if cancel.cancelled or isinstance(error, Cancelled):
        raise Cancelled(f"download of {repo_id} stopped; the files already fetched are kept and the next "
                        f"download continues from them")
    if error is not None:
        raise _explain(error, repo_id, store) from error
    progress(Progress("download", total, total, "done"))
    return Path(outcome["path"])


def _cancelling_tqdm(cancel: CancelToken) -> type:
    """A silent tqdm class for snapshot_download whose every update raises ``Cancelled`` once ``cancel`` is set.

    Every transfer thread reports each chunk through these bars, so a cancel stops them all at their next chunk;
    huggingface_hub deletes the unfinished temporary file and keeps the finished ones.
    """
    from tqdm.auto import tqdm

    class CancellingTqdm(tqdm):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.pop("name", None)
            kwargs["disable"] = True  # the caller shows its own progress (bytes on disk)
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            if cancel.cancelled:
                raise Cancelled("download cancelled")
            return super().update(n)

    return CancellingTqdm


def _explain(error: BaseException, repo_id: str, store: ModelStore) -> BaseException:
    if isinstance(error, DownloadError | KeyboardInterrupt):
        return error
    if _is_connection_error(error):
        return HubUnreachable(f"the connection to the Hub was lost while downloading {repo_id} ({error}); the files "
                              f"already fetched are kept: run the download again to continue")
    if isinstance(error, OSError) and getattr(error, "errno", None) == 28:  # ENOSPC
        return NotEnoughDisk(f"the disk of {store.describe()} filled up while downloading {repo_id}")
    return DownloadError(f"downloading {repo_id} failed: {type(error).__name__}: {error}")


def _is_connection_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        name = type(exc).__name__
        if name in ("ConnectError", "ConnectTimeout", "ReadTimeout", "TimeoutException", "RemoteProtocolError",
                    "ConnectionError", "ConnectionRefusedError", "LocalEntryNotFoundError", "OfflineModeIsEnabled"):
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


def _snapshot_path(repo_id: str, commit: str) -> Path:
    from engine.model_store import repo_folder_name

    return Path(repo_folder_name(repo_id)) / "snapshots" / commit


def format_bytes(size: int) -> str:
    """1.2 GB, 340.5 MB: decimal units, as disks and the Hub count them."""
    for unit, scale in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"
