"""Generate takes and wait for them: the blocking form of ``GenerationService`` (``storyreel generate``,
``storyreel render`` for shots without takes, tools and tests). The editor drives the same service from its
event loop instead (studio/ui/generation_queue.py).
"""

from __future__ import annotations

from pathlib import Path

from engine.client import EngineClient
from engine.local_client import local_client
from engine.messages import StepProgress
from engine.progress import Cancelled, CancelToken, Progress, ProgressCallback, no_progress
from studio.project.model import Keyframe, Take
from studio.project.store import CACHE

from .continuity import dependency_waves
from .requests import GenerationError
from .service import Editable, GenerationService, JobRecord

_UNITS = 100  # progress units per job


class GenerationFailed(GenerationError):
    """Some takes could not be made; the others were added (``takes``)."""

    def __init__(self, failures: list[tuple[str, str]], takes: list[Take], total: int) -> None:
        self.failures = failures
        self.takes = takes
        details = "; ".join(f"{label}: {reason}" for label, reason in failures)
        super().__init__(f"{len(failures)} of {total} takes failed — {details}")


def engine_dirs(bundle: Path) -> tuple[Path, Path]:
    """(engine state, take cache) inside a bundle — the same folders the editor uses."""
    return Path(bundle) / CACHE / "engine", Path(bundle) / CACHE / "takes"


def generate_shots(document: Editable, shot_ids: list[str] | None = None, *, backend: str | None = None,
                   model_id: str | None = None, takes: int | None = None, missing_only: bool = False,
                   client: EngineClient | None = None, progress: ProgressCallback = no_progress,
                   cancel: CancelToken | None = None) -> list[Take]:
    """Make takes for ``shot_ids`` (all shots by default) and add each as its shot's active take.

    ``takes`` None is *Generate* (each shot's take by the seed rules; a shot that already has exactly that take
    only gets it back as its active take); a number is that many new, distinct takes per shot. Returns the takes
    added. Nothing is saved: the caller saves. Raises ``GenerationFailed``
    (after finishing the rest) if any take failed, ``Cancelled`` if ``cancel`` was set (finished takes stay).
    """
    if document.bundle is None:
        raise GenerationError("save the project first: takes are stored inside its folder")
    if takes is not None and takes < 1:
        raise GenerationError(f"takes must be at least 1, got {takes}")
    own = client is None
    # A run that waits for its own jobs keeps its queue in memory: the editor may own this project's queue.
    engine = client if client is not None else local_client(*engine_dirs(document.bundle), persist=False)
    try:
        service = GenerationService(engine, document)
        ids = list(shot_ids) if shot_ids else [shot.id for shot in document.project.shots]
        made: list[Take] = []
        failures: list[tuple[str, str]] = []
        total = 0
        # A shot that continues (or ends on) a shot generated in this run waits for that shot's take.
        for wave in dependency_waves(document.project, ids):
            try:
                if missing_only:
                    submitted = service.generate_missing(wave, backend=backend, model_id=model_id)
                else:
                    submitted = service.generate(wave, new_takes=takes, backend=backend, model_id=model_id)
            except GenerationError as exc:
                if not failures:  # nothing before it failed: the request itself is wrong
                    raise
                failures.append((f"{len(wave)} shot(s) after a failed one", str(exc)))  # their source has no take
                continue
            total += len(submitted.jobs)
            try:
                made += wait_for(service, submitted.jobs, progress=progress, cancel=cancel)
            except GenerationFailed as failed:
                made += failed.takes
                failures += failed.failures
        if failures:
            raise GenerationFailed(failures, made, total)
        return made
    finally:
        if own:
            engine.close(keep_pending=False)


