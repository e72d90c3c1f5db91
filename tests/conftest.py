"""Settings every test tier shares: no screen, no hub, no real ElevenLabs, no keyring surprises."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"
# An empty Hugging Face cache of the tests' own: weights the developer downloaded (a neural voice, a video model)
# must not change what the tests expect.
os.environ["HF_HUB_CACHE"] = os.path.join(tempfile.gettempdir(), f"storyreel-test-hf-cache-{os.getpid()}")
# The model store's user config (engine.model_store): never the developer's own; a test that saves one sets its own.
os.environ.pop("STORYREEL_MODEL_DIR", None)
os.environ["STORYREEL_CONFIG_DIR"] = os.path.join(tempfile.gettempdir(), f"storyreel-test-config-{os.getpid()}")
os.environ.pop("ELEVENLABS_API_KEY", None)
os.environ.pop("STORYREEL_ELEVENLABS_BASE_URL", None)
# A keyring backend that stores nothing, so tests never touch (or hang on) a desktop keyring.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


_CLUSTER_MODULES = ("test_cluster_", "test_ray_client")


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """The render-farm tests (they start loopback Ray clusters) get the `cluster` marker by module name."""
    import pytest

    for item in items:
        if item.path.name.startswith(_CLUSTER_MODULES):
            item.add_marker(pytest.mark.cluster)
