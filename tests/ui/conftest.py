"""The editor under test: a fixture that builds the real main window with isolated settings and scripted
answers to its questions, closes it afterwards, and fails the test if any top-level widget leaked
(napari's ``make_napari_viewer`` is the model)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication

from engine.client import EngineClient
from engine.local_client import local_client
from studio.ui.engine_bridge import spawned_worker
from studio.ui.main_window import MainWindow
from studio.ui.prompts import Prompts, SaveChoice
from studio.ui.theme import apply_theme


class ScriptedPrompts(Prompts):
    """Answers the window's questions from preset values and records what was asked."""

    def __init__(self) -> None:
        super().__init__(None)
        self.recover = True
        self.save_choice = SaveChoice.DISCARD
        self.paths: list[Path] = []  # answers to file questions, in order
        self.asked: list[str] = []
        self.errors: list[tuple[str, str]] = []

    def recover_autosave(self, bundle: Path, autosave: Path) -> bool:
        self.asked.append("recover")
        return self.recover

    def save_changes(self, title: str) -> SaveChoice:
        self.asked.append("save_changes")
        return self.save_choice

    def _path(self) -> Path | None:
        return self.paths.pop(0) if self.paths else None

    def open_project_path(self, start: Path) -> Path | None:
        return self._path()

    def new_project_path(self, start: Path) -> Path | None:
        return self._path()

    def save_as_path(self, start: Path) -> Path | None:
        return self._path()

    def open_file(self, title: str, start: Path, filters: str) -> Path | None:
        return self._path()

    def error(self, title: str, message: str) -> None:
        self.errors.append((title, message))

    def confirm(self, title: str, message: str) -> bool:
        return True


def in_process_engine(state_dir: Path, cache_dir: Path | None) -> EngineClient:
    return local_client(state_dir, cache_dir, in_process=True)


def _pointers() -> set[int]:
    return {shiboken6.getCppPointer(w)[0] for w in QApplication.topLevelWidgets()}


def _flush_deletes() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    """The window's own settings file; also points every default-constructed QSettings into tmp_path."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    return tmp_path / "settings" / "studio.ini"


@pytest.fixture
def make_window(qtbot, tmp_path: Path, settings_path: Path) -> Iterator[Callable[..., MainWindow]]:
    """``make_window(prompts=None) -> MainWindow``; shown, 1600x1000, closed and checked for leaks after."""
    apply_theme(QApplication.instance())  # the real look, so size hints match what users see
    _flush_deletes()
    before = _pointers()
    windows: list[MainWindow] = []

    def make(prompts: ScriptedPrompts | None = None, *, spawned_engine: bool = False) -> MainWindow:
        """The engine runs on a thread of the test process (the real engine, no spawn) unless
        ``spawned_engine`` asks for the worker process the app uses."""
        factory = spawned_worker if spawned_engine else in_process_engine
        window = MainWindow(settings=QSettings(str(settings_path), QSettings.Format.IniFormat),
                            prompts=prompts or ScriptedPrompts(), engine_factory=factory)
        window.resize(1600, 1000)
        window.show()
        qtbot.waitExposed(window)
        with qtbot.waitActive(window):  # shortcuts fire only in the active window
            window.activateWindow()
        windows.append(window)
        return window

    yield make

    for window in windows:
        if shiboken6.isValid(window):
            window.prompts.save_choice = SaveChoice.DISCARD  # type: ignore[attr-defined]
            window.close()
            window.shutdown()
            window.deleteLater()
    _flush_deletes()
    leaked = [w for w in QApplication.topLevelWidgets()
              if shiboken6.getCppPointer(w)[0] not in before and shiboken6.isValid(w)]
    names = [f"{type(w).__name__}({w.objectName() or w.windowTitle()!r})" for w in leaked]
    for widget in leaked:  # clean up so one leak does not fail every later test
        widget.close()
        widget.deleteLater()
    _flush_deletes()
    assert not leaked, f"top-level widgets leaked: {', '.join(names)}"


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()
