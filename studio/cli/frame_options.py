"""``--start-frame`` / ``--end-frame`` of ``shot add|edit``: continuity links and first/last-frame stills.

    --start-frame IMAGE|prev|keyframe|none      prev: continue from the previous shot's last frame
    --end-frame   IMAGE|next|keyframe|none      next: end on the next shot's first frame

An IMAGE is checked like ``--ref`` and copied into the bundle once the edit is accepted.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studio.project import commands as cmd
from studio.project import store
from studio.project.document import ProjectDocument
from studio.project.model import FrameSource
from studio.project.reference_image import check_reference_image

from .common import UsageError

_WORDS = {"start_frame": ("prev", "keyframe"), "end_frame": ("next", "keyframe")}


def add_frame_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start-frame", metavar="IMAGE|prev|keyframe|none",
                        help="the take starts on this frame: a still, the previous shot's last frame, or the keyframe")
    parser.add_argument("--end-frame", metavar="IMAGE|next|keyframe|none",
                        help="the take ends on this frame: a still, the next shot's first frame, or the keyframe")


def _image(value: str) -> Path | None:
    return None if value in ("prev", "next", "keyframe", "none") else Path(value)


def frame_values(args: argparse.Namespace, document: ProjectDocument) -> dict[str, Any]:
    """The shot fields the options ask for (images named as they will be in the bundle, not copied yet)."""
    values: dict[str, Any] = {}
    for name, words in _WORDS.items():
        value = getattr(args, name, None)
        if value is None:
            continue
        if value == "none":
            values[name] = None
        elif value in words:
            values[name] = FrameSource(kind=value)
        elif value in ("prev", "next"):
            raise UsageError(f"--{name.replace('_', '-')} {value} is not possible: a start frame can be prev, an end "
                             "frame next")
        else:
            image = Path(value)
            check_reference_image(image)
            assert document.bundle is not None
            values[name] = FrameSource(kind="image", path=store.media_name_for(document.bundle, image))
    return values


def copy_frame_images(document: ProjectDocument, shot_id: str, args: argparse.Namespace) -> None:
    """Copy the accepted start/end stills into the bundle (under another name if one appeared meanwhile)."""
    assert document.bundle is not None
    for name in _WORDS:
        value = getattr(args, name, None)
        image = _image(value) if value is not None else None
        if image is None:
            continue
        copied = store.import_media(document.bundle, image)
        current = getattr(document.project.shot(shot_id), name)
        if current is None or current.path != copied:
            document.execute(cmd.edit_shot(shot_id, **{name: FrameSource(kind="image", path=copied)}))
