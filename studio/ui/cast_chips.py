"""'In this shot': one chip per character and location; ticking one names it in the shot (one undo step).
Elements the prompt @-mentions are shown ticked and greyed: they are in the shot through its words."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from studio.generation.elements import shot_elements
from studio.project import StoryreelError
from studio.project.element_commands import set_shot_cast
from studio.project.model import Location, Shot

from .session import ProjectSession

ElementIdRole = Qt.ItemDataRole.UserRole + 1
CHIP_ON = "#2f6f86"


class CastChips(QListWidget):
    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.shot_id: str | None = None
        self._loading = False
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setSpacing(2)
        self.setMaximumHeight(64)
        self.setAccessibleName("In this shot")
        self.setToolTip("Who and where is in the shot: their descriptions and stills go to the models")
        self.itemChanged.connect(self._toggled)
        session.changed.connect(self._on_changed)

    def _on_changed(self, kind: str, _ids: tuple) -> None:
        if kind == "cast" and self.shot_id is not None:  # an element added, renamed or removed
            try:
                self.load(self.session.project.shot(self.shot_id))
            except StoryreelError:
                self.load(None)

    def sizeHint(self) -> QSize:
        return QSize(240, 40)

    def load(self, shot: Shot | None) -> None:
        self.shot_id = shot.id if shot is not None else None
        self._loading = True
        try:
            self.clear()
            if shot is None:
                return
            project = self.session.project
            mentioned = {e.id for e in shot_elements(project, shot)} - set(shot.cast)
            for element in project.elements():
                mark = "⌂ " if isinstance(element, Location) else ""
                item = QListWidgetItem(f"{mark}{element.name}")
                item.setData(ElementIdRole, element.id)
                if element.id in mentioned:
                    item.setFlags(Qt.ItemFlag.ItemIsUserCheckable)  # shown, not editable: the prompt names it
                    item.setCheckState(Qt.CheckState.Checked)
                    item.setToolTip(f"@{element.name} in the prompt")
                else:
                    item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                    checked = element.id in shot.cast
                    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                if item.checkState() == Qt.CheckState.Checked:  # ticked chips read as chips, whatever the style
                    item.setBackground(QColor(CHIP_ON))
                    item.setForeground(QColor("#ffffff"))
                self.addItem(item)
        finally:
            self._loading = False

    def _toggled(self, item: QListWidgetItem) -> None:
        if self._loading or self.shot_id is None:
            return
        try:
            shot = self.session.project.shot(self.shot_id)
        except StoryreelError:
            return
        element_id = item.data(ElementIdRole)
        cast = [i for i in shot.cast if i != element_id]
        if item.checkState() == Qt.CheckState.Checked:
            cast.append(element_id)
        if cast != shot.cast:
            self.session.push(set_shot_cast(shot.id, cast))
