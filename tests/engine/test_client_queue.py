"""WorkerClient's queue with the animatic backend: it survives a restart, runs by priority, retries."""

from __future__ import annotations

import json
from pathlib import Path

from engine.job_queue import QUEUE_FILE
from engine.messages import Done, Queued, Started
from engine.request import GenerationRequest
from engine.video_io import probe_video
from engine.worker_client import WorkerClient

WAIT = 240


def card(n: int, frames: int = 12) -> GenerationRequest:
    return GenerationRequest(prompt=f"Shot {n}: the keeper climbs the stairs", width=96, height=54,
                             num_frames=frames, fps=24, seed=n, label=f"SHOT {n}")


def test_pending_jobs_survive_closing_the_client(tmp_path: Path) -> None:
    first = WorkerClient(tmp_path / "state")
    submitted = [first.submit(card(n), tag=f"shot_{n}") for n in range(3)]
    first.close()
    unfinished = {job.id for job in first.jobs() if not job.finished}
    assert len(unfinished) >= 2
    saved = json.loads((tmp_path / "state" / QUEUE_FILE).read_text())
    assert {job["id"] for job in saved["jobs"]} == unfinished

    second = WorkerClient(tmp_path / "state")
    try:
        restored = [e.job_id for e in second.poll() if isinstance(e, Queued)]
        assert set(restored) == unfinished
        for job_id in unfinished:
            final = second.wait(job_id, timeout=WAIT)
            assert isinstance(final, Done), final
            assert probe_video(final.result.video).frame_count == 12
            assert second.job(job_id).tag == f"shot_{submitted.index(job_id)}"
    finally:
        second.close()
    assert json.loads((tmp_path / "state" / QUEUE_FILE).read_text())["jobs"] == []


def test_priority_order_and_retry(tmp_path: Path) -> None:
    with WorkerClient(tmp_path / "state", tmp_path / "cache") as engine:
        blocker = engine.submit(card(0, frames=48))
        events = []
        while not any(isinstance(e, Started) for e in events):  # the blocker holds the worker
            events += engine.poll(timeout=1)
        low = engine.submit(card(1))
        high = engine.submit(card(2), priority=5)
        moved = engine.submit(card(3))
        engine.move(moved, 0)  # ahead of the high-priority job: it takes that priority
        assert [j.id for j in engine.jobs() if j.status == "queued"][:3] == [moved, high, low]
        for job_id in (blocker, low, high, moved):
            assert isinstance(engine.wait(job_id, timeout=WAIT), Done)
        started = [e.job_id for e in events + engine.poll() if isinstance(e, Started)]
        assert started == [blocker, moved, high, low]

        cached = engine.wait(engine.submit(card(1)), timeout=WAIT)
        assert cached.result.from_cache
        again = engine.retry(low)
        final = engine.wait(again, timeout=WAIT)
        assert isinstance(final, Done) and not final.result.from_cache
        assert engine.job(again).retry_of == low
        assert (tmp_path / "cache").is_dir()
