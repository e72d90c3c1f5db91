"""A finished TakeResult -> a Take whose files live inside the bundle (media/takes/<shot_id>/<take_id>/)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from engine.atomic_files import fsync_dir, temp_path_for
from engine.request import TakeResult
from studio.project.model import Take, new_id
from studio.project.store import MEDIA

from .requests import GenerationError

TAKES_FOLDER = "takes"
_FILES = {"video": "video.mp4", "first_frame": "first.png", "last_frame": "last.png", "thumbnail": "thumb.jpg"}


def _copy(source: Path, target: Path) -> None:
    with temp_path_for(target) as tmp:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)


def take_from_result(bundle: Path, shot_id: str, result: TakeResult) -> Take:
    """Copy the take's clip and stills into the bundle and describe it (the frozen request included)."""
    bundle = Path(bundle)
    take_id = new_id("take")
    relative = f"{MEDIA}/{TAKES_FOLDER}/{shot_id}/{take_id}"
    folder = bundle / relative
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for name, file_name in _FILES.items():
            source = Path(getattr(result, name))
            if not source.is_file():
                raise GenerationError(f"the engine's {name.replace('_', ' ')} {source} is missing")
            _copy(source, folder / file_name)
        fsync_dir(folder)
    except (OSError, GenerationError):
        shutil.rmtree(folder, ignore_errors=True)
        raise
    request = result.request
    return Take(
        id=take_id,
        media=f"{relative}/video.mp4",
        thumbnail=f"{relative}/thumb.jpg",
        first_frame=f"{relative}/first.png",
        last_frame=f"{relative}/last.png",
        request=request.to_dict(),
        seed=request.seed,
        backend=result.backend,
        model_id=result.model_id or (request.model_id or ""),
        width=result.width,
        height=result.height,
        fps=result.fps,
        frame_count=result.num_frames,
        metadata={
            "notes": list(result.notes),
            "timings": dict(result.timings),
            "model_revision": result.model_revision,
            "peak_memory_bytes": result.peak_memory_bytes,
            "from_cache": result.from_cache,
            "request_key": request.key(),
        },
    )
