"""The bridge between the project and the engine: shots become requests, finished takes come back as Takes.

    request = request_for_shot(project, shot, bundle)        # frozen, ready for EngineClient.submit
    take = take_from_result(bundle, shot.id, result)         # files copied into media/takes/<shot>/<take>/
    takes = generate_shots(document, [shot.id], takes=2)     # submit, wait, add takes via commands, save
"""

from studio.generation.batch import (
    GenerationFailed,
    generate_missing,
    generate_shots,
    new_seed,
    shots_missing_takes,
)
from studio.generation.requests import GenerationError, frame_size_for_aspect, request_for_shot, shot_label
from studio.generation.takes import take_from_result

__all__ = [
    "GenerationError", "GenerationFailed", "frame_size_for_aspect", "generate_missing", "generate_shots",
    "new_seed", "request_for_shot", "shot_label", "shots_missing_takes", "take_from_result",
]
