"""Fixtures of the chaos suite: a small full disk, a read-only folder, and the CLI in or out of process.

A full disk is a 256 KiB tmpfs where this machine lets us mount one (CI runs as root); elsewhere the CLI runs
with ``full_disk_hook``, which makes Python's writes under that folder fail with ENOSPC past a byte budget.
A read-only folder is a tmpfs remounted read-only (root ignores permission bits, so chmod would prove nothing
for root), or a chmod 0555 folder for a normal user; a root that may not mount gets an explicit skip.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_process import run_cli  # tests/support

HOOK = Path(__file__).with_name("full_disk_hook.py")


@functools.cache
def can_mount_tmpfs() -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    probe = Path(f"/tmp/storyreel-mount-probe-{uuid.uuid4().hex}")
    probe.mkdir()
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
                            capture_output=True).returncode == 0
        if ok:
            subprocess.run(["umount", str(probe)], check=True)
        return ok
    finally:
        probe.rmdir()


def _mount(folder: Path, size: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(folder)], check=True)


def _unmount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@dataclass
class FullDisk:
    """A folder whose disk is (nearly) full. ``run`` runs the CLI so that the fullness applies to it."""

    folder: Path
    kind: str  # "tmpfs" or "injected"
    budget: int  # bytes that still fit

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        if self.kind == "tmpfs":
            return run_cli(*args, cwd=cwd)
        code = (f"import sys; sys.path.insert(0, {str(HOOK.parent)!r}); import full_disk_hook; "
                f"full_disk_hook.install({str(self.folder)!r}, {self.budget}); "
                "from studio.cli.main import main; sys.exit(main(sys.argv[1:]))")
        return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd,
                              timeout=300)

    def fill(self, leave: int) -> None:
        """Leave about ``leave`` bytes free (a real filler file on tmpfs; a smaller budget otherwise)."""
        if self.kind == "injected":
            self.budget = leave
            return
        free = shutil.disk_usage(self.folder).free
        with open(self.folder / "filler.bin", "wb") as handle:
            handle.write(b"\0" * max(0, free - leave))


@pytest.fixture(params=["tmpfs", "injected"])
def full_disk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FullDisk]:
    """Each test runs on a real small tmpfs (where it can be mounted) and with the injected writer (always)."""
    folder = tmp_path / "small-disk"
    if request.param == "injected":
        folder.mkdir()
        yield FullDisk(folder, "injected", 256 * 1024)
        return
    if not can_mount_tmpfs():
        pytest.skip("tmpfs cannot be mounted here (not root, or no CAP_SYS_ADMIN); the injected writer covers it")
    _mount(folder, "256k")
    try:
        yield FullDisk(folder, "tmpfs", 0)
    finally:
        _unmount(folder)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Callable[[Callable[[Path], None]], Path]]:
    """``make(populate)``: a folder filled by ``populate`` and then made read-only for this process too."""
    made: list[tuple[Path, str]] = []

    def make(populate: Callable[[Path], None]) -> Path:
        folder = tmp_path / f"read-only-{len(made)}"
        if can_mount_tmpfs():
            _mount(folder, "64m")
            made.append((folder, "tmpfs"))
            populate(folder)
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        elif os.geteuid() != 0:
            folder.mkdir()
            populate(folder)
            for path in [folder, *folder.rglob("*")]:
                if path.is_dir():
                    path.chmod(0o555)
            made.append((folder, "chmod"))
        else:
            pytest.skip("running as root where tmpfs cannot be mounted: no honest read-only folder here "
                        "(root writes through chmod 0555)")
        assert not os.access(folder, os.W_OK), "the folder is still writable; the test would prove nothing"
        return folder

    yield make
    for folder, kind in made:
        if kind == "tmpfs":
            _unmount(folder)
        else:
            for path in [folder, *folder.rglob("*")]:
                if path.is_dir():
                    path.chmod(0o755)


def one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2 with exactly one line on stderr, no traceback, saying each of ``words``."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("storyreel: error:"), result.stderr[-2000:]
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
        ) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`storyreel ARGS` run in this process (main(), the same code as the command; no interpreter start per
    case): exit code, stdout and stderr as a CompletedProcess. Cases that need a process of their own (signals,
    bytes in argv, the injected disk) use run_cli."""
    from studio.cli.main import main

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        capsys.readouterr()
        with monkeypatch.context() as patch:
            if cwd is not None:
                patch.chdir(cwd)
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse
                code = int(exc.code or 0)
        captured = capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, captured.out, captured.err)

    return run
