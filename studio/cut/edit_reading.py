"""Reading an edit made in another editor (OTIO, OTIOZ, FCPXML, FCP 7 XML, CMX3600 EDL) into plain values.

The file is parsed by OpenTimelineIO's adapters; this module only evens out what they leave uneven, so that
matching (``edit_matching``) and the plan of changes (``edit_changes``) see one shape whatever the format:
each picture clip with its name, source file, reel, our metadata, and its range *including* the frames a
dissolve borrows on either side (OTIO keeps those outside the clip's own range).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio

from studio.project.bounded_files import MiB, checked_regular_file, read_bounded
from studio.project.errors import StoryreelError

from .errors import CutError

EDIT_SUFFIXES = (".otio", ".otioz", ".fcpxml", ".xml", ".edl")
MAX_EDIT_BYTES = 64 * MiB  # an edit document of thousands of clips is a few MiB
MAX_OTIOZ_BYTES = 64 * 2**30  # an .otioz carries its media; only its timeline is read


class EditImportError(CutError):
    """An edit file that cannot be read, or that matches nothing in the project."""


@dataclass(frozen=True)
class EditTransition:
    """The transition into a clip: a dissolve of ``frames`` (``kind`` 'crossfade' or 'dip_to_black')."""

    kind: str
    frames: int


@dataclass(frozen=True)
class EditClip:
    """One picture clip of the edit. Frames count at ``rate``; ``source_in`` is from the start of its media."""

    position: int  # 1-based, in edit order on its track
    track: int  # 1-based among the picture tracks that hold clips
    name: str
    source_path: str | None
    reel: str | None
    rate: float
    source_in: int  # first frame shown, dissolve handles included
    frames: int  # frames shown, dissolve handles included
    transition_in: EditTransition | None = None
    storyreel: dict[str, Any] = field(default_factory=dict)  # the metadata our export wrote, when it survived
    speed: float = 1.0  # a retimed clip (a speed change or a freeze frame in the edit)
    gap_before: int = 0  # frames of black between this clip and the one before it

    def label(self) -> str:
        return f"clip {self.position} {self.name!r}" + (f" (track {self.track})" if self.track > 1 else "")


@dataclass(frozen=True)
class EditTimeline:
    name: str
    rate: float
    clips: tuple[EditClip, ...]


def read_edit(path: Path | str, *, edl_rate: float = 24) -> EditTimeline:
    """Read ``path`` by its suffix; an EDL holds no frame rate, so it is read at ``edl_rate``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EDIT_SUFFIXES:
        raise EditImportError(f"{path.name}: not an edit file Storyreel reads; give one of "
                              f"{', '.join(EDIT_SUFFIXES)}")
    try:
        timeline = _timeline(path, suffix, edl_rate)
    except StoryreelError:  # ours already say what is wrong (too big, not a regular file, no timeline)
        raise
    except Exception as exc:  # the adapters raise anything from ValueError to KeyError on a broken file
        raise EditImportError(f"{path.name}: cannot read this edit ({type(exc).__name__}: {exc})") from exc
    return _plain(timeline, path)


def _timeline(path: Path, suffix: str, edl_rate: float) -> otio.schema.Timeline:
    if suffix == ".otioz":
        return _first_timeline(_read_otioz(path), path)
    data = read_bounded(path, kind="edit", max_bytes=MAX_EDIT_BYTES)
    text = data.decode("utf-8-sig", errors="replace")
    if suffix == ".otio":
        return _first_timeline(otio.adapters.read_from_string(text, adapter_name="otio_json"), path)
    if suffix == ".edl":
        return _first_timeline(_adapter("cmx_3600").read_from_string(text, rate=_timecode_rate(edl_rate, path)),
                               path)
    root = ET.fromstring(data)
    if root.tag == "fcpxml":
        return _read_fcpxml(root, path)
    if root.tag == "xmeml":  # Final Cut Pro 7 XML, as Premiere and Resolve write it
        return _first_timeline(_adapter("fcp_xml").read_from_string(text), path)
    raise EditImportError(f"{path.name}: an XML file, but neither FCPXML nor FCP 7 XML (its root is <{root.tag}>)")


