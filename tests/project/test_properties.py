"""Property-based: random documents round-trip; random mutations either load or fail with our own error."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.project import Character, Line, Project, ProjectError, Shot, Transition, store
from studio.project.model import CAMERA_MOVES, TRANSITION_KINDS

from .conftest import full_project

text = st.text(max_size=40)
shots = st.builds(
    Shot,
    prompt=text,
    negative_prompt=text,
    duration_frames=st.integers(1, 24 * 600),
    aspect=st.sampled_from(["16:9", "9:16", "1:1", "2.39:1"]),
    seed=st.integers(0, 2**63 - 1),
    seed_locked=st.booleans(),
    camera=st.sampled_from(CAMERA_MOVES),
    notes=text,
    transition=st.builds(Transition, kind=st.sampled_from(TRANSITION_KINDS), duration_frames=st.integers(0, 48)),
)


@st.composite
def projects(draw: st.DrawFn) -> Project:
    shot_list = draw(st.lists(shots, max_size=6))
    cast = draw(st.lists(st.builds(Character, name=st.text(min_size=1, max_size=20)), max_size=3))
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        if not shot_list:
            break
        lines.append(Line(text=draw(st.text(min_size=1, max_size=40)), shot_id=draw(st.sampled_from(shot_list)).id,
                          speaker=draw(st.sampled_from([None, *[c.id for c in cast]])),
                          offset_frames=draw(st.integers(0, 1000))))
    extra = draw(st.dictionaries(st.text("abcdefghij", min_size=1, max_size=8).map(lambda k: f"x_{k}"),
                                 st.integers() | st.text(max_size=10), max_size=3))
    return Project(title=draw(text), fps=draw(st.integers(1, 240)), width=draw(st.integers(8, 4096)) * 2,
                   height=draw(st.integers(8, 4096)) * 2, shots=shot_list, cast=cast, lines=lines, **extra)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_random_documents_round_trip(project: Project) -> None:
    data = store.serialize(project)
    loaded, _ = store.parse(data, source=Path("random.json"))
    assert loaded.model_dump(mode="json") == project.model_dump(mode="json")
    assert store.serialize(loaded) == data


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


REAL = json.loads(store.serialize(full_project()))
PATHS = [p for p in _paths(REAL) if p]
junk = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True),
                 st.text(max_size=12), st.just("../../etc/passwd"), st.just("/abs/path"),
                 st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), junk, st.booleans()), min_size=1, max_size=4))
def test_mutated_real_documents_load_or_fail_with_project_error(mutations: list) -> None:
    doc = json.loads(json.dumps(REAL))
    for path, value, delete in mutations:
        parent = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if delete:
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    data = json.dumps(doc).encode()
    with tempfile.TemporaryDirectory() as folder:
        bundle = Path(folder) / "m.storyreel"
        bundle.mkdir()
        (bundle / "project.json").write_bytes(data)
        try:
            project, _ = store.load(bundle)
        except ProjectError:
            return
        # What loads must save and load again identically.
        store.save(bundle, project)
        again, _ = store.load(bundle)
        assert again.model_dump(mode="json") == project.model_dump(mode="json")
