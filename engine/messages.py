"""Typed messages between the engine client and its worker process.

``EngineEvent`` subclasses go to the caller (``EngineClient.poll`` / ``wait``); every event names its ``job_id``.
``RunJob``, ``CancelJob`` and ``Shutdown`` go from the client to the worker. All are plain frozen dataclasses
so they pickle across the process boundary unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.request import GenerationRequest, StillResult, TakeResult


@dataclass(frozen=True)
class EngineEvent:
    job_id: str


@dataclass(frozen=True)
class Queued(EngineEvent):
    position: int = 0


@dataclass(frozen=True)
class Started(EngineEvent):
    stage: str = "generate"


@dataclass(frozen=True)
class StepProgress(EngineEvent):
    step: int = 0
    total: int = 0
    preview_png: bytes | None = None
    stage: str = "denoise"
    message: str = ""


@dataclass(frozen=True)
class Done(EngineEvent):
    result: TakeResult | StillResult | None = None  # a still for an image task


@dataclass(frozen=True)
class Failed(EngineEvent):
    reason: str = ""


@dataclass(frozen=True)
class Cancelled(EngineEvent):
    pass


@dataclass(frozen=True)
class WorkerRestarted(EngineEvent):
    """The engine lost what runs its jobs (the worker process, a cluster actor, the cluster) and carries on;
    ``job_id`` is the job that was running there, or "". A notice: the job's own fate follows (``Failed``, or
    ``Queued`` when it runs again)."""

    reason: str = ""


FINAL_EVENTS = (Done, Failed, Cancelled)


def is_final(event: EngineEvent) -> bool:
    return isinstance(event, FINAL_EVENTS)


# --- client -> worker ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunJob:
    job_id: str
    request: GenerationRequest
    force_new: bool = False


@dataclass(frozen=True)
class CancelJob:
    job_id: str


@dataclass(frozen=True)
class Shutdown:
    pass
