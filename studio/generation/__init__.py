"""The bridge between the project and the engine, shared by the CLI and the editor.

    service = GenerationService(client, document)            # seeds, missing takes, no duplicates, job records
    service.generate([shot.id], new_takes=2)                 # two new distinct takes
    takes = generate_shots(document, [shot.id], takes=2)     # the same, waiting for them (the CLI)
    request = request_for_shot(project, shot, bundle)        # one frozen request
"""

from studio.generation.batch import GenerationFailed, generate_missing, generate_shots, wait_for
from studio.generation.planning import PlannedTake, plan_takes, take_request_key
from studio.generation.requests import GenerationError, frame_size_for_aspect, request_for_shot, shot_label
from studio.generation.seeds import derived_seed, new_seed
from studio.generation.service import ACTIVE, GenerationService, JobRecord, Submitted, Update
from studio.generation.takes import take_from_result
from studio.project.usable_media import shots_missing_takes

__all__ = [
    "ACTIVE", "GenerationError", "GenerationFailed", "GenerationService", "JobRecord", "PlannedTake", "Submitted",
    "Update", "derived_seed", "frame_size_for_aspect", "generate_missing", "generate_shots", "new_seed",
    "plan_takes", "request_for_shot", "shot_label", "shots_missing_takes", "take_from_result", "take_request_key",
    "wait_for",
]
