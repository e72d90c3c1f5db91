"""Cast & Locations in the editor: type a name and click to add a character and a location, describe them,
give them stills, tick them into a shot in the inspector; each edit is one undo step, and @Name in a prompt
shows the element as in the shot."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from skimage import data as skdata
from still_images import save_still

from .test_editing import new_film, type_shot


def test_add_describe_and_cast_elements_by_mouse_and_keyboard(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    bundle = new_film(window, tmp_path)
    panel = window.panels["elements"]
    assert panel.hint.isVisibleTo(panel)  # empty: it says what the panel is for
    qtbot.keyClicks(panel.name, "Keeper")
    qtbot.mouseClick(panel.add_character_button, Qt.MouseButton.LeftButton)
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
