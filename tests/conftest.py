"""Settings every test tier shares: no screen, no hub, no real ElevenLabs, no keyring surprises."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.pop("ELEVENLABS_API_KEY", None)
os.environ.pop("STORYREEL_ELEVENLABS_BASE_URL", None)
# A keyring backend that stores nothing, so tests never touch (or hang on) a desktop keyring.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
