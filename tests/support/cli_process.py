"""Running `storyreel` as a user would: a separate process, text output, an exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(*args: str | bytes, cwd: Path | None = None, input: str | None = None,
            env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio.cli.main", *args],
        capture_output=True, text=True, cwd=cwd, input=input, timeout=timeout,
        env={**os.environ, **(env or {})},
    )
