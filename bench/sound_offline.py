"""Offline ambience speed: seconds of work per second of sound (target <= 0.05).

Two figures: ``synthesize`` alone over the example film's kinds of prompt at shot lengths (3.5-5 s, some of them
awkward FFT lengths) and one long 60 s shot (a 20 s cycle repeated); and ``make_sounds`` on a temporary 10-shot project (synthesis plus
the cache, the WAV copies into the bundle and the commands). Prints one JSON line per figure (bench/run_all.py).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.project import Project, ProjectDocument, Shot
from studio.sound import layers_for, make_sounds, synthesize
from studio.sound.ambience import SAMPLE_RATE

PROMPTS = ["wind on the headland, waves below, gulls", "lamp room: a low hum, wind at the glass",
           "a quiet kitchen, rain outside", "a log fire crackling in the stove", "storm: heavy rain, wind, big seas",
           "rain on the window, wind", "a busy street, traffic, a crowd murmuring", "calm sea at dawn, gulls, birds",
           "waves lapping on the jetty, gulls", "a boat's wake, sea, wind"]
FRAMES = [120, 108, 120, 96, 120, 96, 108, 120, 97, 121]  # at 24 fps; 97 and 121 make awkward sample counts
TARGET_RTF = 0.05


def main() -> None:
    synthesize(["rain"], SAMPLE_RATE, seed=0)  # warm up numpy's FFT plans
    work = sound = 0.0
    cpu = time.process_time()
    for index, (prompt, frames) in enumerate(zip(PROMPTS, FRAMES, strict=True)):
        n = frames * SAMPLE_RATE // 24
        started = time.perf_counter()
        synthesize(layers_for(prompt), n, seed=index)
        work += time.perf_counter() - started
        sound += n / SAMPLE_RATE
    cpu = time.process_time() - cpu
    print(json.dumps({"bench": "sound_offline_synthesis", "ratio": round(work / sound, 4), "target": TARGET_RTF,
                      "cpu_ratio": round(cpu / sound, 4), "sound_s": round(sound, 1), "work_s": round(work, 3),
                      "shots": len(PROMPTS)}))

    started, cpu = time.perf_counter(), time.process_time()
    synthesize(layers_for(PROMPTS[0]), 60 * SAMPLE_RATE, seed=1)
    work, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"bench": "sound_offline_long_shot", "ratio": round(work / 60, 4), "target": TARGET_RTF,
                      "cpu_ratio": round(cpu / 60, 4), "sound_s": 60, "work_s": round(work, 3),
                      "layers": len(layers_for(PROMPTS[0]))}))

    with tempfile.TemporaryDirectory() as folder:
        shots = [Shot(duration_frames=frames, seed=i, sound_prompt=prompt)
                 for i, (prompt, frames) in enumerate(zip(PROMPTS, FRAMES, strict=True))]
        document = ProjectDocument.create(Path(folder) / "bench", Project(fps=24, shots=shots))
        started, cpu = time.perf_counter(), time.process_time()
        report = make_sounds(document)
        work, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(json.dumps({"bench": "sound_offline_make_sounds", "ratio": round(work / report.sound_seconds, 4),
                          "target": TARGET_RTF, "cpu_ratio": round(cpu / report.sound_seconds, 4), "sound_s": round(report.sound_seconds, 1), "work_s": round(work, 3),
                          "takes": len(report.made)}))


if __name__ == "__main__":
    main()
