"""The PDF storyboard, read back with poppler: pdftotext finds the words, pdftoppm shows the pictures."""

from __future__ import annotations

import re
import subprocess

import pytest
from storyboard_film import (  # tests/support, on the test path
    CJK_LINE,
    CJK_PROMPT,
    board_film,
    flat,
    page_count,
    panel_text,
    pdf_text,
    picture_pixels,
    render_page,
)

from studio.cut.errors import CutError
from studio.cut.storyboard_pdf import PageGrid, export_storyboard_pdf


def test_the_board_has_title_prompts_lines_with_speakers_and_page_numbers(film_factory, tmp_path):
    document = board_film(tmp_path)
    out = tmp_path / "board.pdf"
    report = export_storyboard_pdf(document, out)
    assert (report.pages, report.panels) == (2, 10) and page_count(out) == 2
    text = pdf_text(out)
    pages = text.split("\f")
    assert "The Keeper's Last Night" in pages[0].splitlines()[0]  # the title heads the first page
    grid = PageGrid.for_board(6, "a4", 160 / 90)
    first = panel_text(out, 1, grid, 0)
    assert first == ("SHOT 1 2.5 s · push in EXT. GULL ROCK - DUSK A white lighthouse on a black headland at dusk "
                     "NARRATOR For forty-one years, Tomas kept the light. KEEPER (softly) Just you and me tonight, Fog.")
    assert panel_text(out, 1, grid, 3) == "SHOT 4 1.0 s · static Low angle. The keeper climbs the iron spiral stair"
    assert "DAUGHTER" in panel_text(out, 1, grid, 1)
    assert panel_text(out, 2, grid, 3).startswith("SHOT 10 1.0 s · static")  # ten shots: four on the second page
    assert "Page 1 of 2" in pages[0] and "Page 2 of 2" in pages[1]
    # Shots in story order: shot 6 is on the first page, shot 7 on the second.
    assert "SHOT 6" in pages[0] and "SHOT 7" in pages[1] and "SHOT 7" not in pages[0]


def test_cjk_prompts_and_lines_survive_extraction(film_factory, tmp_path):
    out = tmp_path / "board.pdf"
    export_storyboard_pdf(board_film(tmp_path, shots=5), out)
    panel = panel_text(out, 1, PageGrid.for_board(6, "a4", 160 / 90), 1)
    assert panel.replace(" ", "") == f"SHOT21.0s·static{CJK_PROMPT}DAUGHTER{CJK_LINE}"
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJK" in fonts  # the bundled face, embedded (a CFF font: "Type 0C")
    assert all(" yes " in line for line in fonts.splitlines()[2:])  # every font is embedded


def test_a_long_prompt_is_cut_with_an_ellipsis_inside_its_panel(film_factory, tmp_path):
    out = tmp_path / "board.pdf"
    export_storyboard_pdf(board_film(tmp_path), out)
    grid = PageGrid.for_board(6, "a4", 160 / 90)
    panel = panel_text(out, 1, grid, 4)
    assert panel.startswith("SHOT 5 1.0 s · static The storm keeps coming over the black water The storm")
    assert panel.endswith("…") and "never shown" not in flat(pdf_text(out))
    # Every word of the panel stays inside its column: no line of text reaches into the next panel's column.
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(out), "-"], capture_output=True,
                           text=True, check=True).stdout
    x_right = grid.cell(4)[0] + grid.cell_w  # shot 5 is the middle panel of the second row
    storm = [float(m[1]) for m in re.finditer(r'xMax="([\d.]+)"[^>]*>(storm|water|coming)<', boxes)]
    assert storm and max(storm) * 25.4 / 72 <= x_right + 0.5


@pytest.mark.parametrize(("per_page", "paper", "pages"), [(6, "a4", 2), (9, "letter", 2), (12, "a4", 1)])
def test_page_count_follows_panels_per_page(film_factory, tmp_path, per_page, paper, pages):
    out = tmp_path / f"board-{per_page}.pdf"
    report = export_storyboard_pdf(board_film(tmp_path), out, per_page=per_page, paper=paper)
    assert report.pages == pages and page_count(out) == pages
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    expected = {"a4": (595.3, 841.9), "letter": (612.0, 792.0)}[paper]
    assert sorted(float(v) for v in size.groups()) == pytest.approx(sorted(expected), abs=0.5)


