"""Which characters a font file has glyphs for, read from its ``cmap`` table (TTF, OTF and TTC collections).

Pillow can draw with a font but cannot say whether a glyph exists; without that, a missing character silently
becomes a box. This small reader answers it exactly.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from pathlib import Path


class FontFileError(ValueError):
    """Not a font file this reader understands."""


def _face_offset(data: bytes, index: int) -> int:
    if data[:4] == b"ttcf":
        count = struct.unpack_from(">I", data, 8)[0]
        if not 0 <= index < count:
            raise FontFileError(f"font collection has {count} faces, asked for face {index}")
        return struct.unpack_from(">I", data, 12 + 4 * index)[0]
    if data[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
        raise FontFileError("not a TrueType/OpenType font")
    return 0


def _table(data: bytes, face: int, tag: bytes) -> int:
    num_tables = struct.unpack_from(">H", data, face + 4)[0]
    for i in range(num_tables):
        record = face + 12 + 16 * i
        if data[record : record + 4] == tag:
            return struct.unpack_from(">I", data, record + 8)[0]
    raise FontFileError(f"font has no {tag.decode()} table")


def _format4(data: bytes, offset: int) -> set[int]:
    seg_x2 = struct.unpack_from(">H", data, offset + 6)[0]
    segs = seg_x2 // 2
    ends = struct.unpack_from(f">{segs}H", data, offset + 14)
    starts_at = offset + 16 + seg_x2
    starts = struct.unpack_from(f">{segs}H", data, starts_at)
    deltas = struct.unpack_from(f">{segs}h", data, starts_at + seg_x2)
    range_at = starts_at + 2 * seg_x2
    range_offsets = struct.unpack_from(f">{segs}H", data, range_at)
    codes: set[int] = set()
    for i in range(segs):
        start, end = starts[i], ends[i]
        if start == 0xFFFF:
            continue
        if range_offsets[i] == 0:
            codes.update(c for c in range(start, end + 1) if (c + deltas[i]) & 0xFFFF)
            continue
        for c in range(start, end + 1):
            glyph_at = range_at + 2 * i + range_offsets[i] + 2 * (c - start)
            if struct.unpack_from(">H", data, glyph_at)[0]:
                codes.add(c)
    return codes


def _format12(data: bytes, offset: int) -> set[int]:
    groups = struct.unpack_from(">I", data, offset + 12)[0]
    codes: set[int] = set()
    for i in range(groups):
        start, end, glyph = struct.unpack_from(">III", data, offset + 16 + 12 * i)
        codes.update(range(start if glyph else start + 1, end + 1))
    return codes


@lru_cache(maxsize=32)
def codepoints(path: Path, index: int = 0) -> frozenset[int]:
    """All Unicode code points face ``index`` of the font at ``path`` maps to a real glyph."""
    data = Path(path).read_bytes()
    try:
        face = _face_offset(data, index)
        cmap = _table(data, face, b"cmap")
        count = struct.unpack_from(">H", data, cmap + 2)[0]
        best: tuple[int, int] | None = None  # (rank, subtable offset): prefer full-Unicode format 12
        for i in range(count):
            platform, encoding, sub = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
            fmt = struct.unpack_from(">H", data, cmap + sub)[0]
            unicode_table = platform == 0 or (platform == 3 and encoding in (1, 10))
            if unicode_table and fmt in (4, 12):
                rank = 2 if fmt == 12 else 1
                if best is None or rank > best[0]:
                    best = (rank, cmap + sub)
    except struct.error as error:
        raise FontFileError(f"damaged font file {Path(path).name}") from error
    if best is None:
        raise FontFileError(f"{Path(path).name} has no Unicode character map")
    reader = _format12 if best[0] == 2 else _format4
    return frozenset(reader(data, best[1]))
