"""What crosses the object store: reference stills by content hash, and finished takes as bytes.

No shared filesystem is assumed: a still goes to the cluster once (``ray.put``, keyed by its sha256) and each
node keeps it in a folder of its own; a take comes back as its files' bytes and metadata, and the client writes
it into its take cache (each file atomically, the metadata last), so the app sees a ``TakeResult`` on its disk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from engine.atomic_files import write_atomic
from engine.messages import EngineEvent
from engine.request import GenerationRequest, TakeResult, file_sha256
from engine.take_cache import FILE_FIELDS, TakeCache

STILL_FIELDS = (("reference_image", "reference_sha256"), ("last_image", "last_image_sha256"))


@dataclass(frozen=True)
class RemoteDone(EngineEvent):
    """A take made on a node: its metadata (``TakeResult.to_dict``) and the bytes of each of its files."""

    take: dict[str, Any] | None = None
    files: dict[str, bytes] | None = None
    node: str = ""


def take_payload(job_id: str, result: TakeResult, node: str) -> RemoteDone:
    files = {name: Path(getattr(result, name)).read_bytes() for name in FILE_FIELDS}
    return RemoteDone(job_id, take=result.to_dict(), files=files, node=node)


def store_take(cache: TakeCache, request: GenerationRequest, done: RemoteDone) -> TakeResult:
    """Write a take from the cluster into this machine's cache; the result names the caller's own request."""
    if done.take is None or done.files is None or set(done.files) != set(FILE_FIELDS):
        raise ValueError("the cluster sent an incomplete take")
    folder = cache.slot(request)
    values = dict(done.take)
    for name, file_name in FILE_FIELDS.items():
        write_atomic(folder / file_name, done.files[name])
        values[name] = str(folder / file_name)
    values["request"] = request.to_dict()  # the node's copy names its own paths for the stills
    result = cache.commit(TakeResult.from_dict(values))
    result.from_cache = bool(done.take.get("from_cache", False))
    return result


def stills_of(request: GenerationRequest) -> list[tuple[str, str, Path]]:
    """(request field, sha256, local path) of each still the request needs."""
    out = []
    for path_field, sha_field in STILL_FIELDS:
        path = getattr(request, path_field)
        if path:
            out.append((path_field, getattr(request, sha_field) or file_sha256(path), Path(path)))
    return out


def materialise_stills(ray: Any, request: GenerationRequest, stills: dict[str, tuple[str, str, list[Any]]],
                       folder: Path) -> GenerationRequest:
    """On the node: the request with its stills at local paths (fetched from the object store once per node)."""
    changes = {}
    for path_field, (sha, suffix, refs) in stills.items():
        target = folder / f"{sha}{suffix}"
        if not target.is_file():
            data = ray.get(refs[0])
            if hashlib.sha256(data).hexdigest() != sha:
                raise ValueError(f"the {path_field.replace('_', ' ')} arrived damaged (content hash mismatch)")
            write_atomic(target, data)
        changes[path_field] = str(target)
    return replace(request, **changes) if changes else request
