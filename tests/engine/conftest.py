"""Generic fixtures for engine tests (shared by every engine test module: keep them generic)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest


def make_test_still(width: int = 640, height: int = 400, seed: int = 0) -> np.ndarray:
    """An RGB still with texture everywhere (gradient, shapes, random blobs), good for motion estimates."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    image = np.stack([x / width * 200 + 30, y / height * 180 + 40, (x + y) / (width + height) * 120 + 60], axis=-1)
    image = image.astype(np.uint8)
    for _ in range(40):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            cv2.circle(image, centre, int(rng.integers(6, max(8, width // 12))), colour, -1, cv2.LINE_AA)
        else:
            size = int(rng.integers(8, max(10, width // 10)))
            cv2.rectangle(image, centre, (centre[0] + size, centre[1] + size // 2), colour, -1)
    return image


@pytest.fixture
def test_still() -> np.ndarray:
    return make_test_still()


@pytest.fixture
def still_file(tmp_path: Path) -> Path:
    """A PNG still on disk (for reference-image requests)."""
    path = tmp_path / "still.png"
    cv2.imwrite(str(path), cv2.cvtColor(make_test_still(), cv2.COLOR_RGB2BGR))
    return path


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny random Wan / LTX checkpoints saved in diffusers layout (built once per test session)."""
    import tiny_models  # tests/support, on the test path

    return tiny_models.ensure_tiny_models(tmp_path_factory.getbasetemp() / "tiny-models")


@pytest.fixture(scope="module")
def backend():
    """A diffusers backend kept warm for a module's tests (previews every step), released after them."""
    from engine.backends.diffusers_backend import DiffusersBackend

    warm = DiffusersBackend(preview_every=1)
    yield warm
    warm.release()


@pytest.fixture(scope="module")
def stills(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two real photographs at 64x64 (an astronaut, a cat): a start and an end frame that clearly differ."""
    from skimage import data as skdata

    folder = tmp_path_factory.mktemp("stills")
    paths = []
    for name, image in (("astronaut", skdata.astronaut()), ("cat", skdata.chelsea())):
        path = folder / f"{name}.png"
        cv2.imwrite(str(path), cv2.cvtColor(cv2.resize(image, (64, 64)), cv2.COLOR_RGB2BGR))
        paths.append(path)
    return paths[0], paths[1]
