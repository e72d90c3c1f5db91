"""The project document: plain pydantic data, no Qt, no I/O.

Time is integer frames at the project rate; seconds appear only at the edges (CLI options, ffmpeg, audio).
Every model keeps fields it does not know (``extra="allow"``) so a file written by a newer Storyreel survives
a load + save round trip unchanged.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from .media_path import check_relative_media_path

SCHEMA_VERSION = 3  # 3: a shot's reference still is its active keyframe (``Shot.keyframes``)

MAX_FPS = 240
MAX_SIDE = 8192
MAX_SHOT_SECONDS = 600
MAX_SHOTS = 10_000

CameraMove = Literal[
    "static", "push_in", "pull_out", "pan_left", "pan_right", "tilt_up", "tilt_down",
    "truck_left", "truck_right", "orbit", "handheld",
]
CAMERA_MOVES: tuple[str, ...] = CameraMove.__args__  # type: ignore[attr-defined]
TransitionKind = Literal["cut", "crossfade", "dip_to_black"]
TRANSITION_KINDS: tuple[str, ...] = TransitionKind.__args__  # type: ignore[attr-defined]
TakeStatus = Literal["ready", "failed", "offline"]
LineStatus = Literal["pending", "ready", "stale", "failed"]
ASPECTS: tuple[str, ...] = ("16:9", "9:16", "1:1", "4:3", "3:4", "2.39:1", "21:9", "4:5")


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


SEED_LIMIT = 2**31  # what every backend accepts (torch generators, numpy)


def new_seed() -> int:
    """A fresh random seed: for a new shot, and for a take that must not repeat an earlier one."""
    return random.SystemRandom().randrange(0, SEED_LIMIT)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_aspect(aspect: str) -> float:
    """'16:9' -> 1.777...; raises ValueError for anything else."""
    try:
        w, h = aspect.split(":")
        value = float(w) / float(h)
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"aspect ratio must look like 16:9, got {aspect!r}") from exc
    if not 0.1 <= value <= 10:
        raise ValueError(f"aspect ratio {aspect!r} is out of range")
    return value


class Doc(BaseModel):
    """Base of every document object: validates on assignment, keeps unknown fields."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)


class Voice(Doc):
    """A voice choice: which provider speaks and with which of its voices and settings."""

    provider: str = "espeak"
    voice_id: str = "en-us"
    model_id: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)


class LoraRef(Doc):
    """A LoRA adapter file inside the bundle, applied at ``strength``; ``sha256`` keys takes made with it."""

    path: str
    strength: float = Field(default=1.0, ge=-4, le=4)
    sha256: str = ""

    @field_validator("path")
    @classmethod
    def _inside_bundle(cls, value: str) -> str:
        return check_relative_media_path(value)


class Element(Doc):
    """What stays the same from shot to shot: a character or a location, described once and reused.

    ``references`` are stills inside the bundle (imported, or keyframes picked for it); ``loras`` adapters that
    carry its look. Shots name the elements in them (``Shot.cast``)."""

    description: str = Field(default="", max_length=2_000)
    references: list[str] = Field(default_factory=list, max_length=32)
    loras: list[LoraRef] = Field(default_factory=list, max_length=8)

    @field_validator("references")
    @classmethod
    def _references_inside_bundle(cls, value: list[str]) -> list[str]:
        return [check_relative_media_path(path) for path in value]


class VoiceHints(Doc):
    """What the filmmaker says a character sounds like; casting from a voice library matches these first.
    Empty = not said (older files have none: no schema upgrade needed)."""

    gender: Literal["", "female", "male", "neutral"] = ""
    age: Literal["", "young", "middle_aged", "old"] = ""
    accent: str = Field(default="", max_length=60)


class Character(Element):
    id: str = Field(default_factory=lambda: new_id("chr"))
    name: str = Field(min_length=1, max_length=200)
    voice: Voice = Field(default_factory=Voice)
    is_narrator: bool = False
    notes: str = ""
    voice_hints: VoiceHints = Field(default_factory=VoiceHints)


class Location(Element):
    id: str = Field(default_factory=lambda: new_id("loc"))
    name: str = Field(min_length=1, max_length=200)


class Transition(Doc):
    """How a shot begins, coming from the shot before it (the first shot's transition fades from black)."""

    kind: TransitionKind = "cut"
    duration_frames: int = Field(default=0, ge=0, le=MAX_FPS * 10)

    @model_validator(mode="after")
    def _cut_has_no_duration(self) -> Transition:
        if self.kind == "cut" and self.duration_frames:
            object.__setattr__(self, "duration_frames", 0)
        return self


