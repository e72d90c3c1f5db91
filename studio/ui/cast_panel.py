"""The cast: characters, the narrator, each one's voice; preview a voice with a sample line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.project import Character, StoryreelError, Voice, commands

from .audio_playback import AudioPlayback
from .background import TaskList
from .icons import icon
from .session import ProjectSession
from .voice_bridge import list_voices, preview_voice

PROVIDERS = (("Offline (espeak-ng)", "espeak"), ("Offline neural (Kokoro)", "kokoro"), ("ElevenLabs", "elevenlabs"))
OFFLINE_VOICES = ("en-us", "en-us+f2", "en-us+m3", "en-gb", "en-gb+f3", "en-gb-x-rp", "fr-fr", "de", "es", "it")
CharacterIdRole = Qt.ItemDataRole.UserRole + 1


def elevenlabs_key_set() -> bool:
    try:
        from studio.voice.elevenlabs_key import resolve_api_key

        resolve_api_key()
    except Exception:  # no key (or no keyring): the panel lists offline voices only
        return False
    return True


class CastPanel(QWidget):
    message = Signal(str)

    def __init__(self, session: ProjectSession, tasks: TaskList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.player = AudioPlayback(self)
        self._loading = False
        self._cast_report = ""  # the last casting's mapping, kept in the status until a voice is set by hand
        layout = QVBoxLayout(self)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Cast")
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("New character name")
        self.add_button = QPushButton(icon("add"), "Add", self)
        row.addWidget(self.name, 1)
        row.addWidget(self.add_button)
        layout.addLayout(row)

        form = QFormLayout()
        self.narrator = QCheckBox("Narrator (speaks lines without a speaker)", self)
        self.provider = QComboBox(self)
        for label, value in PROVIDERS:
            self.provider.addItem(label, value)
        self.voice = QComboBox(self)
        self.voice.setEditable(True)
        self.voice.setToolTip("Offline: a language such as en-us, optionally +variant (en-us+f2). "
                              "ElevenLabs: a voice from your account.")
        voice_row = QHBoxLayout()
        voice_row.addWidget(self.voice, 1)
        self.apply_voice = QPushButton("Set", self)
        self.preview = QPushButton(icon("narrate"), "Preview", self)
        self.preview.setToolTip("Hear a sample line in this voice")
        voice_row.addWidget(self.apply_voice)
        voice_row.addWidget(self.preview)
        form.addRow("", self.narrator)
        form.addRow("Provider", self.provider)
        form.addRow("Voice", voice_row)
        layout.addLayout(form)
        self.cast_elevenlabs = QPushButton(icon("voice"), "Use ElevenLabs voices", self)
        self.cast_elevenlabs.setToolTip("Give every cast member still on an offline voice a distinct voice from "
                                        "your ElevenLabs library, matched on their notes and voice hints")
        layout.addWidget(self.cast_elevenlabs)
        self.status = QLabel(self)
        self.status.setProperty("role", "hint")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.add_button.clicked.connect(self.add_character)
        self.name.returnPressed.connect(self.add_character)
        self.list.currentItemChanged.connect(lambda *_: self._load_character())
        self.narrator.toggled.connect(self._narrator_toggled)
        self.provider.currentIndexChanged.connect(lambda _i: self._provider_changed())
        self.apply_voice.clicked.connect(self.set_voice)
        self.preview.clicked.connect(self.preview_selected)
        self.cast_elevenlabs.clicked.connect(self.use_elevenlabs_voices)
        session.changed.connect(self._on_changed)
        self.reload()

    # --- model -> widgets ----------------------------------------------------------------------------------
    def _on_changed(self, kind: str, _ids: tuple) -> None:
        if kind in ("cast", "project"):
            self.reload()

    def reload(self) -> None:
        current = self.character_id()
        self.list.clear()
        for character in self.session.project.cast:
            voice = character.voice
            label = f"{character.name}{'  (narrator)' if character.is_narrator else ''}\n" \
                    f"    {voice.provider}: {voice.voice_id}"
            item = QListWidgetItem(icon("voice"), label)
            item.setData(CharacterIdRole, character.id)
            self.list.addItem(item)
            if character.id == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        if not self.session.project.cast:
            self.status.setText("No cast yet. Lines without a speaker use the offline narrator voice; "
                                "add a character to give lines their own voice.")
        self._load_character()

    def character_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(CharacterIdRole) if item is not None else None

    def character(self) -> Character | None:
        cid = self.character_id()
        try:
            return self.session.project.character(cid) if cid else None
        except StoryreelError:
            return None

    def _load_character(self) -> None:
        character = self.character()
        for widget in (self.narrator, self.provider, self.voice, self.apply_voice, self.preview):
            widget.setEnabled(character is not None)
        if character is None:
            return
        self._loading = True
        try:
            self.narrator.setChecked(character.is_narrator)
            self.provider.setCurrentIndex(max(0, self.provider.findData(character.voice.provider)))
            self._fill_voices(character.voice.provider)
            self.voice.setCurrentText(character.voice.voice_id)
        finally:
            self._loading = False

    def _fill_voices(self, provider: str) -> None:
        self.voice.clear()
        if provider == "espeak":
            self.voice.addItems(OFFLINE_VOICES)
            self.status.setText("Offline voices need no account. Preview plays a sample line.")
            return
        if provider == "kokoro":
            self.status.setText("Listing the neural voices…")
            task = list_voices(self.tasks, "kokoro")
            task.succeeded.connect(self._voices_listed)
            task.failed.connect(lambda reason: self.status.setText(
                f"The neural voice is not ready: {reason}"))
            return
        if not elevenlabs_key_set():
            self.status.setText("No ElevenLabs key: add one in Settings to list your voices. "
                                "You can still type a voice id.")
            return
        self.status.setText("Listing your ElevenLabs voices…")
        task = list_voices(self.tasks, "elevenlabs")
        task.succeeded.connect(self._voices_listed)
        task.failed.connect(lambda reason: self.status.setText(f"Could not list ElevenLabs voices: {reason}"))

    def _voices_listed(self, voices: list) -> None:
        current = self.voice.currentText()
        for info in voices:
            self.voice.addItem(f"{info.name}", info.voice_id)
        self.voice.setCurrentText(current)
        provider = "neural" if self.provider.currentData() == "kokoro" else "ElevenLabs"
        self.status.setText("\n".join(t for t in (self._cast_report, f"{len(voices)} {provider} voices.") if t))

    # --- widgets -> commands -------------------------------------------------------------------------------
    def add_character(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.status.setText("Type a name first.")
            return
        if self.session.project.character_by_name(name):
            self.status.setText(f"{name} is already in the cast.")
            return
        character = Character(name=name, is_narrator=not self.session.project.cast)
        self.session.push(commands.AddCharacter(character))
        self.name.clear()
        for row in range(self.list.count()):
            if self.list.item(row).data(CharacterIdRole) == character.id:
                self.list.setCurrentRow(row)

    def _narrator_toggled(self, checked: bool) -> None:
        character = self.character()
        if self._loading or character is None or character.is_narrator == checked:
            return
        edits: list[commands.Command] = [
            commands.SetFields("character", (c.id,), {"is_narrator": False}) for c in self.session.project.cast
            if c.is_narrator and c.id != character.id and checked]
        edits.append(commands.SetFields("character", (character.id,), {"is_narrator": checked}))
        self.session.push(commands.Batch(edits, text="Set narrator") if len(edits) > 1 else edits[0])

    def _provider_changed(self) -> None:
        if not self._loading:
            self._fill_voices(self.provider.currentData())

    def chosen_voice(self) -> Voice:
        voice_id = self.voice.currentData() if self.voice.currentData() and \
            self.voice.currentText() == self.voice.itemText(self.voice.currentIndex()) else self.voice.currentText()
        return Voice(provider=self.provider.currentData(), voice_id=str(voice_id).strip() or "en-us")

    def set_voice(self) -> None:
        character = self.character()
        if character is None:
            return
        voice = self.chosen_voice()
        if voice != character.voice:
            self._cast_report = ""  # a voice chosen by hand: the casting's mapping no longer holds
            self.session.push(commands.SetCharacterVoice(character.id, voice))
            self.message.emit(f"{character.name} now speaks with {voice.provider}: {voice.voice_id}; "
                              "their lines need narrating again.")

    def use_elevenlabs_voices(self) -> None:
        """List the library in a worker; cast on the UI thread as one undoable step (Qt-free rules: auto_cast)."""
        if not elevenlabs_key_set():
            self.status.setText("No ElevenLabs key: add one in Settings to cast voices from your library.")
            return
        from studio.voice.auto_cast import characters_to_cast

        if not characters_to_cast(self.session.project):
            self.status.setText("Everyone who speaks already has an ElevenLabs voice.")
            return
        self.cast_elevenlabs.setEnabled(False)
        self.status.setText("Casting voices from your ElevenLabs library…")

        def job(_progress: object, _cancel: object) -> list:
            from studio.voice import get_provider
            from studio.voice.auto_cast import fetch_library

            return fetch_library(get_provider("elevenlabs"))

        task = self.tasks.start("Casting ElevenLabs voices", job)
        task.succeeded.connect(self._cast_from_library)
        task.failed.connect(lambda reason: self.status.setText(f"Could not list ElevenLabs voices: {reason}"))
        task.finished.connect(lambda: self.cast_elevenlabs.setEnabled(True))

    def _cast_from_library(self, library: list) -> None:
        from studio.voice.auto_cast import characters_to_cast, plan_casting

        project = self.session.project
        try:
            casting = plan_casting(project, library, characters_to_cast(project))
        except StoryreelError as exc:
            self.status.setText(str(exc))
            return
        command = casting.command(project)
        if command is None:
            return
        self._cast_report = "\n".join(casting.report())
        self.session.push(command)
        self.status.setText(self._cast_report)
        self.message.emit(f"Cast {len(casting.choices)} ElevenLabs voice(s); their lines need narrating again.")

    def preview_selected(self) -> None:
        voice = self.chosen_voice()
        self.preview.setEnabled(False)
        self.status.setText(f"Synthesizing a sample in {voice.voice_id}…")
        task = preview_voice(self.tasks, voice)
        task.succeeded.connect(self._play_preview)
        task.failed.connect(lambda reason: self.status.setText(f"Preview failed: {reason}"))
        task.finished.connect(lambda: self.preview.setEnabled(self.character() is not None))

    def _play_preview(self, path: Path) -> None:
        if self.player.play(path):
            self.status.setText("Playing a sample line.")
        else:
            self.status.setText(f"The sample was made but cannot be played: {self.player.problem}.")
