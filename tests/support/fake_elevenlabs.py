"""A fake ElevenLabs HTTP server on 127.0.0.1 (the voice tests', and any test's, on the test path).

It speaks the real wire format (checked against the SDK in /work/shared/reference/elevenlabs-api.md), records
every request, and answers faults on demand, so the real ``elevenlabs`` SDK is exercised end to end.
"""

from __future__ import annotations

import base64
import io
import json
import subprocess
import threading
import time
import wave
from collections import deque
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import numpy as np

API_KEY = "sk_test_0123456789abcdef0123456789abcdef"
SECONDS_PER_CHARACTER = 0.05


def tone_samples(seconds: float, rate: int) -> np.ndarray:
    """A voiced-sounding test signal: a 180 Hz buzz with harmonics, amplitude-modulated like syllables."""
    t = np.arange(int(seconds * rate)) / rate
    buzz = sum(np.sin(2 * np.pi * 180 * k * t) / k for k in range(1, 5))
    syllables = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)
    return (buzz * syllables * 6000).astype(np.int16)


def effect_samples(seconds: float, rate: int) -> np.ndarray:
    """A sound-effect test signal: low-passed noise riding on a ramp, so its end is far from its start (a clip
    looped naively would click at the seam)."""
    n = int(seconds * rate)
    noise = np.convolve(np.random.default_rng(n).standard_normal(n), np.ones(8) / 8, mode="same")
    return (noise * 3000 + np.linspace(-6000, 6000, n)).astype(np.int16)


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


def mp3_bytes(samples: np.ndarray, rate: int) -> bytes:
    import imageio_ffmpeg

    done = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "s16le",
                           "-ar", str(rate), "-ac", "1", "-i", "pipe:0", "-f", "mp3", "-b:a", "64k", "pipe:1"],
                          input=samples.astype("<i2").tobytes(), capture_output=True, check=True)
    return done.stdout


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)  # field -> (filename, mime, bytes)


