"""A small film for the storyboard and shot list tests, and how to read a storyboard PDF back with poppler
(pdftotext for the words of one panel, pdftoppm for its pixels)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import cut_film_factory as factory
import numpy as np
from PIL import Image
from still_images import save_still

from studio.cut.storyboard_pdf import PageGrid
from studio.project import Character, Line, ProjectDocument

COLOURS = ["red", "green", "blue", "yellow", "magenta", "cyan", "white", "red", "green", "blue"]
CJK_PROMPT = "灯塔看守人在暴风雨中爬上螺旋楼梯"
CJK_LINE = "爸爸，该回家了。"
LONG_PROMPT = " ".join(["The storm keeps coming over the black water"] * 12) + " and this ending is never shown"


def board_film(root: Path, shots: int = 10) -> ProjectDocument:
    """``shots`` solid-colour shots (1 s, static; shot 1 2.5 s, pushing in, with a scene); shot 2 has a CJK prompt and line, shot 3 a keyframe still, shot 4 no take
    (its story card), shot 5 a prompt far too long for a panel; two characters and a narrated line."""
    assert shots >= 5
    document = factory.make_film(root, [factory.ShotSpec(colour) for colour in COLOURS[:shots]])
    project = document.project
    project.title = "The Keeper's Last Night"
    keeper, daughter = Character(name="Keeper"), Character(name="Daughter")
    project.cast += [keeper, daughter]
    shots_ = project.shots
    shots_[0].prompt = "A white lighthouse on a black headland at dusk"
    shots_[0].scene, shots_[0].camera, shots_[0].duration_frames = "EXT. GULL ROCK - DUSK", "push_in", 60
    shots_[1].prompt = CJK_PROMPT
    shots_[2].reference = "media/stills/keyframe.png"
    still = np.zeros((90, 160, 3), np.uint8)
    still[:, :] = (250, 140, 0)  # orange: neither this shot's take (blue) nor a story card
    (document.bundle / "media/stills").mkdir(parents=True)
    save_still(still, document.bundle / "media/stills/keyframe.png")
    shots_[3].takes.clear()
    shots_[3].active_take = None
    shots_[3].prompt = "Low angle. The keeper climbs the iron spiral stair"
    shots_[4].prompt = LONG_PROMPT
    project.lines += [
        Line(text="For forty-one years, Tomas kept the light.", shot_id=shots_[0].id),
        Line(text="Just you and me tonight, Fog.", shot_id=shots_[0].id, speaker=keeper.id, offset_frames=12,
             delivery="softly"),
        Line(text=CJK_LINE, shot_id=shots_[1].id, speaker=daughter.id),
    ]
    document.save()
    return document


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def panel_text(path: Path, page: int, grid: PageGrid, slot: int) -> str:
    """The words inside panel ``slot``'s cell on ``page`` in the order they were drawn, whitespace flattened."""
    x, y = (v * 72 / 25.4 for v in grid.cell(slot))
    w, h = grid.cell_w * 72 / 25.4, grid.cell_h * 72 / 25.4
    crop = [str(round(v)) for v in (x, y, w, h)]
    args = ["-f", str(page), "-l", str(page), "-r", "72", "-x", crop[0], "-y", crop[1], "-W", crop[2], "-H", crop[3]]
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", *args, str(path), "-"], capture_output=True,
                         text=True, check=True)
    return flat(out.stdout).strip()


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


def render_page(path: Path, page: int, dpi: int = 60) -> np.ndarray:
    prefix = path.with_name(f"{path.stem}-render")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile", str(path),
                    str(prefix)], check=True)
    return np.asarray(Image.open(f"{prefix}.png").convert("RGB"))


def picture_pixels(image: np.ndarray, grid: PageGrid, slot: int, dpi: int = 60) -> np.ndarray:
    """The middle of panel ``slot``'s picture on a rendered page (a border of it left out)."""
    x, y, w, h = (v / 25.4 * dpi for v in grid.picture_box(slot))
    return image[round(y + h * 0.2):round(y + h * 0.8), round(x + w * 0.2):round(x + w * 0.8)].reshape(-1, 3)