def _timecode_rate(rate: float, path: Path) -> float:
    """The SMPTE rate an EDL's timecode runs at (23.976 means 24000/1001)."""
    nearest = otio.opentime.RationalTime.nearest_valid_timecode_rate(rate)
    if abs(nearest - rate) > 0.01:
        raise EditImportError(f"{path.name}: an EDL's timecode cannot run at {rate:g} frames a second; give its "
                              "rate (23.976, 24, 25, 29.97, 30, 48, 50, 59.94 or 60)")
    return nearest


def _adapter(name: str) -> Any:
    if name not in otio.adapters.available_adapter_names():
        raise EditImportError(f"the OpenTimelineIO adapter {name!r} is not installed "
                              "(pip install otio-fcpx-xml-adapter otio-cmx3600-adapter otio-fcp-adapter)")
    return otio.adapters.from_name(name)


def _read_otioz(path: Path) -> Any:
    """The timeline inside an .otioz, without unpacking its media."""
    real = checked_regular_file(path, kind="edit", max_bytes=MAX_OTIOZ_BYTES)
    with zipfile.ZipFile(real) as bundle:
        info = bundle.getinfo("content.otio")
        if info.file_size > MAX_EDIT_BYTES:
            raise EditImportError(f"{path.name}: its timeline is {info.file_size // MiB} MiB; an edit is never that big")
        text = bundle.read(info).decode("utf-8")
    return otio.adapters.read_from_string(text, adapter_name="otio_json")


def _first_timeline(result: Any, path: Path) -> otio.schema.Timeline:
    if isinstance(result, otio.schema.Timeline):
        return result
    if isinstance(result, otio.schema.SerializableCollection):
        for child in result.find_children(descended_from_type=otio.schema.Timeline):
            return child
    raise EditImportError(f"{path.name}: holds no timeline")


# --- FCPXML ----------------------------------------------------------------------------------------------

def _read_fcpxml(root: ET.Element, path: Path) -> otio.schema.Timeline:
    """FCPXML through the fcpx_xml adapter, after two repairs it needs: FCPXML 1.9+ keeps an asset's file in
    ``<media-rep src>`` (the adapter reads only ``<asset src>``), and the adapter drops ``<transition>``s."""
    for asset in root.iter("asset"):
        rep = asset.find("media-rep")
        if not asset.get("src") and rep is not None and rep.get("src"):
            asset.set("src", rep.get("src", ""))
    timeline = _first_timeline(_adapter("fcpx_xml").read_from_string(ET.tostring(root, encoding="unicode")), path)
    sequence = root.find(".//sequence")
    spine = sequence.find("spine") if sequence is not None else None
    tracks = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]
    if spine is not None and tracks:
        rate = _fcpxml_rate(root, sequence.get("format"))
        main = next((t for t in tracks if t.name == "0"), tracks[0])
        for element in spine.findall("transition"):
            _insert_dissolve(main, _fcpxml_frames(element.get("offset"), rate),
                             _fcpxml_frames(element.get("duration"), rate), element.get("name") or "Cross Dissolve")
    return timeline


def _fcpxml_rate(root: ET.Element, format_id: str | None) -> Fraction:
    fmt = root.find(f"./resources/format[@id='{format_id}']") if format_id else None
    text = fmt.get("frameDuration") if fmt is not None else None
    return 1 / _fcpxml_seconds(text) if text else Fraction(24)


def _fcpxml_seconds(text: str | None) -> Fraction:
    if not text:
        return Fraction(0)
    return Fraction(text.rstrip("s"))


def _fcpxml_frames(text: str | None, rate: Fraction) -> int:
    return round(_fcpxml_seconds(text) * rate)


def _insert_dissolve(track: otio.schema.Track, offset: int, duration: int, name: str) -> None:
    """An OTIO transition at the clip boundary inside ``offset``..``offset + duration`` (track frames)."""
    cursor = 0
    for index, item in enumerate(list(track)):
        if isinstance(item, otio.schema.Transition):
            continue
        if index and offset <= cursor <= offset + duration and isinstance(item, otio.schema.Clip):
            rate = item.source_range.duration.rate if item.source_range else 24
            track.insert(index, otio.schema.Transition(
                name=name, transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                in_offset=otio.opentime.RationalTime(cursor - offset, rate),
                out_offset=otio.opentime.RationalTime(offset + duration - cursor, rate)))
            return
        cursor += round(item.duration().value)


