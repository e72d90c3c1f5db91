"""A list of LoRA adapters, each at a strength: add one (the button's file dialog, or drop .safetensors files on
the list), change the selected one's strength, remove it.

The widget edits nothing itself: ``edited(loras, merge_key)`` hands its owner the whole new list, and the owner
makes it one undo step (strength changes of one LoRA carry the same key, so a spin is one step).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.project import StoryreelError
from studio.project.lora_file import import_lora
from studio.project.model import LoraRef

from .file_drop import FileDropList
from .icons import icon
from .session import ProjectSession

LORA_FILTER = "LoRA adapters (*.safetensors)"


class LoraList(QWidget):
    edited = Signal(list, str)  # the new list of LoraRef, and a merge key ("" = a step of its own)
    message = Signal(str)

    def __init__(self, session: ProjectSession, title: str, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._loras: list[LoraRef] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(title, self)
        self.title.setToolTip(hint)
        layout.addWidget(self.title)
        self.list = FileDropList(self, "None yet: drop .safetensors files here, or Add LoRA…")
        self.list.setAccessibleName(title)
        self.list.setToolTip(f"{hint}\nDrop .safetensors files here to add them.")
        self.list.setFixedHeight(58)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.add_button = QPushButton(icon("add"), "Add LoRA…", self)
        self.strength = QDoubleSpinBox(self)
        self.strength.setRange(-4.0, 4.0)
        self.strength.setSingleStep(0.1)
        self.strength.setDecimals(2)
        self.strength.setPrefix("strength ")
        self.strength.setKeyboardTracking(False)  # a typed value applies on Enter, not digit by digit
        self.strength.setToolTip("How strongly the selected LoRA applies (1 = as trained, 0 = not at all)")
        self.remove_button = QPushButton("Remove LoRA", self)
        row.addWidget(self.add_button)
        row.addWidget(self.strength)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)

        self.add_button.clicked.connect(self._choose_files)
        self.list.filesDropped.connect(lambda paths: [self.add_file(p) for p in paths])
        self.list.currentRowChanged.connect(lambda _row: self._update_controls())
        self.strength.valueChanged.connect(self._strength_changed)
        self.remove_button.clicked.connect(self.remove_selected)
        self._update_controls()

    def set_loras(self, loras: list[LoraRef]) -> None:
        """Show ``loras`` (the owner calls this when the model changed), keeping the selected row."""
        row = self.list.currentRow()
        self._loras = list(loras)
        self.list.clear()
        for lora in self._loras:
            item = QListWidgetItem(self._label(lora))
            item.setToolTip(f"{lora.path}\nsha256 {lora.sha256 or 'unknown'}")
            self.list.addItem(item)
        if self._loras:
            self.list.setCurrentRow(min(max(row, 0), len(self._loras) - 1))
        self._update_controls()

    @staticmethod
    def _label(lora: LoraRef) -> str:
        return f"{Path(lora.path).name}  ×{lora.strength:g}"

    def _update_controls(self) -> None:
        row = self.list.currentRow()
        chosen = 0 <= row < len(self._loras)
        self.strength.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        if chosen:  # showing the model's value is no edit
            self.strength.blockSignals(True)
            self.strength.setValue(self._loras[row].strength)
            self.strength.blockSignals(False)

    def _choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "LoRA adapters", "", LORA_FILTER)
        for name in files:
            self.add_file(Path(name))

    def add_file(self, path: Path) -> bool:
        """Check ``path`` as a LoRA, copy it into the project and add it at strength 1 (one undo step)."""
        if self.session.bundle is None:
            self.message.emit("Save the project first: LoRA files are copied into its folder.")
            return False
        try:
            lora = import_lora(self.session.bundle, path)
        except (StoryreelError, OSError) as exc:
            self.message.emit(f"Could not use {Path(path).name} as a LoRA: {exc}")
            return False
        if any(existing.path == lora.path for existing in self._loras):
            return True
        self.edited.emit([*self._loras, lora], "")
        return True

    def _strength_changed(self, value: float) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._loras) or self._loras[row].strength == value:
            return
        changed = [lora.model_copy(update={"strength": value}) if i == row else lora
                   for i, lora in enumerate(self._loras)]
        self.edited.emit(changed, f"lora-strength:{self._loras[row].path}")

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._loras):
            self.edited.emit([lora for i, lora in enumerate(self._loras) if i != row], "")
