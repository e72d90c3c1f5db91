"""The film's timeline, without Qt: where shots, cards, lines and music sit (``layout``), the commands a
timeline gesture or a shot menu makes (``edits``, ``shot_edits``), the NLE tools — blade, ripple delete, roll,
slip, slide, moving shots, markers, the cut's I/O marks (``nle_edits``) — where drags snap (``snapping``) and
what the preview plays (``playback_sequence``). The editor and the cut plan both build on ``layout``."""
