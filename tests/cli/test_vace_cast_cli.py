"""`storyreel cast add --ref` + `storyreel generate --backend diffusers --model TINY_VACE`: a Wan VACE take is made
with the cast's and the location's stills (a tiny VACE checkpoint built in code, loaded through ``from_pretrained``
in the engine's worker); its request lists them by content, and a model without references is never sent them."""

from __future__ import annotations

from pathlib import Path

from skimage import data as skdata
from still_images import save_still

from engine.request import GenerationRequest, file_sha256
from engine.video_io import probe_video
from studio.generation.requests import request_for_shot
from studio.project import store


def _ok(done) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_vace_take_is_made_with_the_casts_stills(cli, tmp_path: Path) -> None:
    import tiny_models  # tests/support

    vace = tiny_models.build_tiny_wan_vace(tmp_path / "tiny-vace")
    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "64x64", "--fps", "16"))
    keeper_still = save_still(skdata.astronaut(), tmp_path / "keeper.png")
    rock_still = save_still(skdata.coffee(), tmp_path / "rock.png")
    keeper = _ok(cli("cast", "add", str(bundle), "Keeper", "--description", "an old man",
                     "--ref", str(keeper_still))).strip()
    rock = _ok(cli("cast", "add", str(bundle), "Gull Rock", "--kind", "location", "--ref", str(rock_still))).strip()
    shot = _ok(cli("shot", "add", str(bundle), "--prompt", "@Keeper stands on the rock", "--cast", "Gull Rock",
                   "--duration", "0.5")).strip()
    project = store.load(bundle)[0]
    project.engine.steps = 2  # a tiny model: two steps show the path as well as thirty
    store.save(bundle, project)

    out = _ok(cli("generate", str(bundle), "--backend", "diffusers", "--model", str(vace)))
    assert "reference" not in out  # no note: every still was taken

    project = store.load(bundle)[0]
    (take,) = project.shot(shot).takes
    request = GenerationRequest.from_dict(take.request)
    elements = {e.id: e for e in project.elements()}
    stills = [bundle / elements[keeper].references[0], bundle / elements[rock].references[0]]
    assert sorted(request.reference_images) == sorted(str(p) for p in stills)
    assert sorted(request.reference_images_sha256) == sorted(file_sha256(p) for p in (keeper_still, rock_still))
    assert take.metadata["request_key"] == request.key()
    recorded = take.metadata["lineage"]["elements"]
    assert {recorded[keeper]["references"][0], recorded[rock]["references"][0]} == {
        elements[keeper].references[0], elements[rock].references[0]}
    info = probe_video(bundle / take.media)
    assert (info.width, info.height, info.frame_count) == (request.width, request.height, 8) == (64, 36, 8)

    # A model without references is not sent them, so its requests keep the keys they had before VACE.
    wan = tiny_models.build_tiny_wan(tmp_path / "tiny-wan")
    plain = request_for_shot(project, project.shot(shot), bundle, backend="diffusers", model_id=str(wan))
    assert (plain.reference_images, plain.reference_images_sha256) == ((), ())
