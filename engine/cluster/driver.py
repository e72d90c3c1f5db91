"""The render farm's driver: a process of its own holding this machine's connection to the Ray cluster.

Why a process: Ray ends a driver's process when its cluster's head goes away, and allows one cluster per
process. Here, losing the cluster costs this process, not the editor or the CLI: ``RayClient`` sees it stop,
keeps the jobs waiting and starts a new driver when the cluster answers again.

The driver places the jobs it is sent on ``EngineActor``s: one per GPU (``num_gpus=1``), or per CPU slot where
the cluster has no GPU (the animatic always takes a CPU slot), created when jobs need them and kept warm; a job
goes to a free actor that already holds its model when there is one. Each job's events stream back as they
happen; a finished take's bytes are written into the take cache on this machine (``store_take``) before ``Done``
is sent on. An actor lost mid-job costs the job one attempt (``WorkerRestarted`` with the reason, then it runs
on another actor; ``Failed`` after ``max_retries``).

    driver_main(inbox, outbox, address, token, cache_dir, backend_options, max_retries)
    # outbox: DriverReady(slots) first (or DriverStopped), then job events, Answers to Asks, DriverStopped last
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.cluster import connection
from engine.cluster.address import ClusterRefused
from engine.cluster.engine_actor import EngineActor
from engine.cluster.status import read_status
from engine.cluster.wire import InputFiles, RemoteDone, store_take
from engine.messages import (
    CancelJob,
    Cancelled,
    Done,
    EngineEvent,
    Failed,
    RunJob,
    Shutdown,
    WorkerRestarted,
    is_final,
)
from engine.request import RENDERER_VERSIONS, GenerationRequest
from engine.take_cache import TakeCache

log = logging.getLogger(__name__)

_TICK = 0.1
CANCEL_GRACE_S = 30.0  # a job that ignores its cancel this long has its actor killed
ALIVE_CHECK_S = 2.0  # how often an idle driver checks that the cluster still answers
SECRET_MARKERS = ("API_KEY", "SECRET", "PASSWORD")  # names of environment variables the driver drops
_LOST_ERRORS = ("RayActorError", "ActorDiedError", "ActorUnavailableError", "WorkerCrashedError",
                "ObjectLostError", "OwnerDiedError", "NodeDiedError", "ObjectFetchTimedOutError")


# --- what the driver says and is asked ---------------------------------------------------------------------
@dataclass(frozen=True)
class DriverReady:
    slots: dict[str, int]  # engine slots per kind ("gpu", "cpu"): how many jobs the cluster runs at once


@dataclass(frozen=True)
class DriverStopped:
    reason: str
    refused: bool = False  # the cluster refused us (token, address): trying again will not help


@dataclass(frozen=True)
class Ask:
    query_id: int
    what: str  # "status" | "actor_info" | "actor_names"


@dataclass(frozen=True)
class Answer:
    query_id: int
    value: Any = None
    error: str = ""


def job_kind(request: GenerationRequest, slots: dict[str, int]) -> str:
    """The slot a job takes: a GPU for a model when the cluster has one, else a CPU slot."""
    return "gpu" if request.backend != "animatic" and slots.get("gpu", 0) > 0 else "cpu"


def slots_of(resources: dict[str, float]) -> dict[str, int]:
    gpus = int(resources.get("GPU", 0))
    return {"gpu": gpus, "cpu": max(1, int(resources.get("CPU", 1)) - gpus)}


@dataclass
class _Actor:
    handle: Any
    name: str
    kind: str  # "gpu" or "cpu"
    busy: str | None = None
    model: tuple[str, str] | None = None  # (backend, model id) it holds
    checked: bool = False  # renderer versions compared with ours


@dataclass
class _Job:
    run: RunJob
    attempts: int = 0
    cancel_asked: float | None = None
    actor: _Actor | None = None


class _VersionMismatch(RuntimeError):
    pass


class _ClusterGone(RuntimeError):
    pass


class ClusterDriver:
    def __init__(self, ray: Any, cache: TakeCache, backend_options: dict[str, dict[str, Any]], max_retries: int,
                 send: Callable[[Any], None]) -> None:
        self.ray = ray
        self.cache = cache
        self.backend_options = backend_options
        self.max_retries = max_retries
        self.send = send
        self.lock = threading.RLock()
        self.wake = threading.Event()
        self.id = uuid.uuid4().hex[:8]
        self.names = itertools.count()
        self.actors: list[_Actor] = []
        self.pending: list[_Job] = []  # in the order sent (the client sends them in run order)
        self.running: dict[str, _Job] = {}
        self.inputs = InputFiles(ray)
        self.gone: str | None = None  # why the cluster is lost, once it is
        self._last_alive = time.monotonic()
        self.slots = slots_of(ray.cluster_resources())

    # --- the loop ------------------------------------------------------------------------------------------
    def run(self, inbox: Any) -> None:
        while self.gone is None:
            try:
                message = inbox.get(timeout=_TICK)
            except queue.Empty:
                message = None
            except (EOFError, OSError):  # the client is gone
                return
            if isinstance(message, Shutdown):
                return
            with self.lock:
                try:
                    self._receive(message)
                    self._enforce_cancels()
                    self._place()
                    self._check_alive()
                except _ClusterGone as gone:
                    self.gone = str(gone)
                except Exception as error:  # a call to the cluster failed: is it still there?
                    if not self._alive():
                        self.gone = self._describe(error)
                    else:
                        log.warning("driver step failed: %s", error)

    def stop(self) -> None:
        with self.lock:
            actors, self.actors = self.actors, []
        for actor in actors:
            with contextlib.suppress(Exception):  # the cluster may be gone already
                self.ray.kill(actor.handle)

    def _receive(self, message: Any) -> None:
        if isinstance(message, RunJob):
            self.pending.append(_Job(message))
        elif isinstance(message, CancelJob):
            self._cancel(message.job_id)
        elif isinstance(message, Ask):
            self._answer(message)

    def _answer(self, ask: Ask) -> None:
        try:
            if ask.what == "status":
                value: Any = read_status(self.ray, "")
            elif ask.what == "actor_names":
                value = [actor.name for actor in self.actors]
            elif ask.what == "actor_info":
                value = self.ray.get([actor.handle.info.remote() for actor in self.actors], timeout=30)
            else:
                raise ValueError(f"unknown question {ask.what!r}")
        except Exception as error:
            self.send(Answer(ask.query_id, error=self._describe(error)))
            return
        self.send(Answer(ask.query_id, value))

    def _cancel(self, job_id: str) -> None:
        waiting = next((job for job in self.pending if job.run.job_id == job_id), None)
        if waiting is not None:
            self.pending.remove(waiting)
            self.send(Cancelled(job_id))
            return
        job = self.running.get(job_id)
        if job is not None and job.cancel_asked is None:
            job.cancel_asked = time.monotonic()
            if job.actor is not None:
                job.actor.handle.cancel.remote(job_id)

    def _enforce_cancels(self) -> None:
        now = time.monotonic()
        for job_id, job in list(self.running.items()):
            if job.cancel_asked is not None and job.actor is not None and now - job.cancel_asked > CANCEL_GRACE_S:
                log.warning("job %s ignored its cancel for %.0f s: stopping its actor", job_id, now - job.cancel_asked)
                self.ray.kill(job.actor.handle)  # _follow sees the actor die and ends the job as cancelled

    def _check_alive(self) -> None:
        if time.monotonic() - self._last_alive < ALIVE_CHECK_S:
            return
        self._last_alive = time.monotonic()
        if not self._alive():
            raise _ClusterGone("the cluster's head does not answer")

    def _alive(self) -> bool:
        try:
            return any(node.get("Alive") for node in self.ray.nodes())
        except Exception:
            return False

    # --- placing jobs --------------------------------------------------------------------------------------
    def _place(self) -> None:
        for job in list(self.pending):
            actor = self._free_actor(job.run.request)
            if actor is not None:
                self.pending.remove(job)
                self._start(job, actor)

    def _free_actor(self, request: GenerationRequest) -> _Actor | None:
        kind = job_kind(request, self.slots)
        free = [a for a in self.actors if a.kind == kind and a.busy is None]
        wanted = (request.backend, request.model_id or "")
        holding = [a for a in free if a.model == wanted]
        if holding or request.backend == "animatic":
            return (holding or free or [None])[0] or self._new_actor(kind)
        empty = [a for a in free if a.model is None]
        if empty:
            return empty[0]
        return self._new_actor(kind) or (free[0] if free else None)  # a free actor swaps its model for this job's

    def _new_actor(self, kind: str) -> _Actor | None:
        if sum(1 for a in self.actors if a.kind == kind) >= self.slots[kind]:
            return None
        name = f"storyreel-engine-{self.id}-{next(self.names)}"
        remote = self.ray.remote(EngineActor).options(
            name=name, namespace=connection.NAMESPACE, num_cpus=1, num_gpus=1 if kind == "gpu" else 0,
            max_concurrency=4, max_restarts=0, max_task_retries=0)
        actor = _Actor(remote.remote(kind, self.backend_options), name, kind)
        self.actors.append(actor)
        return actor

    def _start(self, job: _Job, actor: _Actor) -> None:
        run = job.run
        try:
            inputs = self.inputs.refs_for(run.request)
        except OSError as error:
            self.send(Failed(run.job_id, f"an input file of this take cannot be read: {error}"))
            return
        actor.busy, job.actor = run.job_id, actor
        self.running[run.job_id] = job
        stream = actor.handle.run.options(num_returns="streaming").remote(
            run.job_id, run.request.to_dict(), run.force_new, inputs)
        threading.Thread(target=self._follow, args=(job, actor, stream), daemon=True,
                         name=f"storyreel-follow-{run.job_id}").start()

    # --- following a running job ---------------------------------------------------------------------------
    def _follow(self, job: _Job, actor: _Actor, stream: Any) -> None:
        ended = False
        try:
            if not actor.checked:
                self._check_versions(actor)
            for ref in stream:
                ended = self._on_event(job, actor, self.ray.get(ref)) or ended
            if not ended:
                self._lost(job, actor, "the actor ended the job without a result")
        except Exception as error:
            self._lost(job, actor, self._describe(error), error)
        finally:
            with self.lock:
                if actor.busy == job.run.job_id:
                    actor.busy = None
                try:
                    self._place()  # the next job at once, not at the loop's next tick
                except Exception as error:  # the loop sees a lost cluster on its next step
                    log.warning("could not place the next job: %s", error)

    def _check_versions(self, actor: _Actor) -> None:
        theirs = self.ray.get(actor.handle.info.remote(), timeout=300)["renderer_versions"]
        actor.checked = True
        if theirs != dict(RENDERER_VERSIONS):
            raise _VersionMismatch(f"the cluster runs another Storyreel renderer ({theirs}, here {RENDERER_VERSIONS}): "
                                   "install the same Storyreel version on the cluster's nodes")

    def _on_event(self, job: _Job, actor: _Actor, event: EngineEvent) -> bool:
        """Pass one event of the actor on; True when it ended the job."""
        request = job.run.request
        if isinstance(event, RemoteDone):
            with self.lock:  # the actor is done with it: its next job starts while this take is stored here
                if actor.busy == job.run.job_id:
                    actor.busy = None
                self._place()
            try:
                event = Done(event.job_id, store_take(self.cache, request, event))
            except (OSError, ValueError) as error:
                event = Failed(event.job_id, f"the take could not be saved on this machine: {error}")
            if request.backend != "animatic":
                actor.model = (request.backend, request.model_id or "")
        if is_final(event):
            with self.lock:
                self.running.pop(job.run.job_id, None)
        self.send(event)
        return is_final(event)

    def _lost(self, job: _Job, actor: _Actor, reason: str, error: BaseException | None = None) -> None:
        job_id = job.run.job_id
        with self.lock:
            if actor in self.actors:
                self.actors.remove(actor)
            if self.running.pop(job_id, None) is None:
                return  # it had ended
            if isinstance(error, _VersionMismatch):
                self.send(Failed(job_id, str(error)))
                return
            if job.cancel_asked is not None:
                self.send(Cancelled(job_id))
                return
        if not self._alive():  # whatever the error said: the job waits for the cluster, it did not fail
            with self.lock:
                self.running[job_id] = job  # the client takes it back when this driver stops
                self.gone = reason
            return
        with self.lock:
            if error is not None and type(error).__name__ not in _LOST_ERRORS:
                self.send(Failed(job_id, f"the cluster could not run this take: {reason}"))
                return
            job.attempts += 1
            where = f"the cluster's engine actor was lost while generating this take ({reason})"
            if job.attempts > self.max_retries:
                self.send(Failed(job_id, f"{where}; gave up after {job.attempts} tries"))
                return
            self.send(WorkerRestarted(job_id, f"{where}; trying again on another actor "
                                              f"({job.attempts} of {self.max_retries} retries)"))
            job.actor = None
            self.pending.insert(0, job)

    @staticmethod
    def _describe(error: BaseException) -> str:
        text = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return f"{type(error).__name__}: {text}"[:300]


def _drop_secrets() -> None:
    """Nothing secret needs to be in a process that talks to a cluster."""
    for name in list(os.environ):
        if any(marker in name.upper() for marker in SECRET_MARKERS):
            del os.environ[name]


def driver_main(inbox: Any, outbox: Any, address: str, token: str | None, cache_dir: str,
                backend_options: dict[str, dict[str, Any]], max_retries: int) -> None:
    """The driver process: connect, say so, run jobs until told to stop or the cluster is lost."""
    _drop_secrets()
    try:
        ray = connection.connect(address, token)
        driver = ClusterDriver(ray, TakeCache(Path(cache_dir)), backend_options, max_retries, outbox.put)
    except ClusterRefused as error:
        outbox.put(DriverStopped(str(error), refused=True))
        return
    except Exception as error:
        outbox.put(DriverStopped(f"cannot reach the Ray cluster at {address}: {ClusterDriver._describe(error)}"))
        return
    outbox.put(DriverReady(dict(driver.slots)))
    try:
        driver.run(inbox)
    finally:
        if driver.gone is not None:
            outbox.put(DriverStopped(f"lost the cluster at {address} ({driver.gone})"))
        else:
            driver.stop()
        with contextlib.suppress(Exception):
            outbox.close()
            outbox.join_thread()  # everything said reaches the client before this process ends
        if driver.gone is None:
            connection.disconnect()
        else:
            os._exit(0)  # Ray's exit handlers would wait for the head that is gone
