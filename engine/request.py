"""What to generate (``GenerationRequest``) and what came out (``TakeResult``, ``StillResult``).

A request is frozen and built once, on the caller's side; its ``key()`` is a stable hash of everything that
affects the pixels, and keys the take cache. Its ``task`` says what it makes: a clip (``text_to_video``,
``image_to_video``, ``first_last_frame``) or a still (``text_to_image``, ``references_to_image``: a keyframe made
with reference images of the cast and the location, ``reference_images``). ``GenerationRequest.still`` builds one.
A clip may carry ``reference_images`` too: video families that take references (Wan VACE) are given them, the
animatic draws them on its story card, and other models leave them out with a note on the take.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

Task = Literal["text_to_video", "image_to_video", "first_last_frame", "text_to_image", "references_to_image"]
TASKS: tuple[str, ...] = Task.__args__  # type: ignore[attr-defined]
IMAGE_TASKS = ("text_to_image", "references_to_image")
MAX_REFERENCES = 16
CAMERA_MOVES: tuple[str, ...] = (
    "static", "push_in", "pull_out", "pan_left", "pan_right", "tilt_up", "tilt_down",
    "truck_left", "truck_right", "orbit", "handheld",
)
MAX_SIDE = 8192
# Bumped when a backend's output for the same request changes, so cached takes of the old renderer are not reused.
RENDERER_VERSIONS = {"animatic": 2, "diffusers": 1}  # animatic 2: one encoder thread (same bytes everywhere)
MAX_FRAMES = 240 * 600
MAX_LORAS = 16


class RequestError(ValueError):
    """A request that cannot be generated as asked (bad prompt, size, frame count...)."""


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _lora(item: Any) -> tuple[str, str, float]:
    """A checked (path, sha256, strength) LoRA entry."""
    try:
        path, sha, strength = item
    except (TypeError, ValueError):
        raise RequestError(f"a LoRA is (path, sha256, strength), got {item!r}") from None
    if not isinstance(path, str | Path) or not str(path):
        raise RequestError(f"a LoRA needs the path of its file, got {path!r}")
    if not (isinstance(sha, str) and len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)):
        raise RequestError(f"the LoRA {path} needs the sha256 of its file, got {sha!r}")
    if isinstance(strength, bool) or not isinstance(strength, int | float) or not math.isfinite(strength) \
            or abs(strength) > 8:
        raise RequestError(f"the LoRA {path}: strength must be a number between -8 and 8, got {strength!r}")
    return str(path), sha, float(strength)


@dataclass(frozen=True)
class GenerationRequest:
    prompt: str
    width: int
    height: int
    num_frames: int
    fps: float
    seed: int = 0
    task: Task = "text_to_video"
    negative_prompt: str = ""
    steps: int = 30
    guidance: float = 5.0
    camera: str = "static"
    reference_image: str | None = None  # absolute path on the machine that generates
    reference_sha256: str | None = None  # the content, so a moved file still hits the cache
    last_image: str | None = None
    last_image_sha256: str | None = None
    backend: str = "animatic"
    model_id: str | None = None
    # Model options as sorted (name, value) pairs, so the request stays hashable.
    options: tuple[tuple[str, Any], ...] = ()
    # Caption and framing for the animatic story card (shot number, framing label); not sent to models.
    label: str = ""
    # Stills of the shot's cast and location for ``references_to_image`` and for clips of models that take them
    # (absolute paths, and their contents).
    reference_images: tuple[str, ...] = ()
    reference_images_sha256: tuple[str, ...] = ()
    # LoRA adapters to apply: (absolute path, sha256, strength) each; keyed by content and strength, not path.
    loras: tuple[tuple[str, str, float], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.prompt, str) or ("\x00" in self.prompt):
            raise RequestError("the prompt must be text")
        if self.task in ("text_to_video", "text_to_image") and not self.prompt.strip() and self.backend != "animatic":
            raise RequestError("the prompt is empty: describe what the shot shows")
        if len(self.prompt) > 10_000:
            raise RequestError("the prompt is longer than 10,000 characters")
        if self.task not in TASKS:
            raise RequestError(f"unknown task {self.task!r}; one of {', '.join(TASKS)}")
        for name in ("width", "height"):
            value = getattr(self, name)
            if not isinstance(value, int) or not 16 <= value <= MAX_SIDE:
                raise RequestError(f"{name} must be a whole number of pixels between 16 and {MAX_SIDE}, got {value!r}")
        if not isinstance(self.num_frames, int) or not 1 <= self.num_frames <= MAX_FRAMES:
            raise RequestError(f"frame count must be between 1 and {MAX_FRAMES}, got {self.num_frames!r}")
        if not (isinstance(self.fps, int | float) and math.isfinite(self.fps) and 1 <= self.fps <= 240):
            raise RequestError(f"fps must be between 1 and 240, got {self.fps!r}")
        if not isinstance(self.seed, int) or not 0 <= self.seed < 2**63:
            raise RequestError(f"seed must be between 0 and 2^63-1, got {self.seed!r}")
        if not 1 <= self.steps <= 500:
            raise RequestError(f"steps must be between 1 and 500, got {self.steps}")
        if self.camera not in CAMERA_MOVES:
            raise RequestError(f"unknown camera move {self.camera!r}; one of {', '.join(CAMERA_MOVES)}")
        if self.task in ("image_to_video", "first_last_frame") and not self.reference_image:
            raise RequestError(f"{self.task} needs a reference image")
        object.__setattr__(self, "reference_images", tuple(str(p) for p in self.reference_images))
        object.__setattr__(self, "reference_images_sha256", tuple(self.reference_images_sha256))
        if self.task in IMAGE_TASKS:
            if self.num_frames != 1:
                raise RequestError(f"a still is one frame, got {self.num_frames} frames for {self.task}")
            if self.task == "references_to_image" and not self.reference_images:
                raise RequestError("references_to_image needs at least one reference image")
        if len(self.reference_images) > MAX_REFERENCES:
            raise RequestError(f"at most {MAX_REFERENCES} reference images, got {len(self.reference_images)}")
        if self.reference_images_sha256 and len(self.reference_images_sha256) != len(self.reference_images):
            raise RequestError("reference_images_sha256 must hash each reference image")
        if self.reference_images and not self.reference_images_sha256 and self.kind == "video" \
                and self.backend != "animatic":  # a model's clip is cached by its references' content
            raise RequestError(f"{self.task} with reference_images needs their reference_images_sha256 "
                               f"(use with_references)")
        object.__setattr__(self, "loras", tuple(_lora(item) for item in self.loras))
        if len(self.loras) > MAX_LORAS:
            raise RequestError(f"at most {MAX_LORAS} LoRAs at once, got {len(self.loras)}")
        object.__setattr__(self, "options", tuple(sorted(dict(self.options).items())))

    @classmethod
    def still(cls, prompt: str, width: int, height: int, *, references: tuple[Path | str, ...] = (),
              **values: Any) -> GenerationRequest:
        """A keyframe request: one frame, ``text_to_image``, or ``references_to_image`` when references are given
        (each hashed, so the cache follows their content). ``values`` are any other fields (seed, model_id...)."""
        values.setdefault("fps", 24.0)
        values.setdefault("steps", 4)
        values.setdefault("guidance", 0.0)
        return cls(prompt=prompt, width=width, height=height, num_frames=1, task="text_to_image",
                   **values).with_references(references)

    @property
    def kind(self) -> str:
        """"image" for a still, "video" for a clip."""
        return "image" if self.task in IMAGE_TASKS else "video"

    # --- identity -----------------------------------------------------------------------------------------
    def key(self) -> str:
        """Stable hash of what affects the output; the reference is keyed by content, not path."""
        data = self.to_dict()
        data.pop("reference_image")
        data.pop("last_image")
        data.pop("reference_images")
        if not data["reference_images_sha256"]:  # keeps the keys of every request made before stills existed
            data.pop("reference_images_sha256")
        loras = data.pop("loras")
        if loras:  # by content and strength; none keeps the keys of requests made before LoRAs
            data["loras"] = [[sha, strength] for _path, sha, strength in loras]
        data["renderer_version"] = RENDERER_VERSIONS.get(self.backend, 0)
        blob = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]

    @property
    def duration_seconds(self) -> float:
        return self.num_frames / self.fps

    def option(self, name: str, default: Any = None) -> Any:
        return dict(self.options).get(name, default)

    # --- serialization ------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["options"] = dict(self.options)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerationRequest:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["options"] = tuple(sorted(dict(values.get("options") or {}).items()))
        for name in ("reference_images", "reference_images_sha256", "loras"):
            values[name] = tuple(values.get(name) or ())
        return cls(**values)

    def with_loras(self, loras: list[tuple[Path | str, float]] | tuple[tuple[Path | str, float], ...],
                   sha256: list[str | None] | None = None) -> GenerationRequest:
        """Apply LoRA adapters ``(file, strength)`` (an empty list takes them off); each file is hashed unless
        ``sha256`` gives its known content hash."""
        known = list(sha256 or [None] * len(loras))
        out = []
        for (path, strength), sha in zip(loras, known, strict=True):
            if not Path(path).is_file():
                raise RequestError(f"the LoRA file {path} cannot be found")
            out.append((str(path), sha or file_sha256(path), float(strength)))
        return replace(self, loras=tuple(out))

    def with_references(self, paths: tuple[Path | str, ...] | list[Path | str]) -> GenerationRequest:
        """Attach reference stills (hashing each); an empty list takes them off. A still switches between text-
        and references-to-image; a clip keeps its task (its references go beside its start and end frames)."""
        for path in paths:
            if not Path(path).is_file():
                raise RequestError(f"the reference image {path} cannot be found")
        changes: dict[str, Any] = {"reference_images": tuple(str(p) for p in paths),
                                   "reference_images_sha256": tuple(file_sha256(p) for p in paths)}
        if self.kind == "image":
            changes["task"] = "references_to_image" if paths else "text_to_image"
        return replace(self, **changes)

    def with_reference(self, path: Path | str | None) -> GenerationRequest:
        """Attach a reference still (hashing its content) and switch to image-to-video."""
        if path is None:
            return replace(self, reference_image=None, reference_sha256=None, task="text_to_video")
        return replace(self, reference_image=str(path), reference_sha256=file_sha256(path), task="image_to_video")


@dataclass
class TakeResult:
    """A finished clip and everything known about how it was made."""

    video: Path
    first_frame: Path
    last_frame: Path
    thumbnail: Path
    request: GenerationRequest
    width: int
    height: int
    fps: float
    num_frames: int
    model_id: str = ""
    model_revision: str | None = None
    backend: str = "animatic"
    timings: dict[str, float] = field(default_factory=dict)
    peak_memory_bytes: int | None = None
    notes: list[str] = field(default_factory=list)  # e.g. how the request was snapped to the model
    from_cache: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = {k: (str(v) if isinstance(v, Path) else v) for k, v in self.__dict__.items()}
        data["request"] = self.request.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TakeResult:
        values = dict(data)
        values["request"] = GenerationRequest.from_dict(values["request"])
        for name in ("video", "first_frame", "last_frame", "thumbnail"):
            values[name] = Path(values[name])
        return cls(**values)


@dataclass
class StillResult:
    """A finished still (a keyframe take): ``image.png`` (its text chunk holds the request, model and seed), a
    ``thumb.jpg``, and everything known about how it was made."""

    image: Path
    thumbnail: Path
    request: GenerationRequest
    width: int
    height: int
    seed: int = 0
    model_id: str = ""
    model_revision: str | None = None
    backend: str = "animatic"
    timings: dict[str, float] = field(default_factory=dict)
    peak_memory_bytes: int | None = None
    notes: list[str] = field(default_factory=list)  # snaps, references the model could not use
    from_cache: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = {k: (str(v) if isinstance(v, Path) else v) for k, v in self.__dict__.items()}
        data["request"] = self.request.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StillResult:
        values = dict(data)
        values["request"] = GenerationRequest.from_dict(values["request"])
        for name in ("image", "thumbnail"):
            values[name] = Path(values[name])
        return cls(**values)


def result_from_dict(data: dict[str, Any]) -> TakeResult | StillResult:
    """A take or a still from its ``to_dict()``."""
    return StillResult.from_dict(data) if "image" in data else TakeResult.from_dict(data)
