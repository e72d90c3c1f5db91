"""Cast & Locations in the editor: type a name and click to add a character and a location, describe them,
give them stills, tick them into a shot in the inspector; each edit is one undo step, and @Name in a prompt
shows the element as in the shot."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from skimage import data as skdata
from still_images import save_still

from .test_editing import new_film, type_character, type_shot


def test_add_describe_and_cast_elements_by_mouse_and_keyboard(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    bundle = new_film(window, tmp_path)
    panel = window.panels["elements"]
    assert panel.hint.isVisibleTo(panel)  # empty: it says what the panel is for
    type_character(qtbot, window, "Keeper")
    qtbot.keyClicks(panel.name, "Gull Rock")
    qtbot.mouseClick(panel.add_location_button, Qt.MouseButton.LeftButton)
    project = window.session.project
    assert [c.name for c in project.cast] == ["Keeper"] and [loc.name for loc in project.locations] == ["Gull Rock"]

    panel.select(project.cast[0].id)
    qtbot.keyClicks(panel.description, "an old man in a yellow oilskin")
    assert project.cast[0].description == "an old man in a yellow oilskin"
    assert panel.add_reference(save_still(skdata.astronaut(), tmp_path / "keeper.png"))
    keeper = project.cast[0]
    assert len(keeper.references) == 1 and (bundle / keeper.references[0]).is_file()
    assert panel.stills.count() == 1 and "1 still(s)" in panel.list.item(0).text()
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    assert not panel.add_reference(text) and "not an image" in window.statusBar().currentMessage()

    # Tick the keeper into a shot; the location comes in through @ in the prompt.
    stack = window.session.undo_stack
    before_shot = stack.index()
    shot = type_shot(qtbot, window, "The lamp room, @Gull Rock at dusk")
    chips = window.panels["inspector"].cast
    assert chips.count() == 2
    rock = next(chips.item(r) for r in range(chips.count()) if "Gull Rock" in chips.item(r).text())
    assert rock.checkState() == Qt.CheckState.Checked and not rock.flags() & Qt.ItemFlag.ItemIsEnabled
    keeper_chip = next(chips.item(r) for r in range(chips.count()) if chips.item(r).text() == "Keeper")
    rect = chips.visualItemRect(keeper_chip)
    qtbot.mouseClick(chips.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 9, rect.center().y()))
    assert project.shot(shot).cast == [keeper.id]  # a click on its box

    # Undo: the shot's cast, the shot, the still, the description (typing was one step).
    window.undo_action.trigger()
    assert project.shot(shot).cast == []
    while stack.index() > before_shot:  # the shot itself
        window.undo_action.trigger()
    assert project.shots == [] and len(project.cast[0].references) == 1
    window.undo_action.trigger()
    assert project.cast[0].references == []
    window.undo_action.trigger()
    assert project.cast[0].description == ""

    panel.select(project.locations[0].id)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert project.locations == []


def _drop_files(qtbot, widget, paths: list[Path]) -> None:
    """Drop files from the desktop on ``widget``, as a file manager does (enter, move, drop)."""
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    at = QPointF(widget.rect().center())
    action, buttons, mods = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for event in (QDragEnterEvent(at, action, mime, buttons, mods),
                  QDragMoveEvent(at, action, mime, buttons, mods),
                  QDropEvent(at, action, mime, buttons, mods)):
        QApplication.sendEvent(widget, event)


def _lora_file(path: Path) -> Path:
    import torch
    from safetensors.torch import save_file

    save_file({"unet.up.lora_A.weight": torch.zeros(4, 2), "unet.up.lora_B.weight": torch.zeros(2, 4)}, str(path))
    return path


def test_loras_of_an_element_and_of_the_film_by_drop_and_keyboard(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    bundle = new_film(window, tmp_path)
    panel = window.panels["elements"]
    project = window.session.project
    keeper = project.character(type_character(qtbot, window, "Keeper"))

    # A character's LoRA: dropped on its list, copied into the project, strength typed, one undo step each.
    _drop_files(qtbot, panel.loras.list.viewport(), [_lora_file(tmp_path / "keeper.safetensors")])
    assert [Path(lora.path).name for lora in keeper.loras] == ["keeper.safetensors"]
    assert (bundle / keeper.loras[0].path).is_file() and len(keeper.loras[0].sha256) == 64
    assert panel.loras.list.count() == 1 and panel.loras.strength.isEnabled()
    panel.loras.strength.setFocus()
    panel.loras.strength.selectAll()
    qtbot.keyClicks(panel.loras.strength, "0.7")
    qtbot.keyClick(panel.loras.strength, Qt.Key.Key_Return)
    assert keeper.loras[0].strength == 0.7 and "×0.7" in panel.loras.list.item(0).text()

    notes = tmp_path / "notes.safetensors"
    notes.write_text("not weights")
    _drop_files(qtbot, panel.loras.list.viewport(), [notes])
    assert len(keeper.loras) == 1 and "notes.safetensors" in window.statusBar().currentMessage()

    # The film's style LoRA, below the list: every generated shot applies it.
    _drop_files(qtbot, panel.style_loras.list.viewport(), [_lora_file(tmp_path / "ink.safetensors")])
    assert [Path(lora.path).name for lora in project.style_loras] == ["ink.safetensors"]
    qtbot.mouseClick(panel.style_loras.remove_button, Qt.MouseButton.LeftButton)
    assert project.style_loras == []

    window.undo_action.trigger()  # the removal
    assert [Path(lora.path).name for lora in window.session.project.style_loras] == ["ink.safetensors"]
    window.undo_action.trigger()  # the style LoRA
    window.undo_action.trigger()  # the strength (typing it was one step)
    assert window.session.project.style_loras == [] and keeper.loras[0].strength == 1.0
    window.undo_action.trigger()
    assert keeper.loras == [] and panel.loras.list.count() == 0
