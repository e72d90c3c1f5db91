"""The generation service: one project's takes made through an engine client, for the CLI and the editor alike.

    service = GenerationService(client, document)     # anything with .project, .bundle and .execute(command)
    service.generate(shot_ids)                        # Generate: the shot's take (see ``seeds``)
    service.generate(shot_ids, new_takes=2)           # two new, distinct takes per shot
    service.generate_missing()                        # shots without a usable take
    for event in client.poll():
        update = service.handle(event)                # job state, and the finished take added by a command

It owns the rules (seeds, what counts as missing, no duplicate takes, adopting a previous session's jobs), and
keeps the job records the queue views show. It never saves: the caller decides when (the CLI at the end of its
command, the editor when the user saves or autosaves).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from engine.client import EngineClient, JobNotFound
from engine.messages import (
    Cancelled,
    Done,
    EngineEvent,
    Failed,
    Queued,
    Started,
    StepProgress,
    WorkerRestarted,
)
from engine.request import StillResult, TakeResult
from studio.project import commands
from studio.project.element_commands import AddKeyframe, set_active_keyframe
from studio.project.errors import NotFound, StoryreelError
from studio.project.model import Keyframe, Project, Take
from studio.project.usable_media import shots_missing_takes

from .continuity import dependency_waves
from .editable import Editable
from .extend import Extension, join_extension, plan_extension
from .keyframes import keyframe_from_result, usable_keyframes_by_key
from .planning import PlannedTake, plan_takes, usable_takes_by_key
from .requests import GenerationError, lineage_for_shot
from .seeds import SeedChoice
from .takes import take_from_result

ACTIVE = ("queued", "generating")


@dataclass
class JobRecord:
    job_id: str
    shot_id: str
    seed: int
    seed_rule: str = ""
    state: str = "queued"  # queued | generating | done | failed | cancelled
    step: int = 0
    total: int = 0
    preview_png: bytes | None = None
    stage: str = ""
    reason: str = ""
    take_id: str | None = None
    from_cache: bool = False
    request_key: str = ""
    lineage: dict = field(default_factory=dict)  # the shots' takes its start/end frames came from
    extension: Extension | None = None  # set for a job that extends a take (joined to it when done)
    kind: str = "video"  # "keyframe": the job makes a still of the shot

    @property
    def fraction(self) -> float:
        return self.step / self.total if self.total else 0.0

    @property
    def finished(self) -> bool:
        return self.state not in ACTIVE


@dataclass(frozen=True)
class Update:
    """What one engine event changed: ``record`` (None for events of other projects), a take that was added or
    made active, and a sentence for the user when there is one."""

    record: JobRecord | None
    take: Take | Keyframe | None = None  # a keyframe for a still job
    message: str = ""
    submitted: Submitted | None = None  # jobs queued now because this one ended (shots that continue it)


@dataclass
class _Later:
    """Shots that continue (or end on) shots being generated: queued once those jobs end."""

    shot_ids: list[str]
    new_takes: int | None
    backend: str | None
    model_id: str | None
    priority: int
    after: set[str]  # job ids


@dataclass(frozen=True)
class Submitted:
    """The outcome of a generate call: the jobs queued, and shots whose asked-for take was already there."""

    jobs: list[JobRecord]
    reused: list[tuple[str, str]]  # (shot id, take id) made active without a job


class GenerationService:
    def __init__(self, client: EngineClient, target: Editable) -> None:
        self.client = client
        self.target = target
        self.records: dict[str, JobRecord] = {}
        self.order: list[str] = []
        self._later: list[_Later] = []

    # --- queries -------------------------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        return self.target.project

    def _bundle(self) -> Path:
        if self.target.bundle is None:
            raise GenerationError("save the project first: generated takes are stored inside its folder")
        return self.target.bundle

    def jobs(self) -> list[JobRecord]:
        return [self.records[j] for j in self.order]

    def active_jobs(self) -> list[JobRecord]:
        return [r for r in self.jobs() if r.state in ACTIVE]

    def shot_status(self, shot_id: str) -> tuple[str, float] | None:
        """A shot's job as (state, fraction): the one generating, else the newest while queued or just failed."""
        records = [r for r in reversed(self.jobs()) if r.shot_id == shot_id]
        running = next((r for r in records if r.state == "generating"), None)
        if running is not None:
            return running.state, running.fraction
        if records and (records[0].state in ACTIVE or records[0].state == "failed"):
            return records[0].state, records[0].fraction
        return None

    def shot_number(self, shot_id: str) -> str:
        try:
            return str(self.project.shot_index(shot_id) + 1)
        except StoryreelError:
            return "?"

    def _tag(self, shot_id: str) -> str:
        return f"{self.project.id}/{shot_id}"

    # --- submitting ----------------------------------------------------------------------------------------
    def generate(self, shot_ids: list[str], *, new_takes: int | None = None, backend: str | None = None,
                 model_id: str | None = None, priority: int = 0, kind: str = "video") -> Submitted:
        """*Generate* (``new_takes`` None: each shot's take by the seed rules) or ``new_takes`` new takes each;
        ``kind`` "keyframe": the shots' stills (keyframes) instead of their clips.

        A shot that continues (or ends on) another shot of ``shot_ids`` is queued when that shot's job ends."""
        for shot_id in shot_ids:
            self.project.shot(shot_id)  # NotFound names the id before anything is queued
        waves = dependency_waves(self.project, list(shot_ids)) if kind == "video" else [list(shot_ids)]
        if len(waves) > 1:
            now = self.generate(waves[0], new_takes=new_takes, backend=backend, model_id=model_id,
                                priority=priority)
            later = [shot_id for wave in waves[1:] for shot_id in wave]
            self._later.append(_Later(later, new_takes, backend, model_id, priority, {r.job_id for r in now.jobs}))
            return now
        bundle = self._bundle()
        busy = {r.request_key for r in self.active_jobs()}
        planned = plan_takes(self.project, bundle, shot_ids, new_takes=new_takes, backend=backend,
                             model_id=model_id, busy_keys=busy, kind=kind)
        jobs: list[JobRecord] = []
        reused: list[tuple[str, str]] = []
        for plan in planned:
            if plan.existing_take_id is not None:
                if kind == "keyframe":
                    self._make_active_keyframe(plan.shot_id, plan.existing_take_id)
                else:
                    self._make_active(plan.shot_id, plan.existing_take_id)
                reused.append((plan.shot_id, plan.existing_take_id))
            else:
                record = self._submit(plan, priority)
                record.kind = kind
                jobs.append(record)
        return Submitted(jobs, reused)

    def generate_missing(self, shot_ids: list[str] | None = None, *, backend: str | None = None,
                         model_id: str | None = None) -> Submitted:
        """One take for every shot (of ``shot_ids``, default all) with no usable take that is not already
        being generated."""
        busy = {r.shot_id for r in self.active_jobs()}
        wanted = set(shot_ids) if shot_ids is not None else None
        missing = [s for s in shots_missing_takes(self.project, self._bundle())
                   if s not in busy and (wanted is None or s in wanted)]
        return self.generate(missing, backend=backend, model_id=model_id)

    def _submit(self, plan: PlannedTake, priority: int) -> JobRecord:
        assert plan.request is not None
        job_id = self.client.submit(plan.request, priority=priority, tag=self._tag(plan.shot_id))
        record = self._record(job_id, plan.shot_id, plan.seed, plan.request.key())
        record.lineage = lineage_for_shot(self.project, self.project.shot(plan.shot_id), self._bundle())
        return record

    def extend(self, shot_id: str, seconds: float, *, backward: bool = False, backend: str | None = None,
               model_id: str | None = None, priority: int = 0) -> JobRecord:
        """Queue ``seconds`` more of the shot's active take (before it with ``backward``); when the job is
        done the new frames are joined to the take's own and the result becomes a new active take."""
        extension = plan_extension(self.target, shot_id, seconds, backward=backward, backend=backend,
                                   model_id=model_id)
        job_id = self.client.submit(extension.request, priority=priority, force_new=True, tag=self._tag(shot_id))
        seed = SeedChoice(extension.request.seed, f"extension of take {extension.take_id}")
        record = self._record(job_id, shot_id, seed, extension.request.key())
        record.extension = extension
        return record

    def _record(self, job_id: str, shot_id: str, seed: SeedChoice, key: str, state: str = "queued") -> JobRecord:
        record = JobRecord(job_id, shot_id, seed.seed, seed.rule, state=state, request_key=key)
        self.records[job_id] = record
        self.order.append(job_id)
        return record

    def retry(self, job_id: str) -> JobRecord | None:
        """Run a finished job again as a fresh generation (the cache is skipped)."""
        old = self.records.get(job_id)
        if old is None or not old.finished:
            return None
        new_id = self.client.retry(job_id)
        record = self._record(new_id, old.shot_id, SeedChoice(old.seed, old.seed_rule), old.request_key)
        record.lineage, record.extension = old.lineage, old.extension
        return record

    def cancel(self, job_id: str) -> None:
        with contextlib.suppress(JobNotFound):
            self.client.cancel(job_id)

    def move(self, job_id: str, offset: int) -> None:
        """Move a waiting job up (-1) or down (+1) among the waiting jobs."""
        waiting = [j for j in self.order if self.records[j].state == "queued"]
        if job_id not in waiting:
            return
        index = max(0, min(len(waiting) - 1, waiting.index(job_id) + offset))
        self.client.move(job_id, index)
        waiting.remove(job_id)
        waiting.insert(index, job_id)
        rest = iter(waiting)
        self.order = [next(rest) if self.records[j].state == "queued" else j for j in self.order]

    def clear_finished(self) -> None:
        self.order = [j for j in self.order if self.records[j].state in ACTIVE]
        self.records = {j: self.records[j] for j in self.order}

    def resume(self) -> list[JobRecord]:
        """Adopt this project's unfinished jobs that the client kept from an earlier session."""
        prefix = f"{self.project.id}/"
        adopted = []
        for info in self.client.jobs():
            if not info.tag.startswith(prefix) or info.finished or info.id in self.records:
                continue
            state = "generating" if info.status == "running" else "queued"
            seed = SeedChoice(info.request.seed, f"seed {info.request.seed}")
            adopted.append(self._record(info.id, info.tag.removeprefix(prefix), seed, info.request.key(), state))
        return adopted

    # --- engine events -------------------------------------------------------------------------------------
    def handle(self, event: EngineEvent) -> Update:
        update = self._handle(event)
        if update.record is None or not update.record.finished or not self._later:
            return update
        return self._release_later(update)

    def _release_later(self, update: Update) -> Update:
        """Queue the shots that waited for jobs which have all ended now."""
        ready = [later for later in self._later
                 if all(self.records[j].finished for j in later.after if j in self.records)]
        if not ready:
            return update
        jobs: list[JobRecord] = []
        reused: list[tuple[str, str]] = []
        messages = [update.message] if update.message else []
        for later in ready:
            self._later.remove(later)
            try:
                submitted = self.generate(later.shot_ids, new_takes=later.new_takes, backend=later.backend,
                                          model_id=later.model_id, priority=later.priority)
            except StoryreelError as exc:  # e.g. the shot it continues failed: it has no frame to start on
                messages.append(f"Not generated: {exc}")
                continue
            jobs += submitted.jobs
            reused += submitted.reused
        return Update(update.record, update.take, " ".join(messages), Submitted(jobs, reused))

    def _handle(self, event: EngineEvent) -> Update:
        record = self.records.get(event.job_id)
        if isinstance(event, WorkerRestarted):
            # A notice: the client follows it with the job's fate (Failed, or Queued to run again elsewhere).
            if record is not None and record.state in ACTIVE:
                record.reason = event.reason
            return Update(record, message=f"Generation engine: {event.reason}.")
        if record is None or record.finished:
            return Update(None)  # a job of another project, or one already settled
        label = f"Shot {self.shot_number(record.shot_id)}"
        if isinstance(event, Queued):
            record.state = "queued"
        elif isinstance(event, Started):
            record.state = "generating"
        elif isinstance(event, StepProgress):
            record.state, record.stage = "generating", event.stage
            if event.stage == "denoise" or not record.total:
                record.step, record.total = event.step, event.total
            if event.preview_png:
                record.preview_png = event.preview_png
        elif isinstance(event, Done):
            return self._finished_take(record, event.result, label)
        elif isinstance(event, Failed):
            record.state, record.reason = "failed", event.reason
            return Update(record, message=f"Generation of shot {self.shot_number(record.shot_id)} failed: "
                                          f"{event.reason}")
        elif isinstance(event, Cancelled):
            record.state, record.reason = "cancelled", "cancelled"
        return Update(record)

    def _finished_take(self, record: JobRecord, result: TakeResult | None, label: str) -> Update:
        if result is None:
            record.state, record.reason = "failed", "the engine finished without a clip"
            return Update(record, message=f"{label}: {record.reason}")
        try:
            shot = self.project.shot(record.shot_id)
        except NotFound:
            record.state, record.reason = "failed", "the shot was deleted while it generated"
            return Update(record, message="A take finished for a shot that was deleted; it was not added.")
        record.from_cache = result.from_cache
        if isinstance(result, StillResult):
            return self._finished_keyframe(record, result, label)
        if record.extension is not None:
            return self._joined_extension(record, result, label)
        existing = usable_takes_by_key(shot, self.target.bundle).get(result.request.key())
        if existing is not None:  # the same request finished twice (another window, the CLI): one take
            take = self._make_active(record.shot_id, existing)
            record.state, record.take_id = "done", existing
            record.step = record.total = record.total or 1
            return Update(record, take, f"{label}: it already has this take; it is now the active one")
        try:
            take = take_from_result(self._bundle(), record.shot_id, result)
            take.metadata["seed_rule"] = record.seed_rule
            if record.lineage:
                take.metadata["lineage"] = record.lineage
            self.target.execute(commands.AddTake(record.shot_id, take, make_active=True))
        except (StoryreelError, OSError) as exc:
            record.state, record.reason = "failed", f"could not store the take: {exc}"
            return Update(record, message=f"{label}: {record.reason}")
        record.state, record.take_id = "done", take.id
        record.step = record.total = record.total or 1
        cached = " (from the take cache)" if result.from_cache else ""
        return Update(record, take, f"{label}: new take ready{cached}")

    def _finished_keyframe(self, record: JobRecord, result: StillResult, label: str) -> Update:
        shot = self.project.shot(record.shot_id)
        existing = usable_keyframes_by_key(shot, self.target.bundle).get(result.request.key())
        if existing is not None:  # the same still finished twice: one keyframe
            key = self._make_active_keyframe(record.shot_id, existing)
            record.state, record.take_id = "done", existing
            record.step = record.total = record.total or 1
            return Update(record, key, f"{label}: it already has this keyframe; it is now the active one")
        try:
            key = keyframe_from_result(self.project, self._bundle(), record.shot_id, result)
            key.metadata["seed_rule"] = record.seed_rule
            self.target.execute(AddKeyframe(record.shot_id, key, make_active=True, text="Add keyframe"))
        except (StoryreelError, OSError) as exc:
            record.state, record.reason = "failed", f"could not store the keyframe: {exc}"
            return Update(record, message=f"{label}: {record.reason}")
        record.state, record.take_id = "done", key.id
        record.step = record.total = record.total or 1
        cached = " (from the take cache)" if result.from_cache else ""
        return Update(record, key, f"{label}: new keyframe ready{cached}")

    def _make_active_keyframe(self, shot_id: str, keyframe_id: str) -> Keyframe:
        shot = self.project.shot(shot_id)
        if shot.active_keyframe != keyframe_id:
            self.target.execute(set_active_keyframe(self.project, shot_id, keyframe_id))
        return shot.keyframe(keyframe_id)

    def _joined_extension(self, record: JobRecord, result: TakeResult, label: str) -> Update:
        assert record.extension is not None
        try:
            take = join_extension(self.target, record.extension, result)
        except (StoryreelError, OSError) as exc:  # e.g. the take it extends was deleted meanwhile
            record.state, record.reason = "failed", f"could not join the extension: {exc}"
            return Update(record, message=f"{label}: {record.reason}")
        record.state, record.take_id = "done", take.id
        record.step = record.total = record.total or 1
        added = take.metadata["lineage"]["added_frames"]
        return Update(record, take, f"{label}: extended take ready ({added} new frames)")

    def _make_active(self, shot_id: str, take_id: str) -> Take:
        shot = self.project.shot(shot_id)
        if shot.active_take != take_id:
            self.target.execute(commands.set_active_take(shot_id, take_id))
        return shot.take(take_id)

