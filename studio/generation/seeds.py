"""Which seed a take is made with: the one rule the CLI and the editor share.

- *Generate* (one take for a shot): a locked seed is used as it is (so its take comes back from the cache); an
  unlocked shot uses its own seed the first time, and a fresh one once a take already used it.
- *New takes* (generate N, regenerate): every take is new. An unlocked shot gets fresh random seeds; a locked
  one gets seeds derived from the locked seed and the take index, so the same project regenerates the same
  alternatives on any machine.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from studio.project.model import SEED_LIMIT, new_seed


@dataclass(frozen=True)
class SeedChoice:
    seed: int
    rule: str  # what the user is told: "locked seed 42", "seed 90210, derived from locked seed 42 (take 2)"


def derived_seed(locked: int, index: int) -> int:
    """The ``index``-th alternative of a locked seed: stable across runs, machines and Python versions."""
    digest = hashlib.sha256(f"storyreel-take:{locked}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % SEED_LIMIT


def seed_for_generate(shot_seed: int, locked: bool, used: set[int]) -> SeedChoice:
    if locked:
        return SeedChoice(shot_seed, f"locked seed {shot_seed}")
    if shot_seed not in used:
        return SeedChoice(shot_seed, f"seed {shot_seed}")
    return fresh_seed(used)


def fresh_seed(used: set[int]) -> SeedChoice:
    seed = new_seed()
    while seed in used:
        seed = new_seed()
    return SeedChoice(seed, f"new seed {seed}")


def seed_for_new_take(shot_seed: int, locked: bool, index: int, used: set[int]) -> SeedChoice:
    """Seed of a new take; ``index`` counts alternatives of the locked seed (1, 2, ...)."""
    if not locked:
        return fresh_seed(used)
    seed = derived_seed(shot_seed, index)
    return SeedChoice(seed, f"seed {seed}, derived from locked seed {shot_seed} (alternative {index})")