class Take(Doc):
    """One generated clip of a shot."""

    id: str = Field(default_factory=lambda: new_id("take"))
    media: str
    request: dict[str, Any] = Field(default_factory=dict)  # the frozen GenerationRequest that made it
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    backend: str = "animatic"
    model_id: str = ""
    created_at: str = Field(default_factory=utc_now)
    status: TakeStatus = "ready"
    error: str | None = None
    width: int = Field(default=0, ge=0, le=MAX_SIDE)
    height: int = Field(default=0, ge=0, le=MAX_SIDE)
    fps: float = Field(default=0, ge=0, le=MAX_FPS)
    frame_count: int = Field(default=0, ge=0, le=MAX_FPS * MAX_SHOT_SECONDS)
    thumbnail: str | None = None
    first_frame: str | None = None
    last_frame: str | None = None
    # Trim in source frames (of this take's own rate); trim_out None = to the end.
    trim_in: int = Field(default=0, ge=0)
    trim_out: int | None = Field(default=None, ge=1)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("media", "thumbnail", "first_frame", "last_frame")
    @classmethod
    def _media_inside_bundle(cls, value: str | None) -> str | None:
        return None if value is None else check_relative_media_path(value)


KeyframeSource = Literal["imported", "generated"]


class Keyframe(Doc):
    """A still of a shot: imported (a photo, a drawing) or generated. The active one is the image the shot's
    video starts from and the still the animatic animates (``Shot.reference`` follows it)."""

    id: str = Field(default_factory=lambda: new_id("key"))
    media: str  # a PNG/JPEG inside the bundle
    source: KeyframeSource = "imported"
    request: dict[str, Any] = Field(default_factory=dict)  # the frozen image request that made it
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    backend: str = ""
    model_id: str = ""
    created_at: str = Field(default_factory=utc_now)
    width: int = Field(default=0, ge=0, le=MAX_SIDE)
    height: int = Field(default=0, ge=0, le=MAX_SIDE)
    metadata: dict[str, Any] = Field(default_factory=dict)  # e.g. the element references and LoRAs used

    @field_validator("media")
    @classmethod
    def _media_inside_bundle(cls, value: str) -> str:
        return check_relative_media_path(value)


FrameSourceKind = Literal["image", "prev", "next", "keyframe"]


class FrameSource(Doc):
    """Where a shot's start or end frame comes from: a still in the bundle (``image``), the previous shot's last
    frame (``prev``, a start frame: the shot continues it), the next shot's first frame (``next``, an end frame),
    or the shot's own keyframe (its reference still)."""

    kind: FrameSourceKind
    path: str | None = None  # for "image": a still inside the bundle

    @field_validator("path")
    @classmethod
    def _path_inside_bundle(cls, value: str | None) -> str | None:
        return None if value is None else check_relative_media_path(value)

    @model_validator(mode="after")
    def _path_only_for_images(self) -> FrameSource:
        if (self.kind == "image") != (self.path is not None):
            raise ValueError("an image frame source names its still (path); the others name none")
        return self


SoundProvider = Literal["offline", "elevenlabs"]
MAX_SOUND_PROMPT = 1_000  # what ElevenLabs' sound-generation accepts, with room to spare


class SoundTake(Doc):
    """One rendition of a shot's sound prompt: an ambience synthesized offline or one from ElevenLabs, a 16-bit
    WAV inside the bundle, made at the shot's length (and looped or cut to it in the mix if the shot changes)."""

    id: str = Field(default_factory=lambda: new_id("snd"))
    media: str
    provider: SoundProvider = "offline"
    prompt: str = ""
    layers: list[str] = Field(default_factory=list)  # offline: the ambiences the prompt's words chose
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    sample_rate: int = Field(default=48_000, ge=1000, le=384_000)
    duration_samples: int = Field(default=0, ge=0)
    cache_key: str = ""
    created_at: str = Field(default_factory=utc_now)
    status: TakeStatus = "ready"

    @field_validator("media")
    @classmethod
    def _media_inside_bundle(cls, value: str) -> str:
        return check_relative_media_path(value)

    @property
    def duration_seconds(self) -> float:
        return self.duration_samples / self.sample_rate


