"""Narration and dialogue lines of the selected shot: add, edit, delete, narrate, record from the microphone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.project import Line, StoryreelError, commands

from .audio_playback import AudioPlayback
from .background import TaskList
from .icons import icon
from .recording import MicrophoneRecorder, microphone_available
from .session import ProjectSession
from .voice_bridge import convert, narrate

LineIdRole = Qt.ItemDataRole.UserRole + 1
STATUS_MARK = {"pending": "○ not narrated", "ready": "● narrated", "stale": "◐ voice changed — narrate again",
               "failed": "✕ failed"}


class LinesPanel(QWidget):
    message = Signal(str)

    def __init__(self, session: ProjectSession, tasks: TaskList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.player = AudioPlayback(self)
        self.recorder: MicrophoneRecorder | None = None
        self.shot_id: str | None = None
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setProperty("role", "hint")
        layout.addWidget(self.heading)
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setAccessibleName("Lines")
        self.list.setWordWrap(True)
        layout.addWidget(self.list, 1)

        entry = QHBoxLayout()
        self.speaker = QComboBox(self)
        self.speaker.setToolTip("Who speaks the line (Narrator = the cast's narrator voice)")
        self.text = QLineEdit(self)
        self.text.setPlaceholderText("Type a line of narration or dialogue and press Enter")
        self.offset = QDoubleSpinBox(self)
        self.offset.setRange(0, 600)
        self.offset.setSuffix(" s")
        self.offset.setDecimals(1)
        self.offset.setToolTip("When the line starts, from the start of the shot")
        self.add_button = QPushButton(icon("add"), "Add line", self)
        entry.addWidget(self.speaker)
        entry.addWidget(self.text, 1)
        entry.addWidget(self.offset)
        entry.addWidget(self.add_button)
        layout.addLayout(entry)

        tools = QHBoxLayout()
        self.narrate_button = self._tool(tools, "narrate", "Narrate", "Synthesize the selected lines (or all lines "
                                                                      "of this shot) in their speakers' voices")
        self.play_button = self._tool(tools, "play", "Play", "Play the selected line's audio")
        self.record_button = self._tool(tools, "mic", "Record", "Record the selected line from the microphone, "
                                                                "then change it into the speaker's voice")
        self.record_button.setCheckable(True)
        self.delete_button = self._tool(tools, "delete", "Delete", "Delete the selected lines (undoable)")
        tools.addStretch(1)
        layout.addLayout(tools)
        if not microphone_available():
            self.record_button.setEnabled(False)
            self.record_button.setToolTip("No microphone found on this computer")

        self.add_button.clicked.connect(self.add_line)
        self.text.returnPressed.connect(self.add_line)
        self.narrate_button.clicked.connect(self.narrate_selected)
        self.play_button.clicked.connect(self.play_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.record_button.toggled.connect(self._record_toggled)
        session.selectionChanged.connect(self._on_selection)
        session.changed.connect(self._on_changed)
        self._on_selection(session.selected_shot_ids())

    def _tool(self, layout: QHBoxLayout, name: str, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(icon(name))
        button.setText(text)
        button.setToolTip(tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        layout.addWidget(button)
        return button

    # --- model -> widgets ----------------------------------------------------------------------------------
    def _on_selection(self, ids: list) -> None:
        self.shot_id = ids[0] if ids else None
        self.reload()

    def _on_changed(self, kind: str, _ids: tuple) -> None:
        if kind in ("lines", "cast", "shots", "project"):
            self.reload()

    def reload(self) -> None:
        project = self.session.project
        enabled = self.shot_id is not None and any(s.id == self.shot_id for s in project.shots)
        for widget in (self.text, self.add_button, self.speaker, self.offset, self.narrate_button):
            widget.setEnabled(enabled)
        current_speaker = self.speaker.currentData()
        self.speaker.clear()
        self.speaker.addItem("Narrator", None)
        for character in project.cast:
            if not character.is_narrator:
                self.speaker.addItem(character.name, character.id)
        self.speaker.setCurrentIndex(max(0, self.speaker.findData(current_speaker)))
        selected = set(self.selected_line_ids())
        self.list.clear()
        if not enabled:
            self.heading.setText("Select a shot to write its narration and dialogue.")
            return
        number = project.shot_index(self.shot_id) + 1
        lines = project.lines_for_shot(self.shot_id)
        self.heading.setText(f"Shot {number}: {len(lines)} line{'s' if len(lines) != 1 else ''}" if lines else
                             f"Shot {number} has no lines yet: type narration or dialogue below.")
        for line in lines:
            names = []
            for speaker_id in dict.fromkeys([line.speaker, *line.also_speakers]):  # a joint line names them all
                try:
                    names.append(project.character(speaker_id).name if speaker_id else "Narrator")
                except StoryreelError:
                    names.append("?")
            speaker = " & ".join(names)
            seconds = line.offset_frames / project.fps
            item = QListWidgetItem(f"{speaker} at {seconds:.1f} s — {line.text}\n    {STATUS_MARK[line.status]}"
                                   + (f": {line.error}" if line.error else ""))
            item.setData(LineIdRole, line.id)
            self.list.addItem(item)
            item.setSelected(line.id in selected)

    def selected_line_ids(self) -> list[str]:
        return [item.data(LineIdRole) for item in self.list.selectedItems()]

    # --- actions -------------------------------------------------------------------------------------------
    def add_line(self) -> None:
        text = self.text.text().strip()
        if self.shot_id is None or not text:
            return
        frames = self.session.project.seconds_to_frames(self.offset.value())
        try:
            line = Line(text=text, speaker=self.speaker.currentData(), shot_id=self.shot_id, offset_frames=frames)
            self.session.push(commands.AddLine(line))
        except (StoryreelError, ValueError) as exc:
            self.message.emit(f"Could not add the line: {exc}")
            return
        self.text.clear()

    def delete_selected(self) -> None:
        ids = self.selected_line_ids()
        if ids:
            removals: list[commands.Command] = [commands.RemoveLine(i) for i in ids]
            self.session.push(removals[0] if len(removals) == 1
                              else commands.Batch(removals, text=f"Delete {len(ids)} lines"))

    def narrate_selected(self) -> None:
        ids = self.selected_line_ids() or [line.id for line in self.session.project.lines_for_shot(self.shot_id or "")]
        if not ids:
            self.message.emit("This shot has no lines to narrate yet.")
            return
        if self.session.bundle is None:
            self.message.emit("Save the project first: narration is stored inside its folder.")
            return
        self.narrate_button.setEnabled(False)
        task = narrate(self.tasks, self.session, ids)
        task.succeeded.connect(lambda _r: self.message.emit(f"Narrated {len(ids)} line(s)."))
        task.failed.connect(lambda reason: self.message.emit(f"Narration failed: {reason}"))
        task.finished.connect(lambda: self.narrate_button.setEnabled(self.shot_id is not None))

    def play_selected(self) -> None:
        ids = self.selected_line_ids()
        if len(ids) != 1:
            return
        audio = self.session.project.line(ids[0]).active()
        if audio is None:
            self.message.emit("This line has no audio yet: narrate it first.")
            return
        if not self.player.play(self.session.media_path(audio.media)):
            self.message.emit(f"Cannot play audio: {self.player.problem}")

    def _record_toggled(self, on: bool) -> None:
        ids = self.selected_line_ids()
        if on:
            if len(ids) != 1:
                self.message.emit("Select one line to record.")
                self.record_button.setChecked(False)
                return
            self.recorder = MicrophoneRecorder(self)
            self.recorder.finished.connect(lambda path, line_id=ids[0]: self._recorded(line_id, path))
            self.recorder.failed.connect(lambda reason: self.message.emit(f"Recording failed: {reason}"))
            self.recorder.start()
            self.message.emit("Recording… press Record again to stop.")
        elif self.recorder is not None:
            self.recorder.stop()

    def _recorded(self, line_id: str, path: Path) -> None:
        self.message.emit("Recorded; changing it into the speaker's voice…")
        task = convert(self.tasks, self.session, line_id, path)
        task.failed.connect(lambda reason: self.message.emit(f"Voice change failed: {reason}"))
        task.succeeded.connect(lambda _t: self.message.emit("The recorded line now speaks in its character's voice."))
