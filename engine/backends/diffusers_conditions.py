"""How each family's pipeline is told the frames a clip starts and ends on.

Wan's image-to-video pipeline takes ``image`` (and ``last_image`` on first-last-frame checkpoints), and so does
FramePack's (its other keywords: ``engine.backends.diffusers_framepack``); LTX's
condition pipeline takes a list of ``LTXVideoCondition`` (an image at a frame index: 0 for the start, the last
frame for the end, so middle keyframes need nothing new). Wan VACE takes a ``video`` with its ``mask``: the start
(and end) image as frames kept (mask black), grey frames to make between them (mask white). Text-to-video takes
none of these.
"""

from __future__ import annotations

from typing import Any


def frame_arguments(family: str, task: str, start: Any, end: Any, num_frames: int) -> dict[str, Any]:
    """The pipeline keywords for ``task``'s start (and end) image, PIL images at the working size."""
    if task == "text_to_video":
        return {}
    if start is None:
        raise ValueError(f"{task} needs a start image")
    if family == "wan_vace":
        return _vace_video_and_mask(task, start, end, num_frames)
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


# VACE's grey for frames it is to make (diffusers' own example uses 128 in PIL images).
_VACE_GREY = (128, 128, 128)


def _vace_video_and_mask(task: str, start: Any, end: Any, num_frames: int) -> dict[str, Any]:
    from PIL import Image

    if task == "first_last_frame" and end is None:
        raise ValueError("first-last-frame needs an end image")
    ends = [end] if task == "first_last_frame" else []
    made = num_frames - 1 - len(ends)
    grey = Image.new("RGB", start.size, _VACE_GREY)
    black, white = Image.new("L", start.size, 0), Image.new("L", start.size, 255)
    return {"video": [start, *[grey] * made, *ends], "mask": [black, *[white] * made, *[black] * len(ends)]}
