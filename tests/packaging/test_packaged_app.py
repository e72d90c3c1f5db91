"""The desktop build (``make package``) works on its own: ``make package-test`` runs these against dist/.

The built ``storyreel`` runs with a bare environment (no venv, no PYTHONPATH, a fresh home): it says its
version, renders the example film it carries (checked with ffprobe), opens its window offscreen — the welcome
page on a first start, a project when given one — and closes cleanly on SIGTERM. As root, the .deb installs,
its launcher runs from the PATH, the menu entry and the MIME type are registered, and it uninstalls.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from importlib.metadata import version
from pathlib import Path

import pytest

from studio import __version__

pytestmark = pytest.mark.package
ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dist" / "storyreel"
EXE = APP / "storyreel"
VERSION = version("storyreel")
DEB = ROOT / "dist" / f"storyreel_{VERSION}_amd64.deb"
TARBALL = ROOT / "dist" / f"Storyreel-{VERSION}-linux-x86_64.tar.gz"
APP_ID = "org.storyreel.Storyreel"
PACKAGED_EXAMPLE = APP / "_internal" / "storyreel_resources" / "examples" / "the-lighthouse-keeper.storyreel"


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    if not EXE.is_file():
        pytest.fail(f"{EXE} is not built: run `make package` first")


def bare_env(home: Path) -> dict[str, str]:
    """What a desktop launcher gives the app: a PATH without the venv, a home of its own, no Python settings."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_STATE_HOME": str(home / ".local" / "state"),
           "XDG_CACHE_HOME": str(home / ".cache"), "QT_QPA_PLATFORM": "offscreen", "HF_HUB_OFFLINE": "1"}
    return env


def run(args: list[str], home: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=bare_env(home), capture_output=True, text=True, timeout=timeout, check=False)


