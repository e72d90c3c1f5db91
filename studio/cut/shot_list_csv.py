"""The shot list as CSV for production: one row per shot in story order, plain UTF-8 with a header row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from engine.atomic_files import write_atomic
from studio.project.document import ProjectDocument

from .storyboard_panels import Panel, storyboard_panels

COLUMNS = ("shot", "id", "scene", "duration_s", "camera", "cast", "prompt", "lines", "active_take_file")


def shot_list_rows(panels: list[Panel]) -> list[dict[str, str]]:
    return [{
        "shot": str(panel.number),
        "id": panel.shot_id,
        "scene": panel.scene,
        "duration_s": f"{panel.seconds:.3f}".rstrip("0").rstrip("."),
        "camera": panel.camera,
        "cast": ", ".join(panel.cast),
        "prompt": panel.prompt,
        # One line of the script per row of the cell: a spreadsheet shows them one under another.
        "lines": "\n".join(f"{line.speaker}: {line.text}" for line in panel.lines),
        "active_take_file": panel.take_media or "",
    } for panel in panels]


def export_shot_list_csv(document: ProjectDocument, out: Path) -> Path:
    """Write the shot list of ``document`` to ``out`` atomically; returns ``out``."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(shot_list_rows(storyboard_panels(document.project, document.bundle)))
    write_atomic(Path(out), buffer.getvalue().encode("utf-8"))
    return Path(out)
