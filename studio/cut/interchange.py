"""Interchange: the cut as OpenTimelineIO (and through its adapters FCPXML and CMX3600 EDL), or subtitles.

One video track (shot clips with source ranges, crossfades as centred SMPTE dissolves, cards as gaps named
after their text), narration tracks (as many as overlapping lines need), a music track and a sound track. Every shot clip's
metadata carries what made it: shot id, prompt, seed, model, active take and the alternate takes.
Times are frames at the cut's rate; each take's exact trim at its own rate is in the metadata too.
The fcpx_xml adapter drops transitions, so the FCPXML gets its dissolves afterwards (``fcpxml_transitions``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import opentimelineio as otio

from engine.atomic_files import temp_path_for, write_atomic
from studio.project.document import ProjectDocument
from studio.project.errors import ProjectError
from studio.project.model import Project

from .errors import CutError
from .fcpxml_transitions import with_cross_dissolves
from .formats import INTERCHANGE_FORMATS
from .plan import CutPlan, PlannedShot, build_plan
from .subtitles import cues_for, srt_text, vtt_text

_ADAPTERS = {"otio": "otio_json", "otioz": "otioz", "fcpxml": "fcpx_xml", "edl": "cmx_3600"}


def export_interchange(document: ProjectDocument, out: Path, fmt: str) -> Path:
    """Write the cut as ``fmt`` (otio|otioz|fcpxml|edl|srt|vtt) to ``out`` atomically; returns ``out``."""
    fmt = fmt.lower()
    if fmt not in INTERCHANGE_FORMATS:
        raise CutError(f"unknown format {fmt!r}; choose one of {', '.join(INTERCHANGE_FORMATS)}")
    if document.bundle is None:
        raise ProjectError("save the project first: interchange files point at media inside its bundle")
    out = Path(out)
    plan = build_plan(document.project, document.bundle)
    if fmt in ("srt", "vtt"):
        cues = cues_for(plan)
        write_atomic(out, (srt_text(cues) if fmt == "srt" else vtt_text(cues)).encode("utf-8"))
        return out
    timeline = build_timeline(plan, document.project)
    if fmt == "edl":
        timeline = _edl_timeline(timeline)
    _check_adapter(_ADAPTERS[fmt])
    with temp_path_for(out) as tmp:
        if fmt == "otioz":
            _write_otioz(timeline, tmp)
        else:
            text = otio.adapters.write_to_string(timeline, adapter_name=_ADAPTERS[fmt])
            if fmt == "fcpxml":
                text = with_cross_dissolves(text, timeline.video_tracks()[0], plan.fps)
            tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    return out


def _check_adapter(name: str) -> None:
    if name not in otio.adapters.available_adapter_names():
        raise CutError(f"the OpenTimelineIO adapter {name!r} is not installed "
                       "(pip install otio-fcpx-xml-adapter otio-cmx3600-adapter)")


def build_timeline(plan: CutPlan, project: Project | None = None) -> otio.schema.Timeline:
    rate = float(plan.fps)
    timeline = otio.schema.Timeline(name=plan.title, global_start_time=otio.opentime.RationalTime(0, rate))
    timeline.metadata["storyreel"] = {"fps": plan.fps, "width": plan.settings.width, "height": plan.settings.height,
                                      "total_frames": plan.total_frames}
    timeline.tracks.append(_video_track(plan, project, rate))
    for track in _narration_tracks(plan, rate):
        timeline.tracks.append(track)
    if plan.music:
        timeline.tracks.append(_music_track(plan, rate))
    if plan.sounds:
        timeline.tracks.append(_sound_track(plan, rate))
    return timeline


def _rt(frames: float, rate: float) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(frames, rate)


def _range(start: float, duration: float, rate: float) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(_rt(start, rate), _rt(duration, rate))


def _reference(path: Path, frames: int, rate: float) -> otio.schema.ExternalReference:
    return otio.schema.ExternalReference(target_url=path.resolve().as_uri(),
                                         available_range=_range(0, frames, rate))


def _video_track(plan: CutPlan, project: Project | None, rate: float) -> otio.schema.Track:
    track = otio.schema.Track(name="Video", kind=otio.schema.TrackKind.Video)
    for card in (c for c in plan.cards if c.position == "title"):
        track.append(_card_gap(card, rate))
    shots = plan.shots
    # A crossfade of d frames becomes a dissolve centred on a cut at the overlap's middle.
    cut_shift = [0] * (len(shots) + 1)
    for i, shot in enumerate(shots):
        if shot.transition.kind == "crossfade":
            cut_shift[i] = shot.transition.frames // 2
    for i, shot in enumerate(shots):
        head = cut_shift[i] if shot.transition.kind == "crossfade" else 0
        nxt = shots[i + 1] if i + 1 < len(shots) else None
        tail = 0
        if nxt is not None and nxt.transition.kind == "crossfade":
            tail = nxt.transition.frames - cut_shift[i + 1]
        if shot.transition.kind == "crossfade":
            d = shot.transition.frames
            track.append(otio.schema.Transition(
                name=f"crossfade {d}f", transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                in_offset=_rt(head, rate), out_offset=_rt(d - head, rate)))
        track.append(_shot_clip(shot, project, rate, head, shot.frames - head - tail))
    for card in (c for c in plan.cards if c.position == "credits"):
        track.append(_card_gap(card, rate))
    return track


def _card_gap(card, rate: float) -> otio.schema.Gap:
    gap = otio.schema.Gap(name=f"{card.position.title()}: {card.text.splitlines()[0][:60]}",
                          source_range=_range(0, card.frames, rate))
    gap.metadata["storyreel"] = {"card_id": card.card_id, "position": card.position, "text": card.text}
    return gap


def _shot_clip(shot: PlannedShot, project: Project | None, rate: float, head: int, frames: int) -> otio.schema.Clip:
    src = shot.source
    scale = rate / src.fps  # source frames -> cut frames
    available = round(src.frame_count * scale)
    start = round(src.trim_in * scale) + head
    clip = otio.schema.Clip(name=f"{shot.index + 1:03d} {shot.prompt[:50]}".strip(),
                            media_reference=_reference(src.path, available, rate),
                            source_range=_range(start, frames, rate))
    meta = {
        "shot_id": shot.shot_id, "prompt": shot.prompt, "seed": shot.seed, "backend": shot.backend,
        "model": shot.model_id, "camera": shot.camera, "active_take": src.take_id, "media": src.media,
        "take_fps": src.fps, "trim_in": src.trim_in, "trim_out": src.trim_out,
        "transition_in": {"kind": shot.transition.kind, "frames": shot.transition.frames},
        "alternate_takes": _alternates(shot, project),
    }
    clip.metadata["storyreel"] = meta
    clip.metadata["cmx_3600"] = {"reel": f"SHOT{shot.index + 1:03d}"}  # takes all share the basename clip.mp4
    return clip


def _alternates(shot: PlannedShot, project: Project | None) -> list[dict]:
    if project is None:
        return [{"take_id": take_id} for take_id in shot.alternates]
    takes = {t.id: t for t in project.shot(shot.shot_id).takes}
    return [{"take_id": t.id, "media": t.media, "seed": t.seed, "backend": t.backend, "model": t.model_id,
             "status": t.status, "created_at": t.created_at}
            for take_id in shot.alternates if (t := takes.get(take_id))]


def _narration_tracks(plan: CutPlan, rate: float) -> list[otio.schema.Track]:
    """Voiced lines, on as few tracks as their overlaps allow."""
    lanes: list[tuple[otio.schema.Track, list[int]]] = []  # track, [cursor frame]
    for voice in sorted((v for v in plan.voices if v.path is not None), key=lambda v: v.start_seconds):
        start = round(voice.start_seconds * rate)
        frames = max(1, round((voice.duration_seconds or 0) * rate))
        lane = next((lane for lane in lanes if lane[1][0] <= start), None)
        if lane is None:
            lane = (otio.schema.Track(name=f"Narration {len(lanes) + 1}", kind=otio.schema.TrackKind.Audio), [0])
            lanes.append(lane)
        track, cursor = lane
        if start > cursor[0]:
            track.append(otio.schema.Gap(source_range=_range(0, start - cursor[0], rate)))
        clip = otio.schema.Clip(name=voice.text[:60], media_reference=_reference(voice.path, frames, rate),
                                source_range=_range(0, frames, rate))
        clip.metadata["storyreel"] = {"line_id": voice.line_id, "shot_id": voice.shot_id, "speaker": voice.speaker,
                                      "text": voice.text, "audio_take": voice.take_id,
                                      "start_seconds": voice.start_seconds}
        track.append(clip)
        cursor[0] = start + frames
    return [track for track, _ in lanes]


def _music_track(plan: CutPlan, rate: float) -> otio.schema.Track:
    track = otio.schema.Track(name="Music", kind=otio.schema.TrackKind.Audio)
    cursor = 0
    for clip_plan in sorted(plan.music, key=lambda m: m.start_seconds):
        start = max(cursor, round(clip_plan.start_seconds * rate))
        frames = max(1, round(clip_plan.duration_seconds * rate))
        if start > cursor:
            track.append(otio.schema.Gap(source_range=_range(0, start - cursor, rate)))
        source_in = round(clip_plan.source_in_seconds * rate)
        clip = otio.schema.Clip(name=clip_plan.title or Path(clip_plan.media).stem,
                                media_reference=_reference(clip_plan.path, source_in + frames, rate),
                                source_range=_range(source_in, frames, rate))
        clip.metadata["storyreel"] = {"music_id": clip_plan.clip_id, "gain_db": clip_plan.gain_db,
                                      "duck": clip_plan.duck}
        track.append(clip)
        cursor = start + frames
    return track


def _sound_track(plan: CutPlan, rate: float) -> otio.schema.Track:
    """Each shot's sound under it (crossfaded shots overlap: the later one starts where the earlier ends)."""
    track = otio.schema.Track(name="Sound", kind=otio.schema.TrackKind.Audio)
    cursor = 0
    for sound in sorted(plan.sounds, key=lambda x: x.start_seconds):
        start = max(cursor, round(sound.start_seconds * rate))
        end = round((sound.start_seconds + sound.duration_seconds) * rate)
        if end <= start:
            continue
        if start > cursor:
            track.append(otio.schema.Gap(source_range=_range(0, start - cursor, rate)))
        offset = start - round(sound.start_seconds * rate)
        clip = otio.schema.Clip(name=sound.prompt[:60] or Path(sound.media).stem,
                                media_reference=_reference(sound.path, end - start + offset, rate),
                                source_range=_range(offset, end - start, rate))
        clip.metadata["storyreel"] = {"shot_id": sound.shot_id, "sound_take": sound.take_id, "prompt": sound.prompt,
                                      "gain_db": sound.gain_db}
        track.append(clip)
        cursor = end
    return track


