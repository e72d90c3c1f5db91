"""The wheel that ``python -m build`` makes works on its own: installed into a fresh venv, it renders the example
film from the package data it carries (icons, fonts, styles and the example live in ``storyreel_resources``).

No network and no second torch: the fresh venv sees the dependencies already installed here through a ``.pth``
line (a plain path entry, so this venv's editable install of Storyreel is *not* visible there), and the wheel is
installed with ``--no-deps``. The example renders at 320x180 (its takes are generated at the project's size).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from engine.video_io import probe_video
from studio.cut.ffmpeg_run import probe

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path, timeout: float = 600) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def test_the_built_wheel_renders_the_example(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, ROOT, cwd=tmp_path)
    [wheel] = dist.glob("storyreel-*.whl")

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    (site / "storyreel-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # --ignore-installed: pip must never look at (let alone uninstall) the editable install it can see here.
    _run(python, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", "--quiet", wheel,
         cwd=tmp_path)

    where = _run(python, "-c", "import studio, storyreel_resources as r, studio.timeline.text_images as t; "
                 "print(studio.__file__); print(r.example_film()); print(t.font_file())", cwd=tmp_path).split("\n")
    for path in where[:3]:
        assert Path(path).is_relative_to(site), f"{path} is not from the installed wheel"
    example = Path(where[1])
    assert (example / "project.json").is_file() and Path(where[2]).name.startswith("NotoSans")

    film = shutil.copytree(example, tmp_path / "the-lighthouse-keeper.storyreel")
    out = tmp_path / "film.mp4"
    _run(venv / "bin" / "storyreel", "render", film, "-o", out, "--size", "320x180", cwd=tmp_path, timeout=900)
    info = probe(out)
    assert (info.video_codec, info.width, info.height, info.audio_codec) == ("h264", 320, 180, "aac")
    assert info.duration_seconds == pytest.approx(54.0, abs=0.1)
    assert probe_video(out).frame_count == 54 * 24
