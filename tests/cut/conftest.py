"""Fixtures of the cut tests (the film builders live in tests/support/cut_film_factory.py)."""

from __future__ import annotations

import pytest
from cut_film_factory import make_film


@pytest.fixture
def film_factory(tmp_path):
    return lambda specs, **kw: make_film(tmp_path, specs, **kw)
