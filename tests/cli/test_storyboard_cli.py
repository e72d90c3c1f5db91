"""``storyreel export --format pdf|csv`` through the installed ``storyreel`` command, as a filmmaker runs it."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from storyboard_film import board_film, page_count, panel_text  # tests/support, on the test path

from studio.cut.storyboard_pdf import PageGrid

STORYREEL = Path(sys.executable).with_name("storyreel")  # the console script `pip install` made


def storyreel(*args: str) -> subprocess.CompletedProcess[str]:
    assert STORYREEL.is_file(), f"{STORYREEL} is missing: install the project (make install)"
    return subprocess.run([str(STORYREEL), *args], capture_output=True, text=True, timeout=300)


def test_export_pdf_and_csv(tmp_path):
    document = board_film(tmp_path)
    board = tmp_path / "board.pdf"
    done = storyreel("export", str(document.bundle), "--format", "pdf", "-o", str(board), "--per-page", "9",
                     "--paper", "letter")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {board} (10 shots on 2 pages)"
    assert page_count(board) == 2
    grid = PageGrid.for_board(9, "letter", 160 / 90)
    assert panel_text(board, 2, grid, 0).startswith("SHOT 10 1.0 s · static a blue frame")

    shots = tmp_path / "shots.csv"
    done = storyreel("export", str(document.bundle), "-f", "csv", "-o", str(shots))
    assert done.returncode == 0, done.stderr
    with open(shots, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10 and rows[0]["lines"].startswith("Narrator: For forty-one years")


def test_pdf_options_are_refused_for_other_formats_and_bad_values_name_the_choices(tmp_path):
    document = board_film(tmp_path, shots=5)
    done = storyreel("export", str(document.bundle), "--format", "csv", "-o", str(tmp_path / "s.csv"),
                     "--per-page", "9")
    assert done.returncode == 2 and "--per-page and --paper are options of --format pdf" in done.stderr
    done = storyreel("export", str(document.bundle), "--format", "pdf", "-o", str(tmp_path / "b.pdf"),
                     "--per-page", "8")
    assert done.returncode == 2 and "choose from 6, 9, 12" in done.stderr
    done = storyreel("export", str(document.bundle), "--format", "pdf", "-o", str(document.bundle / "project.json"))
    assert done.returncode != 0 and "project.json" in done.stderr
    assert not (tmp_path / "s.csv").exists() and not (tmp_path / "b.pdf").exists()
