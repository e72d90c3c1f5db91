"""The model manager: known video models, which are on disk, and downloading one (in a thread, with progress)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.progress import CancelToken, Progress, ProgressCallback

from .background import BackgroundTask, TaskList
from .icons import icon

COLUMNS = ("Model", "Tasks", "Size", "Download", "On disk")


def local_folder(model_folder: Path, model_id: str) -> Path:
    return model_folder / model_id.replace("/", "--")


def on_disk(model_folder: Path, model_id: str) -> Path | None:
    """Where the weights are, if they are here: the model folder, or the Hugging Face cache."""
    folder = local_folder(model_folder, model_id)
    if (folder / "model_index.json").is_file():
        return folder
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(model_id, "model_index.json")
    except Exception:  # an unreadable cache counts as "not here"
        return None
    return Path(cached).parent if isinstance(cached, str) else None


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def folder_bytes(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).stat().st_size
    return total


class ModelManager(QDialog):
    def __init__(self, model_folder: Path, tasks: TaskList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from engine.model_registry import KNOWN_MODELS

        self.setWindowTitle("Models")
        self.resize(860, 420)
        self.model_folder = Path(model_folder)
        self.tasks = tasks
        self.specs = list(KNOWN_MODELS.values())
        self.download_task: BackgroundTask | None = None
        layout = QVBoxLayout(self)
        intro = QLabel("The animatic engine needs no model. Video models run on a GPU and are large downloads; "
                       f"they are kept in {self.model_folder}.", self)
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        layout.addWidget(intro)
        self.table = QTableWidget(len(self.specs), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.progress = QProgressBar(self)
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
        self.cancel_button.clicked.connect(lambda: self.download_task and self.download_task.cancel())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._poll = QTimer(self)
        self._poll.setInterval(1000)
        self._poll.timeout.connect(self._measure)
        self.reload()

    def reload(self) -> None:
        for row, spec in enumerate(self.specs):
            where = on_disk(self.model_folder, spec.id)
            cells = (spec.title or spec.id, ", ".join(t.replace("_", " ") for t in spec.tasks),
                     f"{spec.params} params", f"{spec.download_gb:g} GB" if spec.download_gb else "?",
                     str(where) if where else "—")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(spec.id)
                item.setData(Qt.ItemDataRole.UserRole, spec.id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected_id(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _update_buttons(self) -> None:
        busy = self.download_task is not None
        model_id = self.selected_id()
        self.download_button.setEnabled(not busy and model_id is not None
                                        and on_disk(self.model_folder, model_id) is None)

    def download_selected(self) -> None:
        model_id = self.selected_id()
        if model_id is None:
            return
        if offline():
            self.status.setText("Offline: downloads are switched off (HF_HUB_OFFLINE is set). Connect to the "
                                "internet and unset it, or copy a downloaded model folder into the model folder.")
            return
        target = local_folder(self.model_folder, model_id)

        def job(progress: ProgressCallback, cancel: CancelToken) -> Path:
            # File by file (not one snapshot_download call) so cancel takes effect between files.
            from huggingface_hub import hf_hub_download, list_repo_files

            files = list_repo_files(model_id)
            for done, name in enumerate(files):
                cancel.raise_if_cancelled()
                progress(Progress("download", done, len(files), name))
                hf_hub_download(model_id, name, local_dir=target)
            progress(Progress("download", len(files), len(files), "done"))
            return target

        self.download_task = self.tasks.start(f"Downloading {model_id}", job)
        self.download_task.succeeded.connect(lambda path: self.status.setText(f"Downloaded to {path}."))
        self.download_task.failed.connect(lambda reason: self.status.setText(f"Download failed: {reason}"))
        self.download_task.cancelled.connect(lambda: self.status.setText("Download stopped (the files already "
                                                                         "here are kept; downloading resumes)."))
        self.download_task.progressed.connect(
            lambda p: self.status.setText(f"Downloading {model_id}: file {p.done + 1} of {p.total}"))
        self.download_task.finished.connect(self._download_finished)
        spec = next(s for s in self.specs if s.id == model_id)
        self._expected = int((spec.download_gb or 0) * 1e9)
        self._target = target
        self.progress.setRange(0, 1000 if self._expected else 0)
        self.progress.show()
        self.cancel_button.show()
        self.status.setText(f"Downloading {model_id}…")
        self._poll.start()
        self._update_buttons()

    def _measure(self) -> None:
        if self._expected:
            done = folder_bytes(self._target)
            self.progress.setValue(min(1000, int(1000 * done / self._expected)))
            self.progress.setFormat(f"{done / 1e9:.1f} of {self._expected / 1e9:.0f} GB")

    def _download_finished(self) -> None:
        self._poll.stop()
        self.download_task = None
        self.progress.hide()
        self.cancel_button.hide()
        self.reload()
