from __future__ import annotations

import pytest
from cli_process import run_cli  # tests/support


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    return run_cli
