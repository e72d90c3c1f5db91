"""The bundle's audio take cache (``cache/voice/``): a line is never sent twice for the same result.

The key hashes the text (or the recording's bytes) with everything that shapes the audio: provider, voice,
settings, model, output format, engine version. An entry exists only once its metadata is written, after the
WAV is complete, so an interrupted synthesis is never mistaken for a finished one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from engine.atomic_files import write_atomic

from .errors import UnreadableAudio
from .provider import RenderedAudio, Timing
from .wav_audio import wav_info

CACHE_FOLDER = "voice"
FORMAT_VERSION = 1


def cache_key(kind: str, content: str | bytes, identity: dict[str, Any]) -> str:
    """sha256 over (kind, content, identity); ``kind`` is 'tts' for text, 'sts' for a recording."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"v": FORMAT_VERSION, "kind": kind, "identity": identity}, sort_keys=True,
                             default=str).encode("utf-8"))
    digest.update(b"\0")
    digest.update(content.encode("utf-8") if isinstance(content, str) else hashlib.sha256(content).digest())
    return digest.hexdigest()


class AudioCache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def for_bundle(cls, bundle: Path) -> AudioCache:
        return cls(Path(bundle) / "cache" / CACHE_FOLDER)

    def slot(self, key: str) -> Path:
        """Where a provider writes the WAV of ``key`` (its folder exists)."""
        folder = self.root / key[:2]
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{key}.wav"

    def _metadata(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def lookup(self, key: str) -> RenderedAudio | None:
        """The finished audio of ``key``, or None (missing, half-written or damaged entries count as misses)."""
        meta_file, wav = self._metadata(key), self.root / key[:2] / f"{key}.wav"
        try:
            meta = json.loads(meta_file.read_text("utf-8"))
            rate, count = wav_info(wav)
            if (rate, count) != (meta["sample_rate"], meta["duration_samples"]) or count == 0:
                return None
            return RenderedAudio(wav, rate, count, tuple(Timing.from_dict(t) for t in meta.get("words", [])),
                                 tuple(Timing.from_dict(t) for t in meta.get("characters", [])))
        except (OSError, ValueError, KeyError, TypeError, UnreadableAudio):
            return None

    def commit(self, key: str, audio: RenderedAudio, identity: dict[str, Any]) -> RenderedAudio:
        """Record a finished WAV (already at ``slot(key)``) as the cache entry of ``key``."""
        meta = {"version": FORMAT_VERSION, "identity": identity, "sample_rate": audio.sample_rate,
                "duration_samples": audio.duration_samples, "words": [t.to_dict() for t in audio.words],
                "characters": [t.to_dict() for t in audio.characters]}
        write_atomic(self._metadata(key), json.dumps(meta, ensure_ascii=False, default=str).encode("utf-8"))
        return audio
