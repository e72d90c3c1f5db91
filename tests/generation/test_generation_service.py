"""The generation rules both front ends share: seeds, N new distinct takes, no duplicates, what is missing,
and the CLI running beside the editor on one project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.client import EngineClient
from engine.inprocess_client import InProcessClient
from engine.local_client import local_client
from engine.video_io import probe_video, read_frames
from studio.generation import (
    GenerationService,
    derived_seed,
    generate_shots,
    take_request_key,
    wait_for,
)
from studio.generation.batch import engine_dirs
from studio.project import ProjectDocument
from studio.project.model import Project, Shot

WAIT = 240


@pytest.fixture
def document(tmp_path: Path) -> ProjectDocument:
    project = Project(title="Seeds", width=160, height=90, fps=24)
    project.shots = [
        Shot(prompt="The lamp turns", duration_frames=8, camera="orbit", seed=42, seed_locked=True),
        Shot(prompt="Gulls over the cliff", duration_frames=6, seed=5),
    ]
    return ProjectDocument.create(tmp_path / "film", project)


@pytest.fixture
def client(tmp_path: Path):
    engine = InProcessClient(tmp_path / "state", tmp_path / "cache")
    yield engine
    engine.close(keep_pending=False)


def test_derived_seeds_are_stable_and_distinct() -> None:
    seeds = [derived_seed(42, i) for i in range(1, 50)]
    assert seeds == [derived_seed(42, i) for i in range(1, 50)]  # the same project regenerates the same seeds
    assert len(set(seeds)) == len(seeds) and 42 not in seeds
    assert all(0 <= s < 2**31 for s in seeds)
    assert derived_seed(43, 1) != derived_seed(42, 1)


def test_two_new_takes_of_a_locked_seed_are_two_new_distinct_takes(document: ProjectDocument,
                                                                   client: EngineClient) -> None:
    locked = document.project.shots[0].id
    [first] = generate_shots(document, [locked], client=client)
    assert first.seed == 42 and first.metadata["seed_rule"] == "locked seed 42"
    two = generate_shots(document, [locked], takes=2, client=client)
    assert [t.seed for t in two] == [derived_seed(42, 1), derived_seed(42, 2)]
    assert all("derived from locked seed 42" in t.metadata["seed_rule"] for t in two)
    assert not any(t.metadata["from_cache"] for t in two)
    again = generate_shots(document, [locked], takes=2, client=client)  # asked again: two more, never repeats
    assert [t.seed for t in again] == [derived_seed(42, 3), derived_seed(42, 4)]
    shot = document.project.shot(locked)
    keys = [take_request_key(t) for t in shot.takes]
    assert len(shot.takes) == 5 and len(set(keys)) == 5
    frames = [read_frames(document.bundle / t.media, [4])[0] for t in shot.takes[:3]]
    assert abs(frames[1].astype(int) - frames[2].astype(int)).mean() > 0.5  # different seeds, different pictures


def test_a_locked_take_in_the_cache_comes_back_as_a_take(document: ProjectDocument, client: EngineClient) -> None:
    locked = document.project.shots[0].id
    [made] = generate_shots(document, [locked], client=client)
    shot = document.project.shot(locked)
    shot.takes.clear()  # the take was deleted from the shot; its clip is still in the take cache
    shot.active_take = None
    [back] = generate_shots(document, [locked], client=client)
    assert back.metadata["from_cache"] and back.seed == made.seed and back.id != made.id
    assert shot.active_take == back.id


def test_duplicate_results_add_one_take(document: ProjectDocument, client: EngineClient) -> None:
    locked = document.project.shots[0].id
    service = GenerationService(client, document)
    first = service.generate([locked]).jobs
    assert len(first) == 1 and service.generate([locked]).jobs == []  # already queued: not queued twice
    wait_for(service, first)
    second = service.generate([locked], new_takes=1).jobs
    retried = service.retry(first[0].job_id)  # the same request run again, fresh
    assert retried is not None
    wait_for(service, second + [retried])
    shot = document.project.shot(locked)
    assert len(shot.takes) == 2 and retried.take_id == first[0].take_id
    assert shot.active_take == first[0].take_id  # the repeat made the existing take active, no copy


def test_generate_missing_is_one_rule_for_missing_takes(document: ProjectDocument, client: EngineClient) -> None:
    takes = generate_shots(document, missing_only=True, client=client)
    assert len(takes) == 2
    assert generate_shots(document, missing_only=True, client=client) == []
    (document.bundle / takes[1].media).unlink()  # the clip of shot 2 disappeared: the shot needs a take again
    [replacement] = generate_shots(document, missing_only=True, client=client)
    shot = document.project.shots[1]
    assert shot.active_take == replacement.id and probe_video(document.bundle / replacement.media).frame_count == 6
    shot.active().status = "failed"  # a failed take is not a usable one either
    assert len(generate_shots(document, missing_only=True, client=client)) == 1


@pytest.mark.slow
def test_the_cli_beside_the_editor_runs_each_job_once(tmp_path: Path) -> None:
    """The editor holds the project's persisted queue, busy with long takes and more waiting; `storyreel
    generate` runs meanwhile in another process. Neither runs the other's jobs, the editor's unfinished jobs
    stay in its queue file, and every take lands once."""
    project = Project(title="Side by side", width=640, height=360, fps=24)
    project.shots = [Shot(prompt="The whole night passes", duration_frames=24 * 60, seed=9),
                     Shot(prompt="Dawn, slowly", duration_frames=24 * 60, seed=10),
                     Shot(prompt="Gulls", duration_frames=6, seed=11)]
    document = ProjectDocument.create(tmp_path / "film", project)
    state, cache = engine_dirs(document.bundle)
    editor = local_client(state, cache, in_process=True)  # persisted, as the editor's is
    assert editor.persistent
    service = GenerationService(editor, document)
    pending = service.generate([s.id for s in document.project.shots]).jobs
    assert len(pending) == 3
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-m", "studio.cli.main", "generate", str(document.bundle), "--shot", "3",
                          "--takes", "2"], capture_output=True, text=True, env=env, timeout=WAIT)
    assert run.returncode == 0, run.stderr
    unfinished = {job.id for job in editor.jobs() if not job.finished}
    saved = {job["id"] for job in json.loads((state / "queue.json").read_text())["jobs"]}
    assert unfinished, "the editor's long take should still be running while the CLI generated"
    assert saved == unfinished  # the CLI neither wiped the editor's queue file nor added its own jobs to it
    cli_project = ProjectDocument.open(document.bundle)[0].project
    assert [len(s.takes) for s in cli_project.shots] == [0, 0, 2]  # the CLI made its two takes, nothing else
    assert len({t.seed for t in cli_project.shots[2].takes}) == 2
    wait_for(service, pending)
    editor.close()
    assert all(r.state == "done" for r in pending)
    assert json.loads((state / "queue.json").read_text())["jobs"] == []
    assert [len(s.takes) for s in document.project.shots] == [1, 1, 1]
    assert probe_video(document.bundle / document.project.shots[0].active().media).frame_count == 24 * 60
    with local_client(state, cache, in_process=True) as reopened:
        assert GenerationService(reopened, document).resume() == []  # nothing left to run a second time


def test_missing_only_for_some_shots_queues_only_those(document: ProjectDocument, client: EngineClient) -> None:
    second = document.project.shots[1].id
    [take] = generate_shots(document, [second], missing_only=True, client=client)
    assert document.project.shots[0].takes == [] and document.project.shot(second).active_take == take.id
    assert [job.tag.split("/")[1] for job in client.jobs()] == [second]  # nothing else was sent to the engine
