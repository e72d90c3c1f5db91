"""The animatic answers a still request (no weights): the story card of the prompt, with the shot's reference
images (cast, location) as a strip of thumbnails at its foot; through the real in-process client and the cache."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from engine.animatic.reference_strip import strip_layout
from engine.backends.animatic import AnimaticBackend
from engine.inprocess_client import InProcessClient
from engine.messages import Done, Failed
from engine.request import GenerationRequest, RequestError, StillResult
from engine.still_files import read_still_metadata

PROMPT = "the keeper climbs the lighthouse stairs at night"
RED, GREEN, BLUE = (230, 20, 20), (20, 210, 40), (30, 40, 220)


def solid(path: Path, rgb: tuple[int, int, int], size: tuple[int, int]) -> Path:
    image = np.zeros((size[1], size[0], 3), np.uint8)
    image[:] = rgb
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return path


def decoded(path: Path) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


@pytest.fixture
def references(tmp_path: Path) -> list[Path]:
    # A portrait, another portrait, a wide location still.
    return [solid(tmp_path / "keeper.png", RED, (300, 400)), solid(tmp_path / "girl.png", GREEN, (240, 320)),
            solid(tmp_path / "lighthouse.png", BLUE, (640, 360))]


def test_a_still_card_shows_the_references_in_a_strip(references: list[Path], tmp_path: Path) -> None:
    backend = AnimaticBackend()
    plain = backend.generate(GenerationRequest.still(PROMPT, 640, 360, seed=4, label="Shot 2"), tmp_path / "plain")
    cast = backend.generate(GenerationRequest.still(PROMPT, 640, 360, seed=4, label="Shot 2", references=references),
                            tmp_path / "cast")
    assert isinstance(plain, StillResult) and isinstance(cast, StillResult)
    without, with_strip = decoded(plain.image), decoded(cast.image)
    assert without.shape == with_strip.shape == (360, 640, 3)
    boxes = strip_layout([(300, 400), (240, 320), (640, 360)], 640, 360)
    assert len(boxes) == 3
    for (x, y, w, h), colour in zip(boxes, (RED, GREEN, BLUE), strict=True):
        inside = with_strip[y + 2:y + h - 2, x + 2:x + w - 2].reshape(-1, 3).astype(int)
        assert np.abs(inside - colour).max() <= 3, colour  # each reference, whole, in its box
        assert h < w * 1.5 if colour == BLUE else h > w  # portraits stay portraits, the location stays wide
        assert np.abs(without[y:y + h, x:x + w].astype(int) - colour).max(axis=-1).min() > 40  # not on the card
    # Outside the strip, the card is the same card.
    mask = np.ones((360, 640), bool)
    for x, y, w, h in boxes:
        mask[y - 3:y + h + 3, x - 3:x + w + 3] = False
    np.testing.assert_array_equal(with_strip[mask], without[mask])
    assert without.std() > 5  # a designed card, not a flat fill
    metadata = read_still_metadata(cast.image)
    assert metadata["model_id"] == "animatic" and metadata["seed"] == 4
    assert metadata["request"]["reference_images"] == [str(p) for p in references]
    assert decoded(cast.thumbnail).shape[1] == 320


def test_many_references_shrink_to_fit_beside_the_footer() -> None:
    boxes = strip_layout([(300, 400)] * 9, 1280, 720)
    assert len(boxes) == 9
    assert boxes[0][0] >= 1280 * (1 - 0.62) - 1 and boxes[-1][0] + boxes[-1][2] <= 1280
    assert all(b[1] + b[3] <= 720 for b in boxes)
    assert all(boxes[i][0] + boxes[i][2] < boxes[i + 1][0] for i in range(8))  # apart, in order


def test_a_still_through_the_engine_is_cached(references: list[Path], tmp_path: Path) -> None:
    request = GenerationRequest.still(PROMPT, 320, 180, seed=9, references=references[:1])
    with InProcessClient(tmp_path / "state", tmp_path / "cache") as engine:
        first = engine.wait(engine.submit(request), timeout=60)
        assert isinstance(first, Done) and isinstance(first.result, StillResult), first
        assert decoded(first.result.image).shape == (180, 320, 3)
        again = engine.wait(engine.submit(request), timeout=60)
        assert isinstance(again, Done) and again.result.from_cache and again.result.image == first.result.image
        # A damaged still is not offered again: it is made anew.
        first.result.image.write_bytes(b"not a png")
        fresh = engine.wait(engine.submit(request), timeout=60)
        assert isinstance(fresh, Done) and not fresh.result.from_cache
        assert decoded(fresh.result.image).shape == (180, 320, 3)
        # A reference that is not a picture: the job fails naming it, the engine carries on.
        broken = tmp_path / "sheet.png"
        broken.write_bytes(b"GIF89a? no")
        failed = engine.wait(engine.submit(GenerationRequest.still(PROMPT, 320, 180, references=[broken])), timeout=60)
        assert isinstance(failed, Failed) and "sheet.png" in failed.reason and "cannot be used" in failed.reason


def test_a_missing_reference_is_a_clear_error(references: list[Path], tmp_path: Path) -> None:
    request = GenerationRequest.still(PROMPT, 320, 180, references=references[:1])
    references[0].unlink()
    with pytest.raises(RequestError, match="keeper.png cannot be found"):
        AnimaticBackend().generate(request, tmp_path / "out")
