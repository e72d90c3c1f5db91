"""The moviepy adapter against the exporter: two renderers of one plan must show the same film.

A tiny film has every kind of piece: a title card, a cut, a crossfade, a dip to black, a 30 fps take trimmed at
both ends whose grey level steps by frame (so a wrong source frame shows), a held last frame, a credits card, a
voice and a ducked music bed. Tolerances: a sampled frame's mean absolute difference from the exported MP4's
decoded frame N is at most 2 of 255 (measured: 0.0-0.7; the H.264 encode is the difference); the audio, after
one fitted gain (the exporter normalises loudness, the adapter does not), differs by at most 1% of the signal's
RMS in every sampled 40 ms window (measured: under 0.1%; AAC is the difference).
"""

from __future__ import annotations

import subprocess

import cv2
import numpy as np
import pytest
from cut_film_factory import FFMPEG, ShotSpec, add_card, add_line, add_music, decode_audio

from studio.cut import export_film
from studio.cut.moviepy_adapter import cut_clips
from studio.project import Take

FPS = 24


def _grey_ramp(path, frames: int, fps: int, size=(160, 90), step: int = 8) -> None:
    """A take whose frame n is grey level 16 + n * step."""
    w, h = size
    subprocess.run([FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", f"color=c=black:s={w}x{h}:r={fps}",
                    "-vf", f"geq=lum='16+N*{step}':cb=128:cr=128", "-frames:v", str(frames), "-c:v", "libx264",
                    "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", str(path)], check=True)


@pytest.fixture
def film(film_factory):
    document = film_factory([
        ShotSpec("red"),
        ShotSpec("green", transition="crossfade", transition_frames=8),
        ShotSpec("blue", transition="dip_to_black", transition_frames=8),
        ShotSpec("red", frames=16),  # replaced by the grey ramp below
    ])
    shot = document.project.shots[3]
    media = "media/takes/ramp/clip.mp4"
    (document.bundle / media).parent.mkdir(parents=True)
    _grey_ramp(document.bundle / media, 26, 30)
    # 30 fps source, trimmed to source frames 3..22 (20 frames = 16 output frames at 24 fps, so none held),
    ramp = Take(media=media, fps=30, frame_count=26, width=160, height=90, trim_in=3, trim_out=23)
    shot.takes = [ramp]
    shot.active_take = ramp.id
    shot.duration_frames = 20  # ...then 4 frames longer than the take: its last frame is held.
    add_card(document, "Night Watch", "title", frames=12)
    add_card(document, "The end", "credits", frames=12)
    add_line(document, "shot_0", "The lamp.", offset_frames=18, freq=440, seconds=0.5)
    add_music(document, freq=110, seconds=10, gain_db=-6)
    document.save()
    return document


def _decoded_frames(path) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    frames = []
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                return frames
            frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB).astype(np.float32))
    finally:
        cap.release()


def test_moviepy_cut_matches_the_exported_film(film, tmp_path):
    out = tmp_path / "film.mp4"
    report = export_film(film, out)
    exported = _decoded_frames(out)
    assert len(exported) == report.frames

    with cut_clips(film) as cut:
        plan = cut.plan
        assert cut.video.size == (160, 90) and cut.video.duration == pytest.approx(report.duration_seconds)
        title, credits = plan.cards
        s0, s1, s2, s3 = plan.shots
        overlap = s1.transition.frames
        samples = {
            "title fading up": title.start + 1, "title": title.start + 6, "title fading down": title.start + title.frames - 2,
            "red": s0.start + 4, "crossfade start": s1.start + 1, "crossfade middle": s1.start + overlap // 2,
            "crossfade end": s1.start + overlap - 1, "green": s1.start + overlap + 4,
            "dip down": s2.start - 2, "dip up": s2.start + 2, "blue": s2.start + 10,
            "ramp first": s3.start, "ramp middle": s3.start + 7, "ramp last": s3.start + 15,
            "ramp held": s3.end - 1, "credits": credits.start + 6, "last frame": report.frames - 1,
        }
        for name, n in samples.items():
            frame = cut.video.get_frame(n / plan.fps).astype(np.float32)
            error = float(np.abs(frame - exported[n]).mean())
            assert error <= 2.0, f"{name} (frame {n}): moviepy and the export differ by {error:.2f}/255"
        # The pieces really are different pictures (a test of nothing would pass the loop above, too).
        ramp = [float(cut.video.get_frame((s3.start + k) / plan.fps).mean()) for k in (0, 15)]
        assert ramp[1] - ramp[0] > 60
        assert abs(float(exported[s3.end - 1].mean()) - float(exported[s3.start + 15].mean())) < 2

        sr = plan.settings.sample_rate
        mine = cut.audio.to_soundarray(fps=sr).mean(axis=1)
    theirs = decode_audio(out, sr)
    voice, [music] = plan.voices[0], plan.music
    assert music.start_seconds + 0.3 < voice.start_seconds
    window = int(0.04 * sr)
    times = (music.start_seconds + 0.1, voice.start_seconds + 0.1, voice.start_seconds + 0.3,
             voice.start_seconds + 1.5, plan.duration_seconds - 0.3)
    starts = [round(t * sr) for t in times]
    a = np.concatenate([mine[s:s + window] for s in starts])
    b = np.concatenate([theirs[s:s + window] for s in starts])
    gain = float(np.dot(a, b) / np.dot(a, a))
    assert 0.1 < gain < 10
    for s in starts:
        ours, export = gain * mine[s:s + window], theirs[s:s + window]
        rms = float(np.sqrt(np.mean(export ** 2)))
        assert rms > 0.01, f"silence at {s / sr:.2f}s"
        assert float(np.sqrt(np.mean((ours - export) ** 2))) <= 0.01 * rms, f"audio differs at {s / sr:.2f}s"
    under_voice = np.sqrt(np.mean(mine[starts[1]:starts[1] + window] ** 2))
    music_only = np.sqrt(np.mean(mine[starts[3]:starts[3] + window] ** 2))
    assert under_voice > music_only  # the voice is in the mix, over the ducked bed


def test_closing_stops_every_ffmpeg_reader(film):
    cut = cut_clips(film)
    processes = [reader.reader.proc for reader in cut.readers]
    assert len(processes) == 6  # four takes, the voice and the music
    # every take's reader is a live ffmpeg process (a short voice file may already be read to its end)
    assert all(p.poll() is None for p, reader in zip(processes, cut.readers, strict=True) if hasattr(reader, "size"))
    cut.close()
    assert all(p.poll() is not None for p in processes)
