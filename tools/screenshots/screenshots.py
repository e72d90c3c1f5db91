"""Screenshots of the editor's main states, for the docs: ``python tools/screenshots/screenshots.py OUTDIR``.

Runs the real main window offscreen on a copy of the example project (the-lighthouse-keeper), gives most of
its shots animatic takes, narrates its lines (offline espeak), makes their sounds (offline), and writes:
  01-start.png          the editor as it first opens (an empty project)
  02-storyboard.png     the storyboard with takes, the preview on a shot, the timeline with voice and music
  03-generating.png     a take generating in the engine worker (queue progress, storyboard badge)
  04-export.png         the export dialog finishing an export, over the window
  05-timeline.png       the timeline close up (filmstrips, a crossfade, narration waveforms, music)
  06-welcome.png        the first-run welcome page over the empty window (``--welcome-only`` draws just this one)
  07-keyframes-and-cast.png  a story-card keyframe showing its cast's stills, the Keyframes strip, the Cast &
                        Locations sheet of the keeper
The preview runs in its frame mode, since QtMultimedia video items render nothing offscreen.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "resources" / "examples" / "the-lighthouse-keeper.storyreel"
LEAVE_WITHOUT_TAKE = 2  # the last shots stay ungenerated, so the storyboard shows that state too


def log(message: str) -> None:
    print(f"[screenshots] {message}", file=sys.stderr, flush=True)


def prepare_project(work: Path) -> Path:
    """A copy of the example with animatic takes on most shots and narrated lines (builds a small one if absent)."""
    from dataclasses import replace

    from engine.backends.animatic import AnimaticBackend
    from studio.generation import request_for_shot, take_from_result
    from studio.project import ProjectDocument, Shot
    from studio.project.commands import AddShot, AddTake, Batch

    bundle = work / "the-lighthouse-keeper.storyreel"
    if EXAMPLE.is_dir():
        shutil.copytree(EXAMPLE, bundle, ignore=shutil.ignore_patterns("autosave.json"))
        document, _ = ProjectDocument.open(bundle)
    else:  # no example: a few shots are enough to show every state
        from studio.project import Project

        document = ProjectDocument.create(bundle, Project(title="The Lighthouse Keeper"))
        prompts = ["A lighthouse on a black headland at dusk", "The keeper climbs the spiral stair",
                   "The lamp room, the great lens turning", "A ship's lights far out at sea",
                   "Dawn over a calm sea"]
        document.execute(Batch([AddShot(Shot(prompt=p, duration_frames=72)) for p in prompts]))
        document.save()
    project = document.project
    backend = AnimaticBackend(preset="veryfast")
    commands = []
    for index, shot in enumerate(project.shots[: max(1, len(project.shots) - LEAVE_WITHOUT_TAKE)]):
        if shot.active() is not None:
            continue
        log(f"generating shot {index + 1}/{len(project.shots)}")
        request = request_for_shot(project, shot, bundle)
        # Half size keeps the script quick; the thumbnails and preview look the same.
        request = replace(request, width=request.width // 4 * 2, height=request.height // 4 * 2)
        with tempfile.TemporaryDirectory(dir=work) as out:
            result = backend.generate(request, Path(out))
            commands.append(AddTake(shot.id, take_from_result(bundle, shot.id, result)))
    if commands:
        document.execute(Batch(commands, text="Generate takes"))
    document.save()
    log("narrating lines (espeak)")
    from studio.voice import narrate_missing

    narrate_missing(document, provider="espeak")
    log("making the shots' sounds (offline ambiences)")
    from studio.sound.sound_takes import make_sounds

    make_sounds(document)
    document.save()
    return bundle


def settle(app, seconds: float = 0.3) -> None:
    """Let queued events, coalesced rebuilds and background thumbnails land."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def wait_for(app, condition, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.05)
    return False


def finish_thumbnails(app, window) -> None:
    timeline = window.panels.get("timeline")
    if timeline is not None and hasattr(timeline, "filmstrips"):
        timeline.viewport().repaint()  # asks for the visible filmstrips
        timeline.filmstrips.wait()
    settle(app, 0.5)


def save(widget_or_pixmap, path: Path) -> None:
    pixmap = widget_or_pixmap if hasattr(widget_or_pixmap, "save") and not hasattr(widget_or_pixmap, "grab") \
        else widget_or_pixmap.grab()
    if not pixmap.save(str(path)):
        raise OSError(f"could not write {path}")
    log(f"wrote {path}")


def save_welcome(app, window, path: Path) -> None:
    """The welcome page as a first start shows it, over the empty window; closed again with Skip."""
    from engine.model_store import ModelStore
    from studio.ui.app_log import log_dir
    from studio.ui.welcome_facts import gather
    from studio.ui.welcome_page import Welcome

    welcome = Welcome(window, window.settings.qsettings, lambda: gather(ModelStore(None), log_dir()))
    page = welcome.show()
    settle(app, 0.5)
    save(over_window(window, page), path)
    page.skip_button.click()
    settle(app, 0.2)


