"""A still take on disk: ``image.png`` with how it was made in a PNG text chunk, and a ``thumb.jpg``.

The PNG carries its own metadata (request, model, seed) so a keyframe copied out of the cache, or into another
project, still says where it came from; ``read_still_metadata`` reads it back.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from engine.atomic_files import write_atomic
from engine.video_io import encode_image, thumbnail

IMAGE_FILE, THUMB_FILE = "image.png", "thumb.jpg"
METADATA_KEY = "storyreel"


def png_with_metadata(image: np.ndarray, metadata: dict[str, Any]) -> bytes:
    """PNG bytes of an RGB uint8 image with ``metadata`` as JSON in an iTXt chunk (any language survives)."""
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt(METADATA_KEY, json.dumps(metadata, sort_keys=True, default=str))
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image)).save(buffer, format="PNG", pnginfo=info, compress_level=4)
    return buffer.getvalue()


def write_still(image: np.ndarray, out_dir: Path, metadata: dict[str, Any]) -> tuple[Path, Path]:
    """Write ``image.png`` (with ``metadata``) and ``thumb.jpg`` atomically; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    image_png, thumb_jpg = out_dir / IMAGE_FILE, out_dir / THUMB_FILE
    write_atomic(image_png, png_with_metadata(image, metadata))
    write_atomic(thumb_jpg, encode_image(thumbnail(image), ".jpg"))
    return image_png, thumb_jpg


def read_still_metadata(path: Path) -> dict[str, Any]:
    """The metadata ``write_still`` put in a PNG ({} if it has none)."""
    from PIL import Image

    with Image.open(path) as image:
        text = image.info.get(METADATA_KEY)  # type: ignore[union-attr]
    return json.loads(text) if isinstance(text, str) else {}


def still_size(path: Path) -> tuple[int, int]:
    """(width, height) from the PNG header, without decoding the pixels."""
    from PIL import Image

    with Image.open(path) as image:
        return image.size
