"""One process owns a project's persisted job queue; another (a second editor) keeps its own in memory, and a
crashed owner never blocks the next one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from engine.inprocess_client import InProcessClient
from engine.request import GenerationRequest

HOLDER = """
import sys, time
from engine.worker_client import WorkerClient
client = WorkerClient(sys.argv[1])
print("persistent" if client.persistent else "in memory", flush=True)
time.sleep(600)
"""


def test_a_second_process_does_not_take_over_the_queue_file(tmp_path: Path) -> None:
    state = tmp_path / "state"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(state)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "persistent"
        with InProcessClient(state, tmp_path / "cache") as second:
            assert not second.persistent
            assert any("another Storyreel process" in e for e in second.load_errors)
            job = second.submit(GenerationRequest(prompt="a lamp", width=32, height=18, num_frames=2, fps=24))
            second.wait(job, 120)
        assert not (state / "queue.json").exists()  # the second client never wrote the owner's file
    finally:
        holder.kill()  # a crash: the OS drops its lock
        holder.wait(10)
    with InProcessClient(state, tmp_path / "cache") as third:
        assert third.persistent and third.load_errors == []
        third.submit(GenerationRequest(prompt="a lamp", width=32, height=18, num_frames=2, fps=24))
        assert json.loads((state / "queue.json").read_text())["jobs"]
