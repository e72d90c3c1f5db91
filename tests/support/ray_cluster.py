"""A real Ray cluster on loopback with token auth, for the render-farm tests (engine and CLI).

    from ray_cluster import ray_cluster  # noqa: F401  (a session fixture: RayTestCluster)

    def test_x(ray_cluster):
        client = RayClient(ray_cluster.address, state_dir, token=ray_cluster.token)

The head is started with ``ray start --head`` on 127.0.0.1 (``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` keeps every
Ray process on loopback, see shared/reference/ray-loopback.md) in its own short temp dir, from an environment
without the app's secrets. Every test module importing the fixture shares one cluster (reference-counted); it
is stopped when the last user is done, by killing exactly the processes whose command line names its temp dir
(never ``ray stop``, which would also stop another user's cluster), and the stop checks none survive.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

# Names in the environment that must never reach the cluster's processes (the app's secrets).
SECRET_MARKERS = ("API_KEY", "SECRET", "PASSWORD", "TOKEN")
RAY_BIN = Path(sys.executable).with_name("ray")


@dataclass
class RayTestCluster:
    address: str  # "127.0.0.1:PORT"
    token: str
    temp_dir: Path
    env: dict[str, str]  # the environment the head runs with (token auth, loopback)
    num_cpus: int = 2

    @property
    def port(self) -> int:
        return int(self.address.rsplit(":", 1)[1])

    def processes(self) -> list[int]:
        return cluster_processes(self.temp_dir)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(token: str) -> dict[str, str]:
    """This process's environment without secrets, plus loopback binding and token auth for Ray."""
    env = {k: v for k, v in os.environ.items()
           if not any(marker in k.upper() for marker in SECRET_MARKERS) and not k.startswith("RAY_")}
    env.update(RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=token,
               RAY_USAGE_STATS_ENABLED="0")
    return env


def _run_ray(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([str(RAY_BIN), *args], env=env, capture_output=True, text=True, timeout=180, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ray {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout


def cluster_processes(temp_dir: Path) -> list[int]:
    """Pids of the processes whose command line names ``temp_dir`` (every Ray process of that cluster), and their
    descendants: Ray's agents rename themselves (``ray::DashboardAgent``) and would outlive a stop for minutes."""
    needle = str(temp_dir).encode()
    named, parents = [], {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])  # the field after the state
        if needle in cmdline:
            named.append(int(entry.name))
    found = set(named)
    while True:
        more = {pid for pid, parent in parents.items() if parent in found and pid not in found}
        if not more:
            return sorted(found)
        found |= more


def start_cluster(num_cpus: int = 2, *, port: int | None = None, token: str | None = None,
                  node_env: dict[str, str] | None = None) -> RayTestCluster:
    """A fresh head (``port`` and ``token`` given: the same cluster address coming back after a loss);
    ``node_env``: more environment for its processes (the engine actors read STORYREEL_* settings there)."""
    if not RAY_BIN.exists():
        raise RuntimeError(f"{RAY_BIN} is missing: install the cluster extra (pip install -e '.[cluster]')")
    token = token or secrets.token_hex(16)
    # Short: Ray's unix socket paths live under it and must stay under ~107 characters.
    temp_dir = Path(tempfile.mkdtemp(prefix="srray-", dir="/tmp"))
    env = clean_env(token)
    env["STORYREEL_NODE_DIR"] = str(temp_dir / "node")  # each test cluster starts with an empty node cache
    env.update(node_env or {})
    port = port or free_port()
    cluster = RayTestCluster(f"127.0.0.1:{port}", token, temp_dir, env, num_cpus)
    try:
        _run_ray(["start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}", f"--num-cpus={num_cpus}",
                  "--num-gpus=0", "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp_dir}",
                  "--object-store-memory=150000000"], env)
    except BaseException:
        stop_cluster(cluster)
        raise
    return cluster


def _alive(pids: set[int]) -> list[int]:
    """Those of ``pids`` still running (a zombie has ended: its parent only has not reaped it yet)."""
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            alive.append(pid)
    return sorted(alive)


def stop_cluster(cluster: RayTestCluster, timeout: float = 20.0) -> None:
    """Kill what this cluster started (TERM, then KILL) and check nothing of it is left. The pids are kept from
    the first look: once the raylet is gone its agents belong to init and no longer show as its descendants."""
    seen: set[int] = set()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        seen |= set(cluster.processes())
        for pid in _alive(seen):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + (timeout if sig == signal.SIGTERM else 5)
        while (_alive(seen) or cluster.processes()) and time.monotonic() < deadline:
            seen |= set(cluster.processes())
            time.sleep(0.2)
        if not _alive(seen) and not cluster.processes():
            break
    left = sorted(set(_alive(seen)) | set(cluster.processes()))
    shutil.rmtree(cluster.temp_dir, ignore_errors=True)
    if left:
        raise RuntimeError(f"Ray processes of the test cluster survived its stop: {left}")


# --- one shared cluster per test session ------------------------------------------------------------------
_shared: RayTestCluster | None = None
_users = 0
_guard = threading.Lock()


def acquire() -> RayTestCluster:
    global _shared, _users
    with _guard:
        if _shared is None:
            _shared = start_cluster()
            atexit.register(_stop_shared)  # a crashed session still cleans up
        _users += 1
        return _shared


def release() -> None:
    global _users
    with _guard:
        _users -= 1
        if _users <= 0:
            _stop_shared()


def _stop_shared() -> None:
    global _shared, _users
    if _shared is not None:
        cluster, _shared, _users = _shared, None, 0
        stop_cluster(cluster)


@pytest.fixture(scope="session")
def ray_cluster() -> RayTestCluster:
    """A running two-CPU Ray head on loopback with token auth (shared by every module that imports this)."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        pytest.skip('the render farm needs Ray: pip install "storyreel[cluster]"')
    cluster = acquire()
    # Ray reads its auth mode once per process, when it first loads: this driver speaks token auth from the start.
    for name in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"):
        os.environ[name] = cluster.env[name]
    try:
        yield cluster
    finally:
        release()
