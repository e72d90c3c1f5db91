"""The generation queue: each job with its shot, progress per step, the latest preview frame; cancel, retry,
reorder."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.project import StoryreelError

from .generation_queue import ACTIVE, GenerationQueue, JobRecord
from .icons import icon
from .thumbnails import pixmap, take_image_path

PREVIEW = QSize(96, 54)
STATE_TEXT = {"queued": "Waiting", "generating": "Generating", "done": "Done", "failed": "Failed",
              "cancelled": "Cancelled"}


class JobRow(QWidget):
    def __init__(self, queue: GenerationQueue, record: JobRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.job_id = record.job_id
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.preview = QLabel(self)
        self.preview.setFixedSize(PREVIEW)
        self.preview.setStyleSheet("background: #111214; border-radius: 3px;")
        layout.addWidget(self.preview)
        middle = QVBoxLayout()
        self.title = QLabel(self)
        self.detail = QLabel(self)
        self.detail.setProperty("role", "hint")
        self.detail.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(6)
        middle.addWidget(self.title)
        middle.addWidget(self.progress)
        middle.addWidget(self.detail)
        layout.addLayout(middle, 1)
        self.up = self._tool("up", "Run earlier", lambda: queue.move(self.job_id, -1))
        self.down = self._tool("down", "Run later", lambda: queue.move(self.job_id, +1))
        self.cancel = self._tool("cancel", "Cancel this job", lambda: queue.cancel(self.job_id))
        self.retry = self._tool("retry", "Run this job again", lambda: queue.retry(self.job_id))
        for button in (self.up, self.down, self.cancel, self.retry):
            layout.addWidget(button)
        self.refresh()

    def _tool(self, name: str, tip: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(icon(name))
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def refresh(self) -> None:
        record = self.queue.records.get(self.job_id)
        if record is None:
            return
        try:
            number = self.queue.session.project.shot_index(record.shot_id) + 1
            title = f"Shot {number}"
        except StoryreelError:
            title = "Deleted shot"
        self.title.setText(f"{title} · seed {record.seed}")
        state = STATE_TEXT.get(record.state, record.state)
        if record.state == "generating" and record.total:
            if record.stage == "denoise":
                state += f" — step {record.step} of {record.total}"
            else:
                state += f" — {round(100 * record.fraction)}%"
        if record.reason and record.state == "failed":
            state += f": {record.reason}"
        self.detail.setText(state)
        self.progress.setRange(0, max(1, record.total))
        self.progress.setValue(record.step if record.state != "done" else max(1, record.total))
        if record.state == "generating" and not record.total:
            self.progress.setRange(0, 0)  # busy until the first step arrives
        picture = self._finished_picture(record)
        if picture is None and record.preview_png:
            image = QPixmap()
            if image.loadFromData(record.preview_png):
                picture = image.scaled(PREVIEW, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation)
        if picture is not None:
            self.preview.setPixmap(picture)
        waiting = record.state == "queued"
        self.up.setVisible(waiting)
        self.down.setVisible(waiting)
        self.cancel.setVisible(record.state in ACTIVE)
        self.retry.setVisible(record.state in ("failed", "cancelled"))


    def _finished_picture(self, record: JobRecord) -> QPixmap | None:
        """A finished job shows the thumbnail of the take it made."""
        if record.take_id is None:
            return None
        try:
            take = self.queue.session.project.shot(record.shot_id).take(record.take_id)
        except StoryreelError:
            return None
        path = take_image_path(self.queue.session, take)
        return pixmap(path, PREVIEW) if path is not None else None


class QueuePanel(QWidget):
    def __init__(self, queue: GenerationQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Generation queue")
        self.empty = QLabel("No generation jobs. Select shots and press Ctrl+G to generate takes.", self)
        self.empty.setProperty("role", "hint")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        footer = QHBoxLayout()
        footer.setContentsMargins(6, 0, 6, 6)
        self.summary = QLabel(self)
        self.summary.setProperty("role", "hint")
        self.clear_button = QPushButton("Clear finished", self)
        self.clear_button.clicked.connect(queue.clear_finished)
        footer.addWidget(self.summary, 1)
        footer.addWidget(self.clear_button)
        layout.addLayout(footer)
        self.rows: dict[str, JobRow] = {}
        queue.jobsChanged.connect(self.rebuild)
        queue.jobUpdated.connect(self._job_updated)
        self.rebuild()

    def rebuild(self) -> None:
        self.list.clear()
        self.rows.clear()
        for record in self.queue.jobs():
            row = JobRow(self.queue, record, self.list)
            item = QListWidgetItem(self.list)
            item.setSizeHint(row.sizeHint())
            self.list.setItemWidget(item, row)
            self.rows[record.job_id] = row
        self._update_summary()

    def _job_updated(self, job_id: str) -> None:
        row = self.rows.get(job_id)
        if row is None:
            self.rebuild()
        else:
            row.refresh()
        self._update_summary()

    def _update_summary(self) -> None:
        jobs = self.queue.jobs()
        self.empty.setVisible(not jobs)
        self.list.setVisible(bool(jobs))
        running = sum(1 for r in jobs if r.state == "generating")
        waiting = sum(1 for r in jobs if r.state == "queued")
        failed = sum(1 for r in jobs if r.state == "failed")
        parts = [f"{running} running", f"{waiting} waiting"] + ([f"{failed} failed"] if failed else [])
        self.summary.setText(" · ".join(parts))
        self.clear_button.setEnabled(any(r.state not in ACTIVE for r in jobs))
