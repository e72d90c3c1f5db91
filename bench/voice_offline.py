"""Offline narration speed: seconds of work per second of speech (real-time factor; below 1 = faster than real time).

espeak-ng: synthesis alone, and ``narrate_lines`` on a temporary project (synthesis plus the cache, the copies
into the bundle and the saves). The neural voice (Kokoro): the real model when it is in the model store (target
0.3); always, the tiny model the tests build (tests/support/tiny_kokoro.py) through our provider and through
kokoro-onnx directly, whose difference is the provider's own overhead (phonemizing words for timings, the WAV).
Prints one JSON line per figure (see bench/run_all.py).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))  # the tiny Kokoro model

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
NEURAL_TARGET_RTF = 0.3


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


def _neural_rtf(speak, voices: list[str]) -> tuple[float, float, float]:
    """(work / audio, audio seconds, work seconds) of ``speak(text, voice) -> seconds of audio`` over LINES."""
    speak("warm up", voices[0])
    audio = work = 0.0
    for index, text in enumerate(LINES):
        started = time.perf_counter()
        audio += speak(text, voices[index % len(voices)])
        work += time.perf_counter() - started
    return work / audio, audio, work


def neural() -> None:
    from kokoro_onnx import Kokoro

    from studio.voice.kokoro_model import neural_voice_ready
    from studio.voice.kokoro_provider import KokoroProvider, voice_language

    def through_provider(provider: KokoroProvider, folder: Path):
        def speak(text: str, voice_id: str) -> float:
            out = folder / f"{abs(hash((text, voice_id)))}.wav"
            return provider.synthesize(text, Voice(provider="kokoro", voice_id=voice_id), out).duration_seconds
        return speak

    def direct(kokoro: Kokoro):
        def speak(text: str, voice_id: str) -> float:
            audio, rate, _ = kokoro.create_timed(text, voice_id, lang=voice_language(voice_id))
            return len(audio) / rate
        return speak

    with tempfile.TemporaryDirectory() as folder:
        if neural_voice_ready():
            provider = KokoroProvider()
            ratio, audio, work = _neural_rtf(through_provider(provider, Path(folder)), ["af_heart", "am_michael"])
            print(json.dumps({"bench": "voice_neural_kokoro", "ratio": round(ratio, 4), "target": NEURAL_TARGET_RTF,
                              "audio_s": round(audio, 1), "work_s": round(work, 3), "lines": len(LINES)}))
        else:
            print(json.dumps({"bench": "voice_neural_kokoro", "skipped": True,
                              "reason": "the Kokoro model is not in the model store "
                                        "(storyreel models download fastrtc/kokoro-onnx)"}))
        import tiny_kokoro

        model = tiny_kokoro.build_tiny_kokoro(Path(folder) / "tiny.onnx")
        voices_file = tiny_kokoro.build_tiny_voices(Path(folder) / "voices.bin")
        voices = ["af_heart", "am_adam", "bf_emma"]
        ours = _neural_rtf(through_provider(KokoroProvider(model_path=model, voices_path=voices_file), Path(folder)),
                           voices)
        theirs = _neural_rtf(direct(Kokoro(str(model), str(voices_file))), voices)
        print(json.dumps({"bench": "voice_neural_tiny_provider", "ratio": round(ours[0], 4),
                          "target": NEURAL_TARGET_RTF, "audio_s": round(ours[1], 1), "work_s": round(ours[2], 3),
                          "kokoro_onnx_ratio": round(theirs[0], 4), "kokoro_onnx_work_s": round(theirs[2], 3),
                          "overhead_per_audio_s": round(ours[0] - theirs[0], 4), "lines": len(LINES)}))


if __name__ == "__main__":
    main()
    neural()
