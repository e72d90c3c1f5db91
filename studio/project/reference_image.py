"""A reference still is checked from its header before anything decodes it: a PNG that claims 100000x100000
pixels is a few hundred bytes on disk and tens of gigabytes in memory (a decompression bomb)."""

from __future__ import annotations

import warnings
from pathlib import Path

from .bounded_files import InputFileError, MiB, checked_regular_file

MAX_IMAGE_BYTES = 100 * MiB  # a 16-bit TIFF at the pixel cap is ~400 MB raw; compressed stills are far smaller
MAX_IMAGE_SIDE = 16_384  # twice the largest frame a project can have (8192)
MAX_IMAGE_PIXELS = 8192 * 8192  # 64 megapixels: decoded as 8-bit RGB that is 192 MiB, a bound a laptop can afford


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) from the file's header (Pillow reads only the header here, no pixels)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning: we apply our own, lower cap below
            with Image.open(path) as image:
                return image.size
    except Image.DecompressionBombError:
        raise InputFileError(f"the image claims more than {Image.MAX_IMAGE_PIXELS * 2:,} pixels; "
                             f"a reference still is at most {MAX_IMAGE_PIXELS:,}", path=path) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise InputFileError("not an image Storyreel can read (use PNG, JPEG, WebP or TIFF)", path=path) from None


def check_reference_image(path: Path | str) -> Path:
    """The real path of a usable reference still; raises InputFileError saying what is wrong with it."""
    import cv2

    path = Path(path)
    real = checked_regular_file(path, kind="reference image", max_bytes=MAX_IMAGE_BYTES)
    width, height = image_size(real)
    if max(width, height) > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        raise InputFileError(f"the image is {width}x{height}; a reference still is at most {MAX_IMAGE_SIDE} pixels "
                             f"a side and {MAX_IMAGE_PIXELS // 10**6} megapixels (scale it down first)", path=path)
    if cv2.imread(str(real)) is None:  # the engine decodes stills with OpenCV; now bounded by the caps above
        raise InputFileError("not an image Storyreel can read (use PNG, JPEG, WebP or TIFF)", path=path)
    return real