class Shot(Doc):
    id: str = Field(default_factory=lambda: new_id("shot"))
    prompt: str = Field(default="", max_length=10_000)
    negative_prompt: str = Field(default="", max_length=10_000)
    duration_frames: int = Field(default=96, ge=1, le=MAX_FPS * MAX_SHOT_SECONDS)
    aspect: str = "16:9"
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    seed_locked: bool = False
    camera: CameraMove = "static"
    reference: str | None = None  # a still inside the bundle
    backend: str | None = None  # None = the project's engine default
    model_id: str | None = None
    notes: str = ""
    scene: str | None = None  # scene heading this shot came from (script import)
    transition: Transition = Field(default_factory=Transition)
    takes: list[Take] = Field(default_factory=list)
    active_take: str | None = None
    flags: list[str] = Field(default_factory=list)  # e.g. "unmatched" after a script re-import
    start_frame: FrameSource | None = None  # the take starts on this frame (continuity); None = free
    end_frame: FrameSource | None = None  # the take ends on this frame (first/last-frame generation)
    keyframes: list[Keyframe] = Field(default_factory=list)
    active_keyframe: str | None = None  # its media is ``reference``; None = no still (a story card)
    cast: list[str] = Field(default_factory=list)  # ids of the characters and locations in the shot
    # Its sound (ambience, effects): older files have none, so no schema upgrade is needed.
    sound_prompt: str = Field(default="", max_length=MAX_SOUND_PROMPT)  # e.g. "waves on rocks, gulls, wind"
    sound_gain_db: float = Field(default=-12.0, ge=-60, le=12)  # its level in the mix (a bed ~20 dB under the lines)
    sound_takes: list[SoundTake] = Field(default_factory=list)
    active_sound_take: str | None = None

    @field_validator("start_frame")
    @classmethod
    def _start_kinds(cls, value: FrameSource | None) -> FrameSource | None:
        if value is not None and value.kind == "next":
            raise ValueError("a start frame cannot be the next shot's first frame")
        return value

    @field_validator("end_frame")
    @classmethod
    def _end_kinds(cls, value: FrameSource | None) -> FrameSource | None:
        if value is not None and value.kind == "prev":
            raise ValueError("an end frame cannot be the previous shot's last frame")
        return value

    @field_validator("aspect")
    @classmethod
    def _valid_aspect(cls, value: str) -> str:
        parse_aspect(value)
        return value

    @field_validator("reference")
    @classmethod
    def _reference_inside_bundle(cls, value: str | None) -> str | None:
        return None if value is None else check_relative_media_path(value)

    @model_validator(mode="after")
    def _active_take_exists(self) -> Shot:
        if self.active_take is not None and all(t.id != self.active_take for t in self.takes):
            object.__setattr__(self, "active_take", self.takes[-1].id if self.takes else None)
        return self

    @model_validator(mode="after")
    def _active_sound_take_exists(self) -> Shot:
        if self.active_sound_take is not None and all(t.id != self.active_sound_take for t in self.sound_takes):
            object.__setattr__(self, "active_sound_take", self.sound_takes[-1].id if self.sound_takes else None)
        return self

    @model_validator(mode="after")
    def _reference_is_the_active_keyframe(self) -> Shot:
        # ``reference`` is the one handle: the active keyframe is the keyframe showing that still (choosing a
        # keyframe sets ``reference`` to its media). A still set without a keyframe (an older file, code that
        # builds a Shot directly) becomes an imported keyframe.
        if self.reference is None:
            active = None
        else:
            key = next((k for k in self.keyframes if k.media == self.reference), None)
            if key is None:
                key = Keyframe(media=self.reference)
                self.keyframes.append(key)
            active = key.id
        if self.active_keyframe != active:
            object.__setattr__(self, "active_keyframe", active)
        return self

    def keyframe(self, keyframe_id: str) -> Keyframe:
        for key in self.keyframes:
            if key.id == keyframe_id:
                return key
        from .errors import NotFound

        raise NotFound(f"shot {self.id} has no keyframe {keyframe_id}")

    def take(self, take_id: str) -> Take:
        for take in self.takes:
            if take.id == take_id:
                return take
        from .errors import NotFound

        raise NotFound(f"shot {self.id} has no take {take_id}")

    def active_sound(self) -> SoundTake | None:
        """The sound take the mix uses: the chosen one, else none."""
        return next((t for t in self.sound_takes if t.id == self.active_sound_take), None)

    def active(self) -> Take | None:
        """The take the cut uses: the chosen one, else none."""
        if self.active_take is None:
            return None
        return next((t for t in self.takes if t.id == self.active_take), None)


