"""The whole cluster going away and coming back: jobs wait (queued, not failed) and finish once it answers again.

This module starts a cluster of its own (the session's shared one must not be killed) and brings the same address
back with the same token, as a farm's head restarting would.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from ray_cluster import start_cluster, stop_cluster

from engine.cluster import RayClient
from engine.inprocess_client import InProcessClient
from engine.messages import Done, Failed, Started, WorkerRestarted
from engine.request import GenerationRequest
from engine.video_io import read_frames

pytestmark = pytest.mark.slow
WAIT = 300


def long_card(n: int) -> GenerationRequest:
    # Big enough to be running when the cluster is killed on a loaded 2-core machine (a few seconds of work).
    return GenerationRequest(prompt=f"Shot {n}: the storm over the lighthouse", width=640, height=360,
                             num_frames=144, fps=24, seed=n, label=f"SHOT {n}", camera="push_in")


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(0.2)


def test_losing_the_cluster_keeps_jobs_waiting_and_they_finish_when_it_is_back(tmp_path: Path) -> None:
    cluster = start_cluster(num_cpus=1)
    for name in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"):
        os.environ[name] = cluster.env[name]
    client = RayClient(cluster.address, tmp_path / "state", token=cluster.token, persist=True)
    try:
        requests = [long_card(n) for n in range(2)]
        jobs = [client.submit(request) for request in requests]
        events = []
        wait_until(lambda: (events.extend(client.poll()) or True) and any(isinstance(e, Started) for e in events),
                   WAIT, "a job starting on the cluster")

        stop_cluster(cluster)  # the head and every Ray process of it, mid-job

        def told_lost() -> bool:
            events.extend(client.poll())
            return any(isinstance(e, WorkerRestarted) and "lost the cluster" in e.reason for e in events)

        wait_until(told_lost, WAIT, "the client saying the cluster is lost")
        assert not client.connected
        assert not any(isinstance(e, Failed) for e in events), events
        assert [client.job(job).status for job in jobs] == ["queued", "queued"]  # waiting, not failed
        notice = next(e.reason for e in events if isinstance(e, WorkerRestarted) and "lost the cluster" in e.reason)
        assert "2 job(s) wait" in notice, notice

        # The same head comes back; its node keeps no more than its budget (0 GB: only the take just made).
        cluster = start_cluster(num_cpus=1, port=cluster.port, token=cluster.token,
                                node_env={"STORYREEL_NODE_CACHE_GB": "0"})
        finals = [client.wait(job, timeout=WAIT) for job in jobs]
        assert all(isinstance(final, Done) for final in finals), finals
        assert client.connected
        assert any("answers again" in e.reason for e in client.poll() if isinstance(e, WorkerRestarted))
        node_takes = list((cluster.temp_dir / "node" / "takes").glob("*/*/metadata.json"))
        assert len(node_takes) == 1, node_takes
    finally:
        client.close()
        stop_cluster(cluster)
    assert cluster.processes() == []

    # The takes are the local engine's, bit for bit.
    local = InProcessClient(tmp_path / "local", persist=False)
    try:
        for request, final in zip(requests, finals, strict=True):
            mine = local.wait(local.submit(request), timeout=WAIT)
            assert np.array_equal(np.stack(read_frames(final.result.video)), np.stack(read_frames(mine.result.video)))
    finally:
        local.close()
