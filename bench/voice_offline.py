"""Offline narration speed: seconds of work per second of speech (real-time factor; below 1 = faster than real time).

Two figures: espeak-ng synthesis alone, and ``narrate_lines`` on a temporary project (synthesis plus the
cache, the copies into the bundle and the saves). Prints one JSON line per figure (see bench/run_all.py).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.project import Character, Line, Project, ProjectDocument, Shot
from studio.project.model import Voice
from studio.voice import get_provider, narrate_lines

LINES = [
    "The lighthouse keeper climbed the stairs for the last time, counting each step as his father had taught him.",
    "Below, the sea went on with its old argument against the rocks.",
    "Is anyone there? I saw a light on the water.",
    "Only the lamp, and the lamp has never once lied to a sailor.",
    "By morning the boats were home, and nobody asked who had kept the light burning through the storm.",
    "Then who were you signalling to, all those years?",
]
LINES = [f"{text} Take {n}." for n in (1, 2, 3) for text in LINES]  # distinct texts: no cache hits
TARGET_RTF = 0.1


def main() -> None:
    provider = get_provider("espeak")
    voices = [Voice(voice_id="en-us"), Voice(voice_id="en-us+f2"), Voice(voice_id="en-gb+m3", settings={"rate": 150})]
    with tempfile.TemporaryDirectory() as folder:
        provider.synthesize("warm up", voices[0], Path(folder) / "warm.wav")
        audio = work = 0.0
        for index, text in enumerate(LINES):
            started = time.perf_counter()
            rendered = provider.synthesize(text, voices[index % 3], Path(folder) / f"{index}.wav")
            work += time.perf_counter() - started
            audio += rendered.duration_seconds
        print(json.dumps({"bench": "voice_offline_synthesis", "ratio": round(work / audio, 4), "target": TARGET_RTF,
                          "audio_s": round(audio, 1), "work_s": round(work, 3), "lines": len(LINES)}))

        narrator, keeper = Character(name="Narrator", is_narrator=True), Character(name="Keeper")
        shot = Shot(duration_frames=24 * 60)
        lines = [Line(text=text, shot_id=shot.id, speaker=keeper.id if i % 2 else None, offset_frames=i)
                 for i, text in enumerate(LINES)]
        document = ProjectDocument.create(Path(folder) / "bench", Project(cast=[narrator, keeper], shots=[shot],
                                                                         lines=lines))
        started = time.perf_counter()
        report = narrate_lines(document)
        work = time.perf_counter() - started
        print(json.dumps({"bench": "voice_offline_narrate_project", "ratio": round(work / report.audio_seconds, 4),
                          "target": TARGET_RTF, "audio_s": round(report.audio_seconds, 1), "work_s": round(work, 3),
                          "lines": len(report.narrated)}))


if __name__ == "__main__":
    main()
