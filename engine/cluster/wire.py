"""What crosses the object store: a job's input files by content hash, and finished takes as bytes.

No shared filesystem is assumed: an input file (a reference still, a last frame; any request field listed in
``INPUT_FIELDS``) goes to the cluster once (``ray.put``, keyed by its sha256) and each node keeps it in its
``NodeStorage``; a take comes back as its files' bytes and metadata, and the client writes
it into its take cache (each file atomically, the metadata last), so the app sees a ``TakeResult`` on its disk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from engine.atomic_files import write_atomic
from engine.cluster.node_storage import NodeStorage
from engine.messages import EngineEvent
from engine.request import GenerationRequest, TakeResult, file_sha256
from engine.take_cache import FILE_FIELDS, TakeCache

# The request fields naming files that must travel with a job (path field, content-hash field).
INPUT_FIELDS = (("reference_image", "reference_sha256"), ("last_image", "last_image_sha256"))


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


def input_files_of(request: GenerationRequest) -> list[tuple[str, str, Path]]:
    """(request field, sha256, local path) of each file the request needs on the node."""
    out = []
    for path_field, sha_field in INPUT_FIELDS:
        path = getattr(request, path_field)
        if path:
            out.append((path_field, getattr(request, sha_field) or file_sha256(path), Path(path)))
    return out


InputRefs = dict[str, tuple[str, str, list[Any]]]  # field -> (sha256, suffix, [ObjectRef]) (a list: Ray keeps a
# ref nested in a container as a ref, where a bare argument would be fetched before the call)


class InputFiles:
    """The client's side: each input file goes into the object store once per connection, keyed by content."""

    def __init__(self, ray: Any) -> None:
        self._ray = ray
        self._refs: dict[str, Any] = {}

    def refs_for(self, request: GenerationRequest) -> InputRefs:
        out = {}
        for field_name, sha, path in input_files_of(request):
            if sha not in self._refs:
                self._refs[sha] = self._ray.put(path.read_bytes())
            out[field_name] = (sha, path.suffix.lower(), [self._refs[sha]])
        return out

    def forget(self) -> None:
        """Drop the refs (the connection they belong to is gone)."""
        self._refs.clear()


def materialise_inputs(ray: Any, request: GenerationRequest, inputs: InputRefs,
                       storage: NodeStorage) -> tuple[GenerationRequest, list[Path]]:
    """On the node: the request with its input files at local paths (fetched from the object store once per
    node), and those paths (in use until the job ends)."""
    changes, used = {}, []
    for path_field, (sha, suffix, refs) in inputs.items():
        target = storage.inputs / f"{sha}{suffix}"
        if target.is_file():
            storage.touch(target)
        else:
            data = ray.get(refs[0])
            if hashlib.sha256(data).hexdigest() != sha:
                raise ValueError(f"the {path_field.replace('_', ' ')} arrived damaged (content hash mismatch)")
            write_atomic(target, data)
        changes[path_field] = str(target)
        used.append(target)
    return (replace(request, **changes) if changes else request), used
