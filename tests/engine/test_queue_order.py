"""The job list on its own: run order, reorder, priorities, persistence of unfinished jobs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.job_queue import QUEUE_FILE, JobNotFound, JobQueue
from engine.request import GenerationRequest


def request(n: int) -> GenerationRequest:
    return GenerationRequest(prompt=f"shot {n}", width=64, height=36, num_frames=4, fps=24, seed=n)


def ids(queue: JobQueue) -> list[str]:
    return [job.request.prompt for job in queue.pending()]


def test_priority_then_submission_order(tmp_path: Path) -> None:
    queue = JobQueue(tmp_path)
    for n in range(3):
        queue.add(request(n))
    urgent = queue.add(request(3), priority=5)
    assert ids(queue) == ["shot 3", "shot 0", "shot 1", "shot 2"]
    queue.set_priority(urgent.id, -1)
    assert ids(queue) == ["shot 0", "shot 1", "shot 2", "shot 3"]


def test_move_places_the_job_and_takes_neighbour_priority(tmp_path: Path) -> None:
    queue = JobQueue(tmp_path)
    jobs = [queue.add(request(n), priority=(2 if n == 0 else 0)) for n in range(4)]
    queue.move(jobs[3].id, 0)
    assert ids(queue) == ["shot 3", "shot 0", "shot 1", "shot 2"]
    assert queue.get(jobs[3].id).priority == 2
    queue.move(jobs[3].id, 99)
    assert ids(queue) == ["shot 0", "shot 1", "shot 2", "shot 3"]
    queue.move(jobs[1].id, 2)
    assert ids(queue) == ["shot 0", "shot 2", "shot 1", "shot 3"]
    queue.mark_running(jobs[0].id)
    with pytest.raises(ValueError, match="only queued jobs"):
        queue.move(jobs[0].id, 1)


def test_unfinished_jobs_survive_a_reload_and_finished_ones_do_not(tmp_path: Path) -> None:
    queue = JobQueue(tmp_path)
    a, b, c = (queue.add(request(n), tag=f"tag{n}") for n in range(3))
    queue.mark_running(a.id)
    queue.finish(b.id, "done")
    queue.save()
    saved = json.loads((tmp_path / QUEUE_FILE).read_text())
    assert [job["id"] for job in saved["jobs"]] == [a.id, c.id]

    again = JobQueue(tmp_path)
    restored = again.load()
    assert {job.id for job in restored} == {a.id, c.id}
    assert all(job.status == "queued" for job in restored)  # the interrupted one runs again
    assert again.get(c.id).tag == "tag2" and again.get(c.id).request == c.request
    with pytest.raises(JobNotFound):
        again.get(b.id)


def test_a_corrupt_queue_file_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / QUEUE_FILE).write_text("{not json")
    queue = JobQueue(tmp_path)
    assert queue.load() == []
    assert "cannot read the saved queue" in queue.load_errors[0]
    (tmp_path / QUEUE_FILE).write_text(json.dumps({"format": 1, "jobs": [{"id": "x"}, {
        "id": "ok", "request": request(1).to_dict()}]}))
    queue = JobQueue(tmp_path)
    assert [job.id for job in queue.load()] == ["ok"]
    assert "skipped a saved job" in queue.load_errors[0]
