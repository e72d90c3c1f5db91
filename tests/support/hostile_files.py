"""Files an attacker or a clumsy user hands Storyreel: lying image headers, FIFOs, device links, deep JSON."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path


def png_claiming(path: Path, width: int, height: int) -> Path:
    """A tiny, well-formed PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)  # a start of the rows; a decoder would inflate gigabytes
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def link_to(path: Path, target: str | Path) -> Path:
    path.symlink_to(target)
    return path


def deep_json(depth: int) -> bytes:
    return b'{"schema_version": 2, "metadata": {"x": ' + b"[" * depth + b"]" * depth + b"}}"
