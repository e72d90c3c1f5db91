"""Export the film: presets, fit/fill, quality, subtitles, interchange sidecars — rendered off the GUI thread.
Or, on paper for production: the storyboard as a PDF (panels per page, paper) or the shot list as CSV.

The export runs on a snapshot of the project in a worker thread (edits made meanwhile never reach a render
half-way through); progress and the result come back to the GUI thread through queued Qt signals, and Cancel
sets the same CancelToken every long operation in Storyreel honours.
"""

from __future__ import annotations

import re
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from engine.progress import Cancelled, CancelToken, Progress
from studio.cut.formats import PANELS_PER_PAGE
from studio.project import ProjectDocument, StoryreelError
from studio.project.commands import SetFields


@dataclass(frozen=True)
class Preset:
    name: str
    size: tuple[int, int] | None  # None = the project's own frame size
    crf: int | None = None  # None = keep the quality the user chose
    note: str = ""


PRESETS = (
    Preset("Same as project", None),
    Preset("Full HD 1080p", (1920, 1080), note="16:9 for YouTube, Vimeo, festivals"),
    Preset("720p draft", (1280, 720), crf=28, note="quick, small file to share a rough cut"),
    Preset("Vertical 1080x1920", (1080, 1920), note="9:16 for Reels, Shorts, TikTok"),
    Preset("Square 1080", (1080, 1080), note="1:1 for feeds"),
    Preset("4K UHD", (3840, 2160), note="slow to render; only if your takes are that sharp"),
)
SUBTITLE_MODES = (("none", "No subtitles"), ("srt", "SRT file beside the video"), ("vtt", "WebVTT file beside the video"),
                  ("burn", "Burned into the picture"))
SIDECARS = (("otio", "OpenTimelineIO (.otio)"), ("fcpxml", "Final Cut Pro XML (.fcpxml)"), ("edl", "CMX 3600 EDL (.edl)"))
FORMATS = (("mp4", "Film (MP4 video)"), ("pdf", "Storyboard (PDF)"), ("csv", "Shot list (CSV)"))
FILE_FILTERS = {"mp4": "MP4 video (*.mp4)", "pdf": "PDF document (*.pdf)", "csv": "CSV table (*.csv)"}
PAPERS = (("a4", "A4"), ("letter", "US Letter"))
QUALITY_MIN, QUALITY_MAX = 14, 34  # CRF: lower is better and bigger


def default_output(document: ProjectDocument) -> Path:
    title = re.sub(r"[^\w\- ]+", "", document.project.title).strip().replace(" ", "-") or "film"
    folder = document.bundle.parent if document.bundle is not None else Path.home()
    return folder / f"{title}.mp4"


def quality_words(crf: int) -> str:
    if crf <= 17:
        return "master (very large file)"
    if crf <= 21:
        return "high"
    if crf <= 26:
        return "good"
    return "draft (small file)"


class _Relay(QObject):
    """Signals emitted from the export thread; Qt queues them to the dialog on the GUI thread."""

    progressed = Signal(str, int, int, str)
    finished = Signal(object, list)
    failed = Signal(str)
    cancelled = Signal()


@dataclass(frozen=True)
class ExportJob:
    out: Path
    size: tuple[int, int] | None
    subtitles: str
    sidecars: tuple[str, ...]
    fmt: str = "mp4"  # or "pdf" (the storyboard), "csv" (the shot list)
    per_page: int = 6  # pdf: panels on a page
    paper: str = "a4"
    marked_range: bool = False  # mp4: only the frames between the cut's I/O marks


def check_export_paths(document: ProjectDocument, job: ExportJob) -> None:
    """The film and every file beside it may be written (never over the project's own files)."""
    from studio.project.output_paths import check_output_path

    if job.fmt != "mp4":
        check_output_path(job.out, document.bundle, what=job.fmt)
        return
    check_output_path(job.out, document.bundle, what="video")
    extra = [job.subtitles] if job.subtitles in ("srt", "vtt") else []
    for fmt in (*extra, *job.sidecars):
        check_output_path(job.out.with_suffix(f".{fmt}"), document.bundle, what=fmt)


