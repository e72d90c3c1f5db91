"""Crash reports stay local: an unhandled exception autosaves the project, is logged (rotating file, secrets
masked) and is shown with its traceback and the log's path; the editor keeps running."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

from studio.project import Project
from studio.ui import app_log
from studio.ui.app_log import LOG_FILE, MASK, setup_logging
from studio.ui.crash_report import CrashHandler, autosave_note

KEY = "sk_" + "0123456789abcdef" * 3  # the shape of an ElevenLabs key


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[app_log.AppLog]:
    monkeypatch.setenv("ELEVENLABS_API_KEY", KEY)
    setup = setup_logging(tmp_path / "logs")
    yield setup
    app_log.close_logging()


def read_log(setup: app_log.AppLog) -> str:
    setup.handler.flush()
    return setup.path.read_text("utf-8")


def test_the_key_never_reaches_the_log(log_file: app_log.AppLog) -> None:
    log = logging.getLogger("storyreel.test")
    log.warning("sending %s to ElevenLabs", KEY)
    log.warning("request headers {'xi-api-key': 'short-custom-key'}")
    try:
        raise RuntimeError(f"401 for key {KEY[:30]}")  # a truncated echo in an error message
    except RuntimeError:
        log.exception("voice failed")
    text = read_log(log_file)
    assert "sending [key hidden] to ElevenLabs" in text
    assert "'xi-api-key': '[key hidden]'" in text and "short-custom-key" not in text
    assert "RuntimeError: 401 for key [key hidden]" in text and "Traceback" in text
    assert KEY[:20] not in text
    assert log_file.path == log_file.path.parent / LOG_FILE


def test_a_key_of_any_shape_from_the_environment_is_masked(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ELEVENLABS_API_KEY", "my-proxy-token-7f3a9c")
    monkeypatch.setenv("RAY_AUTH_TOKEN", "farm-token-5d1e2b")
    setup = setup_logging(tmp_path / "logs")
    try:
        logging.getLogger("storyreel.test").error("proxy said no to my-proxy-token-7f3a9c; farm-token-5d1e2b too")
        text = read_log(setup)
    finally:
        app_log.close_logging()
    assert "proxy said no to [key hidden]; [key hidden] too" in text
    assert "7f3a9c" not in text and "5d1e2b" not in text


def test_the_log_rotates(log_file: app_log.AppLog) -> None:
    log = logging.getLogger("storyreel.test")
    for _ in range(app_log.MAX_BYTES // 1000 + 50):
        log.info("x" * 1000)
    assert (log_file.path.parent / f"{LOG_FILE}.1").is_file()
    assert log_file.path.stat().st_size < app_log.MAX_BYTES


def test_autosave_note_says_what_was_saved(tmp_path: Path) -> None:
    from studio.project import ProjectDocument

    assert autosave_note(None) == "There were no unsaved changes."
    unsaved = ProjectDocument(Project(title="Never saved"))
    unsaved.mark_dirty()
    assert "never saved to a folder" in autosave_note(unsaved)


@pytest.mark.qt_no_exception_capture
def test_an_unhandled_exception_autosaves_logs_and_shows_the_report(make_window, tmp_path: Path, qtbot,
                                                                    log_file: app_log.AppLog) -> None:
    window = make_window()
    assert window.new_project(tmp_path / "film.storyreel")
    window.shot_editing.add_shot()  # unsaved work
    assert window.session.document.dirty
    handler = CrashHandler(log_file, lambda: autosave_note(window.session.document), window)
    handler.install()
    try:
        def boom() -> None:
            raise ValueError(f"the timeline broke (key {KEY})")

        QTimer.singleShot(0, boom)  # raised inside Qt's event loop, as a slot's error is
        qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())
    finally:
        handler.uninstall()
    dialog = handler.dialog
    autosave = tmp_path / "film.storyreel" / "autosave.json"
    assert len(json.loads(autosave.read_text("utf-8"))["shots"]) == 1  # saved before the dialog showed
    assert f"autosaved first ({autosave})" in dialog.intro.text()
    report = dialog.text.toPlainText()
    assert "Traceback" in report and "in boom" in report and "ValueError: the timeline broke" in report
    assert KEY not in report and MASK in report
    assert dialog.log_label.text() == str(log_file.path)
    logged = read_log(log_file)
    assert "Unhandled exception" in logged and "ValueError: the timeline broke (key [key hidden])" in logged
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text().startswith("Storyreel ")
    assert str(log_file.path) in QGuiApplication.clipboard().text()
    assert window.isVisible() and window.session.document.dirty  # the editor carries on, work still open
    dialog.close()
