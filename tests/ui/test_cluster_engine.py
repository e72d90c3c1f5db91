"""Settings > Generate on: this computer or a Ray cluster. The window's next project generates on the chosen
engine; per-step progress from the cluster reaches the job records the queue panel shows, as local progress does.
Against a real Ray head on loopback with token auth (tests/support/ray_cluster.py)."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
import ray_cluster as loopback
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from engine.video_io import probe_video
from studio.ui import engine_choice
from studio.ui.settings_dialog import SettingsDialog

from .test_editing import new_film, type_shot

ray_cluster = loopback.ray_cluster  # the session's loopback cluster, a fixture by this name

WAIT_MS = 240_000  # the cluster starts an engine actor for the first job; two cores shared with other runs


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in this process (a desktop keyring's behaviour, nothing written)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("none stored")


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _settings_dialog(qtbot, window) -> SettingsDialog:
    qtbot.waitUntil(lambda: window.findChild(SettingsDialog) is None)  # the last one was deleted on close
    window.show_settings()
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def _choose_cluster(dialog: SettingsDialog, address: str, token: str = "") -> None:
    dialog.engine_place.setCurrentIndex(dialog.engine_place.findData(engine_choice.CLUSTER))
    dialog.cluster_address.setText(address)
    dialog.cluster_token.setText(token)


def _ok(qtbot, dialog: SettingsDialog) -> None:
    button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_switching_to_the_loopback_cluster_generates_there_with_step_progress(qtbot, make_window, tmp_path,
                                                                             ray_cluster, monkeypatch):
    # Headless: no keyring (tests/conftest.py), so the token comes from the environment, as on a render node.
    monkeypatch.setenv("RAY_AUTH_TOKEN", ray_cluster.token)
    monkeypatch.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # this driver stays on loopback too
    monkeypatch.setenv("RAY_AUTH_MODE", "token")
    window = make_window()
    dialog = _settings_dialog(qtbot, window)
    assert dialog.engine_place.currentData() == engine_choice.LOCAL  # this computer by default
    _choose_cluster(dialog, ray_cluster.address, token="typed-but-no-keyring")
    _ok(qtbot, dialog)
    assert dialog.isVisible() and "no usable keyring" in dialog.engine_status.text()  # said, not lost silently
    dialog.cluster_token.clear()
    _ok(qtbot, dialog)  # RAY_AUTH_TOKEN is the token
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.settings.engine_place == engine_choice.CLUSTER
    assert window.settings.cluster_address == ray_cluster.address
    assert "next project you open" in window.statusBar().currentMessage()

    bundle = new_film(window, tmp_path)  # a project opened after the change uses the cluster
    shot_id = type_shot(qtbot, window, "A lighthouse on a cliff at dusk")
    seen: list[tuple[str, str, int, int]] = []

    def watch(event) -> None:  # connected after the queue's own handler: the record already changed
        record = window.generation.records.get(event.job_id)
        if record is not None:
            step = getattr(event, "step", record.step)
            seen.append((type(event).__name__, record.state, step, record.total))

    window.engine.event.connect(watch)
    window.session.select_shots([shot_id])
    [job_id] = window.generate()
    assert type(window.engine.client()).__name__ == "RayClient"
    qtbot.waitUntil(lambda: bool(window.session.project.shot(shot_id).takes), timeout=WAIT_MS)
    take = window.session.project.shot(shot_id).takes[0]
    info = probe_video(bundle / take.media)
    assert (info.width, info.height, info.frame_count) == (160, 90, 12)
    kinds = [kind for kind, *_ in seen]
    assert "Started" in kinds and "StepProgress" in kinds and kinds[-1] == "Done"
    steps = [(step, total) for kind, state, step, total in seen if kind == "StepProgress"]
    assert all(state == "generating" for kind, state, *_ in seen if kind == "StepProgress")
    assert any(step > 0 for step, _ in steps) and all(total > 0 for _, total in steps)  # the record has a total
    assert len(steps) >= 2  # progress step by step, not only a start and an end
    record = window.generation.records[job_id]
    assert record.state == "done" and record.take_id == take.id
    assert window.panels["queue"].list.count() == 1


def test_the_token_goes_to_the_keyring_and_a_remote_address_needs_one(qtbot, make_window, memory_keyring,
                                                                      monkeypatch):
    monkeypatch.delenv("RAY_AUTH_TOKEN", raising=False)
    window = make_window()
    dialog = _settings_dialog(qtbot, window)
    _choose_cluster(dialog, "10.20.30.40:6379")
    _ok(qtbot, dialog)
    assert dialog.isVisible() and "10.20.30.40" in dialog.engine_status.text()  # refused: no token
    dialog.cluster_token.setText("s3cret-token")
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert memory_keyring.items == {("storyreel", engine_choice.KEYRING_USER): "s3cret-token"}
    assert engine_choice.cluster_token() == "s3cret-token"
    window.settings.qsettings.sync()
    saved = Path(window.settings.qsettings.fileName()).read_text(encoding="utf-8")
    assert "10.20.30.40" in saved and "s3cret" not in saved  # the address is a setting, the token is not

    dialog = _settings_dialog(qtbot, window)
    assert "A token is stored" in dialog.engine_status.text()
    qtbot.mouseClick(dialog.forget_token, Qt.MouseButton.LeftButton)
    assert memory_keyring.items == {} and "removed" in dialog.engine_status.text()
    dialog.engine_place.setCurrentIndex(dialog.engine_place.findData(engine_choice.LOCAL))
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.settings.engine_place == engine_choice.LOCAL
