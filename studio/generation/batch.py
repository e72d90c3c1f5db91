"""Generate takes for shots of an open project: build requests, run them on the engine, add the takes, save.

Used by ``storyreel generate`` and ``storyreel render`` (for shots without takes). The UI queues jobs itself
(studio/ui/generation_queue.py) with the same requests and the same take import.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from engine.messages import Cancelled as CancelledEvent
from engine.messages import Done, Failed, StepProgress
from engine.progress import Cancelled, CancelToken, Progress, ProgressCallback, no_progress
from engine.request import GenerationRequest
from studio.project import commands
from studio.project.document import ProjectDocument
from studio.project.errors import NotFound
from studio.project.model import Take
from studio.project.store import CACHE
from studio.project.usable_media import shots_missing_takes

from .requests import GenerationError, request_for_shot, shot_label
from .takes import take_from_result

_UNITS = 100  # progress units per job


class GenerationFailed(GenerationError):
    """Some takes could not be made; the others were added and saved (``takes``)."""

    def __init__(self, failures: list[tuple[str, str]], takes: list[Take], total: int) -> None:
        self.failures = failures
        self.takes = takes
        details = "; ".join(f"{label}: {reason}" for label, reason in failures)
        super().__init__(f"{len(failures)} of {total} takes failed — {details}")


def new_seed() -> int:
    return random.SystemRandom().randrange(0, 2**31)


def engine_dirs(bundle: Path) -> tuple[Path, Path]:
    """(engine state, take cache) inside a bundle — the same folders the Studio window uses."""
    return Path(bundle) / CACHE / "engine", Path(bundle) / CACHE / "takes"


def _plan(document: ProjectDocument, shot_ids: list[str], backend: str | None, model_id: str | None,
          takes: int) -> list[tuple[str, GenerationRequest]]:
    """(shot id, request) per take. A shot's first take uses its seed; regenerations get new seeds unless
    the seed is locked (then identical requests collapse into one)."""
    project, bundle = document.project, document.bundle
    assert bundle is not None
    planned: list[tuple[str, GenerationRequest]] = []
    seen: set[str] = set()
    for shot_id in shot_ids:
        shot = project.shot(shot_id)
        for n in range(takes):
            keep = shot.seed_locked or (n == 0 and not shot.takes)
            request = request_for_shot(project, shot, bundle, backend=backend, model_id=model_id,
                                       seed=shot.seed if keep else new_seed())
            if request.key() in seen:
                continue
            seen.add(request.key())
            planned.append((shot_id, request))
    return planned


def generate_shots(document: ProjectDocument, shot_ids: list[str] | None = None, *, backend: str | None = None,
                   model_id: str | None = None, takes: int = 1, missing_only: bool = False, client: Any = None,
                   progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> list[Take]:
    """Generate ``takes`` takes per shot (all shots by default), add each as the shot's active take and save
    after each one. Raises ``GenerationFailed`` (after finishing the rest) if any take failed, ``Cancelled`` if
    ``cancel`` was set (takes finished before that are kept)."""
    if document.bundle is None:
        raise GenerationError("save the project first: takes are stored inside its folder")
    if takes < 1:
        raise GenerationError(f"takes must be at least 1, got {takes}")
    progress = progress or no_progress
    project = document.project
    ids = list(shot_ids) if shot_ids else [shot.id for shot in project.shots]
    for shot_id in ids:
        project.shot(shot_id)  # NotFound names the id
    if missing_only:
        missing = set(shots_missing_takes(project, document.bundle))
        ids = [shot_id for shot_id in ids if shot_id in missing]
    planned = _plan(document, ids, backend, model_id, takes)
    if not planned:
        return []

    own = client is None
    if own:
        from engine.client import EngineClient

        client = EngineClient(*engine_dirs(document.bundle))
    jobs: dict[str, tuple[str, str]] = {}
    made: list[Take] = []
    failures: list[tuple[str, str]] = []
    steps: dict[str, int] = {}
    finished: set[str] = set()
    cancelled = False
    try:
        for shot_id, request in planned:
            label = shot_label(project, project.shot(shot_id))
            job_id = client.submit(request, tag=f"{project.id}/{shot_id}")
            jobs[job_id] = (shot_id, label)
        total = _UNITS * len(jobs)
        progress(Progress("generate", 0, total, f"{len(jobs)} takes queued"))
        while len(finished) < len(jobs):
            if cancel is not None and cancel.cancelled and not cancelled:
                cancelled = True
                for job_id in set(jobs) - finished:
                    client.cancel(job_id)
            for event in client.poll(timeout=0.2):
                if event.job_id not in jobs or event.job_id in finished:
                    continue
                shot_id, label = jobs[event.job_id]
                if isinstance(event, StepProgress) and event.stage == "denoise" and event.total:
                    steps[event.job_id] = _UNITS * event.step // event.total
                    message = f"{label}: step {event.step}/{event.total}"
                elif isinstance(event, Done):
                    finished.add(event.job_id)
                    steps[event.job_id] = _UNITS
                    made.append(_add_take(document, shot_id, event))
                    cached = " (from the take cache)" if event.result.from_cache else ""
                    message = f"{label}: take ready{cached}"
                elif isinstance(event, Failed):
                    finished.add(event.job_id)
                    steps[event.job_id] = _UNITS
                    failures.append((label, event.reason))
                    message = f"{label}: failed"
                elif isinstance(event, CancelledEvent):
                    finished.add(event.job_id)
                    steps[event.job_id] = _UNITS
                    message = f"{label}: cancelled"
                else:
                    continue
                progress(Progress("generate", min(total, sum(steps.values())), total, message))
    except BaseException:
        for job_id in set(jobs) - finished:
            client.cancel(job_id)
        raise
    finally:
        if own:
            client.close(keep_pending=False)
    if cancelled:
        raise Cancelled(f"generation cancelled; {len(made)} takes were added")
    if failures:
        raise GenerationFailed(failures, made, len(jobs))
    return made


def _add_take(document: ProjectDocument, shot_id: str, event: Done) -> Take:
    assert document.bundle is not None and event.result is not None
    try:
        document.project.shot(shot_id)
    except NotFound as exc:
        raise GenerationError(f"the shot {shot_id} was deleted while its take was generated") from exc
    take = take_from_result(document.bundle, shot_id, event.result)
    document.execute(commands.AddTake(shot_id, take, make_active=True))
    document.save()
    return take


def generate_missing(document: ProjectDocument, *, progress: ProgressCallback = no_progress,
                     cancel: CancelToken | None = None) -> list[Take]:
    """One take for every shot that has no usable take."""
    return generate_shots(document, missing_only=True, progress=progress, cancel=cancel)
