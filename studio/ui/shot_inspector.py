"""The shot inspector: every field of the selected shot. Each edit is a command; typing merges into one step."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRegularExpression, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPixmap, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.project import Shot, StoryreelError, commands, store
from studio.project.element_commands import AddKeyframe
from studio.project.model import ASPECTS, CAMERA_MOVES, MAX_SHOT_SECONDS, Keyframe, new_seed
from studio.project.reference_image import check_reference_image

from .cast_chips import CastChips
from .continuity_fields import ContinuityFields
from .icons import icon
from .session import ProjectSession
from .thumbnails import pixmap

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
BACKENDS = (("Project default", None), ("Animatic (CPU)", "animatic"), ("Diffusers video model", "diffusers"))


def known_model_ids() -> list[str]:
    """The registry's models, then any supported model downloaded into the model store."""
    from engine.model_catalog import stored_specs
    from engine.model_registry import KNOWN_MODELS
    from engine.model_store import ModelStore

    stored = [spec.id for spec in stored_specs(ModelStore.configured()) if spec.id not in KNOWN_MODELS]
    return [*KNOWN_MODELS, *stored]


class ReferenceWell(QLabel):
    """A drop target showing the reference still; dropping an image file sets it."""

    fileDropped = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setMinimumSize(QSize(192, 108))
        self.setMaximumHeight(108)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("QLabel { border: 1px dashed #3a3f47; border-radius: 4px; color: #6b717b; }")
        self.show_image(None)

    def show_image(self, path: Path | None) -> None:
        image = pixmap(path, QSize(192, 108)) if path is not None else None
        if image is None:
            self.setPixmap(QPixmap())
            self.setText("Drop a still here\n(optional: guides the shot)")
        else:
            self.setText("")
            self.setPixmap(image)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _image_urls(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = _image_urls(event)
        if urls:
            event.acceptProposedAction()
            self.fileDropped.emit(urls[0])


def _image_urls(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    if not event.mimeData().hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in event.mimeData().urls()
            if u.isLocalFile() and u.toLocalFile().lower().endswith(IMAGE_SUFFIXES)]


class ShotInspector(QStackedWidget):
    """Edits the first selected shot. Shows a hint when nothing is selected."""

    error = Signal(str)

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.shot_id: str | None = None
        self._loading = False
        self._typing_serial = 0  # a new typing session (focus change, other shot) starts a new undo step
        self.hint = QLabel("Select a shot on the storyboard to edit it here.", self)
        self.hint.setProperty("role", "hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.addWidget(self.hint)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self._build_form())
        self.addWidget(scroll)
        session.selectionChanged.connect(self._on_selection)
        session.changed.connect(self._on_changed)
        self._on_selection(session.selected_shot_ids())

    # --- building ------------------------------------------------------------------------------------------
    def _build_form(self) -> QWidget:
        page = QWidget(self)
        outer = QVBoxLayout(page)
        self.title = QLabel(page)
        self.title.setProperty("role", "heading")
        outer.addWidget(self.title)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)

        self.prompt = QPlainTextEdit(page)
        self.prompt.setPlaceholderText("What the shot shows: subject, action, place, light, lens…")
        self.prompt.setFixedHeight(96)
        self.prompt.setAccessibleName("Prompt")
        form.addRow("Prompt", self.prompt)
        self.negative = QPlainTextEdit(page)
        self.negative.setPlaceholderText("What to avoid (optional)")
        self.negative.setFixedHeight(48)
        form.addRow("Avoid", self.negative)

        self.duration = QDoubleSpinBox(page)
        self.duration.setRange(0.1, MAX_SHOT_SECONDS)
        self.duration.setDecimals(2)
        self.duration.setSingleStep(0.5)
        self.duration.setSuffix(" s")
        self.duration.setKeyboardTracking(False)
        form.addRow("Duration", self.duration)

        self.aspect = QComboBox(page)
        self.aspect.addItems(ASPECTS)
        form.addRow("Aspect", self.aspect)

        seed_row = QHBoxLayout()
        self.seed = QLineEdit(page)
        self.seed.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{1,19}"), self.seed))
        self.seed_lock = QToolButton(page)
        self.seed_lock.setCheckable(True)
        self.seed_lock.setIcon(icon("unlock"))
        self.seed_lock.setToolTip("Lock the seed: Generate brings back its take; new takes get seeds derived "
                                  "from it, the same on every machine")
        self.seed_random = QToolButton(page)
        self.seed_random.setIcon(icon("dice"))
        self.seed_random.setToolTip("Pick a random seed")
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.seed_lock)
        seed_row.addWidget(self.seed_random)
        form.addRow("Seed", seed_row)

        self.camera = QComboBox(page)
        for move in CAMERA_MOVES:
            self.camera.addItem(move.replace("_", " ").capitalize(), move)
        form.addRow("Camera", self.camera)

        reference_box = QVBoxLayout()
        self.reference = ReferenceWell(page)
        buttons = QHBoxLayout()
        self.reference_choose = QPushButton(icon("image"), "Choose…", page)
        self.reference_clear = QPushButton("Clear", page)
        buttons.addWidget(self.reference_choose)
        buttons.addWidget(self.reference_clear)
        buttons.addStretch(1)
        reference_box.addWidget(self.reference)
        reference_box.addLayout(buttons)
        form.addRow("Reference", reference_box)
        self.continuity = ContinuityFields(self.session, page)
        self.continuity.error.connect(self.error)
        form.addRow(self.continuity)
        self.cast = CastChips(self.session, page)
        form.addRow("In this shot", self.cast)

        self.backend = QComboBox(page)
        for label, value in BACKENDS:
            self.backend.addItem(label, value)
        form.addRow("Engine", self.backend)
        self.model = QComboBox(page)
        self.model.setEditable(True)
        self.model.addItem("")
        self.model.addItems(known_model_ids())
        self.model.lineEdit().setPlaceholderText("Project default model")
        form.addRow("Model", self.model)

        self.notes = QPlainTextEdit(page)
        self.notes.setPlaceholderText("Notes for yourself (not sent to the engine)")
        self.notes.setFixedHeight(60)
        form.addRow("Notes", self.notes)

        sound_row = QHBoxLayout()
        self.sound = QLineEdit(page)
        self.sound.setPlaceholderText("What it sounds like: waves on rocks, gulls, wind…")
        self.sound.setAccessibleName("Sound prompt")
        self.sound.setToolTip("Offline, its words pick the ambiences (rain, sea, wind, fire, room, crowd, traffic, "
                              "gulls, birds); with ElevenLabs it is the sound effect's prompt (storyreel sound)")
        self.sound_level = QDoubleSpinBox(page)
        self.sound_level.setRange(-60.0, 12.0)
        self.sound_level.setDecimals(1)
        self.sound_level.setSuffix(" dB")
        self.sound_level.setKeyboardTracking(False)
        self.sound_level.setAccessibleName("Sound level")
        sound_row.addWidget(self.sound, 1)
        sound_row.addWidget(self.sound_level)
        form.addRow("Sound", sound_row)
        outer.addStretch(1)

        self.prompt.textChanged.connect(lambda: self._edit("prompt", self.prompt.toPlainText(), typing=True))
        self.negative.textChanged.connect(
            lambda: self._edit("negative_prompt", self.negative.toPlainText(), typing=True))
        self.notes.textChanged.connect(lambda: self._edit("notes", self.notes.toPlainText(), typing=True))
        self.sound.textEdited.connect(lambda text: self._edit("sound_prompt", text.strip(), typing=True))
        self.sound_level.valueChanged.connect(lambda value: self._edit("sound_gain_db", round(value, 1)))
        self.duration.valueChanged.connect(self._duration_edited)
        self.aspect.currentTextChanged.connect(lambda text: self._edit("aspect", text))
        self.seed.textEdited.connect(self._seed_edited)
        self.seed_lock.toggled.connect(self._lock_toggled)
        self.seed_random.clicked.connect(lambda: self._edit("seed", new_seed()))
        self.camera.currentIndexChanged.connect(lambda _i: self._edit("camera", self.camera.currentData()))
        self.backend.currentIndexChanged.connect(lambda _i: self._edit("backend", self.backend.currentData()))
        self.model.currentTextChanged.connect(lambda text: self._edit("model_id", text.strip() or None, typing=True))
        self.reference.fileDropped.connect(self.set_reference)
        self.reference_choose.clicked.connect(self._choose_reference)
        self.reference_clear.clicked.connect(lambda: self._edit("reference", None))
        for widget in (self.prompt, self.negative, self.notes, self.seed, self.model, self.sound):
            widget.installEventFilter(self)
        return page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self._typing_serial += 1
        return False

    # --- model -> widgets ----------------------------------------------------------------------------------
    def shot(self) -> Shot | None:
        if self.shot_id is None:
            return None
        try:
            return self.session.project.shot(self.shot_id)
        except StoryreelError:
            return None

    def _on_selection(self, ids: list) -> None:
        self.shot_id = ids[0] if ids else None
        self._typing_serial += 1
        self._load()

    def _on_changed(self, kind: str, ids: tuple) -> None:
        if kind in ("shots", "project") and (self.shot_id is None or not ids or self.shot_id in ids):
            self._load()

    def _load(self) -> None:
        shot = self.shot()
        if shot is None:
            self.setCurrentIndex(0)
            return
        self.setCurrentIndex(1)
        self._loading = True
        try:
            number = self.session.project.shot_index(shot.id) + 1
            count = len(self.session.selected_shot_ids())
            self.title.setText(f"Shot {number}" + (f"  ({count} selected)" if count > 1 else ""))
            _set_text(self.prompt, shot.prompt)
            _set_text(self.negative, shot.negative_prompt)
            _set_text(self.notes, shot.notes)
            if self.sound.text().strip() != shot.sound_prompt:
                self.sound.setText(shot.sound_prompt)
                if not self.sound.hasFocus():
                    self.sound.setCursorPosition(0)  # show how it begins, not its tail
            self.sound_level.setValue(shot.sound_gain_db)
            self.duration.setValue(shot.duration_frames / self.session.project.fps)
            self.aspect.setCurrentText(shot.aspect)
            if self.seed.text() != str(shot.seed):
                self.seed.setText(str(shot.seed))
            self.seed_lock.setChecked(shot.seed_locked)
            self.seed_lock.setIcon(icon("lock" if shot.seed_locked else "unlock"))
            self.camera.setCurrentIndex(max(0, self.camera.findData(shot.camera)))
            self.backend.setCurrentIndex(max(0, self.backend.findData(shot.backend)))
            if shot.backend == "diffusers":
                self.refresh_models()
            if self.model.currentText() != (shot.model_id or ""):
                self.model.setCurrentText(shot.model_id or "")
            path = None
            if shot.reference and self.session.bundle is not None:
                try:
                    path = self.session.media_path(shot.reference)
                except StoryreelError:
                    path = None
            self.reference.show_image(path)
            self.reference_clear.setEnabled(shot.reference is not None)
            self.continuity.load(shot)
            self.cast.load(shot)
        finally:
            self._loading = False

    def refresh_models(self) -> None:
        """Offer the models in the store now (one downloaded since the panel opened, too); the text stays."""
        wanted = ["", *known_model_ids()]
        if [self.model.itemText(i) for i in range(self.model.count())] == wanted:
            return
        text = self.model.currentText()
        self.model.blockSignals(True)
        try:
            self.model.clear()
            self.model.addItems(wanted)
            self.model.setCurrentText(text)
        finally:
            self.model.blockSignals(False)

    # --- widgets -> commands -------------------------------------------------------------------------------
    def _edit(self, field: str, value: object, *, typing: bool = False) -> None:
        shot = self.shot()
        if self._loading or shot is None or getattr(shot, field) == value:
            return
        merge_key = f"{field}:{shot.id}:{self._typing_serial}" if typing else None
        try:
            self.session.push(commands.edit_shot(shot.id, merge_key=merge_key, **{field: value}))
        except StoryreelError as exc:
            self.error.emit(str(exc))
            self._load()

    def _duration_edited(self, seconds: float) -> None:
        self._edit("duration_frames", max(1, self.session.project.seconds_to_frames(seconds)))

    def _seed_edited(self, text: str) -> None:
        if text.isdigit() and int(text) < 2**63:
            self._edit("seed", int(text), typing=True)

    def _lock_toggled(self, locked: bool) -> None:
        self.seed_lock.setIcon(icon("lock" if locked else "unlock"))
        self._edit("seed_locked", locked)

    def _choose_reference(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Reference still", str(Path.home()),
                                              "Images (*.png *.jpg *.jpeg *.webp *.bmp)")
        if name:
            self.set_reference(Path(name))

    def set_reference(self, path: Path) -> None:
        """Copy ``path`` into the bundle's media/stills and make it this shot's keyframe (an imported one; a
        still it already has becomes the active keyframe again)."""
        shot = self.shot()
        if self.session.bundle is None:
            self.error.emit("Save the project first: reference stills are copied into its folder.")
            return
        if shot is None:
            return
        try:
            check_reference_image(path)
            relative = store.import_media(self.session.bundle, path)
        except (StoryreelError, OSError) as exc:
            self.error.emit(f"Could not use {path.name} as a reference: {exc}")
            return
        known = next((k for k in shot.keyframes if k.media == relative), None)
        if known is not None:
            self._edit("reference", relative)
        else:
            self.session.push(AddKeyframe(shot.id, Keyframe(media=relative), text="Import keyframe"))


def _set_text(editor: QPlainTextEdit, text: str) -> None:
    if editor.toPlainText() != text:  # leave the cursor alone while the user types
        editor.setPlainText(text)
