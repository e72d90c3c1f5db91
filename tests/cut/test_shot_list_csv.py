"""The shot list CSV, read back with csv.DictReader."""

from __future__ import annotations

import csv

from storyboard_film import CJK_LINE, CJK_PROMPT, LONG_PROMPT, board_film  # tests/support, on the test path

from studio.cut.shot_list_csv import COLUMNS, export_shot_list_csv


def read_rows(path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_one_row_per_shot_in_story_order(tmp_path):
    document = board_film(tmp_path, shots=6)
    out = tmp_path / "shots.csv"
    assert export_shot_list_csv(document, out) == out
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")  # plain UTF-8, no byte order mark
    header, rows = read_rows(out)
    assert header == list(COLUMNS) == ["shot", "id", "scene", "duration_s", "camera", "cast", "prompt", "lines",
                                       "active_take_file"]
    assert [row["shot"] for row in rows] == ["1", "2", "3", "4", "5", "6"]
    assert [row["id"] for row in rows] == [shot.id for shot in document.project.shots]
    first = rows[0]
    assert first == {
        "shot": "1", "id": "shot_0", "scene": "EXT. GULL ROCK - DUSK", "duration_s": "2.5", "camera": "push in",
        "cast": "Narrator, Keeper", "prompt": "A white lighthouse on a black headland at dusk",
        "lines": "Narrator: For forty-one years, Tomas kept the light.\nKeeper: Just you and me tonight, Fog.",
        "active_take_file": "media/takes/s0/clip.mp4",
    }
    assert (rows[1]["prompt"], rows[1]["cast"], rows[1]["lines"]) == (CJK_PROMPT, "Daughter", f"Daughter: {CJK_LINE}")
    assert (rows[2]["duration_s"], rows[2]["camera"], rows[2]["cast"], rows[2]["lines"]) == ("1", "static", "", "")
    assert rows[3]["active_take_file"] == ""  # shot 4 has no take
    assert rows[4]["prompt"] == LONG_PROMPT  # the list keeps the whole prompt; only the board cuts it


def test_a_take_whose_clip_is_gone_is_not_listed_and_a_narrator_character_speaks_unassigned_lines(tmp_path):
    from studio.project import Character

    document = board_film(tmp_path, shots=5)
    (document.bundle / "media/takes/s1/clip.mp4").unlink()
    document.project.cast.append(Character(name="Old Tomas", is_narrator=True))
    document.project.shots[2].duration_frames = 31  # 1.291666... s
    out = tmp_path / "shots.csv"
    export_shot_list_csv(document, out)
    _, rows = read_rows(out)
    assert rows[1]["active_take_file"] == "" and rows[0]["active_take_file"] == "media/takes/s0/clip.mp4"
    assert rows[0]["lines"].startswith("Old Tomas: For forty-one years") and rows[0]["cast"] == "Old Tomas, Keeper"
    assert rows[2]["duration_s"] == "1.292"
