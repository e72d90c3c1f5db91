"""The export dialog writes the storyboard PDF and the shot list CSV off the GUI thread."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from storyboard_film import board_film, page_count, panel_text  # tests/support, on the test path

from studio.cut.storyboard_pdf import PageGrid
from studio.ui.export_dialog import ExportDialog
from studio.ui.session import ProjectSession


@pytest.fixture
def dialog(qtbot, tmp_path):
    session = ProjectSession(board_film(tmp_path))
    dialog = ExportDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    return session, dialog


def test_picking_pdf_shows_its_options_and_exports_the_storyboard(qtbot, dialog, tmp_path):
    session, dialog = dialog
    assert dialog.preset.isVisible() and not dialog.per_page.isVisible()
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    assert dialog.per_page.isVisible() and dialog.paper.isVisible()
    assert not dialog.preset.isVisible() and not dialog.quality.isVisible() and not dialog.subtitles.isVisible()
    assert dialog.path_edit.text().endswith(".pdf")
    dialog.per_page.setCurrentIndex(dialog.per_page.findData(9))
    dialog.paper.setCurrentIndex(dialog.paper.findData("letter"))
    out = tmp_path / "board.pdf"
    dialog.path_edit.setText(str(out))
    settings_before = session.project.export.model_dump()
    QTest.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state != "running", timeout=60_000)
    assert dialog.state == "done", dialog.status.text()
    assert dialog.output_path == out and page_count(out) == 2
    assert "10 shots on 2 pages" in dialog.status.text() and dialog.play_button.text() == "Open"
    grid = PageGrid.for_board(9, "letter", 160 / 90)
    assert panel_text(out, 1, grid, 0).startswith("SHOT 1 2.5 s · push in EXT. GULL ROCK - DUSK")
    assert session.project.export.model_dump() == settings_before  # the film's export settings are untouched


def test_the_shot_list_exports_as_csv(qtbot, dialog, tmp_path):
    session, dialog = dialog
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert not dialog.per_page.isVisible() and not dialog.preset.isVisible()
    dialog.path_edit.setText(str(tmp_path / "shots"))  # the suffix is added
    QTest.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state != "running", timeout=60_000)
    assert dialog.state == "done", dialog.status.text()
    with open(tmp_path / "shots.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["shot"] for row in rows] == [str(n) for n in range(1, 11)]
    assert rows[0]["cast"] == "Narrator, Keeper"


def test_a_storyboard_into_the_project_folder_is_refused(qtbot, dialog):
    session, dialog = dialog
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    target = session.document.bundle / "media" / "board.pdf"
    dialog.path_edit.setText(str(target))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.state != "running", timeout=30_000)
    assert dialog.state == "failed" and "media" in dialog.status.text() and not target.exists()
