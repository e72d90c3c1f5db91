"""A content-addressed cache of finished takes and stills, keyed by ``GenerationRequest.key()``.

Layout: ``root/<key[:2]>/<key>/{video.mp4, first.png, last.png, thumb.jpg, metadata.json}`` for a clip,
``{image.png, thumb.jpg, metadata.json}`` for a still (an image task). Every file is written
atomically, and ``metadata.json`` is written last: a take exists in the cache only once its metadata does. A lookup
re-checks the files (present, sizes as recorded, the video probes with the recorded frame count and size), so a
half-written or damaged take is never offered.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

from engine.atomic_files import temp_path_for, write_atomic
from engine.request import GenerationRequest, StillResult, TakeResult
from engine.still_files import IMAGE_FILE, THUMB_FILE, still_size
from engine.video_io import VideoError, probe_video

log = logging.getLogger(__name__)

METADATA = "metadata.json"
FORMAT_VERSION = 1
FILE_FIELDS = {"video": "video.mp4", "first_frame": "first.png", "last_frame": "last.png", "thumbnail": "thumb.jpg"}
STILL_FILE_FIELDS = {"image": IMAGE_FILE, "thumbnail": THUMB_FILE}
Result = TakeResult | StillResult


def _files_of(request: GenerationRequest) -> dict[str, str]:
    return STILL_FILE_FIELDS if request.kind == "image" else FILE_FIELDS


def _result_type(request: GenerationRequest) -> type[TakeResult] | type[StillResult]:
    return StillResult if request.kind == "image" else TakeResult


class TakeCache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def folder(self, request: GenerationRequest) -> Path:
        key = request.key()
        return self.root / key[:2] / key

    def slot(self, request: GenerationRequest) -> Path:
        """The folder a backend writes this request's files into; any stale entry there stops being a take."""
        folder = self.folder(request)
        folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            (folder / METADATA).unlink()
        return folder

    def lookup(self, request: GenerationRequest) -> Result | None:
        """The cached take for ``request`` if one is there and intact, else None."""
        folder = self.folder(request)
        try:
            data = json.loads((folder / METADATA).read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            log.warning("ignoring cache entry %s: unreadable metadata (%s)", folder.name, error)
            return None
        problem = self._problem(folder, data, request)
        if problem:
            log.warning("ignoring cache entry %s: %s", folder.name, problem)
            return None
        values = dict(data["take"])
        for name, file_name in _files_of(request).items():
            values[name] = str(folder / file_name)
        values["from_cache"] = True
        return _result_type(request).from_dict(values)

    def _problem(self, folder: Path, data: dict[str, Any], request: GenerationRequest) -> str | None:
        if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION or data.get("key") != request.key():
            return "metadata is for another request or format"
        take = data.get("take")
        sizes = data.get("sizes")
        if not isinstance(take, dict) or not isinstance(sizes, dict):
            return "metadata is incomplete"
        files = _files_of(request)
        for file_name in files.values():
            path = folder / file_name
            if not path.is_file():
                return f"{file_name} is missing"
            if path.stat().st_size != sizes.get(file_name):
                return f"{file_name} is not the size it was written at"
        if request.kind == "image":
            try:
                size = still_size(folder / IMAGE_FILE)
            except (OSError, ValueError) as error:
                return f"the still does not read: {error}"
            if size != (take.get("width"), take.get("height")):
                return f"the still is {size[0]}x{size[1]}, metadata says {take.get('width')}x{take.get('height')}"
            try:
                StillResult.from_dict({**take, **{k: "" for k in files}})
            except (TypeError, ValueError, KeyError) as error:
                return f"metadata does not describe a still ({error})"
            return None
        try:
            info = probe_video(folder / FILE_FIELDS["video"])
        except VideoError as error:
            return f"the video does not read: {error}"
        if (info.frame_count, info.width, info.height) != (take.get("num_frames"), take.get("width"), take.get("height")):
            return (
                f"the video has {info.frame_count} frames at {info.width}x{info.height}, metadata says "
                f"{take.get('num_frames')} at {take.get('width')}x{take.get('height')}"
            )
        try:
            TakeResult.from_dict({**take, **{k: "" for k in FILE_FIELDS}})
        except (TypeError, ValueError, KeyError) as error:
            return f"metadata does not describe a take ({error})"
        return None

    def commit(self, result: Result) -> Result:
        """Enter a finished take or still; its files are moved (or copied) into the request's folder if elsewhere."""
        folder = self.folder(result.request)
        folder.mkdir(parents=True, exist_ok=True)
        sizes: dict[str, int] = {}
        placed: dict[str, Path] = {}
        files = _files_of(result.request)
        for name, file_name in files.items():
            source, target = Path(getattr(result, name)), folder / file_name
            if not source.is_file():
                raise FileNotFoundError(f"the take's {name.replace('_', ' ')} {source} does not exist")
            if source.resolve() != target.resolve():
                with temp_path_for(target) as tmp:
                    shutil.copyfile(source, tmp)
                    os.replace(tmp, target)
            sizes[file_name] = target.stat().st_size
            placed[name] = target
        take = result.to_dict()
        for name, file_name in files.items():
            take[name] = file_name  # relative: the cache folder can move
        take["from_cache"] = False
        metadata = {"format": FORMAT_VERSION, "key": result.request.key(), "created": time.time(),
                    "sizes": sizes, "take": take}
        write_atomic(folder / METADATA, json.dumps(metadata, indent=1, default=str).encode("utf-8"))
        values = dict(result.__dict__)
        values.update(placed)
        values["from_cache"] = False
        return type(result)(**values)
