"""Fixtures of the cut tests (the film builders live in cut_film_factory.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from cut_film_factory import make_film


@pytest.fixture
def film_factory(tmp_path):
    return lambda specs, **kw: make_film(tmp_path, specs, **kw)
