"""Screenplay transitions ('DISSOLVE TO:', 'FADE OUT.') as the joins the cut can make."""

from __future__ import annotations

from studio.project.model import Transition

DISSOLVE_SECONDS = 0.5  # 12 frames at 24 fps
FADE_SECONDS = 1.0  # 24 frames at 24 fps: fade out or fade in, each
CUT_TO_BLACK_SECONDS = 0.25  # an abrupt drop to black, briefly held

_DISSOLVES = ("DISSOLVE", "CROSSFADE", "CROSS FADE", "MIX", "RIPPLE", "WIPE", "MORPH")
_CUTS_TO_BLACK = ("CUT TO BLACK", "SMASH TO BLACK", "SMASH CUT TO BLACK")
_FADES = ("FADE", "IRIS")
_RANK = {"cut": 0, "crossfade": 1, "dip_to_black": 2}


def transition_for(mark: str, fps: int) -> Transition:
    """The join one transition mark asks for; anything unknown ('CUT TO:', 'BACK TO:', 'INTERCUT') is a cut."""
    text = " ".join(mark.upper().split())
    if any(text.startswith(prefix) for prefix in _CUTS_TO_BLACK):
        return Transition(kind="dip_to_black", duration_frames=max(1, round(CUT_TO_BLACK_SECONDS * fps)))
    if any(word in text for word in _DISSOLVES):
        return Transition(kind="crossfade", duration_frames=max(1, round(DISSOLVE_SECONDS * fps)))
    if any(text.startswith(prefix) for prefix in _FADES):
        return Transition(kind="dip_to_black", duration_frames=max(1, round(FADE_SECONDS * fps)))
    return Transition()


def combine_marks(marks: list[str], fps: int) -> Transition:
    """Several marks before one shot ('FADE OUT.' then 'FADE IN:'): the strongest kind wins; fades add up."""
    result = Transition()
    for mark in marks:
        join = transition_for(mark, fps)
        if join.kind == "dip_to_black" and result.kind == "dip_to_black":
            total = min(result.duration_frames + join.duration_frames, fps * 4)
            result = Transition(kind="dip_to_black", duration_frames=total)
        elif _RANK[join.kind] > _RANK[result.kind]:
            result = join
    return result