def wait_for(service: GenerationService, jobs: list[JobRecord], *, progress: ProgressCallback = no_progress,
             cancel: CancelToken | None = None) -> list[Take]:
    """Feed the engine's events to ``service`` until ``jobs`` end; the takes they added, in finishing order."""
    progress = progress or no_progress
    if not jobs:
        return []
    waiting = {r.job_id: r for r in jobs}
    total = _UNITS * len(waiting)
    steps: dict[str, int] = {}
    made: list[Take] = []
    cancelled = False
    progress(Progress("generate", 0, total, f"{len(waiting)} takes queued"))
    try:
        while any(not r.finished for r in waiting.values()):
            if cancel is not None and cancel.cancelled and not cancelled:
                cancelled = True
                for record in waiting.values():
                    service.cancel(record.job_id)
            for event in service.client.poll(timeout=0.2):
                update = service.handle(event)
                record = update.record
                if record is None or record.job_id not in waiting:
                    continue
                label = f"shot {service.shot_number(record.shot_id)}"
                if record.finished:
                    steps[record.job_id] = _UNITS
                    if update.take is not None:
                        made.append(update.take)
                    message = update.message or f"{label}: {record.state}"
                elif isinstance(event, StepProgress) and event.stage == "denoise" and event.total:
                    steps[record.job_id] = _UNITS * event.step // event.total
                    message = f"{label}: step {event.step}/{event.total}"
                else:
                    continue
                progress(Progress("generate", min(total, sum(steps.values())), total, message))
    except BaseException:
        for record in waiting.values():
            if not record.finished:
                service.cancel(record.job_id)
        raise
    if cancelled:
        raise Cancelled(f"generation cancelled; {len(made)} takes were added")
    failures = [(f"shot {service.shot_number(r.shot_id)}", r.reason) for r in waiting.values()
                if r.state == "failed"]
    if failures:
        raise GenerationFailed(failures, made, len(waiting))
    return made


def extend_take(document: Editable, shot_id: str, seconds: float, *, backward: bool = False,
                backend: str | None = None, model_id: str | None = None, client: EngineClient | None = None) -> Take:
    """Make and add the extended take of ``shot_id``'s active take (``extend``); returns it, now active."""
    if document.bundle is None:
        raise GenerationError("save the project first: takes are stored inside its folder")
    own = client is None
    engine = client if client is not None else local_client(*engine_dirs(document.bundle), persist=False)
    try:
        service = GenerationService(engine, document)
        record = service.extend(shot_id, seconds, backward=backward, backend=backend, model_id=model_id)
        return wait_for(service, [record])[0]
    finally:
        if own:
            engine.close(keep_pending=False)


def generate_keyframes(document: Editable, shot_ids: list[str] | None = None, *, backend: str | None = None,
                       model_id: str | None = None, takes: int | None = None, missing_only: bool = False,
                       client: EngineClient | None = None, progress: ProgressCallback = no_progress,
                       cancel: CancelToken | None = None) -> list[Keyframe]:
    """Make keyframes (stills) for ``shot_ids`` (all shots by default), each the shot's active keyframe.

    The seed rules are a take's: ``takes`` None gives each shot its keyframe (one it already has only becomes
    active again), a number that many new ones; ``missing_only`` skips shots that have an active keyframe."""
    if document.bundle is None:
        raise GenerationError("save the project first: keyframes are stored inside its folder")
    if takes is not None and takes < 1:
        raise GenerationError(f"takes must be at least 1, got {takes}")
    ids = list(shot_ids) if shot_ids else [shot.id for shot in document.project.shots]
    if missing_only:
        ids = [i for i in ids if document.project.shot(i).active_keyframe is None]
    own = client is None
    engine = client if client is not None else local_client(*engine_dirs(document.bundle), persist=False)
    try:
        service = GenerationService(engine, document)
        submitted = service.generate(ids, new_takes=takes, backend=backend, model_id=model_id, kind="keyframe")
        made = wait_for(service, submitted.jobs, progress=progress, cancel=cancel)
        return [key for key in made if isinstance(key, Keyframe)]
    finally:
        if own:
            engine.close(keep_pending=False)


def generate_missing(document: Editable, *, client: EngineClient | None = None,
                     progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> list[Take]:
    """One take for every shot that has no usable take (through ``client`` when given: a cluster, say)."""
    return generate_shots(document, missing_only=True, client=client, progress=progress, cancel=cancel)
