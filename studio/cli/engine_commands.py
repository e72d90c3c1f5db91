"""``storyreel engine status`` and the ``--cluster`` choice that ``generate`` and ``render`` share.

Without ``--cluster`` the engine is this computer (a worker process the command starts and stops). With
``--cluster ADDRESS`` the jobs go to a Ray cluster (``engine.cluster``); its token comes from ``RAY_AUTH_TOKEN``
or ``--token-file`` — never from the command line, where other users of the machine could read it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from engine.client import EngineClient
from studio.project import StoryreelError

from .common import UsageError, print_json

TOKEN_ENV = "RAY_AUTH_TOKEN"


class ClusterUnavailable(StoryreelError):
    """The cluster address was refused or cannot be reached (exit 2, with the reason)."""


def add_cluster_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cluster", default=None, metavar="ADDRESS",
                        help="run the jobs on a Ray cluster: the head's HOST:PORT, ray://HOST:10001 or auto "
                             f"(token from {TOKEN_ENV} or --token-file)")
    parser.add_argument("--token-file", type=Path, default=None, metavar="PATH",
                        help="a file holding the cluster's auth token (instead of the environment variable)")


def cluster_token(args: argparse.Namespace) -> str | None:
    """The cluster token from ``--token-file``, else ``RAY_AUTH_TOKEN``, else None."""
    if args.token_file is not None:
        try:
            token = args.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"cannot read the token file {args.token_file}: {exc.strerror or exc}") from None
        if not token:
            raise UsageError(f"the token file {args.token_file} is empty")
        return token
    return os.environ.get(TOKEN_ENV, "").strip() or None


def checked_cluster(args: argparse.Namespace) -> tuple[str, str | None] | None:
    """(address, token) when ``--cluster`` was given and the address is acceptable; None for this computer."""
    if args.cluster is None:
        if args.token_file is not None:
            raise UsageError("--token-file goes with --cluster ADDRESS")
        return None
    token = cluster_token(args)
    try:
        from engine.cluster import ClusterRefused, check_cluster_address
    except ImportError as exc:
        raise ClusterUnavailable(f"this Storyreel cannot use a cluster ({exc}); "
                                 "install it with `pip install storyreel[cluster]`") from None
    try:
        address = check_cluster_address(args.cluster, token)
    except ClusterRefused as exc:
        raise ClusterUnavailable(f"cluster {args.cluster!r} refused: {exc}") from None
    return address, token


def open_cluster_client(args: argparse.Namespace, state_dir: Path, cache_dir: Path) -> EngineClient | None:
    """A client of the cluster named by ``--cluster`` (None without it: the caller runs the engine here).

    The command waits for its own jobs, so the queue stays in memory (``persist=False``), as the local one does.
    """
    chosen = checked_cluster(args)
    if chosen is None:
        return None
    address, token = chosen
    from engine.cluster import ClusterRefused

    try:
        return _cluster_client(address, state_dir, cache_dir, token)
    except ClusterRefused as exc:
        raise ClusterUnavailable(f"cluster {args.cluster!r} refused: {exc}") from None
    except (ConnectionError, TimeoutError, RuntimeError) as exc:  # ray.init's ways of saying "nobody there"
        raise ClusterUnavailable(f"cannot reach the cluster at {args.cluster!r}: {_first_line(exc)}") from None


def _cluster_client(address: str, state_dir: Path, cache_dir: Path, token: str | None) -> EngineClient:
    from engine.local_client import engine_client

    return engine_client(state_dir, cache_dir, cluster=address, token=token, persist=False)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# --- storyreel engine status ---------------------------------------------------------------------------------
def register(sub: argparse._SubParsersAction) -> None:
    engine = sub.add_parser("engine", help="where takes are generated: this computer or a Ray cluster")
    commands = engine.add_subparsers(dest="engine_command", metavar="SUBCOMMAND", parser_class=type(engine))
    status = commands.add_parser("status", help="the machine, or the cluster's nodes, GPUs, models and jobs")
    add_cluster_options(status)
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    status.set_defaults(func=status_command)
    engine.set_defaults(func=lambda _args: _usage(engine))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage()
    return 2


def status_command(args: argparse.Namespace) -> int:
    chosen = checked_cluster(args)
    if chosen is None:
        report = _local_status()
        if args.json:
            print_json(report)
        else:
            machine = report["machine"]
            gpu = f"{machine['gpu']} ({machine['vram_gb']:g} GB)" if machine["gpu"] else "no CUDA GPU"
            print("engine: this computer (a worker process started by each command or the editor)")
            print(f"machine: {report['cpus']} CPUs, {machine['ram_gb']:g} GB RAM, {gpu}")
        return 0
    address, token = chosen
    from engine.cluster import ClusterRefused, cluster_status

    try:
        status = cluster_status(address, token)
    except ClusterRefused as exc:
        raise ClusterUnavailable(f"cluster {args.cluster!r} refused: {exc}") from None
    except (ConnectionError, TimeoutError, RuntimeError) as exc:
        raise ClusterUnavailable(f"cannot reach the cluster at {args.cluster!r}: {_first_line(exc)}") from None
    report = _plain(status)
    if args.json:
        print_json({"engine": "cluster", **report})
    else:
        for line in cluster_lines(address, report):
            print(line)
    return 0


def _local_status() -> dict[str, Any]:
    from engine.machine_fit import this_machine

    machine = this_machine(import_torch=False)  # nvidia-smi answers in milliseconds; importing torch takes seconds
    return {"engine": "local", "cpus": os.cpu_count() or 1, "machine": machine.to_dict()}


def _plain(value: Any) -> Any:
    """A status dataclass (nested dataclasses, tuples) as JSON-ready dicts and lists."""
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _gb(value: Any) -> str:
    return f"{value / 1024**3:.1f} GB" if isinstance(value, (int, float)) else "?"


def cluster_lines(address: str, report: dict[str, Any]) -> list[str]:
    """The status as lines a person reads: nodes, then actors (with the model each holds), then jobs."""
    nodes = report.get("nodes") or []
    actors = report.get("actors") or []
    lines = [f"engine: Ray cluster at {address} — {len(nodes)} node(s), {len(actors)} engine actor(s)"]
    for node in nodes:
        state = "alive" if node.get("alive", True) else "dead"
        free = node.get("free_memory_bytes")
        memory = f"{_gb(free)} free of {_gb(node.get('memory_bytes'))}" if free is not None else \
            f"{_gb(node.get('memory_bytes'))}"
        lines.append(f"node {str(node.get('id', '?'))[:12]} {node.get('address', '?')} ({state}): "
                     f"{node.get('cpus', 0):g} CPUs, {node.get('gpus', 0):g} GPUs, memory {memory}")
    for actor in actors:
        holds = ", ".join(x for x in (actor.get("backend"), actor.get("model")) if x) or "nothing loaded yet"
        busy = f"running {actor['busy_job']}" if actor.get("busy_job") else "idle"
        lines.append(f"actor {actor.get('id', '?')} ({actor.get('kind', '?')}) on node "
                     f"{str(actor.get('node', '?'))[:12]}: {holds}; {busy}")
    queued = report.get("jobs_queued")
    lines.append(f"jobs: {len(report.get('jobs_running') or [])} running"
                 + (f", {queued} queued" if queued is not None else ""))
    return lines