@dataclass
class Fault:
    status: int  # 0 = drop the connection without an answer
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class FakeElevenLabs:
    VOICES = [{"voice_id": f"voice{i:02d}", "name": name, "category": "premade",
               "labels": {"gender": gender, "accent": "american"}, "description": f"{name}'s voice"}
              for i, (name, gender) in enumerate([("Rachel", "female"), ("Adam", "male"), ("Bella", "female"),
                                                  ("Josh", "male"), ("Elli", "female")])]
    # A voice library as the API labels it (gender, age, accent, descriptive words, use case): set ``voices``.
    LIBRARY = [{"voice_id": f"lib{i:02d}", "name": name, "category": "premade", "description": description,
                "labels": {"gender": gender, "age": age, "accent": accent, "descriptive": description,
                           "use_case": use}}
               for i, (name, gender, age, accent, description, use) in enumerate([
                   ("Aria", "female", "young", "american", "bright", "conversational"),
                   ("George", "male", "middle_aged", "british", "warm", "narrative_story"),
                   ("Bill", "male", "old", "american", "weathered", "narrative_story"),
                   ("Charlie", "male", "young", "australian", "casual", "conversational"),
                   ("Dorothy", "female", "old", "british", "gravelly", "characters_animation"),
                   ("Lily", "female", "middle_aged", "british", "raspy", "narrative_story")])]

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.faults: deque[Fault] = deque()
        self.voices: list[dict[str, Any]] = list(self.VOICES)  # what /v1/voices and /v2/voices list
        self.force_mp3 = False
        self.v2_missing = False
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                owner._handle(self, "GET")

            def do_POST(self) -> None:
                owner._handle(self, "POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail_next(self, status: int, body: Any = None, headers: dict[str, str] | None = None, *, times: int = 1,
                  delay: float = 0.0) -> None:
        for _ in range(times):
            self.faults.append(Fault(status, body, headers or {}, delay))

    # --- request handling ----------------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlparse(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        received = Received(method, url.path, parse_qs(url.query), {k.lower(): v for k, v in handler.headers.items()},
                            body)
        content_type = handler.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and body:
            received.json = json.loads(body)
        elif content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + body)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                filename = part.get_filename()
                payload = part.get_payload(decode=True) or b""
                if filename is not None:
                    received.files[name] = (filename, part.get_content_type(), payload)
                else:
                    received.form[name] = payload.decode()
        with self.lock:
            self.requests.append(received)
            fault = self.faults.popleft() if self.faults else None
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status == 0:
                handler.close_connection = True
                handler.connection.shutdown(2)
                return
            if fault.status != 200:
                self._send(handler, fault.status, json.dumps(fault.body or {}).encode(), "application/json",
                           fault.headers)
                return
        if received.headers.get("xi-api-key") != API_KEY:
            self._json(handler, 401, {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}})
            return
        self._route(handler, received)

    def _route(self, handler: BaseHTTPRequestHandler, received: Received) -> None:
        parts = received.path.strip("/").split("/")
        output_format = received.query.get("output_format", ["mp3_44100_128"])[0]
        if received.method == "POST" and parts[:2] == ["v1", "text-to-speech"]:
            text = (received.json or {}).get("text", "")
            if not text:
                self._json(handler, 422, {"detail": [{"loc": ["body", "text"], "msg": "Field required",
                                                       "type": "missing"}]})
                return
            seconds = max(0.2, len(text) * SECONDS_PER_CHARACTER)
            audio, mime = self._audio(seconds, output_format)
            if parts[-1] == "with-timestamps":
                starts = [i * SECONDS_PER_CHARACTER for i in range(len(text))]
                alignment = {"characters": list(text), "character_start_times_seconds": starts,
                             "character_end_times_seconds": [s + SECONDS_PER_CHARACTER for s in starts]}
                self._json(handler, 200, {"audio_base64": base64.b64encode(audio).decode(), "alignment": alignment,
                                          "normalized_alignment": alignment})
            else:
                self._send(handler, 200, audio, mime)
            return
        if received.method == "POST" and parts[:2] == ["v1", "voice-changer"]:
            if "audio" not in received.files:
                self._json(handler, 422, {"detail": [{"loc": ["body", "audio"], "msg": "Field required"}]})
                return
            audio, mime = self._audio(0.8, output_format)
            self._send(handler, 200, audio, mime)
            return
        if received.method == "POST" and received.path == "/v1/sound-generation":
            body = received.json or {}
            if not str(body.get("text", "")).strip():
                self._json(handler, 422, {"detail": [{"loc": ["body", "text"], "msg": "Field required",
                                                       "type": "missing"}]})
                return
            seconds = body.get("duration_seconds") or 5.0
            if not 0.5 <= seconds <= 30:
                self._json(handler, 422, {"detail": [{"loc": ["body", "duration_seconds"],
                                                       "msg": "Input should be between 0.5 and 30"}]})
                return
            audio, mime = self._audio(seconds, output_format, effect_samples)
            self._send(handler, 200, audio, mime)
            return
        if received.method == "GET" and received.path == "/v1/voices":
            self._json(handler, 200, {"voices": self.voices})
            return
        if received.method == "GET" and received.path == "/v2/voices" and not self.v2_missing:
            search = received.query.get("search", [""])[0].casefold()
            size = int(received.query.get("page_size", ["10"])[0])
            start = int(received.query.get("next_page_token", ["0"])[0])
            found = [v for v in self.voices if search in v["name"].casefold()]
            page = found[start:start + size]
            more = start + size < len(found)
            self._json(handler, 200, {"voices": page, "has_more": more, "total_count": len(found),
                                      "next_page_token": str(start + size) if more else None})
            return
        self._json(handler, 404, {"detail": {"status": "not_found", "message": f"no route {received.path}"}})

    def _audio(self, seconds: float, output_format: str, signal: Any = tone_samples) -> tuple[bytes, str]:
        kind, rate_text = output_format.split("_")[:2]
        rate = int(rate_text)
        samples = signal(seconds, rate)
        if self.force_mp3 or kind == "mp3":
            return mp3_bytes(samples, rate), "audio/mpeg"
        if kind == "pcm":
            return samples.astype("<i2").tobytes(), "application/octet-stream"
        return wav_bytes(samples, rate), "audio/wav"

    def _json(self, handler: BaseHTTPRequestHandler, status: int, value: Any) -> None:
        self._send(handler, status, json.dumps(value).encode(), "application/json")

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, data: bytes, mime: str,
              headers: dict[str, str] | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", mime)
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def posts(self) -> list[Received]:
        return [r for r in self.requests if r.method == "POST"]
