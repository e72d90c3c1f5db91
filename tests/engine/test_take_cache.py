"""The take cache as the worker uses it: hits skip generation, only intact takes are offered, entries survive a
moved root. Jobs go through the worker's own ``run_job`` (in this process) with a counting animatic backend."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine.backends.animatic import AnimaticBackend
from engine.messages import Cancelled, Done, EngineEvent, RunJob, StepProgress
from engine.progress import CancelToken, ProgressCallback
from engine.request import GenerationRequest, TakeResult
from engine.take_cache import TakeCache
from engine.video_io import probe_video
from engine.worker import run_job


class CountingBackend:
    """The real animatic backend, counting how often it is asked to generate."""

    name = "animatic"

    def __init__(self) -> None:
        self.inner = AnimaticBackend(preset="ultrafast")
        self.calls = 0

    def generate(self, request: GenerationRequest, out_dir: Path, progress: ProgressCallback,
                 cancel: CancelToken) -> TakeResult:
        self.calls += 1
        return self.inner.generate(request, out_dir, progress, cancel)

    def release(self) -> None:
        pass


def make_request(**fields: object) -> GenerationRequest:
    values: dict[str, object] = dict(prompt="Fog over the harbour", width=160, height=90, num_frames=12, fps=24,
                                     seed=11, camera="pan_left")
    values.update(fields)
    return GenerationRequest(**values)  # type: ignore[arg-type]


def run(cache: TakeCache, request: GenerationRequest, backend: CountingBackend, *, force_new: bool = False,
        token: CancelToken | None = None, on_event=None) -> EngineEvent:
    """One job through the worker's run_job; returns its final event."""
    events: list[EngineEvent] = []

    def emit(event: EngineEvent) -> None:
        events.append(event)
        if on_event is not None:
            on_event(event)

    run_job(RunJob("job_test", request, force_new), {"animatic": backend}, {}, cache, token or CancelToken(), emit)
    return events[-1]


def generate(cache: TakeCache, request: GenerationRequest, backend: CountingBackend, **kw) -> TakeResult:
    final = run(cache, request, backend, **kw)
    assert isinstance(final, Done) and final.result is not None, final
    return final.result


@pytest.fixture
def cache(tmp_path: Path) -> TakeCache:
    return TakeCache(tmp_path / "cache")


def test_second_request_is_a_hit_without_generating(cache: TakeCache) -> None:
    backend = CountingBackend()
    request = make_request()
    first = generate(cache, request, backend)
    video_bytes = first.video.read_bytes()
    again = generate(cache, make_request(), backend)
    assert backend.calls == 1
    assert again.from_cache and not first.from_cache
    assert again.video == first.video and again.video.read_bytes() == video_bytes
    assert again.request == request and again.num_frames == 12 and again.timings == first.timings
    key = request.key()
    assert first.video == cache.root / key[:2] / key / "video.mp4"
    other = generate(cache, make_request(seed=12), backend)
    assert backend.calls == 2 and other.video != first.video
    generate(cache, request, backend, force_new=True)
    assert backend.calls == 3


def test_truncated_video_is_not_offered_and_is_regenerated(cache: TakeCache) -> None:
    backend = CountingBackend()
    request = make_request()
    take = generate(cache, request, backend)
    data = take.video.read_bytes()
    take.video.write_bytes(data[: len(data) // 2])
    assert cache.lookup(request) is None
    fresh = generate(cache, request, backend)
    assert backend.calls == 2 and probe_video(fresh.video).frame_count == 12


@pytest.mark.parametrize("damage", ["no metadata", "bad json", "no thumbnail", "wrong frame count", "other key"])
def test_damaged_entries_are_not_returned(cache: TakeCache, damage: str) -> None:
    request = make_request()
    take = generate(cache, request, CountingBackend())
    meta = take.video.parent / "metadata.json"
    if damage == "no metadata":
        meta.unlink()
    elif damage == "bad json":
        meta.write_text(meta.read_text()[:40])
    elif damage == "no thumbnail":
        take.thumbnail.unlink()
    else:
        data = json.loads(meta.read_text())
        if damage == "wrong frame count":
            data["take"]["num_frames"] = 13
        else:
            data["key"] = "0" * 32
        meta.write_text(json.dumps(data))
    assert cache.lookup(request) is None


def test_half_written_take_is_never_offered(cache: TakeCache) -> None:
    request = make_request(num_frames=24)
    token = CancelToken()

    def cancel_midway(event: EngineEvent) -> None:
        if isinstance(event, StepProgress) and event.stage == "render" and event.step == 10:
            token.cancel()

    final = run(cache, request, CountingBackend(), token=token, on_event=cancel_midway)
    assert isinstance(final, Cancelled)
    assert cache.lookup(request) is None
    assert not any(p.suffix == ".mp4" for p in cache.root.rglob("*"))
    # generated but not committed (metadata is written last): not a take either
    slot = cache.slot(request)
    AnimaticBackend(preset="ultrafast").generate(request, slot)
    assert cache.lookup(request) is None


def test_entries_survive_a_moved_cache_root(cache: TakeCache, tmp_path: Path) -> None:
    request = make_request()
    generate(cache, request, CountingBackend())
    moved = tmp_path / "elsewhere"
    shutil.move(cache.root, moved)
    found = TakeCache(moved).lookup(request)
    assert found is not None and found.video.is_relative_to(moved) and found.video.is_file()


def test_commit_copies_a_take_made_elsewhere(cache: TakeCache, tmp_path: Path) -> None:
    a = AnimaticBackend(preset="ultrafast").generate(make_request(), tmp_path / "outside")
    committed = cache.commit(a)
    assert committed.video.parent == cache.folder(a.request) and cache.lookup(a.request) is not None
    backend = CountingBackend()
    hit = generate(cache, a.request, backend)
    assert backend.calls == 0 and hit.from_cache and hit.video == committed.video
