"""What a cluster holds right now: its nodes (CPUs, GPUs, memory) and Storyreel's engine actors."""

from __future__ import annotations

from dataclasses import dataclass

from engine.cluster import connection
from engine.cluster.address import check_cluster_address, resolve_token

ACTOR_PREFIX = "storyreel-engine-"


@dataclass(frozen=True)
class NodeStatus:
    id: str
    address: str
    alive: bool
    cpus: float
    gpus: float
    memory_bytes: int
    free_memory_bytes: int | None  # object store + heap not reserved by tasks, as Ray accounts it


@dataclass(frozen=True)
class ActorStatus:
    id: str  # the actor's name
    node: str
    kind: str  # "gpu" or "cpu"
    backend: str  # the backend it holds loaded ("" when none yet)
    model: str  # the model it holds ("" for the animatic or none)
    busy_job: str | None


@dataclass(frozen=True)
class ClusterStatus:
    address: str
    nodes: tuple[NodeStatus, ...]
    actors: tuple[ActorStatus, ...]
    jobs_running: tuple[str, ...]
    # Queued jobs live in the queue of the client that queued them, not on the cluster: None when unknown.
    jobs_queued: int | None = None

    @property
    def gpus(self) -> float:
        return sum(node.gpus for node in self.nodes if node.alive)


def read_status(ray: object, address: str, jobs_queued: int | None = None) -> ClusterStatus:
    """The status through an open connection (``ray`` is the connected module)."""
    available = ray.available_resources()  # type: ignore[attr-defined]
    nodes = []
    for node in ray.nodes():  # type: ignore[attr-defined]
        resources = node.get("Resources", {})
        nodes.append(NodeStatus(
            id=node.get("NodeID", ""), address=node.get("NodeManagerAddress", ""), alive=bool(node.get("Alive")),
            cpus=float(resources.get("CPU", 0)), gpus=float(resources.get("GPU", 0)),
            memory_bytes=int(resources.get("memory", 0)),
            free_memory_bytes=int(available.get("memory", 0)) if len(nodes) == 0 and node.get("Alive") else None))
    if len([n for n in nodes if n.alive]) != 1:  # Ray reports free memory per cluster, not per node
        nodes = [NodeStatus(**{**n.__dict__, "free_memory_bytes": None}) for n in nodes]
    actors = []
    names = [entry["name"] for entry in ray.util.list_named_actors(all_namespaces=True)  # type: ignore[attr-defined]
             if entry.get("namespace") == connection.NAMESPACE and entry["name"].startswith(ACTOR_PREFIX)]
    for name in names:
        try:
            handle = ray.get_actor(name, namespace=connection.NAMESPACE)  # type: ignore[attr-defined]
            info = ray.get(handle.info.remote(), timeout=10)  # type: ignore[attr-defined]
        except Exception:  # dying or still starting: not listed
            continue
        models = info.get("models", {})
        backend = next((b for b in models if b != "animatic"), next(iter(models), ""))
        actors.append(ActorStatus(name, info.get("node", ""), info.get("kind", ""), backend, models.get(backend, ""),
                                  info.get("busy")))
    running = tuple(a.busy_job for a in actors if a.busy_job)
    return ClusterStatus(address, tuple(nodes), tuple(actors), running, jobs_queued)


def cluster_status(address: str, token: str | None = None) -> ClusterStatus:
    """Connect, read the status, disconnect (``ClusterRefused`` / ``ClusterUnreachable`` when it cannot)."""
    token = resolve_token(token)
    address = check_cluster_address(address, token)
    ray = connection.connect(address, token)
    try:
        return read_status(ray, address)
    finally:
        connection.disconnect()
