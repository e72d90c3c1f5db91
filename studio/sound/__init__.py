"""Sound per shot: ambiences synthesized offline or ElevenLabs sound effects, as takes fitted to the shot.

Entry points: ``make_sounds``, ``shots_needing_sound``, ``use_sound_take``, ``layers_for``, ``synthesize``,
``fit_to_length``.
"""

from .ambience import KINDS, synthesize
from .keywords import layers_for
from .loop_fit import fit_to_length
from .sound_takes import SOUND_PROVIDERS, SoundReport, make_sounds, shots_needing_sound, use_sound_take

__all__ = ["KINDS", "SOUND_PROVIDERS", "SoundReport", "fit_to_length", "layers_for", "make_sounds",
           "shots_needing_sound", "synthesize", "use_sound_take"]
