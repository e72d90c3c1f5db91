"""The engine as the app uses it: WorkerClient -> spawned worker -> backends, with tiny Wan checkpoints.

Covers text- and image-to-video through ``from_pretrained`` in the worker, per-step events with previews, the
take cache, cancel mid-run, a killed worker being replaced, missing weights and priorities.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import cv2
import numpy as np
import pytest
from engine_events import events_until_final

from engine.messages import (
    Cancelled,
    Done,
    EngineEvent,
    Failed,
    Queued,
    Started,
    StepProgress,
    WorkerRestarted,
)
from engine.request import GenerationRequest
from engine.video_io import probe_video, read_frames
from engine.worker_client import WorkerClient

WAIT = 240  # generous: the test machine is shared; a hang still ends



@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> WorkerClient:
    state = tmp_path_factory.mktemp("engine-state")
    engine = WorkerClient(state, backend_options={"diffusers": {"preview_every": 1}})
    yield engine
    engine.close()


def wan(model: Path, **changes) -> GenerationRequest:
    values = dict(prompt="a lighthouse keeper walks in the storm", width=64, height=64, num_frames=9, fps=16,
                  steps=3, backend="diffusers", model_id=str(model), seed=11)
    values.update(changes)
    return GenerationRequest(**values)


def test_text_to_video_in_the_worker_then_the_cache_hit(client: WorkerClient, tiny: dict[str, Path]) -> None:
    request = wan(tiny["wan"], num_frames=12, fps=24)
    job = client.submit(request, tag="shot_a")
    events = events_until_final(client, job)
    assert [type(e) for e in events[:2]] == [Queued, Started]
    done = events[-1]
    assert isinstance(done, Done), events[-1]
    steps = [e for e in events if isinstance(e, StepProgress) and e.stage == "denoise"]
    assert [(e.step, e.total) for e in steps] == [(1, 3), (2, 3), (3, 3)]
    preview = cv2.imdecode(np.frombuffer(steps[-1].preview_png, np.uint8), cv2.IMREAD_COLOR)
    assert preview is not None and preview.ndim == 3
    result = done.result
    info = probe_video(result.video)
    assert (info.frame_count, info.fps, info.width) == (12, 24, 64)
    assert any("retimed" in note for note in result.notes)
    assert client.job(job).status == "done" and client.job(job).tag == "shot_a"

    # The same request again: the cached take, without generating.
    again = client.submit(request)
    events = events_until_final(client, again)
    assert not any(isinstance(e, StepProgress) for e in events)
    assert events[-1].result.from_cache and events[-1].result.video == result.video
    # force_new generates anew with the model still loaded (warm worker).
    fresh = client.submit(request, force_new=True)
    events = events_until_final(client, fresh)
    loads = [e for e in events if isinstance(e, StepProgress) and e.stage == "load"]
    assert loads and loads[-1].message == "warm"
    assert isinstance(events[-1], Done) and not events[-1].result.from_cache


def test_image_to_video_in_the_worker(client: WorkerClient, tiny: dict[str, Path], tmp_path: Path) -> None:
    still = np.zeros((64, 64, 3), np.uint8)
    still[16:48, 16:48] = (20, 200, 60)
    cv2.imwrite(str(tmp_path / "ref.png"), cv2.cvtColor(still, cv2.COLOR_RGB2BGR))
    request = wan(tiny["wan_ti2v"], steps=2).with_reference(tmp_path / "ref.png")
    final = client.wait(client.submit(request), timeout=WAIT)
    assert isinstance(final, Done), final
    assert final.result.request.task == "image_to_video"
    frames = read_frames(final.result.video)
    assert len(frames) == 9 and frames[0].shape == (64, 64, 3)


def test_cancel_a_running_job_stops_within_a_step(client: WorkerClient, tiny: dict[str, Path]) -> None:
    job = client.submit(wan(tiny["wan"], steps=40, seed=99))
    cancelled_at: list[int] = []

    def cancel_on_second_step(event: EngineEvent) -> None:
        if isinstance(event, StepProgress) and event.stage == "denoise" and event.step == 2 and not cancelled_at:
            cancelled_at.append(event.step)
            client.cancel(job)

    events = events_until_final(client, job, cancel_on_second_step)
    assert isinstance(events[-1], Cancelled), events[-1]
    last_step = max(e.step for e in events if isinstance(e, StepProgress) and e.stage == "denoise")
    assert last_step <= 4  # the step in flight when the message landed, and no more than one after it
    assert client.job(job).status == "cancelled"
    # A queued job cancels at once; the worker goes on with the next one.
    blocker = client.submit(wan(tiny["wan"], steps=2, seed=5))
    queued = client.submit(wan(tiny["wan"], steps=2, seed=6))
    client.cancel(queued)
    assert isinstance(client.wait(queued, timeout=WAIT), Cancelled)
    assert isinstance(client.wait(blocker, timeout=WAIT), Done)


def test_missing_weights_fail_the_job_with_the_download_hint(client: WorkerClient) -> None:
    final = client.wait(client.submit(wan(Path("/nonexistent/model"))), timeout=WAIT)
    assert isinstance(final, Failed)
    assert "unknown model" in final.reason and "/nonexistent/model" in final.reason
    # A known model that is not downloaded (the test settings keep the hub offline).
    final = client.wait(client.submit(wan(Path("x"), model_id="Lightricks/LTX-Video")), timeout=WAIT)
    assert isinstance(final, Failed)
    assert "hf download Lightricks/LTX-Video" in final.reason


def test_a_killed_worker_is_replaced_and_its_job_fails(client: WorkerClient, tiny: dict[str, Path]) -> None:
    job = client.submit(wan(tiny["wan"], steps=200, seed=123))
    killed: list[int] = []

    def kill_on_first_step(event: EngineEvent) -> None:
        if isinstance(event, StepProgress) and event.stage == "denoise" and not killed:
            pid = client.worker_pid
            assert pid is not None
            killed.append(pid)
            os.kill(pid, signal.SIGKILL)

    restarted: list[WorkerRestarted] = []
    seen: list[EngineEvent] = []
    for _ in range(WAIT * 10):
        for event in client.poll(timeout=0.1):
            if isinstance(event, WorkerRestarted):
                restarted.append(event)
            if event.job_id == job:
                seen.append(event)
                kill_on_first_step(event)
        if seen and isinstance(seen[-1], Failed):
            break
    assert isinstance(seen[-1], Failed), seen[-1]
    assert "SIGKILL" in seen[-1].reason and "new worker" in seen[-1].reason
    assert restarted and restarted[0].job_id == job
    assert client.job(job).status == "failed"
    # The engine keeps working with a new process.
    after = client.wait(client.submit(wan(tiny["wan"], steps=2, seed=124)), timeout=WAIT)
    assert isinstance(after, Done)
    assert client.worker_pid not in (None, killed[0])
