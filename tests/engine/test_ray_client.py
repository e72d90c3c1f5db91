"""The engine client on a real Ray cluster (loopback, token auth): same takes as the local engine, per-step
progress, cancel, an actor killed mid-job, secrets kept home, and the cluster's status.

One two-CPU head (tests/support/ray_cluster.py) serves the session; one client serves this module, so its two
actors stay warm between tests as they would on a farm.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from engine_events import events_until_final
from ray_cluster import RayTestCluster, ray_cluster  # noqa: F401  (the session fixture)

from engine.cluster import ClusterRefused, RayClient, connection
from engine.inprocess_client import InProcessClient
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
from engine.video_io import read_frames

pytestmark = pytest.mark.slow
WAIT = 240


def card(n: int, frames: int = 12, **changes) -> GenerationRequest:
    values = dict(prompt=f"Shot {n}: the keeper climbs the stairs", width=96, height=54, num_frames=frames, fps=24,
                  seed=n, label=f"SHOT {n}", camera="push_in")
    values.update(changes)
    return GenerationRequest(**values)


def wan(model: Path, **changes) -> GenerationRequest:
    values = dict(prompt="a lighthouse keeper walks in the storm", width=64, height=64, num_frames=9, fps=16,
                  steps=3, backend="diffusers", model_id=str(model), seed=11)
    values.update(changes)
    return GenerationRequest(**values)


@pytest.fixture(scope="module")
def client(ray_cluster: RayTestCluster, tmp_path_factory: pytest.TempPathFactory) -> RayClient:  # noqa: F811
    state = tmp_path_factory.mktemp("cluster-state")
    engine = RayClient(ray_cluster.address, state, state / "takes", token=ray_cluster.token,
                       backend_options={"diffusers": {"preview_every": 1}})
    yield engine
    engine.close()


def test_animatic_takes_are_bit_identical_to_the_local_engine(client: RayClient, tmp_path: Path,
                                                              still_file: Path) -> None:
    requests = [card(1), card(2, frames=8).with_reference(still_file)]
    local = InProcessClient(tmp_path / "local-state", tmp_path / "local-takes", persist=False)
    try:
        local_takes = [local.wait(local.submit(r), timeout=WAIT).result for r in requests]
    finally:
        local.close()
    jobs = [client.submit(r, tag=f"shot_{n}") for n, r in enumerate(requests)]
    events = events_until_final(client, jobs[0])
    assert [type(e) for e in events[:2]] == [Queued, Started]
    assert any(isinstance(e, StepProgress) and e.stage == "render" for e in events)
    finals = [events[-1], client.wait(jobs[1], timeout=WAIT)]
    for request, final, mine in zip(requests, finals, local_takes, strict=True):
        assert isinstance(final, Done), final
        take = final.result
        # Written on this machine, in this client's cache, under the same key as the local engine's take.
        assert take.video.is_file() and take.video.is_relative_to(client.cache_dir)
        assert take.video.parent.name == request.key() == mine.video.parent.name
        assert take.request == request  # the caller's request (its still's path here, not the node's)
        remote_frames, local_frames = read_frames(take.video), read_frames(mine.video)
        assert len(remote_frames) == request.num_frames
        assert all(np.array_equal(a, b) for a, b in zip(remote_frames, local_frames, strict=True))
        assert take.first_frame.read_bytes() == mine.first_frame.read_bytes()
    # Asked again: this machine's cache answers, nothing goes to the cluster.
    again = client.wait(client.submit(requests[0]), timeout=WAIT)
    assert isinstance(again, Done) and again.result.from_cache and again.result.video == finals[0].result.video


def test_the_casts_stills_and_loras_travel_to_the_node_by_content(client: RayClient, ray_cluster: RayTestCluster,  # noqa: F811
                                                                   tmp_path: Path, still_file: Path) -> None:
    import torch
    from safetensors.torch import save_file

    from engine.request import file_sha256

    gull = tmp_path / "gull rock.png"
    cv2.imwrite(str(gull), np.full((40, 60, 3), (40, 90, 160), np.uint8))
    lora = tmp_path / "ink.safetensors"
    save_file({"unet.up.lora_A.weight": torch.ones(4, 2)}, str(lora))
    request = replace(card(7, frames=6), reference_images=(str(still_file), str(gull)),
                      loras=((str(lora), file_sha256(lora), 0.5),))
    local = InProcessClient(tmp_path / "local-state", tmp_path / "local-takes", persist=False)
    try:
        mine = local.wait(local.submit(request), timeout=WAIT).result
    finally:
        local.close()
    final = client.wait(client.submit(request), timeout=WAIT)
    assert isinstance(final, Done), final
    assert final.result.request == request
    # The node drew the strip from copies it was sent (named by content, then the user's file name) ...
    inputs = ray_cluster.temp_dir / "node" / "inputs"
    for path in (still_file, gull, lora):
        copy = inputs / f"{file_sha256(path)}-{path.name.replace(' ', '_')}"
        assert copy.read_bytes() == path.read_bytes(), sorted(p.name for p in inputs.iterdir())
    # ... and the take is the one this machine makes: the cast's stills are on its story card.
    remote, here = read_frames(final.result.video), read_frames(mine.video)
    assert all(np.array_equal(a, b) for a, b in zip(remote, here, strict=True))


def test_secrets_stay_on_this_machine(client: RayClient, ray_cluster: RayTestCluster,  # noqa: F811
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELEVENLABS_API_KEY", "sk-not-for-the-cluster")
    job = client.submit(card(3), force_new=True)
    assert isinstance(client.wait(job, timeout=WAIT), Done)
    # This test process connects as a second driver (the client's own lives in its driver process).
    ray = connection.connect(client.address, ray_cluster.token)
    try:
        handles = [ray.get_actor(name, namespace="storyreel") for name in client.actor_names()]
        assert handles
        assert ray.get([h.has_env.remote("ELEVENLABS_API_KEY") for h in handles]) == [False] * len(handles)
        assert ray.get(handles[0].has_env.remote("PATH"))  # the check itself sees the actor's environment
    finally:
        connection.disconnect()


def test_tiny_wan_steps_cancel_and_a_warm_model(client: RayClient, tiny: dict[str, Path]) -> None:
    request = wan(tiny["wan"])
    job = client.submit(request)
    events = events_until_final(client, job)
    assert isinstance(events[-1], Done), events[-1]
    steps = [e for e in events if isinstance(e, StepProgress) and e.stage == "denoise"]
    assert [(e.step, e.total) for e in steps] == [(1, 3), (2, 3), (3, 3)]
    assert cv2.imdecode(np.frombuffer(steps[-1].preview_png, np.uint8), cv2.IMREAD_COLOR) is not None
    assert read_frames(events[-1].result.video)[0].shape == (64, 64, 3)
    # The same pixels as the local engine (the tiny model on CPU is deterministic), same key.
    local = InProcessClient(client.state_dir / "local", client.state_dir / "local-takes", persist=False)
    try:
        mine = local.wait(local.submit(request), timeout=WAIT).result
    finally:
        local.close()
    assert mine.video.parent.name == events[-1].result.video.parent.name
    assert all(np.array_equal(a, b) for a, b in zip(read_frames(mine.video), read_frames(events[-1].result.video),
                                                    strict=True))

    # Cancel within a step; the next job for this model goes to the actor that holds it, still loaded.
    long_job = client.submit(wan(tiny["wan"], steps=40, seed=99))
    asked: list[int] = []

    def cancel_on_second_step(event: EngineEvent) -> None:
        if isinstance(event, StepProgress) and event.stage == "denoise" and event.step == 2 and not asked:
            asked.append(event.step)
            client.cancel(long_job)

    events = events_until_final(client, long_job, cancel_on_second_step)
    assert isinstance(events[-1], Cancelled), events[-1]
    assert max(e.step for e in events if isinstance(e, StepProgress) and e.stage == "denoise") <= 5
    assert client.job(long_job).status == "cancelled"
    warm = events_until_final(client, client.submit(request, force_new=True))
    loads = [e for e in warm if isinstance(e, StepProgress) and e.stage == "load"]
    assert isinstance(warm[-1], Done) and loads and loads[-1].message == "warm"


def test_an_actor_killed_mid_job_is_replaced_and_the_job_finishes(client: RayClient, tiny: dict[str, Path]) -> None:
    job = client.submit(wan(tiny["wan"], steps=12, seed=321))
    killed: list[int] = []

    def kill_on_first_step(event: EngineEvent) -> None:
        if isinstance(event, StepProgress) and event.stage == "denoise" and not killed:
            busy = [info for info in client.actor_info() if info["busy"] == job]
            assert len(busy) == 1
            killed.append(busy[0]["pid"])
            os.kill(busy[0]["pid"], signal.SIGKILL)

    events = events_until_final(client, job, kill_on_first_step)
    restarted = [e for e in events if isinstance(e, WorkerRestarted)]
    assert killed and len(restarted) == 1, events
    assert "lost while generating" in restarted[0].reason and "1 of 2 retries" in restarted[0].reason
    assert isinstance(events[-1], Done), events[-1]
    assert len(read_frames(events[-1].result.video)) == 9
    assert all(info["pid"] != killed[0] for info in client.actor_info())


def test_status_lists_the_node_and_the_actors(client: RayClient, ray_cluster: RayTestCluster) -> None:  # noqa: F811
    status = client.status()
    assert len(status.nodes) == 1 and status.nodes[0].alive and status.nodes[0].cpus == 2
    assert status.nodes[0].address == "127.0.0.1"
    assert {a.id for a in status.actors} == set(client.actor_names())
    assert any(a.backend == "diffusers" and a.model.endswith("wan") for a in status.actors)
    assert status.jobs_running == () and status.jobs_queued == 0


def test_a_wrong_token_is_refused_at_once_with_the_reason(ray_cluster: RayTestCluster) -> None:  # noqa: F811
    # In a fresh process: Ray keeps the first token a process uses.
    code = ("import sys; from engine.cluster import ClusterRefused, cluster_status\n"
            "try:\n    cluster_status(sys.argv[1], token='not-the-token')\n"
            "except ClusterRefused as e:\n    print('REFUSED', e)\n")
    env = {**ray_cluster.env, "RAY_AUTH_TOKEN": ""}
    done = subprocess.run([sys.executable, "-c", code, ray_cluster.address], capture_output=True, text=True,
                          timeout=60, env=env, cwd=Path(__file__).resolve().parents[2], check=False)
    assert "REFUSED the cluster at" in done.stdout and "refused the token" in done.stdout, done.stdout + done.stderr


def test_a_refused_token_is_one_error_at_once_and_the_editor_way_fails_its_jobs(
        ray_cluster: RayTestCluster, tmp_path: Path) -> None:  # noqa: F811
    with pytest.raises(ClusterRefused, match="refused the token"):
        RayClient(ray_cluster.address, tmp_path / "cli", token="not-the-token")

    lazy = RayClient(ray_cluster.address, tmp_path / "editor", token="not-the-token", wait=False)  # returns at once
    try:
        final = lazy.wait(lazy.submit(card(7)), timeout=WAIT)
        assert isinstance(final, Failed) and "refused the token" in final.reason
        assert not lazy.connected
    finally:
        lazy.close()
