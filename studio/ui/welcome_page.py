"""The first-run welcome page: what this computer can do and a way in (the example film, a screenplay, or an
empty project). It never blocks: it opens beside the window, Skip closes it, and it comes back only from
Help > Welcome. Settings remember that it was seen (``welcome/seen``).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .icons import icon
from .main_window import MainWindow
from .welcome_facts import WelcomeFacts, copy_example

SEEN_KEY = "welcome/seen"
EXAMPLE, IMPORT, EMPTY, SKIP = "example", "import", "empty", "skip"


def is_first_run(settings: QSettings) -> bool:
    """The page was never seen: a first start (no settings yet), or the first start of a Storyreel that has it.

    Only the page's own key counts, so someone whose first start opened a project by double-click (which writes
    the recent list) still meets the page on the next plain start.
    """
    return not settings.contains(SEEN_KEY)


def tilde(path: Path | str) -> str:
    """``path`` (or a sentence holding one) with the home folder written as ~, as people read it."""
    home = str(Path.home())
    return str(path).replace(home + "/", "~/") if home != "/" else str(path)


def _rows(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td style='color:#8a9099; padding:2px 14px 2px 0'>{html.escape(k)}</td>"
                    f"<td style='padding:2px 0'>{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<table cellspacing='0'>{cells}</table>"


def _models_table(facts: WelcomeFacts) -> str:
    head = ("<tr style='color:#8a9099'><td style='padding:2px 18px 4px 0'>Video model</td>"
            "<td style='padding:2px 18px 4px 0' align='right'>Download</td><td style='padding:2px 0 4px 0'>"
            "On this computer</td></tr>")
    body = ""
    for m in facts.models:
        colour = "#7fd1b9" if m.tier in ("gpu", "model", "group") else "#b5b9c1" if m.tier == "cpu" else "#8a9099"
        fit = m.fit + (", downloaded" if m.on_disk else "")
        body += (f"<tr><td style='padding:1px 18px 1px 0'>{html.escape(m.title)}</td>"
                 f"<td style='padding:1px 18px 1px 0' align='right'>{html.escape(m.download)}</td>"
                 f"<td style='padding:1px 0; color:{colour}'>{html.escape(fit)}</td></tr>")
    return f"<table cellspacing='0'>{head}{body}</table>"


class WelcomePage(QDialog):
    """Emits ``chosen`` with EXAMPLE, IMPORT, EMPTY or SKIP (closing the page is a skip) and closes."""

    chosen = Signal(str)

    def __init__(self, facts: WelcomeFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome_page")
        self.setWindowTitle("Welcome to Storyreel")
        self.facts = facts
        self.choice: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(10)
        title = QLabel("Welcome to Storyreel", self)
        title.setStyleSheet("font-size: 20pt; font-weight: 600;")
        layout.addWidget(title)
        lead = QLabel("Write or import a script, break it into shots, let the engine make a clip for each, add "
                      "narration and music, and export the short. Here is what this computer can do: nothing "
                      "needs downloading to make a whole film.", self)
        lead.setWordWrap(True)
        layout.addWidget(lead)
        layout.addWidget(self._section("This computer", _rows([
            ("GPU", facts.gpu), ("Memory", facts.ram), ("Engine", facts.engine), ("Voice", facts.voice)])))
        fit_line = (f"{len(facts.fitting)} of these fit this computer: download one from File > Models."
                    if facts.fitting else "None of these fit this computer; the animatic engine needs none of them.")
        self.models_label = self._section("Video models (optional)",
                                          f"{_models_table(facts)}<p style='color:#8a9099'>{html.escape(fit_line)}</p>")
        layout.addWidget(self.models_label)
        layout.addWidget(self._section("Where things are kept", _rows([
            ("Projects", f"wherever you save them; the example film is copied to {tilde(facts.projects_folder)}"),
            ("Models", tilde(facts.models_folder)), ("Logs", tilde(facts.log_folder))])))
        layout.addStretch(1)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #34383f;")
        layout.addWidget(line)
        buttons = QHBoxLayout()
        self.example_button = QPushButton(icon("film"), "Open the example film", self)
        self.example_button.setProperty("primary", True)
        self.import_button = QPushButton(icon("script"), "Import a screenplay…", self)
        self.empty_button = QPushButton(icon("new"), "Start empty", self)
        self.skip_button = QPushButton("Skip", self)
        for button in (self.example_button, self.import_button, self.empty_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        hint = QLabel("This page is in Help > Welcome.", self)
        hint.setProperty("role", "hint")
        buttons.addWidget(hint)
        buttons.addWidget(self.skip_button)
        layout.addLayout(buttons)
        self.example_button.clicked.connect(lambda: self._choose(EXAMPLE))
        self.import_button.clicked.connect(lambda: self._choose(IMPORT))
        self.empty_button.clicked.connect(lambda: self._choose(EMPTY))
        self.skip_button.clicked.connect(lambda: self._choose(SKIP))
        self.example_button.setDefault(True)
        self.resize(820, self.sizeHint().height())

    def _section(self, heading: str, body_html: str) -> QLabel:
        label = QLabel(f"<p style='font-weight:600; margin-bottom:4px'>{html.escape(heading)}</p>{body_html}", self)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def done(self, result: int) -> None:  # accept, reject (Esc, the close button) and Skip all end here
        if self.choice is None:
            self.choice = SKIP
        super().done(result)
        self.chosen.emit(self.choice)


class Welcome:
    """Shows the page over ``window`` and does what was chosen; remembers that it was seen."""

    def __init__(self, window: MainWindow, settings: QSettings, facts: Callable[[], WelcomeFacts]) -> None:
        self.window = window
        self.settings = settings
        self.facts = facts
        self.page: WelcomePage | None = None
        action = window.findChild(QAction, "action_welcome")  # Help > Welcome (window_menus)
        if action is not None:
            action.triggered.connect(self.show)

    def show(self) -> WelcomePage:
        if self.page is not None:
            self.page.raise_()
            return self.page
        page = WelcomePage(self.facts(), self.window)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        page.chosen.connect(lambda choice: self._chosen(choice, page.facts.projects_folder))
        page.destroyed.connect(self._forget)
        self.page = page
        page.open()
        return page

    def _forget(self) -> None:
        self.page = None

    def _chosen(self, choice: str, projects_folder: Path) -> None:
        self.page = None  # closed; deleted later: Help > Welcome makes a new one
        self.settings.setValue(SEEN_KEY, True)
        self.settings.sync()
        window = self.window
        if choice == EXAMPLE:
            try:
                copy = copy_example(projects_folder)
            except OSError as exc:
                window.prompts.error("Cannot copy the example film", str(exc))
                return
            window.open_project(copy)
        elif choice == IMPORT:
            window.import_screenplay()
        elif choice == EMPTY:
            window.say("An empty project: add a shot, or import a screenplay from the File menu.")
