"""Cast & Locations: the characters and places shots name, each with a description and reference stills.

The list on top (a thumbnail of each one's first still), the selected one's sheet below: its description
(models read it in every shot it is in), its reference stills (add, remove, drop image files on the strip) and its
LoRAs; at the bottom the film's style LoRAs. Every edit is one undo step; stills and LoRAs are copied into the
project folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.project import StoryreelError, store
from studio.project.commands import SetFields
from studio.project.element_commands import AddElement, RemoveElement, edit_element
from studio.project.model import Character, Location
from studio.project.reference_image import check_reference_image

from .file_drop import FileDropList
from .icons import icon
from .lora_list import LoraList
from .session import ProjectSession
from .thumbnails import pixmap

ElementIdRole = Qt.ItemDataRole.UserRole + 1
PathRole = Qt.ItemDataRole.UserRole + 2
THUMB = QSize(72, 72)
STILL = QSize(112, 84)
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff)"


class StillStrip(FileDropList):
    """The reference stills of one element; image files dropped on it are added."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, "No reference stills yet: drop images here, or Add still…")
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(STILL)
        self.setFixedHeight(STILL.height() + 30)
        self.setMovement(QListWidget.Movement.Static)
        self.setAccessibleName("Reference stills")


def _no_still_icon(size: QSize, location: bool) -> QIcon:
    """What an element without a reference still shows: a person or a film icon on the panel's grey."""
    image = QPixmap(size)
    image.fill(QColor("#2a2d33"))
    painter = QPainter(image)
    icon("film" if location else "voice").paint(painter, size.width() // 4, size.height() // 4,
                                                size.width() // 2, size.height() // 2)
    painter.end()
    return QIcon(image)


class ElementsPanel(QWidget):
    message = Signal(str)

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._loading = False
        self._typing = 0
        layout = QVBoxLayout(self)
        self.list = QListWidget(self)
        self.list.setIconSize(THUMB)
        self.list.setAccessibleName("Cast and locations")
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("Name of a character or a place")
        self.add_character_button = QPushButton(icon("add"), "Character", self)
        self.add_location_button = QPushButton(icon("add"), "Location", self)
        self.remove_button = QPushButton(icon("delete"), "", self)
        self.remove_button.setToolTip("Remove the selected character or location (undoable)")
        for widget in (self.name, self.add_character_button, self.add_location_button, self.remove_button):
            row.addWidget(widget, 1 if widget is self.name else 0)
        layout.addLayout(row)

        self.sheet = QWidget(self)
        sheet = QVBoxLayout(self.sheet)
        sheet.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self.sheet)
        self.title.setProperty("role", "heading")
        sheet.addWidget(self.title)
        self.description = QPlainTextEdit(self.sheet)
        self.description.setPlaceholderText("How they look (models read this in every shot they are in)")
        self.description.setFixedHeight(64)
        sheet.addWidget(self.description)
        self.stills = StillStrip(self.sheet)
        sheet.addWidget(self.stills)
        buttons = QHBoxLayout()
        self.add_still_button = QPushButton(icon("add"), "Add still…", self.sheet)
        self.remove_still_button = QPushButton("Remove still", self.sheet)
        buttons.addWidget(self.add_still_button)
        buttons.addWidget(self.remove_still_button)
        buttons.addStretch(1)
        sheet.addLayout(buttons)
        self.loras = LoraList(session, "LoRAs", "Adapters that carry this one's look, applied in every shot it is "
                              "in (image and video models; the animatic has no weights to apply them to)", self.sheet)
        sheet.addWidget(self.loras)
        layout.addWidget(self.sheet)
        self.hint = QLabel("Add the characters and places of your film: describe each once, give them reference "
                           "stills, and name them in shots (or write @Name in a prompt).", self)
        self.hint.setWordWrap(True)
        self.hint.setProperty("role", "hint")
        layout.addWidget(self.hint)
        self.style_loras = LoraList(session, "Film style LoRAs", "Adapters for the look of the whole film: every "
                                    "generated keyframe and take applies them, before its cast's own", self)
        layout.addWidget(self.style_loras)

        self.add_character_button.clicked.connect(lambda: self.add_element("character"))
        self.add_location_button.clicked.connect(lambda: self.add_element("location"))
        self.name.returnPressed.connect(lambda: self.add_element("character"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.currentItemChanged.connect(lambda *_: self._load_sheet())
        self.description.textChanged.connect(self._description_typed)
        self.add_still_button.clicked.connect(self._choose_stills)
        self.remove_still_button.clicked.connect(self.remove_selected_still)
        self.stills.filesDropped.connect(lambda paths: [self.add_reference(p) for p in paths])
        self.stills.itemSelectionChanged.connect(self._update_buttons)
        self.loras.edited.connect(self._element_loras_edited)
        self.style_loras.edited.connect(self._style_loras_edited)
        for loras in (self.loras, self.style_loras):
            loras.message.connect(self.message)
        session.changed.connect(self._on_changed)
        self.reload()

    # --- model -> widgets ----------------------------------------------------------------------------------
    def _on_changed(self, kind: str, _ids: tuple) -> None:
        if kind in ("cast", "project"):
            self.reload()

    def element(self) -> Character | Location | None:
        item = self.list.currentItem()
        if item is None:
            return None
        try:
            return self.session.project.element(item.data(ElementIdRole))
        except StoryreelError:
            return None

    def _still_icon(self, rel: str, size: QSize) -> QIcon | None:
        try:
            image = pixmap(self.session.media_path(rel), size)
        except StoryreelError:
            return None
        return QIcon(image) if image is not None else None

    def reload(self) -> None:
        current = self.element()
        self._loading = True
        self.list.blockSignals(True)  # rebuilding must not show other sheets on the way (it resets typing)
        try:
            self.list.clear()
            for element in self.session.project.elements():
                location = isinstance(element, Location)
                thumb = self._still_icon(element.references[0], THUMB) if element.references else None
                kind = "Location" if location else "Character"
                detail = element.description.strip().splitlines()[0][:60] if element.description.strip() else ""
                item = QListWidgetItem(thumb or _no_still_icon(THUMB, location),
                                       f"{element.name}\n{kind} · {len(element.references)} still(s)"
                                       + (f" · {detail}" if detail else ""))
                item.setData(ElementIdRole, element.id)
                self.list.addItem(item)
                if current is not None and element.id == current.id:
                    self.list.setCurrentItem(item)
            if self.list.currentItem() is None and self.list.count():
                self.list.setCurrentRow(0)
        finally:
            self.list.blockSignals(False)
            self._loading = False
        self.style_loras.set_loras(self.session.project.style_loras)
        self._load_sheet()

    def _load_sheet(self) -> None:
        element = self.element()
        self.sheet.setVisible(element is not None)
        self.hint.setVisible(element is None)
        if element is None:
            self._update_buttons()
            return
        self._loading = True
        try:
            kind = "location" if isinstance(element, Location) else "character"
            self.title.setText(f"{element.name} — {kind}")
            if self.description.toPlainText() != element.description:
                self.description.setPlainText(element.description)
            self.stills.clear()
            for rel in element.references:
                item = QListWidgetItem(self._still_icon(rel, STILL) or _no_still_icon(STILL, False), Path(rel).name)
                item.setData(PathRole, rel)
                self.stills.addItem(item)
            self.loras.set_loras(element.loras)
        finally:
            self._loading = False
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.element() is not None)
        self.remove_still_button.setEnabled(bool(self.stills.selectedItems()))

    # --- widgets -> commands -------------------------------------------------------------------------------
    def add_element(self, kind: str) -> str | None:
        name = self.name.text().strip()
        if not name:
            self.message.emit("Type the name of the character or location first.")
            return None
        element = Character(name=name) if kind == "character" else Location(name=name)
        try:
            self.session.push(AddElement(element, text=f"Add {kind} {name}"))
        except StoryreelError as exc:
            self.message.emit(str(exc))
            return None
        self.name.clear()
        self.select(element.id)
        return element.id

    def select(self, element_id: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(ElementIdRole) == element_id:
                self.list.setCurrentRow(row)

    def remove_selected(self) -> None:
        element = self.element()
        if element is None:
            return
        try:
            self.session.push(RemoveElement(element.id, text=f"Remove {element.name}"))
        except StoryreelError as exc:
            self.message.emit(str(exc))

    def _description_typed(self) -> None:
        element = self.element()
        if self._loading or element is None or element.description == self.description.toPlainText():
            return
        command = edit_element(element.id, description=self.description.toPlainText())
        command.merge_key = f"description:{element.id}"  # typing is one undo step
        self.session.push(command)

    def _choose_stills(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Reference stills", "", IMAGE_FILTER)
        for name in files:
            self.add_reference(Path(name))

    def add_reference(self, path: Path) -> bool:
        """Copy ``path`` into the project and add it to the selected element's stills (one undo step)."""
        element = self.element()
        if element is None or self.session.bundle is None:
            self.message.emit("Save the project and select a character or location first.")
            return False
        try:
            check_reference_image(path)
            rel = store.import_media(self.session.bundle, Path(path), subfolder="elements")
        except (StoryreelError, OSError) as exc:
            self.message.emit(f"Could not use {Path(path).name}: {exc}")
            return False
        if rel in element.references:
            return True
        self.session.push(edit_element(element.id, references=[*element.references, rel]))
        return True

    def remove_selected_still(self) -> None:
        element = self.element()
        chosen = {item.data(PathRole) for item in self.stills.selectedItems()}
        if element is None or not chosen:
            return
        self.session.push(edit_element(element.id, references=[r for r in element.references if r not in chosen]))

    def _element_loras_edited(self, loras: list, merge_key: str) -> None:
        element = self.element()
        if element is None:
            return
        command = edit_element(element.id, loras=loras)
        command.merge_key = f"{merge_key}:{element.id}" if merge_key else None
        self.session.push(command)

    def _style_loras_edited(self, loras: list, merge_key: str) -> None:
        self.session.push(SetFields("project", (), {"style_loras": loras}, text="Set the film's style LoRAs",
                                    merge_key=merge_key or None))
