"""The model manager: video models (known ones and any supported Hub model in the store), which are on disk,
whether they fit this machine, and downloading one — a listed model or any Hub id typed in — in a thread.

The weights go to the model store (``engine.model_store``: the folder chosen in Settings, else the Hugging Face
cache), the same place the engine and ``storyreel models`` look. Downloads use ``engine.model_download``
(``snapshot_download``): the bar counts bytes; cancel keeps the finished files for the next try.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.machine_fit import fit_for, measured_memory_gb, this_machine
from engine.model_catalog import stored_specs
from engine.model_download import format_bytes, hub_offline
from engine.model_registry import KNOWN_MODELS, ModelNotFound, ModelSpec, resolve_model
from engine.model_store import ModelStore, component_names, looks_like_repo_id
from engine.progress import CancelToken, Progress, ProgressCallback

from .background import BackgroundTask, TaskList
from .icons import icon

COLUMNS = ("Model", "Tasks", "Download", "On disk", "Fits this machine")
FIT_COLUMN = 4


class ModelManager(QDialog):
    """``model_folder`` None = the Hugging Face cache; ``endpoint`` None = HF_ENDPOINT or the Hub."""

    def __init__(self, model_folder: Path | None, tasks: TaskList, parent: QWidget | None = None, *,
                 endpoint: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(960, 460)
        self.store = ModelStore(Path(model_folder) if model_folder else None, endpoint)
        self.tasks = tasks
        self.download_task: BackgroundTask | None = None
        self.specs: list[ModelSpec] = []
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setProperty("role", "hint")
        layout.addWidget(self.intro)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        any_row = QHBoxLayout()
        self.hub_id = QLineEdit(self)
        self.hub_id.setPlaceholderText("Any Hub model id (a Wan or LTX-Video fine-tune), e.g. org/name")
        self.download_id_button = QPushButton(icon("download"), "Download this id", self)
        any_row.addWidget(self.hub_id, 1)
        any_row.addWidget(self.download_id_button)
        layout.addLayout(any_row)
        row = QHBoxLayout()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.download_button = QPushButton(icon("download"), "Download", self)
        self.cancel_button = QPushButton(icon("cancel"), "Cancel download", self)
        self.cancel_button.hide()
        row.addWidget(self.status, 1)
        row.addWidget(self.progress)
        row.addWidget(self.download_button)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.download_button.clicked.connect(self.download_selected)
        self.download_id_button.clicked.connect(self.download_typed)
        self.hub_id.returnPressed.connect(self.download_typed)
        self.hub_id.textChanged.connect(self._update_buttons)
        self.cancel_button.clicked.connect(self.cancel_download)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.machine = this_machine(import_torch=False)  # nvidia-smi, not seconds of importing torch
        self.reload()

    # --- the table -----------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.intro.setText("The animatic engine needs no model. Video models run on a GPU and are large downloads; "
                           f"they are kept in {self.store.describe()} (change the folder in Settings).")
        self.specs = list(KNOWN_MODELS.values()) + stored_specs(self.store)
        self.table.setRowCount(len(self.specs))
        for row, spec in enumerate(self.specs):
            cells = (spec.title or spec.id, ", ".join(t.replace("_", " ") for t in spec.tasks),
                     f"{spec.download_gb:g} GB" if spec.download_gb else "—", self._disk_text(spec.id), "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(spec.id)
                item.setData(Qt.ItemDataRole.UserRole, spec.id)
                self.table.setItem(row, column, item)
        self._show_fits()
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def _disk_text(self, model_id: str) -> str:
        size = self.store.bytes_on_disk(model_id)
        if self.store.snapshot(model_id) is not None:
            return f"yes, {format_bytes(size)}"
        return f"partial, {format_bytes(size)}" if size else "—"

    def _show_fits(self) -> None:
        for row, spec in enumerate(self.specs):
            memory = spec.memory_gb
            snapshot = self.store.snapshot_folder(spec.id)
            if memory is None and snapshot is not None:
                memory = measured_memory_gb(snapshot, component_names(snapshot))
            fit = fit_for(memory, self.machine)
            item = self.table.item(row, FIT_COLUMN)
            if item is not None:
                item.setText(fit.note)
                item.setData(Qt.ItemDataRole.UserRole + 1, fit.tier)

    def selected_id(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _update_buttons(self) -> None:
        busy = self.download_task is not None
        model_id = self.selected_id()
        self.download_button.setEnabled(not busy and model_id is not None and self.store.snapshot(model_id) is None)
        self.download_id_button.setEnabled(not busy and looks_like_repo_id(self.hub_id.text().strip()))

    # --- downloading ---------------------------------------------------------------------------------------
    def download_selected(self) -> None:
        model_id = self.selected_id()
        if model_id is not None:
            self.download(model_id)

    def download_typed(self) -> None:
        model_id = self.hub_id.text().strip()
        if not looks_like_repo_id(model_id):
            self.status.setText("A Hub model id looks like org/name.")
            return
        self.download(model_id)

    def download(self, model_id: str) -> None:
        if self.download_task is not None:
            return
        if hub_offline():
            self.status.setText("Offline: downloads are switched off (HF_HUB_OFFLINE is set). Connect to the "
                                f"internet and unset it, or copy a downloaded model into {self.store.describe()}.")
            return
        store = self.store

        def job(progress: ProgressCallback, cancel: CancelToken) -> Path:
            from engine.model_download import download_model, plan_download

            plan = plan_download(store, model_id)
            if "model_index.json" not in plan.file_sizes:
                raise ValueError(f"{model_id} is not a diffusers model (it has no model_index.json)")
            return download_model(store, model_id, progress=progress, cancel=cancel, plan=plan)

        self.download_task = self.tasks.start(f"Downloading {model_id}", job)
        self.download_task.succeeded.connect(lambda path: self._downloaded(model_id, path))
        self.download_task.failed.connect(lambda reason: self.status.setText(f"Download failed: {reason}"))
        self.download_task.cancelled.connect(lambda: self.status.setText(
            "Download stopped. The files already fetched are kept: downloading again continues from them."))
        self.download_task.progressed.connect(lambda p: self._show_progress(model_id, p))
        self.download_task.finished.connect(self._download_finished)
        self.progress.setValue(0)
        self.progress.setFormat("checking…")
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.status.setText(f"Downloading {model_id} into {self.store.describe()}…")
        self._update_buttons()

    def cancel_download(self) -> None:
        if self.download_task is not None:
            self.download_task.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping after the current chunk…")

    def _show_progress(self, model_id: str, update: Progress) -> None:
        if update.total:
            self.progress.setValue(min(1000, int(1000 * update.done / update.total)))
        self.progress.setFormat(f"{format_bytes(update.done)} of {format_bytes(update.total)}")
        if self.cancel_button.isEnabled():
            self.status.setText(f"Downloading {model_id}: {update.message}")

    def _downloaded(self, model_id: str, path: object) -> None:
        try:
            spec = resolve_model(model_id, self.store)
        except ModelNotFound as exc:
            self.status.setText(f"Downloaded to {path}, but {exc}")
            return
        self.status.setText(f"Downloaded to {path}. Choose {spec.id} as the shot's or the project's model.")

    def _download_finished(self) -> None:
        self.download_task = None
        self.progress.hide()
        self.cancel_button.hide()
        self.reload()
