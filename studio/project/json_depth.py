"""How deeply a JSON text nests, measured before parsing: ``json.loads`` recurses once per level, so a file of
``[[[[...`` exhausts the interpreter's stack long before the size cap matters."""

from __future__ import annotations

import re

import numpy as np

MAX_JSON_DEPTH = 64  # the schema needs about 8 levels; unknown fields of a newer Storyreel get room to spare

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)  # brackets inside strings do not nest


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in ``data`` (0 for a scalar); linear in its size."""
    structure = np.frombuffer(_STRINGS.sub(b'""', data), dtype=np.uint8)
    steps = np.zeros(structure.shape, dtype=np.int32)
    steps[(structure == ord("[")) | (structure == ord("{"))] = 1
    steps[(structure == ord("]")) | (structure == ord("}"))] = -1
    return int(np.cumsum(steps).max(initial=0))
