from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str, cwd: Path | None = None, input: str | None = None,
            env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `storyreel` as a user would: a separate process, text output, exit code."""
    return subprocess.run(
        [sys.executable, "-m", "studio.cli.main", *args],
        capture_output=True, text=True, cwd=cwd, input=input, timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    return run_cli
