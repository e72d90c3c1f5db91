"""Settings: ElevenLabs key (kept in the OS keyring), model folder, device, default engine, where the engine runs
(this computer or a Ray cluster, whose token is kept in the keyring too), autosave interval.

The model folder is not a Qt setting: it lives in the model store's small JSON config (``engine.model_store``),
which the engine worker and ``storyreel models`` read too, so all three look for weights in one place.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.project import StoryreelError

from . import engine_choice
from .autosave import DEFAULT_INTERVAL_S

DEVICES = (("Automatic", "auto"), ("CPU", "cpu"), ("GPU (CUDA)", "cuda"), ("Apple GPU (MPS)", "mps"))
BACKENDS = (("Animatic (CPU, instant)", "animatic"), ("Diffusers video model", "diffusers"))
ENGINE_PLACES = (("This computer", engine_choice.LOCAL), ("Ray cluster", engine_choice.CLUSTER))


class StudioSettings:
    """Typed access to the editor's QSettings (the key itself never goes there: it lives in the keyring)."""

    def __init__(self, settings: QSettings) -> None:
        self.qsettings = settings

    def _get(self, name: str, default: object) -> object:
        value = self.qsettings.value(name, default)
        return default if value is None else value

    @property
    def autosave_interval_s(self) -> int:
        try:
            return int(self._get("autosave/interval_s", DEFAULT_INTERVAL_S))
        except (TypeError, ValueError):
            return DEFAULT_INTERVAL_S

    @property
    def model_folder(self) -> Path | None:
        """The model store's folder (None = the Hugging Face cache); see ``engine.model_store``."""
        from engine.model_store import ModelStoreError, configured_model_dir

        try:
            return configured_model_dir()
        except ModelStoreError:
            return None

    @property
    def device(self) -> str:
        return str(self._get("engine/device", "auto"))

    @property
    def default_backend(self) -> str:
        return str(self._get("engine/backend", "animatic"))

    @property
    def engine_place(self) -> str:
        """Where projects opened from now on generate: ``local`` (this computer) or ``cluster``."""
        value = str(self._get("engine/place", engine_choice.LOCAL))
        return value if value in (engine_choice.LOCAL, engine_choice.CLUSTER) else engine_choice.LOCAL

    @property
    def cluster_address(self) -> str:
        return str(self._get("engine/cluster_address", "")).strip()

    def engine_factory(self, local: engine_choice.ClientFactory) -> engine_choice.ClientFactory:
        """How a project opened now runs its engine: the cluster's client, or ``local`` (the window's)."""
        return engine_choice.chosen_factory(self.engine_place, self.cluster_address, local)

    def recent_projects(self) -> list[str]:
        value = self.qsettings.value("recent/projects", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def add_recent(self, path: Path) -> None:
        items = [str(path)] + [p for p in self.recent_projects() if p != str(path)]
        self.qsettings.setValue("recent/projects", items[:10])


class SettingsDialog(QDialog):
    def __init__(self, settings: StudioSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)

        key_row = QHBoxLayout()
        self.key = QLineEdit(self)
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText("Paste a key to store it in the system keyring")
        self.clear_key = QPushButton("Forget key", self)
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.clear_key)
        form.addRow("ElevenLabs key", key_row)
        self.key_status = QLabel(self)
        self.key_status.setProperty("role", "hint")
        self.key_status.setWordWrap(True)
        form.addRow("", self.key_status)

        folder_row = QHBoxLayout()
        self.model_folder = QLineEdit(self._saved_folder(), self)
        self.model_folder.setPlaceholderText("The Hugging Face cache (default)")
        browse = QPushButton("Browse…", self)
        folder_row.addWidget(self.model_folder, 1)
        folder_row.addWidget(browse)
        form.addRow("Model folder", folder_row)
        self.folder_status = QLabel(self._folder_hint(), self)
        self.folder_status.setProperty("role", "hint")
        self.folder_status.setWordWrap(True)
        form.addRow("", self.folder_status)
        self.device = QComboBox(self)
        for label, value in DEVICES:
            self.device.addItem(label, value)
        self.device.setCurrentIndex(max(0, self.device.findData(settings.device)))
        form.addRow("Device", self.device)
        self.backend = QComboBox(self)
        for label, value in BACKENDS:
            self.backend.addItem(label, value)
        self.backend.setCurrentIndex(max(0, self.backend.findData(settings.default_backend)))
        form.addRow("Default engine", self.backend)
        self._add_engine_place(form)
        self.autosave = QSpinBox(self)
        self.autosave.setRange(0, 3600)
        self.autosave.setSuffix(" s")
        self.autosave.setSpecialValueText("Off")
        self.autosave.setValue(settings.autosave_interval_s)
        form.addRow("Autosave every", self.autosave)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        browse.clicked.connect(self._browse)
        self.clear_key.clicked.connect(self._forget_key)
        self._show_key_status()

    def _add_engine_place(self, form: QFormLayout) -> None:
        self.engine_place = QComboBox(self)
        for label, value in ENGINE_PLACES:
            self.engine_place.addItem(label, value)
        self.engine_place.setCurrentIndex(max(0, self.engine_place.findData(self.settings.engine_place)))
        form.addRow("Generate on", self.engine_place)
        self.cluster_address = QLineEdit(self.settings.cluster_address, self)
        self.cluster_address.setPlaceholderText("head HOST:PORT (e.g. 127.0.0.1:6379 through an SSH tunnel)")
        form.addRow("Cluster address", self.cluster_address)
        token_row = QHBoxLayout()
        self.cluster_token = QLineEdit(self)
        self.cluster_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.cluster_token.setPlaceholderText("Paste the cluster's token to store it in the system keyring")
        self.forget_token = QPushButton("Forget token", self)
        token_row.addWidget(self.cluster_token, 1)
        token_row.addWidget(self.forget_token)
        form.addRow("Cluster token", token_row)
        self.engine_status = QLabel(self)
        self.engine_status.setProperty("role", "hint")
        self.engine_status.setWordWrap(True)
        form.addRow("", self.engine_status)
        self.engine_place.currentIndexChanged.connect(self._show_engine_status)
        self.forget_token.clicked.connect(self._forget_token)
        self._show_engine_status()

    def _show_engine_status(self) -> None:
        cluster = self.engine_place.currentData() == engine_choice.CLUSTER
        self.cluster_address.setEnabled(cluster)
        self.cluster_token.setEnabled(cluster)
        self.forget_token.setEnabled(cluster)
        if not cluster:
            self.engine_status.setText("Takes are generated on this computer. A change here applies to the next "
                                       "project you open.")
            return
        if os.environ.get(engine_choice.TOKEN_ENV, "").strip():
            token = f"{engine_choice.TOKEN_ENV} is set and is used as the token."
        elif engine_choice.stored_token()[0]:
            token = "A token is stored in the keyring."
        else:
            token = (f"No token yet (a cluster on another machine needs one; {engine_choice.TOKEN_ENV} works "
                     "where there is no keyring).")
        self.engine_status.setText(f"{token} The project that is open keeps its engine; the next project you "
                                   "open generates on the cluster.")

    def _forget_token(self) -> None:
        removed = engine_choice.forget_token()
        self.engine_status.setText("The stored token was removed." if removed else "No token was stored.")

    def store_engine_place(self) -> bool:
        """Check the cluster choice and keep the typed token; False (with the reason shown) when it cannot be used."""
        if self.engine_place.currentData() != engine_choice.CLUSTER:
            return True
        typed = self.cluster_token.text().strip()
        try:
            engine_choice.check_address(self.cluster_address.text(), typed or engine_choice.cluster_token())
            if typed:
                engine_choice.store_token(typed)
        except StoryreelError as exc:
            self.engine_status.setText(str(exc))
            return False
        self.cluster_token.clear()
        return True

    @staticmethod
    def _saved_folder() -> str:
        from engine.model_store import ModelStoreError, saved_model_dir

        try:
            folder = saved_model_dir()
        except ModelStoreError:
            return ""
        return str(folder) if folder else ""

    @staticmethod
    def _folder_hint() -> str:
        import os

        from engine.model_store import MODEL_DIR_ENV

        if os.environ.get(MODEL_DIR_ENV, "").strip():
            return f"{MODEL_DIR_ENV} is set ({os.environ[MODEL_DIR_ENV]}) and wins over this folder."
        return ("Video model weights are kept here (empty: the Hugging Face cache). The engine and "
                "`storyreel models` use the same folder.")

    def store_model_folder(self) -> bool:
        """Save the model folder for the store; False (with the reason shown) when it cannot be saved."""
        from engine.model_store import ModelStoreError, save_model_dir

        text = self.model_folder.text().strip()
        if text == self._saved_folder():
            return True
        try:
            save_model_dir(Path(text) if text else None)
        except ModelStoreError as exc:
            self.folder_status.setText(str(exc))
            return False
        return True

    def _show_key_status(self) -> None:
        from .cast_panel import elevenlabs_key_set

        self.key_status.setText("A key is available: ElevenLabs voices are listed in the cast panel."
                                if elevenlabs_key_set() else
                                "No key: narration uses the offline voice. ElevenLabs is optional.")

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Model folder", self.model_folder.text())
        if folder:
            self.model_folder.setText(folder)

    def _forget_key(self) -> None:
        from studio.voice.elevenlabs_key import clear_api_key

        try:
            removed = clear_api_key()
        except StoryreelError as exc:
            self.key_status.setText(str(exc))
            return
        self.key_status.setText("The stored key was removed." if removed else "No key was stored.")

    def store_key(self) -> bool:
        """Store the typed key; False (with the reason shown) when the keyring refuses it."""
        key = self.key.text().strip()
        if not key:
            return True
        from studio.voice.elevenlabs_key import set_api_key

        try:
            set_api_key(key)
        except StoryreelError as exc:
            self.key_status.setText(str(exc))
            return False
        self.key.clear()
        self._show_key_status()
        return True

    def accept(self) -> None:
        if not self.store_key() or not self.store_model_folder() or not self.store_engine_place():
            return
        q = self.settings.qsettings
        q.setValue("engine/device", self.device.currentData())
        q.setValue("engine/backend", self.backend.currentData())
        q.setValue("engine/place", self.engine_place.currentData())
        q.setValue("engine/cluster_address", self.cluster_address.text().strip())
        q.setValue("autosave/interval_s", self.autosave.value())
        super().accept()
