"""Which files a job needs on a cluster node, and the request the node runs with once they are there: every path
of a request (its start and end frames, the cast's stills, its LoRAs) is swapped for the node's copy and nothing
else changes. The trip through Ray itself is tested on a loopback cluster (test_ray_client.py)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from engine.cluster.wire import input_files_of, with_local_inputs
from engine.request import GenerationRequest, file_sha256


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, colour in (("start", 10), ("end", 200), ("keeper", 90), ("rock", 140)):
        out[name] = tmp_path / f"{name}.png"
        cv2.imwrite(str(out[name]), np.full((18, 32, 3), colour, np.uint8))
    out["lora"] = tmp_path / "ink.safetensors"
    out["lora"].write_bytes(b"weights")
    return out


def test_every_input_file_is_listed_by_content_and_swapped_for_the_nodes_copy(files: dict[str, Path]) -> None:
    still = GenerationRequest.still("the keeper on the rock", 64, 36, references=(files["keeper"], files["rock"]),
                                    backend="diffusers", model_id="tiny")
    still = still.with_loras([(files["lora"], 0.7)])
    slots = {slot: (sha, path) for slot, sha, path in input_files_of(still)}
    assert slots == {"reference_images[0]": (file_sha256(files["keeper"]), files["keeper"]),
                     "reference_images[1]": (file_sha256(files["rock"]), files["rock"]),
                     "loras[0]": (file_sha256(files["lora"]), files["lora"])}

    node = {slot: f"/node/inputs/{sha}-{path.name}" for slot, (sha, path) in slots.items()}
    there = with_local_inputs(still, node)
    assert there.reference_images == (node["reference_images[0]"], node["reference_images[1]"])
    assert there.loras == ((node["loras[0]"], file_sha256(files["lora"]), 0.7),)
    assert there.key() == still.key()  # the same take: paths are not part of what a take is

    clip = GenerationRequest(prompt="dusk", width=64, height=36, num_frames=9, fps=16, task="first_last_frame",
                             backend="diffusers", model_id="tiny", reference_image=str(files["start"]),
                             last_image=str(files["end"]), last_image_sha256=file_sha256(files["end"]))
    assert [slot for slot, _sha, _path in input_files_of(clip)] == ["reference_image", "last_image"]
    moved = with_local_inputs(clip, {"reference_image": "/node/a.png", "last_image": "/node/b.png"})
    assert (moved.reference_image, moved.last_image, moved.key()) == ("/node/a.png", "/node/b.png", clip.key())
    assert with_local_inputs(clip, {}) is clip
