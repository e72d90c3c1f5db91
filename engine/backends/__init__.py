"""Generation backends: ``animatic`` (CPU, no weights, the default) and ``diffusers`` (video models)."""
