"""The open project's file changed on disk (``storyreel generate`` or a second editor saved it): notice it.

A save replaces project.json by a rename, so the folder is watched rather than the file (a watch on the file
ends with the old inode). Changes are checked a moment after they settle, against the digest of what the
document last read or wrote, so the editor's own saves never count.
"""

from __future__ import annotations

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from studio.project import ProjectDocument


class ProjectFileWatcher(QObject):
    """Emits ``changedOnDisk`` when another program has saved the document's project.json."""

    changedOnDisk = Signal()
    SETTLE_MS = 300  # a save writes a temp file, fsyncs and renames: check once it is done

    def __init__(self, document: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._watcher = QFileSystemWatcher(self)
        self._timer = QTimer(self, singleShot=True, interval=self.SETTLE_MS)
        self._timer.timeout.connect(self.check)
        if document.bundle is not None:
            self._watcher.addPath(str(document.bundle))
        self._watcher.directoryChanged.connect(lambda _path: self._timer.start())

    def check(self) -> None:
        if self.document.changed_on_disk():
            self.changedOnDisk.emit()
