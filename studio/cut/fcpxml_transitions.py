"""Cross dissolves in the FCPXML the fcpx_xml adapter writes (the adapter drops OTIO transitions).

Final Cut Pro and DaVinci Resolve keep the clips of a spine end to end, cut against cut, and put a
``<transition>`` between two of them: its ``offset`` and ``duration`` say where on the spine it starts and how
long it lasts, and the clips lend the frames it needs past the cut from their media (their handles). So
a dissolve centred on a cut is ``<transition offset="cut - in_offset" duration="in_offset + out_offset">``
with a ``<filter-video>`` naming the Cross Dissolve effect; the clips around it stay as the adapter put them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import opentimelineio as otio

from .errors import CutError

# Final Cut Pro's Cross Dissolve; Resolve writes the same uid, and both read it back as a dissolve.
CROSS_DISSOLVE_UID = "FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265"
_SPINE_ITEMS = ("clip", "asset-clip", "gap", "ref-clip")
_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n'


def with_cross_dissolves(fcpxml: str, video: otio.schema.Track, rate: int) -> str:
    """``fcpxml`` (the adapter's text for a timeline whose picture track is ``video``, at ``rate`` frames a
    second) with each of the track's transitions as a Cross Dissolve in the spine; unchanged without any."""
    items = list(video)
    if not any(isinstance(item, otio.schema.Transition) for item in items):
        return fcpxml
    root = ET.fromstring(fcpxml)
    spine = root.find(".//sequence/spine")
    placed = [child for child in spine if child.tag in _SPINE_ITEMS and child.get("lane") is None] \
        if spine is not None else []
    shown = sum(not isinstance(item, otio.schema.Transition) for item in items)
    if len(placed) != shown:
        raise CutError(f"the FCPXML adapter wrote {len(placed)} picture items for the cut's {shown}; "
                       "its dissolves cannot be placed")
    effect = _cross_dissolve_effect(root)
    shown_before = 0  # the spine item an incoming shot became is ``placed[shown_before]``
    for index, item in enumerate(items):
        if not isinstance(item, otio.schema.Transition):
            shown_before += 1
            continue
        incoming = items[index + 1] if index + 1 < len(items) else None
        if not shown_before or not isinstance(incoming, otio.schema.Clip):
            raise CutError(f"the dissolve {item.name!r} has no shot on each side")
        before = round(item.in_offset.value_rescaled_to(rate))
        after = round(item.out_offset.value_rescaled_to(rate))
        cut = round(incoming.range_in_parent().start_time.value_rescaled_to(rate))
        element = ET.Element("transition", {"name": "Cross Dissolve", "offset": _time(cut - before, rate),
                                            "duration": _time(before + after, rate)})
        ET.SubElement(element, "filter-video", {"ref": effect, "name": "Cross Dissolve"})
        target = placed[shown_before]
        spine.insert(list(spine).index(target), element)
    ET.indent(root, space="    ")
    return _HEADER + ET.tostring(root, encoding="unicode") + "\n"


def _cross_dissolve_effect(root: ET.Element) -> str:
    """The id of the Cross Dissolve ``<effect>`` resource, added under a free ``rN`` id."""
    resources = root.find("resources")
    if resources is None:
        resources = ET.Element("resources")
        root.insert(0, resources)
    ids = [child.get("id", "") for child in resources]
    numbers = [int(rid[1:]) for rid in ids if rid.startswith("r") and rid[1:].isdigit()]
    rid = f"r{max(numbers, default=0) + 1}"
    ET.SubElement(resources, "effect", {"id": rid, "name": "Cross Dissolve", "uid": CROSS_DISSOLVE_UID})
    return rid


def _time(frames: int, rate: int) -> str:
    """Frames as FCPXML's rational seconds in frames of the cut (``18/24s``), as Resolve writes them."""
    return f"{frames}/{rate}s" if frames else "0s"
