"""The first-run welcome page: what it says about this machine, what each button opens, and that it is
remembered (it comes back only from Help > Welcome)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

from engine.machine_fit import GB, Machine
from engine.model_store import ModelStore
from storyreel_resources import EXAMPLE_SCRIPT, example_film, resource_path
from studio.ui.welcome_facts import WelcomeFacts, gather
from studio.ui.welcome_page import SEEN_KEY, Welcome, WelcomePage, is_first_run

LAPTOP = Machine(ram_bytes=16 * GB)
GPU_BOX = Machine(ram_bytes=64 * GB, gpu_name="NVIDIA GeForce RTX 4090", vram_bytes=24 * GB)


def facts_for(tmp_path: Path, machine: Machine, *, key: bool = False) -> WelcomeFacts:
    facts = gather(ModelStore(tmp_path / "models"), tmp_path / "logs", machine=machine, elevenlabs_key=key)
    return dataclasses.replace(facts, projects_folder=tmp_path / "projects")


def page_text(page: WelcomePage) -> str:
    return "\n".join(label.text() for label in page.findChildren(QLabel))


def start(window, tmp_path: Path, machine: Machine = LAPTOP) -> tuple[Welcome, WelcomePage]:
    welcome = Welcome(window, window.settings.qsettings, lambda: facts_for(tmp_path, machine))
    page = welcome.show()
    assert page.isVisible()
    return welcome, page


def test_a_laptop_without_a_gpu_hears_it_needs_no_download(tmp_path: Path) -> None:
    facts = facts_for(tmp_path, LAPTOP)
    assert not facts.has_gpu and facts.gpu == "No NVIDIA GPU found"
    assert facts.fitting == ()
    assert "animatic" in facts.engine and "offline voice" in facts.voice
    sizes = {m.model_id: m.download for m in facts.models}
    assert sizes["Wan-AI/Wan2.1-T2V-1.3B-Diffusers"] == "29 GB"
    assert all(m.fit == "needs a CUDA GPU" and not m.on_disk for m in facts.models)
    assert facts.models_folder == f"the model folder {tmp_path / 'models'}"


def test_a_gpu_box_hears_its_gpu_and_which_models_fit(qtbot, tmp_path: Path) -> None:
    facts = facts_for(tmp_path, GPU_BOX, key=True)
    fitting = {m.model_id: m.fit for m in facts.fitting}
    assert fitting["Wan-AI/Wan2.1-T2V-1.3B-Diffusers"] == "fits on the GPU"  # 14.5 GB of weights in 24 GB
    assert "Wan-AI/Wan2.2-T2V-A14B-Diffusers" not in fitting  # 68 GB: more than VRAM and RAM allow
    assert "ElevenLabs voices too" in facts.voice
    page = WelcomePage(facts)
    qtbot.addWidget(page)
    text = page_text(page)
    assert "NVIDIA GeForce RTX 4090, 24 GB of memory" in text
    assert f"{len(facts.fitting)} of these fit this computer" in text
    assert "Wan 2.2 text-to-video A14B (MoE)" in text and "126 GB" in text


def test_first_run_lasts_until_the_page_was_seen(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "fresh.ini"), QSettings.Format.IniFormat)
    assert is_first_run(settings)  # no settings yet
    settings.setValue("recent/projects", ["/somewhere/film.storyreel"])  # the first start opened a project
    assert is_first_run(settings)
    settings.setValue(SEEN_KEY, True)
    assert not is_first_run(settings)


def test_skip_is_remembered_and_help_welcome_brings_it_back(make_window, tmp_path: Path, settings_path: Path) -> None:
    window = make_window()
    assert is_first_run(window.settings.qsettings)
    welcome, page = start(window, tmp_path)
    page.skip_button.click()
    assert not page.isVisible() and page.choice == "skip"
    assert window.session.project.shots == []  # nothing opened
    assert QSettings(str(settings_path), QSettings.Format.IniFormat).value(SEEN_KEY) in (True, "true")
    assert not is_first_run(QSettings(str(settings_path), QSettings.Format.IniFormat))

    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    item = next(a for a in help_menu.actions() if a.text() == "&Welcome")
    item.trigger()
    assert welcome.page is not None and welcome.page.isVisible()
    welcome.page.reject()  # Esc or the title bar's close button: a skip too
    assert welcome.page is None or not welcome.page.isVisible()


def test_open_the_example_film_copies_it_and_opens_the_copy(make_window, tmp_path: Path, qtbot) -> None:
    window = make_window()
    _welcome, page = start(window, tmp_path)
    page.example_button.click()
    copy = tmp_path / "projects" / example_film().name
    assert window.session.document.bundle == copy
    assert json.loads((copy / "project.json").read_text("utf-8"))["title"] == "The Lighthouse Keeper"
    assert len(window.session.project.shots) == len(json.loads(
        (example_film() / "project.json").read_text("utf-8"))["shots"]) > 0
    assert window.settings.recent_projects()[0] == str(copy)
    assert window.settings.qsettings.value(SEEN_KEY) in (True, "true")


def test_open_the_example_again_keeps_the_work_in_the_copy(make_window, tmp_path: Path) -> None:
    window = make_window()
    _welcome, page = start(window, tmp_path)
    page.example_button.click()
    copy = window.session.document.bundle
    document = json.loads((copy / "project.json").read_text("utf-8"))
    document["title"] = "My Lighthouse"
    (copy / "project.json").write_text(json.dumps(document), "utf-8")
    _welcome, page = start(window, tmp_path)
    page.example_button.click()
    assert window.session.project.title == "My Lighthouse"


def test_import_a_screenplay_asks_for_the_file_and_imports_it(make_window, prompts, tmp_path: Path) -> None:
    prompts.paths = [resource_path(EXAMPLE_SCRIPT)]
    window = make_window(prompts)
    _welcome, page = start(window, tmp_path)
    page.import_button.click()
    assert not prompts.paths  # the file question was asked
    assert len(window.session.project.shots) > 3
    assert prompts.errors == []


def test_start_empty_keeps_the_empty_project_and_says_what_next(make_window, tmp_path: Path) -> None:
    window = make_window()
    _welcome, page = start(window, tmp_path)
    page.empty_button.click()
    assert not page.isVisible() and page.choice == "empty"
    assert window.session.project.shots == [] and window.session.document.bundle is None
    assert "add a shot" in window.statusBar().currentMessage()
    assert window.settings.qsettings.value(SEEN_KEY) in (True, "true")
