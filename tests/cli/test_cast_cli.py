"""Characters and locations from the command line: `cast add|list|edit|rm`, `shot add --cast` and `@Name` in
prompts; generation records the elements a take used, and changing their stills marks the take stale."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from skimage import data as skdata
from still_images import save_still

from studio.generation.requests import request_for_shot
from studio.project import store


def _ok(done) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _refused(done, words: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert words in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def _tiny_lora(path: Path, names: tuple[str, ...] = ("unet.up.lora_A.weight", "unet.up.lora_B.weight")) -> Path:
    import torch
    from safetensors.torch import save_file

    save_file({name: torch.zeros(4, 2) for name in names}, str(path))
    return path


def test_cast_and_locations_reach_the_shots_and_their_takes(cli, tmp_path: Path) -> None:
    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "192x108", "--fps", "12"))
    keeper = _ok(cli("cast", "add", str(bundle), "Keeper", "--description", "an old man in a yellow oilskin",
                     "--ref", str(save_still(skdata.astronaut(), tmp_path / "keeper.png")),
                     "--lora", f"{_tiny_lora(tmp_path / 'keeper.safetensors')}:0.8")).strip()
    rock = _ok(cli("cast", "add", str(bundle), "Gull Rock", "--kind", "location", "--description",
                   "a white lighthouse on a black rock", "--ref",
                   str(save_still(skdata.coffee(), tmp_path / "rock.png")))).strip()
    assert keeper.startswith("chr_") and rock.startswith("loc_")
    _refused(cli("cast", "add", str(bundle), "keeper"), "already a character or location named")

    listed = {e["name"]: e for e in json.loads(_ok(cli("cast", "list", str(bundle), "--json")))}
    assert listed["Keeper"]["kind"] == "character" and listed["Gull Rock"]["kind"] == "location"
    assert all((bundle / path).is_file() for e in listed.values() for path in e["references"])
    lora = listed["Keeper"]["loras"][0]
    assert lora["strength"] == 0.8 and len(lora["sha256"]) == 64 and (bundle / lora["path"]).is_file()

    shot = _ok(cli("shot", "add", str(bundle), "--prompt", "@Keeper climbs the stairs", "--cast", "Gull Rock",
                   "--duration", "1")).strip()
    _refused(cli("shot", "edit", str(bundle), shot, "--cast", "Nobody"), "no character or location of that name")
    project = store.load(bundle)[0]
    assert project.shot(shot).cast == [rock]
    # Models read the descriptions of everyone in the shot (named or @-mentioned); the animatic shows the words.
    model = request_for_shot(project, project.shot(shot), bundle, backend="animatic")
    assert model.prompt == "Keeper climbs the stairs"
    from studio.generation.elements import model_prompt

    assert model_prompt(project, project.shot(shot)) == (
        "Keeper climbs the stairs. Gull Rock: a white lighthouse on a black rock. Keeper: an old man in a yellow "
        "oilskin.")

    _ok(cli("generate", str(bundle)))
    summary = {s["id"]: s for s in json.loads(_ok(cli("shot", "list", str(bundle), "--json")))}[shot]
    assert summary["cast"] == ["Gull Rock"] and summary["stale"] is None
    assert set(summary["lineage"]["elements"]) == {keeper, rock}

    # New stills for the keeper: the take made with the old ones is stale (shown, never deleted).
    _ok(cli("cast", "edit", str(bundle), "Keeper", "--ref", str(save_still(skdata.chelsea(), tmp_path / "k2.png"))))
    summary = {s["id"]: s for s in json.loads(_ok(cli("shot", "list", str(bundle), "--json")))}[shot]
    assert summary["stale"] == "Keeper's reference images changed since this take was made"
    assert summary["takes"] == 1

    info = json.loads(_ok(cli("info", str(bundle), "--json")))
    assert info["locations"] == ["Gull Rock"] and info["cast"] == ["Keeper"]

    _ok(cli("cast", "rm", str(bundle), "Gull Rock"))
    assert store.load(bundle)[0].shot(shot).cast == []


def test_bad_element_input_is_refused_with_the_reason(cli, tmp_path: Path) -> None:
    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "192x108"))
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    _refused(cli("cast", "add", str(bundle), "Keeper", "--ref", str(text)), "not an image")
    _refused(cli("cast", "add", str(bundle), "Keeper", "--lora", str(tmp_path / "missing.safetensors")),
             "missing.safetensors")
    weights = tmp_path / "model.safetensors"
    _tiny_lora(weights, names=("transformer.blocks.0.attn.weight",))
    _refused(cli("cast", "add", str(bundle), "Keeper", "--lora", str(weights)), "no LoRA weights")
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(struct.pack("<Q", 10**12) + b"{}")
    _refused(cli("cast", "add", str(bundle), "Keeper", "--lora", str(broken)), "not a safetensors file")
    _refused(cli("cast", "edit", str(bundle), "Nobody", "--description", "x"), "no character or location named")
    assert store.load(bundle)[0].elements() == []  # nothing half-added

    _ok(cli("cast", "add", str(bundle), "Keeper"))
    shot = _ok(cli("shot", "add", str(bundle), "--prompt", "The keeper")).strip()
    _ok(cli("line", "add", str(bundle), shot, "--text", "Evening.", "--speaker", "Keeper"))
    _refused(cli("cast", "rm", str(bundle), "Keeper"), "speaks 1 line(s)")