def run_export(document: ProjectDocument, job: ExportJob, cancel: CancelToken, relay: _Relay) -> None:
    """The worker thread's body: render the film, then the sidecars; report through ``relay``."""
    from studio.cut import export_film, export_interchange

    def progress(p: Progress) -> None:
        relay.progressed.emit(p.stage, p.done, p.total, p.message)
        cancel.raise_if_cancelled()

    try:
        check_export_paths(document, job)
        if job.fmt != "mp4":
            relay.finished.emit(_export_paper(document, job, progress, cancel), [])
            return
        if job.marked_range:
            from studio.cut.range_export import export_marked_range

            report = export_marked_range(document, job.out, size=job.size, subtitles=job.subtitles,  # type: ignore[arg-type]
                                         progress=progress, cancel=cancel)
        else:
            report = export_film(document, job.out, size=job.size, subtitles=job.subtitles,  # type: ignore[arg-type]
                                 progress=progress, cancel=cancel)
        extras = []
        for fmt in job.sidecars:
            cancel.raise_if_cancelled()
            relay.progressed.emit("interchange", 0, 1, f"writing {fmt.upper()}")
            extras.append(export_interchange(document, job.out.with_suffix(f".{fmt}"), fmt))
        relay.finished.emit(report, extras)
    except Cancelled:
        relay.cancelled.emit()
    except StoryreelError as exc:
        relay.failed.emit(str(exc))
    except Exception as exc:  # an unexpected failure still ends the export visibly, never silently
        traceback.print_exc()
        relay.failed.emit(f"unexpected error: {exc}")


def _export_paper(document: ProjectDocument, job: ExportJob, progress, cancel: CancelToken) -> tuple[Path, list[str]]:
    """Write the storyboard PDF or the shot list CSV: where it went, and what to tell the filmmaker."""
    if job.fmt == "pdf":
        from studio.cut.storyboard_pdf import export_storyboard_pdf

        report = export_storyboard_pdf(document, job.out, per_page=job.per_page, paper=job.paper,
                                       progress=progress, cancel=cancel)
        return report.output, [f"{report.panels} shots on {report.pages} pages",
                               *(f"Note: {w}" for w in report.warnings)]
    from studio.cut.shot_list_csv import export_shot_list_csv

    return export_shot_list_csv(document, job.out), [f"{len(document.project.shots)} shots"]


