"""The cluster client's queue survives a restart with jobs in flight, and a job already made is not run again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ray_cluster import RayTestCluster, ray_cluster  # noqa: F401  (the session fixture)

from engine.cluster import RayClient
from engine.job_queue import QUEUE_FILE
from engine.messages import Done, Queued, Started, StepProgress
from engine.request import GenerationRequest
from engine.video_io import probe_video

pytestmark = pytest.mark.slow
WAIT = 240


def card(n: int, frames: int = 24) -> GenerationRequest:
    return GenerationRequest(prompt=f"Shot {n}: the storm", width=96, height=54, num_frames=frames, fps=24, seed=n,
                             label=f"SHOT {n}")


def test_jobs_in_flight_survive_a_client_restart(ray_cluster: RayTestCluster, tmp_path: Path) -> None:  # noqa: F811
    state = tmp_path / "state"
    first = RayClient(ray_cluster.address, state, token=ray_cluster.token)
    jobs = [first.submit(card(n)) for n in range(4)]
    seen: list = []
    while not any(isinstance(e, StepProgress) for e in seen):  # something is running on the cluster
        seen += first.poll(timeout=1)
    first.close()
    unfinished = {j.id for j in first.jobs() if not j.finished}
    assert unfinished
    assert {j["id"] for j in json.loads((state / QUEUE_FILE).read_text())["jobs"]} == unfinished

    second = RayClient(ray_cluster.address, state, token=ray_cluster.token)
    try:
        assert {e.job_id for e in second.poll() if isinstance(e, Queued)} == unfinished
        for job_id in unfinished:
            final = second.wait(job_id, timeout=WAIT)
            assert isinstance(final, Done), final
            assert probe_video(final.result.video).frame_count == 24
        assert set(jobs) >= unfinished
    finally:
        second.close()
    assert json.loads((state / QUEUE_FILE).read_text())["jobs"] == []

    # A job saved as pending whose take is already in the cache (made just before a crash) is not sent again.
    made = next(iter(unfinished))
    saved = {"format": 1, "jobs": [{"id": "job_again", "request": second.job(made).request.to_dict()}]}
    (state / QUEUE_FILE).write_text(json.dumps(saved))
    third = RayClient(ray_cluster.address, state, token=ray_cluster.token)
    try:
        final = third.wait("job_again", timeout=WAIT)
        assert isinstance(final, Done) and final.result.from_cache
        assert third.actor_names() == []  # nothing was placed on the cluster
        assert [type(e) for e in third.poll() if e.job_id == "job_again"] == [Queued, Started, Done]
    finally:
        third.close()
