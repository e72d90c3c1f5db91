"""How each family's pipeline is told the frames a clip starts and ends on.

Wan's image-to-video pipeline takes ``image`` (and ``last_image`` on first-last-frame checkpoints); LTX's
condition pipeline takes a list of ``LTXVideoCondition`` (an image at a frame index: 0 for the start, the last
frame for the end, so middle keyframes need nothing new). Text-to-video takes neither.
"""

from __future__ import annotations

from typing import Any


def frame_arguments(family: str, task: str, start: Any, end: Any, num_frames: int) -> dict[str, Any]:
    """The pipeline keywords for ``task``'s start (and end) image, PIL images at the working size."""
    if task == "text_to_video":
        return {}
    if start is None:
        raise ValueError(f"{task} needs a start image")
    if family == "ltx" and task == "first_last_frame":
        from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

        if end is None:
            raise ValueError("first-last-frame needs an end image")
        return {"conditions": [LTXVideoCondition(image=start, frame_index=0),
                               LTXVideoCondition(image=end, frame_index=num_frames - 1)]}
    arguments: dict[str, Any] = {"image": start}
    if task == "first_last_frame":
        if end is None:
            raise ValueError("first-last-frame needs an end image")
        arguments["last_image"] = end
    return arguments
