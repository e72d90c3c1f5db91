"""The engine on this machine, as an ``EngineClient``: the one place that picks a concrete local client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.client import EngineClient


def local_client(state_dir: Path, cache_dir: Path | None = None, *, in_process: bool = False,
                 persist: bool = True, backend_options: dict[str, dict[str, Any]] | None = None) -> EngineClient:
    """The engine on this machine: a spawned worker (default) or, with ``in_process``, a worker thread."""
    if in_process:
        from engine.inprocess_client import InProcessClient

        return InProcessClient(state_dir, cache_dir, backend_options=backend_options, persist=persist)
    from engine.worker_client import WorkerClient

    return WorkerClient(state_dir, cache_dir, backend_options=backend_options, persist=persist)


def engine_client(state_dir: Path, cache_dir: Path | None = None, *, cluster: str | None = None,
                  token: str | None = None, persist: bool = True,
                  backend_options: dict[str, dict[str, Any]] | None = None, in_process: bool = False,
                  wait: bool = True) -> EngineClient:
    """The engine the settings ask for: this machine (``cluster`` None) or a Ray cluster at ``cluster``.

    A cluster address is checked first (``engine.cluster.ClusterRefused`` says why one is refused, e.g. a
    remote address without a token, or Ray not installed); with ``wait`` the cluster client connects before
    it is returned (``ClusterUnreachable`` when nobody answers), without it jobs wait until it does."""
    if cluster is None:
        return local_client(state_dir, cache_dir, in_process=in_process, persist=persist,
                            backend_options=backend_options)
    from engine.cluster import RayClient

    return RayClient(cluster, state_dir, cache_dir, token=token, persist=persist, backend_options=backend_options,
                     wait=wait)