def test_panels_show_the_keyframe_the_take_or_the_story_card(film_factory, tmp_path):
    out = tmp_path / "board.pdf"
    export_storyboard_pdf(board_film(tmp_path), out)
    page = render_page(out, 1)
    grid = PageGrid.for_board(6, "a4", 160 / 90)
    take = picture_pixels(page, grid, 0).mean(axis=0)  # shot 1: its red take
    assert take[0] > 200 and take[1] < 60 and take[2] < 60
    keyframe = picture_pixels(page, grid, 2).mean(axis=0)  # shot 3: the orange keyframe, not its blue take
    assert keyframe[0] > 200 and 100 < keyframe[1] < 180 and keyframe[2] < 60
    card = picture_pixels(page, grid, 3)  # shot 4 has no take: its story card, a dark card with light type
    assert card.mean() < 120 and card.std() > 8 and (card.min(axis=1) > 200).any()


def test_a_keyframe_that_cannot_be_read_is_named_and_the_take_shown(film_factory, tmp_path):
    document = board_film(tmp_path, shots=5)
    (document.bundle / "media/stills/keyframe.png").write_bytes(b"not a picture")
    out = tmp_path / "board.pdf"
    report = export_storyboard_pdf(document, out)
    assert any("shot 3" in w and "keyframe.png" in w for w in report.warnings)
    blue = picture_pixels(render_page(out, 1), PageGrid.for_board(6, "a4", 160 / 90), 2).mean(axis=0)
    assert blue[2] > 200 and blue[0] < 60


def test_bad_options_and_an_empty_film_fail_clearly_and_write_nothing(film_factory, tmp_path):
    document = board_film(tmp_path, shots=5)
    out = tmp_path / "board.pdf"
    with pytest.raises(CutError, match="6, 9, 12 panels"):
        export_storyboard_pdf(document, out, per_page=8)
    with pytest.raises(CutError, match="paper"):
        export_storyboard_pdf(document, out, paper="a3")
    document.project.shots.clear()
    document.project.lines.clear()
    with pytest.raises(CutError, match="no shots"):
        export_storyboard_pdf(document, out)
    assert not out.exists() and not list(tmp_path.glob(".board.*"))


def test_the_take_frame_is_the_middle_of_the_part_the_cut_uses(tmp_path):
    from timeline_fixtures import write_solid_clip  # frame i has a white bar at x = 4 i

    from studio.cut.storyboard_panels import panel_picture

    document = board_film(tmp_path, shots=5)
    shot = document.project.shots[0]
    take = shot.active()
    write_solid_clip(document.bundle / take.media, (200, 30, 30), 30)
    take.trim_in, take.trim_out = 4, 20  # frames 4..19 are in the cut: the middle one is 11
    warnings: list[str] = []
    frame = panel_picture(document.project, document.bundle, shot, (160, 90), warnings)
    bar = [x for x in range(160) if frame[5, x].min() > 200]
    assert warnings == [] and 44 in bar and min(bar) >= 42 and max(bar) <= 49
    assert frame[60, 80, 0] > 150 and frame[60, 80, 2] < 80


def test_progress_is_reported_per_shot_and_a_cancel_writes_nothing(tmp_path):
    from engine.progress import Cancelled, CancelToken

    document = board_film(tmp_path, shots=5)
    seen = []
    export_storyboard_pdf(document, tmp_path / "board.pdf", progress=seen.append)
    assert [(p.done, p.total) for p in seen] == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    token = CancelToken()

    def cancel_at_shot_3(progress) -> None:
        if progress.done == 2:
            token.cancel()

    out = tmp_path / "cancelled.pdf"
    with pytest.raises(Cancelled):
        export_storyboard_pdf(document, out, progress=cancel_at_shot_3, cancel=token)
    assert not out.exists() and not list(tmp_path.glob(".cancelled.*"))