def _edl_timeline(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """CMX3600 holds one video track (and no generator gaps at the head): keep the picture cut."""
    edl = otio.schema.Timeline(name=timeline.name, global_start_time=timeline.global_start_time)
    edl.tracks.append(timeline.video_tracks()[0].deepcopy())
    return edl


def _write_otioz(timeline: otio.schema.Timeline, out: Path) -> None:
    """Bundle the media with the timeline; takes share basenames (clip.mp4), so link them under unique names."""
    timeline = timeline.deepcopy()
    with tempfile.TemporaryDirectory(prefix="storyreel-otioz-") as staging:
        linked: dict[str, str] = {}
        for clip in timeline.find_clips():
            ref = clip.media_reference
            if not isinstance(ref, otio.schema.ExternalReference):
                continue
            source = otio.url_utils.filepath_from_url(ref.target_url)
            if source not in linked:
                meta = clip.metadata.get("storyreel", {})
                stem = meta.get("shot_id") or meta.get("line_id") or meta.get("music_id") or "media"
                name = f"{len(linked):03d}-{stem}{Path(source).suffix}"
                target = Path(staging) / name
                try:
                    os.symlink(source, target)
                except OSError:
                    shutil.copyfile(source, target)
                linked[source] = target.as_uri()
            ref.target_url = linked[source]
        out.unlink(missing_ok=True)  # the adapter refuses to overwrite; ``out`` is our temp name
        otio.adapters.write_to_file(timeline, str(out), adapter_name="otioz")
