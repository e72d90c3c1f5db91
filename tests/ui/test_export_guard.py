"""The editor's export refuses a file name inside the project, like the command line, before rendering."""

from __future__ import annotations

from pathlib import Path

import cut_film_factory as factory  # tests/support

from engine.progress import CancelToken
from studio.ui.export_dialog import ExportJob, _Relay, run_export


def test_an_export_over_the_projects_files_fails_with_a_message_and_writes_nothing(qtbot, tmp_path: Path) -> None:
    document = factory.make_film(tmp_path, [factory.ShotSpec("red", frames=6)])
    take = document.bundle / document.project.shots[0].active().media
    before = take.read_bytes()
    for job in (ExportJob(take, None, "none", ()),
                ExportJob(document.bundle / "film.mp4", None, "none", ("otio",)),  # fine; its sidecar below is not
                ExportJob(document.bundle / "backups" / "film.mp4", None, "srt", ())):
        relay = _Relay()
        failures: list[str] = []
        relay.failed.connect(failures.append)
        relay.finished.connect(lambda *_, seen=failures: seen.append("finished"))
        if job.sidecars:
            (document.bundle / "film.otio").symlink_to(document.bundle / "project.json")
        run_export(document, job, CancelToken(), relay)
        assert len(failures) == 1 and "part of a project" in failures[0], failures
    assert take.read_bytes() == before and not (document.bundle / "film.mp4").exists()
