"""The small dialogs of Extend Take and Bridge to Next Shot: how many seconds, which way, as what."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QWidget,
)


def _seconds_box(parent: QWidget, value: float, name: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox(parent)
    box.setRange(0.1, 60.0)
    box.setDecimals(1)
    box.setSingleStep(0.5)
    box.setSuffix(" s")
    box.setValue(value)
    box.setAccessibleName(name)
    return box


class _FormDialog(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        text = QLabel(intro, self)
        text.setWordWrap(True)
        self.form.addRow(text)

    def _finish(self) -> None:
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.form.addRow(self.buttons)


class ExtendDialog(_FormDialog):
    """Seconds to add, and whether they go before the take (engines that can end on a frame only)."""

    def __init__(self, shot_number: int, can_go_backward: bool, parent: QWidget | None = None) -> None:
        super().__init__("Extend Take", f"Carry shot {shot_number}'s take on. Its frames are kept as they are; "
                                        "the new ones are a new take.", parent)
        self.seconds = _seconds_box(self, 2.0, "Seconds to add")
        self.form.addRow("Add", self.seconds)
        self.backward = QCheckBox("Before the take (it leads into its first frame)", self)
        self.backward.setEnabled(can_go_backward)
        if not can_go_backward:
            self.backward.setToolTip("Only the animatic engine can end on a frame")
        self.form.addRow("", self.backward)
        self._finish()


class BridgeDialog(_FormDialog):
    """How long the bridge lasts, and whether it is a shot of its own or the join's transition."""

    def __init__(self, shot_a: int, shot_b: int, parent: QWidget | None = None) -> None:
        super().__init__("Bridge to Next Shot", f"A new shot from shot {shot_a}'s last frame to shot {shot_b}'s "
                                                "first frame.", parent)
        self.seconds = _seconds_box(self, 2.0, "Bridge length")
        self.form.addRow("Length", self.seconds)
        self.kind = QComboBox(self)
        self.kind.addItem("A shot of its own", "shot")
        self.kind.addItem("The join's transition", "transition")
        self.kind.setAccessibleName("Bridge as")
        self.form.addRow("As", self.kind)
        self._finish()
