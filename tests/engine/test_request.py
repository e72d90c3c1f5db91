"""GenerationRequest: validation with clear messages, a stable cache key, lossless serialization."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import request as request_module
from engine.request import GenerationRequest, RequestError


def make(**changes) -> GenerationRequest:  # type: ignore[no-untyped-def]
    values = dict(prompt="a lighthouse at dusk", width=160, height=90, num_frames=24, fps=24, seed=7)
    values.update(changes)
    return GenerationRequest(**values)


def test_round_trip_and_stable_key() -> None:
    request = make(options=(("vae_tiling", True), ("offload", "model")))
    again = GenerationRequest.from_dict(request.to_dict())
    assert again == request and again.key() == request.key()
    assert make(options=(("offload", "model"), ("vae_tiling", True))).key() == request.key()  # order-free
    assert make(seed=8).key() != request.key()
    assert make(camera="push_in").key() != make().key()


def test_reference_is_keyed_by_content_not_path(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.png"
    a.write_bytes(b"same still")
    b.write_bytes(b"same still")
    c.write_bytes(b"another still")
    first, moved, other = (make().with_reference(p) for p in (a, b, c))
    assert first.task == "image_to_video"
    assert first.key() == moved.key()
    assert first.key() != other.key()


def test_a_renderer_change_invalidates_cached_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    before = make().key()
    monkeypatch.setitem(request_module.RENDERER_VERSIONS, "animatic", 99)
    assert make().key() != before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"width": 8}, "width"), ({"height": 100_000}, "height"), ({"num_frames": 0}, "frame count"),
        ({"fps": 0}, "fps"), ({"fps": float("nan")}, "fps"), ({"seed": -1}, "seed"), ({"steps": 0}, "steps"),
        ({"camera": "barrel_roll"}, "camera"), ({"task": "image_to_video"}, "reference image"),
        ({"prompt": "   ", "backend": "diffusers"}, "prompt is empty"), ({"prompt": "x" * 10_001}, "10,000"),
    ],
)
def test_bad_requests_are_refused_with_a_clear_reason(changes: dict, message: str) -> None:
    with pytest.raises(RequestError, match=message):
        make(**changes)
