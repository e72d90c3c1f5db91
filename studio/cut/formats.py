"""The interchange formats ``storyreel export`` writes (kept apart so the CLI can list them cheaply)."""

INTERCHANGE_FORMATS = ("otio", "otioz", "fcpxml", "edl", "srt", "vtt")