class AudioTake(Doc):
    """One synthesized or voice-changed rendition of a line."""

    id: str = Field(default_factory=lambda: new_id("aud"))
    media: str
    provider: str = "espeak"
    voice: Voice = Field(default_factory=Voice)
    text: str = ""
    sample_rate: int = Field(default=22050, ge=1000, le=384_000)
    duration_samples: int = Field(default=0, ge=0)
    # Word or character timings in seconds from the start of the take: [{"text", "start", "end"}].
    timings: list[dict[str, Any]] = Field(default_factory=list)
    source_recording: str | None = None  # set for voice-changed takes
    cache_key: str = ""
    created_at: str = Field(default_factory=utc_now)
    status: TakeStatus = "ready"

    @field_validator("media", "source_recording")
    @classmethod
    def _media_inside_bundle(cls, value: str | None) -> str | None:
        return None if value is None else check_relative_media_path(value)

    @property
    def duration_seconds(self) -> float:
        return self.duration_samples / self.sample_rate


class Line(Doc):
    """A narration or dialogue line, anchored to a shot with a frame offset."""

    id: str = Field(default_factory=lambda: new_id("line"))
    text: str = Field(min_length=1, max_length=5_000)
    speaker: str | None = None  # a Character id; None = the narrator
    # More Character ids speaking the line together with ``speaker`` (``BRICK & STEEL``); older files have none.
    also_speakers: list[str] = Field(default_factory=list, max_length=8)
    shot_id: str
    offset_frames: int = Field(default=0, ge=0, le=MAX_FPS * MAX_SHOT_SECONDS)
    delivery: str = ""  # parenthetical / direction
    takes: list[AudioTake] = Field(default_factory=list)
    active_take: str | None = None
    status: LineStatus = "pending"
    error: str | None = None
    flags: list[str] = Field(default_factory=list)  # e.g. "unmatched" after a script re-import

    @model_validator(mode="after")
    def _distinct_speakers(self) -> Line:
        also = [s for s in dict.fromkeys(self.also_speakers) if s != self.speaker]
        if also != self.also_speakers:
            object.__setattr__(self, "also_speakers", also)
        return self

    def active(self) -> AudioTake | None:
        if self.active_take is None:
            return None
        return next((t for t in self.takes if t.id == self.active_take), None)


class MusicClip(Doc):
    id: str = Field(default_factory=lambda: new_id("mus"))
    media: str
    start_frame: int = Field(default=0, ge=0)
    source_in_seconds: float = Field(default=0.0, ge=0)
    duration_frames: int | None = Field(default=None, ge=1)  # None = to the end of the film
    gain_db: float = Field(default=-12.0, ge=-60, le=12)
    duck: bool = True
    title: str = ""

    @field_validator("media")
    @classmethod
    def _media_inside_bundle(cls, value: str) -> str:
        return check_relative_media_path(value)


class EngineSettings(Doc):
    backend: str = "animatic"
    model_id: str | None = None
    steps: int = Field(default=30, ge=1, le=500)
    guidance: float = Field(default=5.0, ge=0, le=50)
    options: dict[str, Any] = Field(default_factory=dict)


class ExportSettings(Doc):
    width: int | None = Field(default=None, ge=16, le=MAX_SIDE)  # None = the project's size
    height: int | None = Field(default=None, ge=16, le=MAX_SIDE)
    fps: int | None = Field(default=None, ge=1, le=MAX_FPS)
    fit: Literal["fit", "fill"] = "fit"
    crf: int = Field(default=20, ge=0, le=51)
    preset: str = "medium"
    audio_bitrate: str = "192k"
    loudness_lufs: float = Field(default=-14.0, ge=-40, le=0)
    true_peak_db: float = Field(default=-1.0, ge=-20, le=0)
    duck_db: float = Field(default=-12.0, ge=-60, le=0)
    subtitles: Literal["none", "srt", "vtt", "burn"] = "none"
    # The cut's I/O marks in film frames (title cards included): a partial export renders [range_in, range_out).
    range_in: int | None = Field(default=None, ge=0)
    range_out: int | None = Field(default=None, ge=1)


class Marker(Doc):
    """A named point on the cut, in film frames (title cards included), as the timeline's ruler shows it."""

    id: str = Field(default_factory=lambda: new_id("mrk"))
    frame: int = Field(default=0, ge=0)
    name: str = Field(default="Marker", max_length=500)


class Card(Doc):
    """A title or credit card inserted before or after the shots."""

    id: str = Field(default_factory=lambda: new_id("card"))
    position: Literal["title", "credits"] = "title"
    text: str = Field(min_length=1, max_length=2_000)
    duration_frames: int = Field(default=72, ge=1, le=MAX_FPS * 60)


