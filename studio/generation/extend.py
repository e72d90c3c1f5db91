"""Extending a take: N more seconds after it (or before it), as a new take that keeps the original frames.

The new frames are generated from the take's last frame (forward) or towards its first frame (backward, the
animatic only: it can end on a frame), with the shot's prompt, camera move and seed, so the move carries on.
The generated copy of the frame it continues from is dropped, and the original clip is joined to the new frames
by copying its stream (``engine.take_splice``): the kept frames stay bit-identical. The new take records its
lineage (``extended_from``, how many frames were kept and added) and becomes the shot's active take; the shot
grows to its length. ``GenerationService.extend`` queues one (the editor); ``batch.extend_take`` waits for
it (the CLI). Nothing is saved here: the caller saves.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from engine.request import GenerationRequest, RequestError, TakeResult
from engine.take_splice import splice_videos, without_edge_frame
from engine.video_io import VideoError, probe_video, read_frames, write_stills
from studio.project import commands
from studio.project.model import MAX_SHOT_SECONDS, Take
from studio.project.store import resolve_media
from studio.project.usable_media import media_present

from .editable import Editable
from .requests import GenerationError, request_for_shot
from .takes import take_from_result


@dataclass(frozen=True)
class Extension:
    """An extension to generate: which take it carries on, which way, and the request for the new frames."""

    shot_id: str
    take_id: str
    backward: bool
    request: GenerationRequest


def _source_take(document: Editable, shot_id: str) -> Take:
    project, bundle = document.project, document.bundle
    shot = project.shot(shot_id)
    number = project.shot_index(shot_id) + 1
    take = shot.active()
    if take is None:
        raise GenerationError(f"shot {number} has no take to extend; generate one first")
    if take.status != "ready" or not media_present(bundle, take.media) or not take.last_frame \
            or not take.first_frame or not media_present(bundle, take.last_frame):
        raise GenerationError(f"shot {number}'s active take is offline (its files are not in the project folder); "
                              "regenerate it or relink its media before extending it")
    return take


def plan_extension(document: Editable, shot_id: str, seconds: float, *, backward: bool = False,
                   backend: str | None = None, model_id: str | None = None) -> Extension:
    """The request that makes ``seconds`` more of ``shot_id``'s active take, or a clear error why not."""
    if document.bundle is None:
        raise GenerationError("save the project first: takes are stored inside its folder")
    project, bundle = document.project, Path(document.bundle)
    number = project.shot_index(shot_id) + 1
    take = _source_take(document, shot_id)
    added = project.seconds_to_frames(seconds) if seconds > 0 else 0
    if added < 1:
        raise GenerationError(f"extend by a positive number of seconds (at least one frame), got {seconds}")
    if (take.frame_count + added) / project.fps > MAX_SHOT_SECONDS:
        raise GenerationError(f"shot {number} would be longer than {MAX_SHOT_SECONDS} s")
    base = request_for_shot(project, project.shot(shot_id), bundle, backend=backend, model_id=model_id,
                            seed=take.seed)
    if backward and base.backend != "animatic":
        raise GenerationError("extending backward needs an engine that can end on a frame: use the animatic "
                              "(--backend animatic)")
    anchor_frame = resolve_media(bundle, take.first_frame if backward else take.last_frame)
    options = dict(base.options)
    if base.backend == "animatic":
        options["anchor"] = "end" if backward else "start"
    try:
        request = replace(base.with_reference(anchor_frame), num_frames=added + 1, last_image=None,
                          last_image_sha256=None, options=tuple(sorted(options.items())))
    except RequestError as exc:
        raise GenerationError(f"shot {number}: {exc}") from exc
    return Extension(shot_id, take.id, backward, request)


def join_extension(document: Editable, extension: Extension, made: TakeResult) -> Take:
    """Join the generated frames to the take they carry on, add the result as the shot's active take."""
    bundle = Path(document.bundle)  # type: ignore[arg-type]
    shot_id, backward = extension.shot_id, extension.backward
    take = document.project.shot(shot_id).take(extension.take_id)
    original = resolve_media(bundle, take.media)
    fps = float(document.project.fps)
    with tempfile.TemporaryDirectory(prefix="storyreel-extend-") as tmp:
        folder = Path(tmp)
        try:
            new_part = without_edge_frame(made.video, folder / "new.mp4", fps, edge="last" if backward else "first")
            parts = [new_part, original] if backward else [original, new_part]
            video = splice_videos(parts, folder / "video.mp4")
            info = probe_video(video)
            first, last = read_frames(video, [0, -1])
            first_png, last_png, thumb = write_stills(first, last, folder)
        except VideoError as exc:
            raise GenerationError(f"the extended take could not be made: {exc}") from exc
        result = replace(made, video=video, first_frame=first_png, last_frame=last_png, thumbnail=thumb,
                         num_frames=info.frame_count, width=info.width, height=info.height, from_cache=False)
        extended = take_from_result(bundle, shot_id, result)
    added = info.frame_count - take.frame_count
    extended.metadata["lineage"] = {
        **(take.metadata.get("lineage") or {}),
        "extended_from": take.id, "kept_frames": take.frame_count, "added_frames": added,
        "direction": "backward" if backward else "forward",
    }
    extended.metadata["seed_rule"] = f"extension of take {take.id}"
    steps: list[commands.Command] = [commands.AddTake(shot_id, extended, make_active=True)]
    if document.project.shot(shot_id).duration_frames < extended.frame_count:
        steps.append(commands.edit_shot(shot_id, duration_frames=extended.frame_count))
    document.execute(steps[0] if len(steps) == 1 else commands.Batch(steps, text=f"Extend take {take.id}"))
    return extended