def test_version_matches_the_package(tmp_path: Path) -> None:
    done = run([str(EXE), "--version"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"storyreel {VERSION}" == f"storyreel {__version__}"


def test_the_build_carries_what_it_needs_and_not_the_dev_tools() -> None:
    internal = APP / "_internal"
    assert (PACKAGED_EXAMPLE / "project.json").is_file()
    assert (internal / "storyreel_resources" / "fonts" / "NotoSans-Regular.ttf").is_file()
    assert (internal / "storyreel_resources" / "icons" / "film.svg").is_file()
    assert (internal / "espeakng_loader" / "espeak-ng-data" / "phontab").is_file()
    assert list((internal / "imageio_ffmpeg" / "binaries").glob("ffmpeg-*"))
    assert list((internal / "torch" / "lib").glob("libtorch_cpu.so*"))
    assert (APP / "share" / "applications" / f"{APP_ID}.desktop").is_file()
    for absent in ("ray", "pytest", "_pytest", "hypothesis", "skimage", "ruff"):
        assert not (internal / absent).exists(), f"{absent} should not be in the build"
    assert TARBALL.is_file() and DEB.is_file()


def ffprobe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_render_the_example_film_headless(tmp_path: Path) -> None:
    film = tmp_path / "film.storyreel"
    shutil.copytree(PACKAGED_EXAMPLE, film)
    out = tmp_path / "film.mp4"
    done = run([str(EXE), "render", str(film), "-o", str(out), "--size", "640x360", "--subtitles", "srt"], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    probe = ffprobe(out)
    streams = {s["codec_type"]: s for s in probe["streams"]}
    assert streams["video"]["codec_name"] == "h264"
    assert (streams["video"]["width"], streams["video"]["height"]) == (640, 360)
    assert streams["audio"]["codec_name"] == "aac"
    assert float(probe["format"]["duration"]) >= 30
    assert out.with_suffix(".srt").read_text("utf-8").startswith("1\n")
    narration = list((film / "media" / "audio").rglob("*.wav"))
    assert narration, "the offline voice made no narration"


def test_the_storyboard_pdf_of_the_example_film(tmp_path: Path) -> None:
    board = tmp_path / "board.pdf"
    done = run([str(EXE), "export", str(PACKAGED_EXAMPLE), "--format", "pdf", "-o", str(board)], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    text = subprocess.run(["pdftotext", str(board), "-"], capture_output=True, text=True, check=True).stdout
    assert "The Lighthouse Keeper" in text and "SHOT 1" in text and "Page 1 of" in text


@pytest.mark.parametrize("family", ["wan", "ltx"])
def test_video_models_load_in_the_build(family: str, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    """diffusers and transformers import pipelines and text encoders lazily, by class name: a tiny checkpoint of
    each family, loaded through from_pretrained by the built app, proves those modules were collected."""
    from tiny_models import ensure_tiny_models

    models = ensure_tiny_models(tmp_path_factory.getbasetemp() / "tiny-models")
    assert run([str(EXE), "new", str(tmp_path / "film"), "--size", "64x64", "--fps", "16"], tmp_path).returncode == 0
    film = tmp_path / "film.storyreel"
    assert run([str(EXE), "shot", "add", str(film), "--prompt", "waves on rocks", "--duration", "0.5"],
               tmp_path).returncode == 0
    done = run([str(EXE), "generate", str(film), "--backend", "diffusers", "--model", str(models[family])], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    [shot] = json.loads((film / "project.json").read_text("utf-8"))["shots"]
    [take] = shot["takes"]
    assert take["backend"] == "diffusers"
    video = ffprobe(film / take["media"])["streams"][0]
    assert (video["width"], video["height"], int(video["nb_frames"])) == (64, 36, 8)


def wait_for_line(log: Path, text: str, proc: subprocess.Popen[str], timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if log.is_file() and text in log.read_text("utf-8", errors="replace"):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    _out, err = proc.communicate()
    pytest.fail(f"the editor never logged {text!r} (exit {proc.returncode}): {err[-3000:]}")


def open_and_close(args: list[str], home: Path, shown: str, **env: str) -> str:
    """Start the editor, wait until the log says ``shown``, SIGTERM it (by its own pid): the log it wrote."""
    log = home / ".local" / "state" / "Storyreel" / "log" / "storyreel.log"
    proc = subprocess.Popen(args, env={**bare_env(home), **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    wait_for_line(log, shown, proc)
    proc.send_signal(signal.SIGTERM)
    try:
        _out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the editor did not close within a minute of SIGTERM")
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    text = log.read_text("utf-8")
    assert "Editor closed (exit code 0)" in text
    return text


def test_first_start_opens_the_window_with_the_welcome_page(tmp_path: Path) -> None:
    log = open_and_close([str(EXE), "studio"], tmp_path, "Welcome page shown (first run)")
    assert "Editor window shown" in log


def test_double_click_opens_a_bundle_given_as_its_project_json(tmp_path: Path) -> None:
    film = tmp_path / "Night Watch.storyreel"
    shutil.copytree(PACKAGED_EXAMPLE, film)
    log = open_and_close([str(EXE), "studio", str(film / "project.json")], tmp_path, f"Opened {film}")
    assert "Welcome page shown" not in log  # a project given on the command line comes first


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (the xvfb package)")
def test_the_window_opens_on_an_x_server(tmp_path: Path) -> None:
    """The xcb platform plugin and the libraries it loads from the build work against a real X server."""
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        display = xvfb.stdout.readline().strip()  # written once the server accepts clients
        assert display.isdigit(), "Xvfb did not start"
        log = open_and_close([str(EXE), "studio"], tmp_path, "Welcome page shown (first run)",
                             QT_QPA_PLATFORM="xcb", DISPLAY=f":{display}")
        assert "Editor window shown" in log
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=30)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("dpkg") is None, reason="installing a .deb needs root and dpkg")
def test_the_deb_installs_a_launcher_a_menu_entry_and_the_mime_type(tmp_path: Path) -> None:
    subprocess.run(["dpkg", "-i", str(DEB)], check=True, capture_output=True, text=True)
    try:
        launcher = shutil.which("storyreel", path="/usr/bin")
        assert launcher == "/usr/bin/storyreel" and Path(launcher).resolve() == Path("/opt/storyreel/storyreel")
        done = run(["storyreel", "--version"], tmp_path)
        assert done.returncode == 0 and done.stdout.strip() == f"storyreel {VERSION}", done.stderr
        example = Path("/opt/storyreel/_internal/storyreel_resources/examples/the-lighthouse-keeper.storyreel")
        info = run(["storyreel", "info", str(example), "--json"], tmp_path)
        assert info.returncode == 0 and json.loads(info.stdout)["title"] == "The Lighthouse Keeper", info.stderr
        desktop = Path(f"/usr/share/applications/{APP_ID}.desktop")
        assert "Exec=storyreel studio %f" in desktop.read_text("utf-8")
        assert Path(f"/usr/share/icons/hicolor/256x256/apps/{APP_ID}.png").is_file()
        assert Path(f"/usr/share/metainfo/{APP_ID}.metainfo.xml").is_file()
        if shutil.which("update-mime-database"):  # shared-mime-info's dpkg trigger compiles the MIME database
            assert "application/x-storyreel:*.storyreel" in Path("/usr/share/mime/globs2").read_text("utf-8")
        if shutil.which("xdg-mime") and shutil.which("update-desktop-database"):
            default = run(["xdg-mime", "query", "default", "application/x-storyreel"], tmp_path)
            assert default.stdout.strip() == f"{APP_ID}.desktop", default.stderr
    finally:
        subprocess.run(["dpkg", "-r", "storyreel"], check=True, capture_output=True, text=True)
    assert not Path("/usr/bin/storyreel").exists() and not Path("/opt/storyreel/storyreel").exists()
