"""Typed messages between the engine client and its worker process.

``EngineEvent`` subclasses go to the caller (``EngineClient.poll`` / ``wait``); every event names its ``job_id``.
``RunJob``, ``CancelJob`` and ``Shutdown`` go from the client to the worker. All are plain frozen dataclasses
so they pickle across the process boundary unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.request import GenerationRequest, TakeResult


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
    result: TakeResult | None = None


@dataclass(frozen=True)
class Failed(EngineEvent):
    reason: str = ""


@dataclass(frozen=True)
class Cancelled(EngineEvent):
    pass


@dataclass(frozen=True)
class WorkerRestarted(EngineEvent):
    """The worker process died and a fresh one took its place; ``job_id`` is the job it was running, or ""."""

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
