"""What crosses the object store: a job's input files by content hash, and finished takes as bytes.

No shared filesystem is assumed: an input file (a reference still, a last frame, the cast's stills, a LoRA; see
``input_files_of``) goes to the cluster once (``ray.put``, keyed by its sha256) and each node keeps it in its
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
    """(slot, sha256, local path) of each file the request needs on the node. A slot is a field of
    ``INPUT_FIELDS``, or ``reference_images[i]`` / ``loras[i]`` for an item of those tuples (the cast's stills of a
    keyframe or a story card, the LoRA adapters)."""
    out = []
    for path_field, sha_field in INPUT_FIELDS:
        path = getattr(request, path_field)
        if path:
            out.append((path_field, getattr(request, sha_field) or file_sha256(path), Path(path)))
    hashes = request.reference_images_sha256
    for i, path in enumerate(request.reference_images):
        out.append((f"reference_images[{i}]", (hashes[i] if i < len(hashes) else "") or file_sha256(path), Path(path)))
    for i, (path, sha, _strength) in enumerate(request.loras):
        out.append((f"loras[{i}]", sha, Path(path)))
    return out


def with_local_inputs(request: GenerationRequest, local: dict[str, str]) -> GenerationRequest:
    """``request`` with the files of ``local`` (slot -> path on this node) in place of the client's paths."""
    if not local:
        return request
    singles = {slot: path for slot, path in local.items() if "[" not in slot}
    stills = list(request.reference_images)
    loras = [list(item) for item in request.loras]
    for slot, path in local.items():
        name, _, index = slot.partition("[")
        if index:
            i = int(index.rstrip("]"))
            if name == "reference_images":
                stills[i] = path
            else:
                loras[i][0] = path
    return replace(request, **singles, reference_images=tuple(stills), loras=tuple(tuple(item) for item in loras))


InputRefs = dict[str, tuple[str, str, list[Any]]]  # slot -> (sha256, file name, [ObjectRef]) (a list: Ray keeps a
# ref nested in a container as a ref, where a bare argument would be fetched before the call)


class InputFiles:
    """The client's side: each input file goes into the object store once per connection, keyed by content."""

    def __init__(self, ray: Any) -> None:
        self._ray = ray
        self._refs: dict[str, Any] = {}

    def refs_for(self, request: GenerationRequest) -> InputRefs:
        out = {}
        for slot, sha, path in input_files_of(request):
            if sha not in self._refs:
                self._refs[sha] = self._ray.put(path.read_bytes())
            out[slot] = (sha, path.name, [self._refs[sha]])
        return out

    def forget(self) -> None:
        """Drop the refs (the connection they belong to is gone)."""
        self._refs.clear()


def materialise_inputs(ray: Any, request: GenerationRequest, inputs: InputRefs,
                       storage: NodeStorage) -> tuple[GenerationRequest, list[Path]]:
    """On the node: the request with its input files at local paths (fetched from the object store once per
    node), and those paths (in use until the job ends). A file keeps its name after its hash, so what the engine
    says of it (a LoRA that does not fit the model) names the user's file."""
    local, used = {}, []
    for slot, (sha, name, refs) in inputs.items():
        target = storage.inputs / f"{sha}-{_safe_name(name)}"
        if target.is_file():
            storage.touch(target)
        else:
            data = ray.get(refs[0])
            if hashlib.sha256(data).hexdigest() != sha:
                raise ValueError(f"the input file {name} arrived damaged (content hash mismatch)")
            write_atomic(target, data)
        local[slot] = str(target)
        used.append(target)
    return with_local_inputs(request, local), used


def _safe_name(name: str) -> str:
    """A file name from another machine, as one plain path component here (no separators, no leading dot)."""
    kept = "".join(c if c.isalnum() or c in "._-" else "_" for c in Path(name).name).lstrip(".")
    return kept[-100:] or "input"
