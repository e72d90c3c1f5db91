"""The model manager downloads from a loopback fake of the Hub (tests/fake_hub.py) into the model store chosen
in Settings, and the engine then finds the weights there."""

from __future__ import annotations

from pathlib import Path

import fake_hub  # tests/support, on the test path
import huggingface_hub.constants as hub_constants
import pytest
from PySide6.QtCore import QSettings, Qt

from engine.model_registry import local_weights, resolve_model
from engine.model_store import ModelStore
from studio.ui.background import TaskList
from studio.ui.model_manager import ModelManager
from studio.ui.settings_dialog import SettingsDialog, StudioSettings

REPO = "tiny-org/tiny-wan"


@pytest.fixture(scope="session")
def tiny_wan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fake_hub.tiny_wan_checkpoint(tmp_path_factory.getbasetemp() / "fake-hub-models")


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """This process online (the test settings keep the Hub offline) with its own store config."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)  # read at import; requests check it
    monkeypatch.setenv("STORYREEL_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def tasks(qtbot):  # type: ignore[no-untyped-def]
    tasks = TaskList()
    yield tasks
    tasks.shutdown()
    tasks.deleteLater()


def test_settings_folder_then_model_manager_download_then_the_engine_finds_it(qtbot, tmp_path, online, tasks,
                                                                              tiny_wan) -> None:
    folder = tmp_path / "my-models"
    settings = StudioSettings(QSettings(str(tmp_path / "studio.ini"), QSettings.Format.IniFormat))
    assert settings.model_folder is None  # nothing chosen: the Hugging Face cache
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.model_folder.setText(str(folder))
    dialog.accept()
    assert settings.model_folder == folder and ModelStore.configured().location == folder

    with fake_hub.running_hub() as hub:
        hub.add_folder(REPO, tiny_wan)
        manager = ModelManager(settings.model_folder, tasks, endpoint=hub.url)
        qtbot.addWidget(manager)
        assert str(folder) in manager.intro.text()
        fits = [manager.table.item(r, 4).text() for r in range(manager.table.rowCount())]
        assert all(fits) and any("GB of weights" in text for text in fits)
        seen: list[tuple[int, int]] = []
        qtbot.keyClicks(manager.hub_id, REPO)
        assert manager.download_id_button.isEnabled()
        qtbot.mouseClick(manager.download_id_button, Qt.MouseButton.LeftButton)
        assert manager.download_task is not None and not manager.download_id_button.isEnabled()
        manager.download_task.progressed.connect(lambda p: seen.append((p.done, p.total)))
        qtbot.waitUntil(lambda: manager.download_task is None, timeout=60_000)
    assert "Downloaded to" in manager.status.text(), manager.status.text()
    total = sum(len(data) for data in hub.repos[REPO].files.values())
    assert seen and seen[-1] == (total, total)  # the bar is fed by bytes and reaches the end
    ids = [manager.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(manager.table.rowCount())]
    assert REPO in ids  # the community id is listed now that it is on disk
    row = ids.index(REPO)
    assert manager.table.item(row, 3).text().startswith("yes")

    # The engine, with the store the settings chose, finds the weights and knows the family.
    spec = resolve_model(REPO)
    assert (spec.id, spec.family.name, spec.tasks) == (REPO, "wan", ("text_to_video",))
    weights = local_weights(spec)
    assert weights is not None and weights.is_relative_to(folder)
    for name, data in hub.repos[REPO].files.items():
        assert (weights / name).read_bytes() == data


def test_cancel_keeps_the_finished_files_and_the_next_download_completes(qtbot, tmp_path, online, tasks,
                                                                         tiny_wan, monkeypatch) -> None:
    monkeypatch.setattr(hub_constants, "HF_HUB_DOWNLOAD_TIMEOUT", 2)  # a stalled transfer notices the cancel soon
    folder = tmp_path / "models"
    big = "transformer/diffusion_pytorch_model.safetensors"
    with fake_hub.running_hub() as hub:
        hub.add_folder(REPO, tiny_wan)
        hub.add_fault(REPO, big, "stall")
        manager = ModelManager(folder, tasks, endpoint=hub.url)
        qtbot.addWidget(manager)
        manager.download(REPO)
        assert hub.stalled.wait(30)
        store = ModelStore(folder)
        blobs = store.repo_folder(REPO) / "blobs"
        qtbot.waitUntil(lambda: len([b for b in blobs.iterdir() if not b.name.endswith(".incomplete")])
                        == len(hub.repos[REPO].files) - 1, timeout=30_000)
        qtbot.mouseClick(manager.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: manager.download_task is None, timeout=60_000)
        assert "Download stopped" in manager.status.text()
        assert store.snapshot(REPO) is None and store.missing_files(REPO) == [big]
        row = [manager.table.item(r, 0).data(Qt.ItemDataRole.UserRole)
               for r in range(manager.table.rowCount())].index(REPO)
        assert manager.table.item(row, 3).text().startswith("partial")

        hub.requests.clear()
        manager.download(REPO)
        qtbot.waitUntil(lambda: manager.download_task is None, timeout=60_000)
        assert "Downloaded to" in manager.status.text(), manager.status.text()
        assert [name for name, _range in hub.file_gets(REPO)] == [big]  # the kept files were not fetched again
    assert store.snapshot(REPO) is not None


def test_a_model_downloaded_in_the_editor_makes_a_take_in_the_editor(qtbot, make_window, tmp_path, online,
                                                                     tiny_wan) -> None:
    from engine.video_io import probe_video
    from studio.project.model import EngineSettings, Project

    window = make_window()
    bundle = tmp_path / "film.storyreel"
    assert window.new_project(bundle, Project(title="tiny", width=64, height=64, fps=16,
                                              engine=EngineSettings(steps=2)))
    with fake_hub.running_hub() as hub:
        hub.add_folder(REPO, tiny_wan)
        manager = ModelManager(window.settings.model_folder, window.tasks, window, endpoint=hub.url)
        qtbot.addWidget(manager)
        qtbot.keyClicks(manager.hub_id, REPO)
        qtbot.mouseClick(manager.download_id_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: manager.download_task is None, timeout=60_000)
        assert "Downloaded to" in manager.status.text(), manager.status.text()
        manager.close()

    window.actions.add_shot.trigger()
    inspector = window.panels["inspector"]
    qtbot.keyClicks(inspector.prompt, "the lamp in the storm")
    inspector.duration.setValue(9 / 16)
    inspector.backend.setCurrentIndex(inspector.backend.findData("diffusers"))
    assert inspector.model.findText(REPO) >= 0  # the store's community model is offered by name
    inspector.model.setCurrentText(REPO)
    shot = window.session.project.shots[0]
    assert (shot.backend, shot.model_id) == ("diffusers", REPO)
    window.actions.generate.trigger()
    qtbot.waitUntil(lambda: bool(shot.takes) or bool(window.prompts.errors) or any(
        r.state == "failed" for r in window.generation.jobs()), timeout=240_000)
    assert not window.prompts.errors and shot.takes, [r.reason for r in window.generation.jobs()]
    take = shot.takes[0]
    assert (take.backend, take.model_id) == ("diffusers", REPO)
    info = probe_video(bundle / take.media)
    assert info.frame_count == 9 and (info.width, info.height) == (64, 36)  # the shot is 16:9 in a square frame