# --- the plain shape -------------------------------------------------------------------------------------

def _plain(timeline: otio.schema.Timeline, path: Path) -> EditTimeline:
    picture = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video
               and any(isinstance(i, otio.schema.Clip) for i in t)]
    clips: list[EditClip] = []
    rate = 0.0
    for number, track in enumerate(picture, start=1):
        items = list(track)
        position = gap = 0
        for index, item in enumerate(items):
            if isinstance(item, otio.schema.Gap) or _is_generated(item):  # black, bars: not a shot
                gap += round(item.duration().value) if position else 0  # leading black is the timecode start
                continue
            if not isinstance(item, otio.schema.Clip):
                continue
            position += 1
            before = items[index - 1] if index else None
            after = items[index + 1] if index + 1 < len(items) else None
            clip = replace(_plain_clip(item, number, position, before, after), gap_before=gap)
            gap = 0
            rate = rate or clip.rate
            clips.append(clip)
    if not clips:
        raise EditImportError(f"{path.name}: the edit has no picture clips")
    return EditTimeline(timeline.name or path.stem, rate, tuple(clips))


def _is_generated(item: Any) -> bool:
    """An EDL's black (BL) or bars event: the cmx_3600 reader makes it a clip of a generator."""
    return isinstance(item, otio.schema.Clip) and isinstance(item.media_reference, otio.schema.GeneratorReference)


def _plain_clip(clip: otio.schema.Clip, track: int, position: int, before: Any, after: Any) -> EditClip:
    source = clip.trimmed_range()
    rate = source.duration.rate
    start = source.start_time.value_rescaled_to(rate)
    ref = clip.media_reference
    available = getattr(ref, "available_range", None)
    if available is not None:  # a source range counts from the media's own start timecode
        start -= available.start_time.value_rescaled_to(rate)
    head = tail = 0.0
    transition = None
    if isinstance(before, otio.schema.Transition):
        head = before.in_offset.value_rescaled_to(rate)
        frames = round(head + before.out_offset.value_rescaled_to(rate))
        transition = EditTransition("dip_to_black" if "dip" in before.name.lower() else "crossfade", frames)
    if isinstance(after, otio.schema.Transition):
        tail = after.out_offset.value_rescaled_to(rate)
    speed = 1.0
    for effect in clip.effects:
        if isinstance(effect, otio.schema.LinearTimeWarp):  # FreezeFrame is one, at speed 0
            speed *= effect.time_scalar
    cmx = clip.metadata.get("cmx_3600", {})
    meta = clip.metadata.get("storyreel")
    return EditClip(
        position=position, track=track, name=(clip.name or "").strip(), source_path=_source_path(clip),
        reel=cmx.get("reel") or None, rate=float(rate), source_in=max(0, round(start - head)),
        frames=max(1, round(source.duration.value + head + tail)), transition_in=transition,
        storyreel=dict(meta) if isinstance(meta, Mapping) else {}, speed=speed,
    )


_TO_CLIP = re.compile(r"^TO CLIP:\s*(?P<path>\S.*)$")


def _source_path(clip: otio.schema.Clip) -> str | None:
    # The cmx_3600 reader gives the clip that a dissolve leads into the *outgoing* clip's file; its own file is
    # in the event's "TO CLIP:" comment.
    for comment in clip.metadata.get("cmx_3600", {}).get("comments", []) or []:
        found = _TO_CLIP.match(str(comment))
        if found:
            return _local_path(found.group("path"))
    ref = clip.media_reference
    url = getattr(ref, "target_url", None)
    return _local_path(url) if url else None


def _local_path(url: str) -> str:
    if url.startswith("file:"):
        try:
            return otio.url_utils.filepath_from_url(url)
        except Exception:  # a malformed URL: keep the text, matching reads its name
            return url
    return url