class Project(Doc):
    schema_version: int = SCHEMA_VERSION
    id: str = Field(default_factory=lambda: new_id("prj"))
    title: str = Field(default="Untitled", max_length=500)
    author: str = ""
    fps: int = Field(default=24, ge=1, le=MAX_FPS)
    width: int = Field(default=1280, ge=16, le=MAX_SIDE)
    height: int = Field(default=720, ge=16, le=MAX_SIDE)
    cast: list[Character] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    shots: list[Shot] = Field(default_factory=list, max_length=MAX_SHOTS)
    lines: list[Line] = Field(default_factory=list)
    music: list[MusicClip] = Field(default_factory=list)
    cards: list[Card] = Field(default_factory=list)
    markers: list[Marker] = Field(default_factory=list)  # older files have none: no schema upgrade needed
    # The film's look: LoRAs every generated shot and keyframe applies before its elements' own (older files have none).
    style_loras: list[LoraRef] = Field(default_factory=list, max_length=8)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("width", "height")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError(f"frame sizes must be even (H.264 needs it), got {value}")
        return value

    @model_validator(mode="after")
    def _unique_ids(self) -> Project:
        seen: set[str] = set()
        for group in (self.shots, self.lines, self.cast, self.locations, self.music, self.cards, self.markers):
            for obj in group:
                if obj.id in seen:
                    raise ValueError(f"id {obj.id!r} appears twice")
                seen.add(obj.id)
        return self

    # --- lookups -------------------------------------------------------------------------------------------
    # id -> position, checked on every hit (the object there must still carry that id) and rebuilt on a miss:
    # a script import's thousands of lookups stay linear, and an edit elsewhere can never make one wrong.
    _positions: dict[str, dict[str, int]] = PrivateAttr(default_factory=dict)

    def _find(self, group: str, items: list[Any], item_id: str) -> Any | None:
        positions = self._positions.get(group)
        if positions is not None:
            at = positions.get(item_id)
            if at is not None and at < len(items) and items[at].id == item_id:
                return items[at]
        positions = {}
        for index, item in enumerate(items):
            positions.setdefault(item.id, index)
        self._positions[group] = positions
        at = positions.get(item_id)
        return None if at is None else items[at]

    def shot(self, shot_id: str) -> Shot:
        shot = self._find("shots", self.shots, shot_id)
        if shot is not None:
            return shot
        from .errors import NotFound

        raise NotFound(f"no shot {shot_id!r} in this project (see `storyreel shot list`)")

    def shot_index(self, shot_id: str) -> int:
        self.shot(shot_id)  # raises NotFound; on return the position table holds the shot's checked index
        return self._positions["shots"][shot_id]  # (list.index would compare pydantic models field by field)

    def line(self, line_id: str) -> Line:
        line = self._find("lines", self.lines, line_id)
        if line is not None:
            return line
        from .errors import NotFound

        raise NotFound(f"no line {line_id!r} in this project")

    def character(self, character_id: str) -> Character:
        character = self._find("cast", self.cast, character_id)
        if character is not None:
            return character
        from .errors import NotFound

        raise NotFound(f"no character {character_id!r} in the cast")

    def character_by_name(self, name: str) -> Character | None:
        key = name.strip().casefold()
        return next((c for c in self.cast if c.name.casefold() == key), None)

    def elements(self) -> list[Character | Location]:
        """The cast and the locations: everything a shot can name as in it."""
        return [*self.cast, *self.locations]

    def element(self, element_id: str) -> Character | Location:
        found = self._find("cast", self.cast, element_id) or self._find("locations", self.locations, element_id)
        if found is not None:
            return found
        from .errors import NotFound

        raise NotFound(f"no character or location {element_id!r} in this project (see `storyreel cast list`)")

    def element_by_name(self, name: str) -> Character | Location | None:
        key = name.strip().casefold()
        return next((e for e in self.elements() if e.name.casefold() == key), None)

    def narrator(self) -> Character | None:
        return next((c for c in self.cast if c.is_narrator), None)

    def lines_for_shot(self, shot_id: str) -> list[Line]:
        return [line for line in self.lines if line.shot_id == shot_id]

    # --- time ----------------------------------------------------------------------------------------------
    def shot_starts(self) -> dict[str, int]:
        """Timeline start frame of each shot; transitions overlap the previous shot by their duration."""
        starts: dict[str, int] = {}
        cursor = 0
        for index, shot in enumerate(self.shots):
            overlap = shot.transition.duration_frames if index and shot.transition.kind == "crossfade" else 0
            cursor = max(0, cursor - overlap)
            starts[shot.id] = cursor
            cursor += shot.duration_frames
        return starts

    def total_frames(self) -> int:
        starts = self.shot_starts()
        if not self.shots:
            return 0
        last = self.shots[-1]
        return starts[last.id] + last.duration_frames

    def seconds_to_frames(self, seconds: float) -> int:
        return round(seconds * self.fps)
