"""`storyreel cast add --lora` + `storyreel keyframe --model TINY_SD`: the element's LoRA (a tiny one built in code,
loaded through diffusers' ``load_lora_weights``) makes the keyframe, whose request and PNG metadata record its
content hash and strength; a LoRA for another model fails the keyframe by the LoRA's and the model's names."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.request import GenerationRequest, file_sha256
from engine.still_files import read_still_metadata
from studio.project import store


def _ok(done) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_cast_lora_makes_the_keyframe_and_is_recorded(cli, tmp_path: Path, tmp_path_factory) -> None:
    import tiny_image_models  # tests/support
    import tiny_loras

    models = tiny_image_models.ensure_tiny_image_models(tmp_path_factory.getbasetemp() / "tiny-image-models")
    keeper_lora = tiny_loras.build_tiny_lora(models["sd"], tmp_path / "keeper.safetensors", seed=3)
    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "128x72"))
    _ok(cli("cast", "add", str(bundle), "Keeper", "--description", "an old man", "--lora", f"{keeper_lora}:0.8"))
    _ok(cli("shot", "add", str(bundle), "--prompt", "The keeper looks at the sea", "--cast", "Keeper"))
    _ok(cli("keyframe", str(bundle), "--model", str(models["sd"])))

    project = store.load(bundle)[0]
    element, key = project.elements()[0], project.shots[0].keyframes[0]
    ((path, sha, strength),) = key.request["loras"]
    assert (Path(path), sha, strength) == (bundle / element.loras[0].path, file_sha256(keeper_lora), 0.8)
    recorded = GenerationRequest.from_dict(read_still_metadata(bundle / key.media)["request"])
    assert recorded.loras == ((path, sha, 0.8),) and key.metadata["request_key"] == recorded.key()
    assert list(key.metadata["elements"].values())[0]["loras"] == [f"{element.loras[0].path}:0.8"]

    flux_lora = tiny_loras.build_tiny_lora(models["flux"], tmp_path / "flux-style.safetensors")
    _ok(cli("cast", "edit", str(bundle), "Keeper", "--lora", str(flux_lora)))
    failed = cli("keyframe", str(bundle), "--model", str(models["sd"]), "--takes", "1")
    assert failed.returncode != 0
    assert "the LoRA flux-style.safetensors does not fit" in failed.stderr, failed.stderr
    assert len(store.load(bundle)[0].shots[0].keyframes) == 1  # nothing lost, nothing half-made


def test_the_projects_style_lora_comes_before_the_casts_in_every_keyframe(cli, tmp_path: Path,
                                                                         tmp_path_factory) -> None:
    import tiny_image_models  # tests/support
    import tiny_loras

    models = tiny_image_models.ensure_tiny_image_models(tmp_path_factory.getbasetemp() / "tiny-image-models")
    style = tiny_loras.build_tiny_lora(models["sd"], tmp_path / "ink-wash.safetensors", seed=5)
    keeper = tiny_loras.build_tiny_lora(models["sd"], tmp_path / "keeper.safetensors", seed=3)
    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "128x72"))
    assert "no style LoRAs" in _ok(cli("style", str(bundle)))
    not_a_lora = tmp_path / "notes.safetensors"
    not_a_lora.write_bytes(b"not a safetensors file")
    refused = cli("style", str(bundle), "--lora", str(not_a_lora))
    assert refused.returncode != 0 and "notes.safetensors" in refused.stderr, refused.stderr
    assert store.load(bundle)[0].style_loras == []  # nothing half-set

    _ok(cli("style", str(bundle), "--lora", f"{style}:0.6"))
    _ok(cli("cast", "add", str(bundle), "Keeper", "--lora", str(keeper)))
    _ok(cli("shot", "add", str(bundle), "--prompt", "@Keeper at the lamp"))
    _ok(cli("keyframe", str(bundle), "--model", str(models["sd"]), "--takes", "1"))
    project = store.load(bundle)[0]
    assert [lora.strength for lora in project.style_loras] == [0.6]
    recorded = GenerationRequest.from_dict(read_still_metadata(bundle / project.shots[0].keyframes[0].media)["request"])
    assert [(Path(p).name, sha, k) for p, sha, k in recorded.loras] == [
        ("ink-wash.safetensors", file_sha256(style), 0.6), ("keeper.safetensors", file_sha256(keeper), 1.0)]
    assert '"strength": 0.6' in _ok(cli("style", str(bundle), "--json"))

    _ok(cli("style", str(bundle), "--clear"))
    assert store.load(bundle)[0].style_loras == []
    assert '"style_loras": []' in _ok(cli("info", str(bundle), "--json"))


def _shot(bundle: Path):
    project = store.load(bundle)[0]
    return project, project.shots[0]


def test_clip_requests_carry_the_shots_loras_and_the_animatics_do_not(cli, tmp_path: Path) -> None:
    import torch
    from safetensors.torch import save_file

    from studio.generation.requests import GenerationError, request_for_shot

    wan = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"  # known by id: building its request needs no weights
    lora = tmp_path / "keeper.safetensors"
    save_file({"transformer.x.lora_A.weight": torch.zeros(4, 2)}, str(lora))
    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "192x108"))
    _ok(cli("cast", "add", str(bundle), "Keeper"))
    _ok(cli("shot", "add", str(bundle), "--prompt", "@Keeper climbs the stairs"))
    animatic_before = request_for_shot(*_shot(bundle), bundle, backend="animatic")
    _ok(cli("cast", "edit", str(bundle), "Keeper", "--lora", f"{lora}:1.5"))

    project, shot = _shot(bundle)
    in_bundle = bundle / project.elements()[0].loras[0].path
    clip = request_for_shot(project, shot, bundle, backend="diffusers", model_id=wan)
    assert [(Path(p), sha, k) for p, sha, k in clip.loras] == [(in_bundle, file_sha256(lora), 1.5)]
    animatic = request_for_shot(project, shot, bundle, backend="animatic")
    assert animatic.loras == () and animatic.key() == animatic_before.key()  # no weights: nothing to apply

    in_bundle.unlink()
    with pytest.raises(GenerationError, match="shot 1: Keeper.s LoRA media/loras/keeper.safetensors is missing"):
        request_for_shot(project, shot, bundle, backend="diffusers", model_id=wan)