def over_window(window, dialog):
    """The window with a dialog centred on it, dimmed behind (a top-level dialog is not in window.grab())."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QPainter

    shot = window.grab()
    painter = QPainter(shot)
    painter.fillRect(shot.rect(), QColor(0, 0, 0, 110))
    image = dialog.grab()
    title_h = 28  # offscreen windows have no decorations: draw the title bar a desktop would
    x, y = (shot.width() - image.width()) // 2, (shot.height() - image.height() - title_h) // 3
    painter.fillRect(x - 1, y - 1, image.width() + 2, image.height() + title_h + 2, QColor("#3a3f48"))
    painter.fillRect(x, y, image.width(), title_h, QColor("#2a2e34"))
    painter.setPen(QColor("#d5d8de"))
    painter.drawText(QRect(x, y, image.width(), title_h), Qt.AlignmentFlag.AlignCenter, dialog.windowTitle())
    painter.drawPixmap(x, y + title_h, image)
    painter.end()
    return shot


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--welcome-only", action="store_true", help="draw 06-welcome.png only")
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    import studio.ui.preview_player as preview_player
    from studio.ui.main_window import MainWindow
    from studio.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([sys.argv[0]])
    apply_theme(app)
    original_player = preview_player.PreviewPlayer

    class FramePreview(original_player):  # offscreen, a video item grabs black: show decoded frames
        def __init__(self, session, parent=None, **options):
            super().__init__(session, parent, use_multimedia=False)
            self.notice.hide()  # the frames are what the video item shows on a desktop; no notice there

    preview_player.PreviewPlayer = FramePreview

    with tempfile.TemporaryDirectory(prefix="storyreel-shots-") as tmp:
        work = Path(tmp)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
        settings = QSettings(str(work / "settings" / "studio.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings)
        window.resize(1600, 1000)
        window.show()
        settle(app, 0.5)
        if not args.welcome_only:
            save(window, args.outdir / "01-start.png")
        save_welcome(app, window, args.outdir / "06-welcome.png")
        if args.welcome_only:
            window.shutdown()
            window.close()
            return 0

        bundle = prepare_project(work)
        assert window.open_project(bundle), "the example project did not open"
        session = window.session
        project = session.project
        third = project.shots[min(2, len(project.shots) - 1)]
        session.select_shots([third.id])
        session.set_playhead(project.shot_starts()[third.id] + third.duration_frames // 2)
        if len(project.shots) > 3:
            timeline = window.panels["timeline"]
            timeline.set_transition(project.shots[3].id, "crossfade", 1.0)
        settle(app)
        if "timeline" in window.panels and hasattr(window.panels["timeline"], "zoom_fit"):
            window.panels["timeline"].zoom_fit()
        finish_thumbnails(app, window)
        save(window, args.outdir / "02-storyboard.png")

        # Keyframes and the cast: the jetty shot (no still of its own) gets its keyframe, the story card with
        # the stills of who and where is in it; then the Cast & Locations sheet of the keeper.
        jetty = next((s for s in project.shots if s.id == "shot_09_jetty"), None)
        if jetty is not None and window.generation is not None:
            session.select_shots([jetty.id])
            window.generation_actions.generate_keyframes([jetty.id])
            wait_for(app, lambda: bool(session.project.shot(jetty.id).keyframes), 120)
            window.docks["keyframes"].raise_()
            window.docks["elements"].raise_()
            keeper = session.project.element_by_name("Keeper")
            if keeper is not None:
                window.panels["elements"].select(keeper.id)
            finish_thumbnails(app, window)
            save(window, args.outdir / "07-keyframes-and-cast.png")
            window.docks["takes"].raise_()
            window.docks["inspector"].raise_()
            session.select_shots([third.id])

        timeline = window.panels["timeline"]
        timeline.set_zoom(4.0)
        timeline.horizontalScrollBar().setValue(0)
        finish_thumbnails(app, window)
        save(timeline, args.outdir / "05-timeline.png")
        timeline.zoom_fit()

        pending = [s.id for s in project.shots if s.active() is None]
        if pending and window.generation is not None:
            session.select_shots(pending)
            window.generate(new_takes=2)  # a queue: one running, the others waiting
            generation = window.generation
            started = wait_for(app, lambda: any(r.state == "generating" and r.step > 0 for r in generation.jobs()),
                               timeout=180)
            finish_thumbnails(app, window)
            save(window, args.outdir / "03-generating.png")
            if not started:
                log("the engine did not report progress in time; 03-generating.png shows the queued jobs")
            wait_for(app, lambda: all(s.active() is not None for s in project.shots), timeout=300)
            wait_for(app, lambda: not generation.active_jobs(), timeout=300)
        else:
            log("every shot has a take (or no engine): no generation screenshot")

        from studio.ui.export_dialog import ExportDialog

        session.select_shots([third.id])
        dialog = ExportDialog(session, window)
        dialog.path_edit.setText(str(work / "the-lighthouse-keeper.mp4"))
        dialog.preset.setCurrentIndex(2)  # 720p draft
        dialog.subtitles.setCurrentIndex(dialog.subtitles.findData("srt"))
        dialog.sidecar_checks["otio"].setChecked(True)
        dialog.show()
        settle(app, 0.2)
        if all(s.active() is not None for s in project.shots):
            dialog.start()
            wait_for(app, lambda: dialog.state != "running" or dialog.progress.value() > 250, timeout=300)
        settle(app, 0.2)
        save(over_window(window, dialog), args.outdir / "04-export.png")
        dialog.cancel()
        dialog.wait(60)
        settle(app, 0.2)
        dialog.close()
        window.shutdown()
        window.close()
    preview_player.PreviewPlayer = original_player
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
