"""Record a line from the microphone (QtMultimedia), when this computer has an input device."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal


def microphone_available() -> bool:
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        return False
    return bool(QMediaDevices.audioInputs())


class MicrophoneRecorder(QObject):
    """QMediaCaptureSession + QAudioInput + QMediaRecorder writing a WAV file; ``finished(path)`` when stopped."""

    finished = Signal(Path)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QAudioInput, QMediaCaptureSession, QMediaFormat, QMediaRecorder

        self._session = QMediaCaptureSession(self)
        self._input = QAudioInput(self)
        self._recorder = QMediaRecorder(self)
        self._session.setAudioInput(self._input)
        self._session.setRecorder(self._recorder)
        media_format = QMediaFormat(QMediaFormat.FileFormat.Wave)
        self._recorder.setMediaFormat(media_format)
        self._recorder.setQuality(QMediaRecorder.Quality.HighQuality)
        self._recorder.recorderStateChanged.connect(self._state_changed)
        self._recorder.errorOccurred.connect(lambda _e, text: self.failed.emit(text))
        self.path: Path | None = None

    @property
    def recording(self) -> bool:
        from PySide6.QtMultimedia import QMediaRecorder

        return self._recorder.recorderState() == QMediaRecorder.RecorderState.RecordingState

    def start(self) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="storyreel-recording-"))
        self.path = folder / "take.wav"
        self._recorder.setOutputLocation(QUrl.fromLocalFile(str(self.path)))
        self._recorder.record()
        return self.path

    def stop(self) -> None:
        self._recorder.stop()

    def _state_changed(self, state) -> None:
        from PySide6.QtMultimedia import QMediaRecorder

        if state == QMediaRecorder.RecorderState.StoppedState and self.path is not None:
            actual = Path(self._recorder.actualLocation().toLocalFile() or self.path)
            if actual.is_file() and actual.stat().st_size > 44:
                self.finished.emit(actual)
            else:
                self.failed.emit("nothing was recorded (check the microphone)")