class ExportDialog(QDialog):
    """Signals: ``exported(Path)`` when a film was written."""

    exported = Signal(Path)

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Export film")
        self.setMinimumWidth(520)
        self._cancel: CancelToken | None = None
        self._thread: threading.Thread | None = None
        self.output_path: Path | None = None
        self.sidecar_paths: list[Path] = []
        self.state = "idle"  # idle | running | done | failed | cancelled
        # Not a child of the dialog: a dialog closed mid-export must not delete what the thread emits on.
        self._relay = _Relay()
        self._relay.progressed.connect(self._on_progress)
        self._relay.finished.connect(self._on_finished)
        self._relay.failed.connect(self._on_failed)
        self._relay.cancelled.connect(self._on_cancelled)

        project = session.project
        settings = project.export
        form = self._form = QFormLayout()
        self.format = QComboBox(self)
        for fmt, label in FORMATS:
            self.format.addItem(label, fmt)
        self.format.currentIndexChanged.connect(self._on_format)
        form.addRow("Export", self.format)
        self.preset = QComboBox(self)
        for preset in PRESETS:
            self.preset.addItem(preset.name)
        self.preset.currentIndexChanged.connect(self._on_preset)
        self.size_label = QLabel(self)
        self.size_label.setStyleSheet("color:#9aa3b2;")
        form.addRow("Preset", self.preset)
        form.addRow("", self.size_label)

        self.fit = QComboBox(self)
        self.fit.addItem("Fit — show the whole picture (bars if the shape differs)", "fit")
        self.fit.addItem("Fill — crop to fill the frame", "fill")
        self.fit.setCurrentIndex(0 if settings.fit == "fit" else 1)
        form.addRow("Framing", self.fit)

        quality_row = QHBoxLayout()
        self.quality = QSlider(Qt.Orientation.Horizontal, self)
        self.quality.setRange(QUALITY_MIN, QUALITY_MAX)
        self.quality.setInvertedAppearance(True)  # right = better (a lower CRF)
        self.quality.setValue(max(QUALITY_MIN, min(QUALITY_MAX, settings.crf)))
        self.quality_label = QLabel(self)
        self.quality_label.setMinimumWidth(190)
        self.quality.valueChanged.connect(self._update_quality_label)
        quality_row.addWidget(self.quality, 1)
        quality_row.addWidget(self.quality_label)
        form.addRow("Quality", quality_row)

        self.subtitles = QComboBox(self)
        for mode, label in SUBTITLE_MODES:
            self.subtitles.addItem(label, mode)
        self.subtitles.setCurrentIndex([m for m, _ in SUBTITLE_MODES].index(settings.subtitles))
        form.addRow("Subtitles", self.subtitles)

        sidecar_box = QVBoxLayout()
        self.sidecar_checks: dict[str, QCheckBox] = {}
        for fmt, label in SIDECARS:
            check = QCheckBox(label, self)
            check.setToolTip("Also write the cut for another editor, beside the video")
            self.sidecar_checks[fmt] = check
            sidecar_box.addWidget(check)
        form.addRow("Also write", sidecar_box)
        marks = session.project.export
        self.marked_range = QCheckBox("Only the marked range (I to O on the timeline)", self)
        self.marked_range.setEnabled(marks.range_in is not None or marks.range_out is not None)
        self.marked_range.setToolTip("Export the frames between the cut's in and out marks" if
                                     self.marked_range.isEnabled() else "Set in and out marks with I and O first")
        form.addRow("Range", self.marked_range)
        self._film_rows = [self.preset, self.size_label, self.fit, quality_row, self.subtitles, sidecar_box,
                           self.marked_range]
        self.per_page = QComboBox(self)
        for count in PANELS_PER_PAGE:
            self.per_page.addItem(f"{count} panels", count)
        self.paper = QComboBox(self)
        for paper, label in PAPERS:
            self.paper.addItem(label, paper)
        form.addRow("Per page", self.per_page)
        form.addRow("Paper", self.paper)
        self._storyboard_rows = [self.per_page, self.paper]

        path_row = QHBoxLayout()
        self.path_edit = QLineEdit(str(default_output(session.document)), self)
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._choose_path)
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        form.addRow("Save as", path_row)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.result_row = QWidget(self)
        result = QHBoxLayout(self.result_row)
        result.setContentsMargins(0, 0, 0, 0)
        self.reveal_button = QPushButton("Reveal in folder", self.result_row)
        self.reveal_button.clicked.connect(self.reveal)
        self.play_button = QPushButton("Play", self.result_row)
        self.play_button.clicked.connect(self.play)
        result.addStretch(1)
        result.addWidget(self.reveal_button)
        result.addWidget(self.play_button)
        self.result_row.hide()

        buttons = QHBoxLayout()
        self.export_button = QPushButton("Export", self)
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton("Close", self)
        self.close_button.clicked.connect(self.close)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.result_row)
        layout.addLayout(buttons)
        self._settings_widgets = [self.preset, self.fit, self.quality, self.subtitles, self.path_edit, browse,
                                  *self.sidecar_checks.values(), self.format, self.per_page, self.paper]
        self._running_fmt = "mp4"
        self._select_initial_preset()
        self._update_quality_label()
        self._on_format()

    # --- settings --------------------------------------------------------------------------------------------
    def _select_initial_preset(self) -> None:
        settings = self.session.project.export
        size = (settings.width, settings.height)
        index = next((i for i, p in enumerate(PRESETS) if p.size == size and p.size is not None), 0)
        self.preset.setCurrentIndex(index)
        self._on_preset(index, keep_quality=True)

    def _on_preset(self, index: int, keep_quality: bool = False) -> None:
        preset = PRESETS[index]
        project = self.session.project
        width, height = preset.size or (project.width, project.height)
        note = f" — {preset.note}" if preset.note else ""
        self.size_label.setText(f"{width} × {height} at {project.fps} fps{note}")
        if preset.crf is not None and not keep_quality:
            self.quality.setValue(preset.crf)

    def _update_quality_label(self) -> None:
        crf = self.quality.value()
        self.quality_label.setText(f"{quality_words(crf)} · CRF {crf}")

    def _on_format(self) -> None:
        """Show the options of the chosen format, and give the file name its suffix."""
        fmt = self.format.currentData()
        for row in self._film_rows:
            self._form.setRowVisible(row, fmt == "mp4")
        for row in self._storyboard_rows:
            self._form.setRowVisible(row, fmt == "pdf")
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(str(Path(text).with_suffix(f".{fmt}")))

    def _choose_path(self) -> None:
        fmt = self.format.currentData()
        path, _ = QFileDialog.getSaveFileName(self, "Export as", self.path_edit.text(), FILE_FILTERS[fmt])
        if path:
            self.path_edit.setText(path if path.lower().endswith(f".{fmt}") else f"{path}.{fmt}")

    def job(self) -> ExportJob:
        text = self.path_edit.text().strip()
        if not text:
            raise StoryreelError("choose where to save the film")
        fmt = self.format.currentData()
        out = Path(text).expanduser()
        if out.suffix.lower() != f".{fmt}":
            out = out.with_suffix(f".{fmt}")
        if not out.parent.is_dir():
            raise StoryreelError(f"the folder {out.parent} does not exist")
        if fmt != "mp4":
            return ExportJob(out, None, "none", (), fmt, self.per_page.currentData(), self.paper.currentData())
        sidecars = tuple(kind for kind, check in self.sidecar_checks.items() if check.isChecked())
        return ExportJob(out, PRESETS[self.preset.currentIndex()].size, self.subtitles.currentData(), sidecars,
                         marked_range=self.marked_range.isChecked())

    def _store_settings(self, job: ExportJob) -> None:
        """Keep the choices with the project (one undo step), so the next export starts from them."""
        if job.fmt != "mp4":  # a storyboard or shot list changes nothing of the film's settings
            return
        settings = self.session.project.export
        width, height = job.size or (None, None)
        values = {"width": width, "height": height, "fit": self.fit.currentData(), "crf": self.quality.value(),
                  "subtitles": job.subtitles}
        changed = {k: v for k, v in values.items() if getattr(settings, k) != v}
        if changed:
            self.session.push(SetFields("export", (), changed, text="Change export settings"))

    # --- running ---------------------------------------------------------------------------------------------
    def start(self) -> None:
        if self.state == "running":
            return
        try:
            job = self.job()
            self._store_settings(job)
        except StoryreelError as exc:
            self._show_error(str(exc))
            return
        document = self.session.document
        snapshot = ProjectDocument(document.project.model_copy(deep=True), document.bundle)
        self._cancel = CancelToken()
        self.output_path, self.sidecar_paths = None, []
        self._running_fmt = job.fmt
        self.play_button.setText("Play" if job.fmt == "mp4" else "Open")
        self._set_running(True)
        self.status.setStyleSheet("")
        self.status.setText(f"Exporting to {job.out.name}…")
        self.result_row.hide()
        self.progress.setValue(0)
        self._thread = threading.Thread(target=run_export, args=(snapshot, job, self._cancel, self._relay),
                                        name="storyreel-export", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        if self.state == "running" and self._cancel is not None:
            self._cancel.cancel()
            self.status.setText("Cancelling…")
            self.cancel_button.setEnabled(False)

    def _set_running(self, running: bool) -> None:
        self.state = "running" if running else self.state
        for widget in self._settings_widgets:
            widget.setEnabled(not running)
        self.export_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    # Weight of each stage in the bar: encoding dominates, the mix and join are short.
    _STAGES = {"encode": (0.0, 0.8), "audio": (0.8, 0.9), "join": (0.9, 0.97), "interchange": (0.97, 1.0)}

    def _on_progress(self, stage: str, done: int, total: int, message: str) -> None:
        lo, hi = self._STAGES.get(stage, (0.0, 1.0))
        fraction = lo + (hi - lo) * (done / total if total else 0)
        self.progress.setValue(max(self.progress.value(), round(fraction * 1000)))
        if message and self.state == "running" and not (self._cancel and self._cancel.cancelled):
            self.status.setText(message[:1].upper() + message[1:])

    def _on_finished(self, report, extras: list) -> None:
        if self._running_fmt != "mp4":
            self._on_paper_finished(report)
            return
        self._set_running(False)
        self.state = "done"
        self.output_path, self.sidecar_paths = Path(report.output), [Path(p) for p in extras]
        self.progress.setValue(1000)
        lines = [f"Saved {self.output_path}",
                 f"{report.width} × {report.height}, {report.duration_seconds:.1f} s"]
        if report.subtitles:
            lines.append(f"Subtitles: {Path(report.subtitles).name}")
        if self.sidecar_paths:
            lines.append("Also wrote " + ", ".join(p.name for p in self.sidecar_paths))
        lines.extend(f"Note: {w}" for w in report.warnings)
        self.status.setStyleSheet("color:#8fd18f;")
        self.status.setText("\n".join(lines))
        self.result_row.show()
        self.exported.emit(self.output_path)

    def _on_paper_finished(self, written: tuple[Path, list[str]]) -> None:
        """A storyboard or a shot list was written."""
        self._set_running(False)
        self.state = "done"
        self.output_path, notes = written
        self.progress.setValue(1000)
        self.status.setStyleSheet("color:#8fd18f;")
        self.status.setText("\n".join([f"Saved {self.output_path}", *notes]))
        self.result_row.show()
        self.exported.emit(self.output_path)

    def _on_failed(self, message: str) -> None:
        self._set_running(False)
        self.state = "failed"
        self._show_error(f"Export failed: {message}")

    def _on_cancelled(self) -> None:
        self._set_running(False)
        self.state = "cancelled"
        self.progress.setValue(0)
        self.status.setStyleSheet("color:#e0a030;")
        self.status.setText("Export cancelled; nothing was written.")

    def _show_error(self, message: str) -> None:
        self.status.setStyleSheet("color:#ff6b6b;")
        self.status.setText(message)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the export thread ends (tests, app shutdown); its signals arrive with the next events."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    # --- after the export ------------------------------------------------------------------------------------
    def reveal(self) -> None:
        if self.output_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.output_path.parent)))

    def play(self) -> None:
        if self.output_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.output_path)))

    def closeEvent(self, event) -> None:
        if self.state == "running":  # closing cancels; the thread stops at its next check and writes nothing
            self.cancel()
        super().closeEvent(event)

    def reject(self) -> None:  # Escape while running cancels instead of hiding a live export
        if self.state == "running":
            self.cancel()
            return
        super().reject()
