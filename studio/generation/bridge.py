"""A bridge: a new shot between shots A and B that starts on A's last frame and ends on B's first.

Between neighbours it follows them (its start is "the previous shot's last frame", its end "the next shot's
first frame", so regenerating A or B marks it stale). Across other shots it ends on a copy of B's first frame
as it is now. ``as_="transition"`` flags it as the join's bridge (the storyboard says so) rather than a story
shot of its own. The shot is added by one command; generating its take is the caller's choice.
"""

from __future__ import annotations

from typing import Literal

from studio.project import Shot, commands, store
from studio.project.model import FrameSource, new_seed

from .continuity import BRIDGE_FLAG
from .editable import Editable
from .requests import GenerationError

BridgeKind = Literal["shot", "transition"]


def add_bridge_shot(document: Editable, shot_a: str, shot_b: str, seconds: float = 2.0, *,
                    as_: BridgeKind = "shot") -> Shot:
    """Insert the bridge shot after ``shot_a`` (one undo step); returns it."""
    project = document.project
    if shot_a == shot_b:
        raise GenerationError("a bridge joins two different shots; give the shot before it and the shot after it")
    a, b = project.shot_index(shot_a), project.shot_index(shot_b)
    if a > b:
        raise GenerationError(f"shot {a + 1} comes after shot {b + 1}: give the earlier shot first")
    frames = project.seconds_to_frames(seconds) if seconds > 0 else 0
    if frames < 1:
        raise GenerationError(f"a bridge lasts a positive number of seconds (at least one frame), got {seconds}")
    first, later = project.shots[a], project.shots[b]
    end = FrameSource(kind="next")
    if b != a + 1:  # not neighbours: the bridge ends on a copy of B's first frame as it is now
        take = later.active()
        if take is None or not take.first_frame:
            raise GenerationError(f"shot {b + 1} has no take yet: generate it first, then bridge to it")
        if document.bundle is None:
            raise GenerationError("save the project first: the bridge's end frame is stored inside its folder")
        copied = store.import_media(document.bundle, store.resolve_media(document.bundle, take.first_frame))
        end = FrameSource(kind="image", path=copied)
    shot = Shot(prompt=f"Bridge from shot {a + 1} to shot {b + 1}: {first.prompt}"[:10_000],
                duration_frames=frames, aspect=first.aspect, camera=first.camera, seed=new_seed(),
                scene=first.scene, start_frame=FrameSource(kind="prev"), end_frame=end,
                flags=[BRIDGE_FLAG] if as_ == "transition" else [],
                notes=f"bridges shot {a + 1} ({first.id}) and shot {b + 1} ({later.id})")
    document.execute(commands.AddShot(shot, index=a + 1, text=f"Bridge shots {a + 1} and {b + 1}"))
    return shot
