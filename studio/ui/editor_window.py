"""What the window's controllers (files, shot edits, generation, playback) need from the window.

A structural type, so the controllers depend on these few members rather than importing the main window
(which composes them: importing it back would be a cycle).
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtWidgets import QDockWidget, QWidget

from studio.project import ProjectDocument

from .background import TaskList
from .generation_queue import GenerationQueue
from .prompts import Prompts
from .session import ProjectSession
from .settings_dialog import StudioSettings


class EditorWindow(Protocol):
    session: ProjectSession | None
    generation: GenerationQueue | None
    preview: Any  # the preview player, or a notice when it is not available in this build
    docks: dict[str, QDockWidget]
    panels: dict[str, QWidget]
    prompts: Prompts
    settings: StudioSettings
    tasks: TaskList

    def install_document(self, document: ProjectDocument) -> ProjectSession: ...

    def ensure_saved_folder(self) -> bool: ...

    def say(self, message: str) -> None: ...

    def setWindowModified(self, modified: bool) -> None: ...

    def window(self) -> QWidget: ...  # the top-level widget, parent of the dialogs a controller opens
