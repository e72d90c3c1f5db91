"""16-bit mono WAV in and out, and decoding whatever a service sends back (WAV, raw PCM, MP3, Ogg).

Every take Storyreel keeps is a plain 16-bit mono WAV: the standard ``wave`` module reads it, ffmpeg mixes
it, and the cut never has to guess a container.
"""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

import numpy as np

from engine.atomic_files import commit_file, temp_path_for

from .errors import UnreadableAudio

FFMPEG_TIMEOUT_S = 120


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Write int16 samples as a WAV file atomically: mono (n,) or, for a joint line's take, stereo (n, 2)."""
    data = np.ascontiguousarray(samples, dtype="<i2")
    path = Path(path)
    with temp_path_for(path) as tmp:
        with wave.open(str(tmp), "wb") as handle:
            handle.setnchannels(1 if data.ndim == 1 else data.shape[1])
            handle.setsampwidth(2)
            handle.setframerate(int(sample_rate))
            handle.writeframes(data.tobytes())
        commit_file(tmp, path)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """int16 mono samples and the rate of a WAV file (stereo is averaged, 8/24/32-bit converted)."""
    try:
        return _wav_from_bytes(Path(path).read_bytes())
    except FileNotFoundError as exc:
        raise UnreadableAudio(f"{path}: audio file not found") from exc


def wav_info(path: Path) -> tuple[int, int]:
    """(sample rate, number of samples) from a WAV header, without reading the samples."""
    try:
        with wave.open(str(path), "rb") as handle:
            return handle.getframerate(), handle.getnframes()
    except (OSError, EOFError, wave.Error) as exc:
        raise UnreadableAudio(f"{path}: not a readable WAV file ({exc})") from exc


def sniff_container(data: bytes) -> str | None:
    """'wav', 'mp3', 'ogg', 'flac' or None from the first bytes (services sometimes ignore the format asked)."""
    head = data[:12]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"fLaC":
        return "flac"
    return None


def decode_audio(data: bytes, *, raw_pcm_rate: int | None = None, target_rate: int | None = None) -> tuple[np.ndarray, int]:
    """Audio bytes -> (int16 mono samples, sample rate).

    ``raw_pcm_rate``: the bytes may be headerless 16-bit little-endian PCM at that rate (what ``pcm_*`` output
    formats send). ``target_rate``: rate to decode compressed audio at (ffmpeg resamples).
    """
    if not data:
        raise UnreadableAudio("the service sent no audio (an empty answer)")
    kind = sniff_container(data)
    if kind == "wav":
        try:
            return _wav_from_bytes(data)
        except UnreadableAudio:
            pass  # e.g. a streamed WAV whose header sizes are placeholders: ffmpeg copes
        return decode_with_ffmpeg(data, target_rate)
    if kind is None and raw_pcm_rate:
        usable = len(data) - len(data) % 2
        return np.frombuffer(data[:usable], dtype="<i2").copy(), raw_pcm_rate
    return decode_with_ffmpeg(data, target_rate)


def decode_with_ffmpeg(data: bytes, target_rate: int | None = None) -> tuple[np.ndarray, int]:
    """Decode any container ffmpeg knows (MP3, Ogg/Opus, FLAC, AAC) to int16 mono."""
    import imageio_ffmpeg

    rate = int(target_rate or 44100)
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", "pipe:0",
               "-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(rate), "pipe:1"]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=FFMPEG_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise UnreadableAudio("decoding the audio took too long; the data is probably damaged") from exc
    if done.returncode != 0 or not done.stdout:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UnreadableAudio(f"could not decode the audio ({reason[-1] if reason else 'no audio stream'})")
    usable = len(done.stdout) - len(done.stdout) % 2
    return np.frombuffer(done.stdout[:usable], dtype="<i2").copy(), rate


def _wav_from_bytes(data: bytes) -> tuple[np.ndarray, int]:
    try:
        with wave.open(io.BytesIO(data), "rb") as handle:
            channels, width, rate = handle.getnchannels(), handle.getsampwidth(), handle.getframerate()
            frames = handle.readframes(handle.getnframes())
    except (EOFError, wave.Error) as exc:
        raise UnreadableAudio(f"not a readable WAV file ({exc})") from exc
    if width == 1:
        samples = (np.frombuffer(frames, dtype=np.uint8).astype(np.int32) - 128) << 8
    elif width == 2:
        samples = np.frombuffer(frames, dtype="<i2").astype(np.int32)
    elif width == 3:
        raw = np.frombuffer(frames[: len(frames) - len(frames) % 3], dtype=np.uint8).reshape(-1, 3)
        samples = (raw[:, 0].astype(np.int32) | (raw[:, 1].astype(np.int32) << 8) | (raw[:, 2].astype(np.int32) << 16))
        samples = np.where(samples & 0x800000, samples - 0x1000000, samples) >> 8
    elif width == 4:
        samples = np.frombuffer(frames, dtype="<i4").astype(np.int64) >> 16
    else:
        raise UnreadableAudio(f"unsupported WAV sample width of {width} bytes")
    if channels > 1:
        samples = samples[: len(samples) - len(samples) % channels].reshape(-1, channels).mean(axis=1)
    return np.asarray(samples, dtype=np.int16), rate


def rms(samples: np.ndarray) -> float:
    """Root mean square level of int16 samples, 0..1 of full scale."""
    if samples.size == 0:
        return 0.0
    return float(np.sqrt(np.mean((samples.astype(np.float64) / 32768.0) ** 2)))


MAX_RECORDING_BYTES = 50 * 1024 * 1024


def check_recording(recording: Path) -> bytes:
    """The bytes of a recording a voice changer can take: present, not empty, not huge, decodable audio."""
    recording = Path(recording)
    if not recording.is_file():
        raise UnreadableAudio(f"{recording}: recording not found")
    data = recording.read_bytes()
    if not data:
        raise UnreadableAudio(f"{recording}: the recording is empty")
    if len(data) > MAX_RECORDING_BYTES:
        raise UnreadableAudio(f"{recording}: the recording is {len(data) // 2**20} MiB; the voice changer takes at "
                              f"most {MAX_RECORDING_BYTES // 2**20} MiB (split it, or export it as MP3)")
    try:
        samples, _ = decode_audio(data, target_rate=16000)
    except UnreadableAudio as exc:
        raise UnreadableAudio(f"{recording}: not an audio file Storyreel can read ({exc})") from None
    if samples.size == 0:
        raise UnreadableAudio(f"{recording}: the recording holds no sound")
    return data
