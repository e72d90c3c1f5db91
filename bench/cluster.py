"""The render farm on a loopback Ray cluster: throughput of 2 engine slots vs 1, and the cost of a job through it.

- ``cluster_throughput``: 12 animatic shots (640x360, 2 s each) on a cluster with two one-CPU engine actors vs one;
  ``ratio`` = wall time with two / wall time with one (target <= 1/1.8: two workers make >= 1.8x the takes).
  Both runs are warm (actors started, imports done) before the clock starts, and go through the whole path:
  this machine's client and queue, the driver process, the actors, the object store, the takes written here.
- ``cluster_job_overhead``: tiny animatic jobs one at a time, warm, through the cluster (one actor) vs the local
  spawned worker; ``ratio`` = median seconds per job cluster / local (target <= 1.15).

    .venv/bin/python bench/cluster.py            # prints one JSON line per figure

Needs the cluster extra (``pip install -e '.[cluster]'``); the clusters are started on 127.0.0.1 with token auth
and stopped (every process of them) before the script ends.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHOTS = 12
TINY_JOBS = 12
THROUGHPUT_TARGET = round(1 / 1.8, 4)
OVERHEAD_TARGET = 1.15


def _support(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "support" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def shot(n: int, round_: int):
    from engine.request import GenerationRequest

    return GenerationRequest(prompt=f"Shot {n}: waves break on the black rocks below the lighthouse", width=640,
                             height=360, num_frames=48, fps=24, seed=1000 * round_ + n, label=f"SHOT {n}",
                             camera="push_in")


def tiny(n: int):
    from engine.request import GenerationRequest

    return GenerationRequest(prompt=f"Card {n}", width=160, height=90, num_frames=12, fps=24, seed=n,
                             label=f"CARD {n}")


def _done(client, job: str) -> None:
    from engine.messages import Done

    final = client.wait(job, timeout=600)
    if not isinstance(final, Done):
        raise SystemExit(f"a bench job failed: {final}")


def _connect_env(cluster) -> None:
    for name in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"):
        os.environ[name] = cluster.env[name]


def throughput(slots: int, work: Path, ray_cluster) -> float:
    """Seconds for SHOTS shots on a warm cluster with ``slots`` one-CPU engine actors."""
    from engine.cluster import RayClient

    cluster = ray_cluster.start_cluster(num_cpus=slots)
    try:
        _connect_env(cluster)
        with RayClient(cluster.address, work / f"state{slots}", token=cluster.token, persist=False) as client:
            for job in [client.submit(shot(100 + n, 0), force_new=True) for n in range(slots)]:  # warm every actor
                _done(client, job)
            started = time.perf_counter()
            for job in [client.submit(shot(n, slots), force_new=True) for n in range(SHOTS)]:
                _done(client, job)
            return time.perf_counter() - started
    finally:
        ray_cluster.stop_cluster(cluster)


def per_job(client, first: int) -> float:
    """Median seconds per tiny job, one at a time, after a warm-up job."""
    _done(client, client.submit(tiny(first - 1), force_new=True))
    times = []
    for n in range(first, first + TINY_JOBS):
        started = time.perf_counter()
        _done(client, client.submit(tiny(n), force_new=True))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def overhead(work: Path, ray_cluster) -> tuple[float, float]:
    from engine.cluster import RayClient
    from engine.worker_client import WorkerClient

    with WorkerClient(work / "local", persist=False) as local:
        local_s = per_job(local, 1)
    cluster = ray_cluster.start_cluster(num_cpus=1)
    try:
        _connect_env(cluster)
        with RayClient(cluster.address, work / "remote", token=cluster.token, persist=False) as remote:
            remote_s = per_job(remote, 1)
    finally:
        ray_cluster.stop_cluster(cluster)
    return remote_s, local_s


def main() -> int:
    if importlib.util.find_spec("ray") is None:
        print(json.dumps({"bench": "cluster_throughput", "skipped": "ray is not installed (the cluster extra)"}))
        return 0
    ray_cluster = _support("ray_cluster")
    with tempfile.TemporaryDirectory(prefix="storyreel-bench-cluster-") as tmp:
        work = Path(tmp)
        one = throughput(1, work, ray_cluster)
        two = throughput(2, work, ray_cluster)
        print(json.dumps({"bench": "cluster_throughput", "ratio": round(two / one, 4), "target": THROUGHPUT_TARGET,
                          "speedup": round(one / two, 2), "one_worker_s": round(one, 2), "two_workers_s": round(two, 2),
                          "shots": SHOTS, "cpus": os.cpu_count()}), flush=True)
        remote_s, local_s = overhead(work, ray_cluster)
        print(json.dumps({"bench": "cluster_job_overhead", "ratio": round(remote_s / local_s, 3),
                          "target": OVERHEAD_TARGET, "cluster_s_per_job": round(remote_s, 4),
                          "local_s_per_job": round(local_s, 4), "jobs": TINY_JOBS}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
