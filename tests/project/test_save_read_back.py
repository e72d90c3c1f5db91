"""A save reads its bytes back as the loader would: at the nesting limit the save and the loader agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.project import Project, ProjectDocument, ProjectError, store
from studio.project.json_depth import MAX_JSON_DEPTH, json_depth


def _nested(levels: int, leaf: object) -> object:
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("leaf", [1, [], {}])
def test_a_save_nests_as_deep_as_the_loader_allows_and_no_deeper(tmp_path: Path, leaf: object) -> None:
    document = ProjectDocument.create(tmp_path / "deep", Project(title="Deep"))
    depths = set()
    for extra in range(MAX_JSON_DEPTH - 6, MAX_JSON_DEPTH):
        document.project.metadata["nested"] = _nested(extra, leaf)
        depth = json_depth(store.serialize(document.project))
        depths.add(depth)
        if depth <= MAX_JSON_DEPTH:
            document.save()
            reopened, _ = ProjectDocument.open(document.bundle)
            assert reopened.project.metadata["nested"] == _nested(extra, leaf)
        else:
            before = (document.bundle / "project.json").read_bytes()
            with pytest.raises(ProjectError, match=f"would not open again.*nests {depth} levels"):
                document.save()
            assert (document.bundle / "project.json").read_bytes() == before
            with pytest.raises(ProjectError, match=f"nests {depth} levels"):
                store.parse(store.serialize(document.project), source=document.bundle / "project.json")
    assert {MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1} <= depths  # both sides of the limit


def test_a_save_the_model_would_refuse_on_loading_is_not_written(tmp_path: Path) -> None:
    document = ProjectDocument.create(tmp_path / "bad", Project(title="Bad"))
    before = (document.bundle / "project.json").read_bytes()
    object.__setattr__(document.project, "fps", 0)  # a value no loader accepts, set past validation
    with pytest.raises(ProjectError, match="would not open again"):
        document.save()
    assert (document.bundle / "project.json").read_bytes() == before
