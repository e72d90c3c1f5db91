"""The open editor notices when the command line saves its project, and brings the changes in: silently when it
has no unsaved edits, after asking when it has (they are kept); its next save keeps both sides' work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from studio.project import Project, Shot, store
from studio.project import commands as cmd

from .conftest import ScriptedPrompts


class RecordingPrompts(ScriptedPrompts):
    def confirm(self, title: str, message: str) -> bool:
        self.asked.append(title)
        return True


def _storyreel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "studio.cli.main", *args], check=True, capture_output=True, timeout=120)


def test_a_cli_edit_reaches_the_open_editor_and_both_edits_survive_its_save(make_window, qtbot,
                                                                           tmp_path: Path) -> None:
    bundle = store.create_bundle(tmp_path / "film", Project(shots=[Shot(id="s1", prompt="A lamp")]))
    prompts = RecordingPrompts()
    window = make_window(prompts)
    assert window.files.open_project(bundle)
    session = window.session

    _storyreel("shot", "add", str(bundle), "--prompt", "Added from the command line")
    qtbot.waitUntil(lambda: len(session.project.shots) == 2, timeout=10_000)  # no unsaved edits: no question
    assert prompts.asked == [] and session.project.shots[1].prompt == "Added from the command line"

    session.push(cmd.edit_shot("s1", prompt="Edited in the editor"))  # now unsaved work in the editor
    _storyreel("line", "add", str(bundle), "s1", "--text", "Said on the command line.")
    qtbot.waitUntil(lambda: bool(session.project.lines), timeout=10_000)
    assert session.project.shot("s1").prompt == "Edited in the editor" and session.is_dirty()
    assert prompts.asked == ["Project changed on disk"]  # unsaved edits: the editor asked first

    assert window.files.save()
    project = store.load(bundle)[0]
    assert [s.prompt for s in project.shots] == ["Edited in the editor", "Added from the command line"]
    assert [line.text for line in project.lines] == ["Said on the command line."]
    session.undo_stack.undo()  # the editor's undo still undoes its own edit, on the merged project
    assert session.project.shot("s1").prompt == "A lamp"
