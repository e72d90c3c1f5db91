"""The timeline scene's items — clips, transitions, title/credits cards, voice lines, shot sounds, music,
markers and the cut's I/O range — kept by id and brought in line with the layout. A sync reuses each item and
only moves/resizes it, repainting labels only for what changed, so a drag keeps its item and 500 shots re-lay out
in a few milliseconds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from studio.generation.continuity import continues_previous, ends_on_next, stale_reason
from studio.project import StoryreelError
from studio.project.commands import speaker_of
from studio.timeline.layout import TimelineLayout, film_frames

from . import style
from .filmstrip import FilmstripCache
from .items import CardItem, ClipItem, LineItem, MusicItem, SoundItem, TransitionItem
from .mark_items import MarkerItem, RangeItem
from .timecode import format_duration
from .track_geometry import TrackGeometry
from .transition_menu import KIND_NAMES
from .waveform import WaveformCache

_Item = TypeVar("_Item", bound=QGraphicsItem)


def sound_key(shot_id: str) -> str:
    """The id of a shot's sound item ("sound:<shot id>", so its placings never meet the clip's)."""
    return f"sound:{shot_id}"


def _with_linked_neighbours(project, dirty: set[str]) -> set[str]:
    """``dirty`` and the shots chained to them: a new take of one makes its neighbour's take stale."""
    if not dirty:
        return dirty
    shots, out = project.shots, set(dirty)
    for shot_id in dirty:
        try:
            i = project.shot_index(shot_id)
        except StoryreelError:
            continue
        if i + 1 < len(shots) and continues_previous(shots[i + 1]):
            out.add(shots[i + 1].id)
        if i > 0 and ends_on_next(shots[i - 1]):
            out.add(shots[i - 1].id)
    return out


class SceneItems:
    def __init__(self, scene: QGraphicsScene, session, filmstrips: FilmstripCache, waveforms: WaveformCache) -> None:
        self.scene = scene
        self.session = session
        self.filmstrips = filmstrips
        self.waveforms = waveforms
        self.clips: dict[str, ClipItem] = {}
        self.transitions: dict[str, TransitionItem] = {}
        self.lines: dict[str, LineItem] = {}
        self.music: dict[str, MusicItem] = {}
        self.sounds: dict[str, SoundItem] = {}  # by ``sound_key``
        self.cards: dict[str, CardItem] = {}
        self.markers: dict[str, MarkerItem] = {}
        self.range_item = RangeItem()
        self.range_item.hide()
        scene.addItem(self.range_item)
        self.selected_card: str | None = None  # a title/credits card picked on the timeline
        self._shown_selection: set[str] = set()  # the shots whose clips are drawn selected
        self._resolved: dict[str, Path | None] = {}
        # The span (and zoom) each clip and line was last placed for: an edit on shot 1,500 of 3,000 touches only
        # the items whose span changed, not every item of the cut.
        self._placed: dict[str, tuple] = {}
        self._resolved_bundle = session.bundle

    # --- media behind the items ------------------------------------------------------------------------------
    def resolve(self, relative: str | None) -> Path | None:
        """The file behind a bundle path, resolved once (lazily: only clips that get painted ask)."""
        if not relative:
            return None
        if self.session.bundle != self._resolved_bundle:  # Save As moved the project
            self._resolved.clear()
            self._resolved_bundle = self.session.bundle
        if relative not in self._resolved:
            try:
                self._resolved[relative] = self.session.media_path(relative)
            except StoryreelError:
                self._resolved[relative] = None
        return self._resolved[relative]

    def frames_for(self, relative: str):
        path = self.resolve(relative)
        return self.filmstrips.frames(path) if path is not None else []

    def peaks_for(self, relative: str):
        path = self.resolve(relative)
        return self.waveforms.peaks(path) if path is not None else None

    def repaint_filmstrip(self, path: str) -> None:
        """A filmstrip finished decoding: repaint the clips that show it."""
        for item in self.clips.values():
            if item.media is not None and str(self.resolve(item.media)) == path:
                item.update()

    # --- sync ------------------------------------------------------------------------------------------------
    def sync(self, project, layout: TimelineLayout, geometry: TrackGeometry, full: bool, dirty: set[str]) -> None:
        """Every item in line with ``layout``: geometry always; labels when ``full`` or their id is ``dirty``."""
        self._sync_clips(project, layout, geometry, full, dirty)
        self._sync_cards(layout, geometry)
        self._sync_lines(project, layout, geometry, full, dirty)
        self._sync_sounds(project, layout, geometry, full, dirty)
        self._sync_music(project, layout, geometry)
        self.sync_marks(project, geometry)

    def sync_marks(self, project, geometry: TrackGeometry) -> None:
        """Markers where they are in the film, and the I/O range shaded on the ruler (hidden when unset)."""
        ppf, height = geometry.px_per_frame, geometry.scene_height()
        alive = set()
        for marker in project.markers:
            alive.add(marker.id)
            item = self._reuse(self.markers, marker.id, MarkerItem)
            item.setPos(marker.frame * ppf, 0)
            item.set_content(marker.name, height)
        self._drop_missing(self.markers, alive)
        export = project.export
        if export.range_in is None and export.range_out is None:
            self.range_item.hide()
            return
        first = export.range_in or 0
        end = export.range_out if export.range_out is not None else film_frames(project)
        self.range_item.set_span(first * ppf, max(1, end - first) * ppf)
        self.range_item.show()

    def _reuse(self, table: dict[str, _Item], key: str, make: Callable[[str], _Item]) -> _Item:
        """The item shown for ``key``, made and added to the scene the first time."""
        item = table.get(key)
        if item is None:
            item = table[key] = make(key)
            self.scene.addItem(item)
        return item

    def _drop_missing(self, table: dict[str, _Item], alive: set[str]) -> None:
        """Take the items whose object left the cut out of the scene."""
        for key in [k for k in table if k not in alive]:
            self.scene.removeItem(table.pop(key))
            self._placed.pop(key, None)

    def _sync_clips(self, project, layout: TimelineLayout, geometry: TrackGeometry, full: bool,
                    dirty: set[str]) -> None:
        ppf, top = geometry.px_per_frame, geometry.video_top()
        shots = project.shots
        alive = {span.shot_id for span in layout.shots}
        dirty = _with_linked_neighbours(project, dirty)
        placed = self._placed
        for span in layout.shots:
            shot_id = span.shot_id
            stamp = (span.start, span.duration, ppf, top)
            item = self.clips.get(shot_id)
            fresh = item is None
            unchanged = not fresh and not full and item.index == span.index and shot_id not in dirty
            if unchanged and placed.get(shot_id) == stamp:
                continue  # where it was, showing what it showed
            shot = shots[span.index]
            item = self._reuse(self.clips, shot.id, lambda key: ClipItem(key, self.frames_for))
            if fresh:
                item.set_selected(shot_id in self._shown_selection)
            item.set_geometry(span.start * ppf, top, span.duration * ppf, style.VIDEO_H)
            placed[shot_id] = stamp
            if unchanged:
                continue  # its label, take and number are as they were
            if not fresh and not full and shot_id not in dirty:
                item.renumber(span.index)  # an edit before it moved it along the cut: only its number changed
                continue
            take = shot.active()
            media, state, source = None, "empty", (0, 1)
            if take is not None:
                # Opening marked takes with missing files offline; paths resolve only when painted.
                media = take.media if take.status == "ready" else take.thumbnail
                state = take.status if take.status in ("ready", "failed") else "offline"
                source = (take.trim_in, take.trim_out if take.trim_out is not None else max(1, take.frame_count))
            prompt = shot.prompt.strip().splitlines()[0] if shot.prompt.strip() else "(no prompt)"
            duration = format_duration(span.duration, project.fps)
            takes = f"take {shot.takes.index(take) + 1} of {len(shot.takes)}" if take else "no take yet"
            if state != "ready":
                takes += " (the preview shows its story card)"
            links = (continues_previous(shot), ends_on_next(shot))
            chain = ("\nStarts on the last frame of the shot before" if links[0] else "") + (
                "\nEnds on the first frame of the next shot" if links[1] else "")
            stale = stale_reason(project, shot) if take is not None else None
            if stale:
                chain += f"\nStale: {stale} (regenerate when you are ready)"
            item.set_content(index=span.index, prompt=prompt, duration_text=duration, media=media,
                             source_range=source, state=state, details=f"{duration} · {takes}{chain}\n{shot.prompt}",
                             links=links, stale=bool(stale))
        self._drop_missing(self.clips, alive)

        alive_tr = set()
        for span in layout.transitions:
            alive_tr.add(span.shot_id)
            item = self._reuse(self.transitions, span.shot_id, TransitionItem)
            item.set_geometry(span.start * ppf, top, max(4.0, (span.end - span.start) * ppf), style.VIDEO_H)
            item.set_kind(span.kind, f"{KIND_NAMES[span.kind]} {format_duration(span.end - span.start, project.fps)}"
                                     " — double-click to change")
        self._drop_missing(self.transitions, alive_tr)

    def _sync_cards(self, layout: TimelineLayout, geometry: TrackGeometry) -> None:
        """Title cards before the shots, credits after: the film's own cards, where the export puts them."""
        ppf, top = geometry.px_per_frame, geometry.video_top()
        alive = set()
        for span in layout.title_and_credits():
            alive.add(span.card_id)
            item = self._reuse(self.cards, span.card_id, CardItem)
            item.set_geometry(span.start * ppf, top, span.duration * ppf, style.VIDEO_H)
            duration = format_duration(span.duration, layout.fps)
            name = "Title card" if span.kind == "title" else "Credits"
            item.set_content(position=span.kind, text=span.text, duration_text=duration,
                             tooltip=f"{name} · {duration}\n{span.text}")
            item.set_selected(span.card_id == self.selected_card)
        self._drop_missing(self.cards, alive)
        if self.selected_card not in alive:
            self.selected_card = None

    def _sync_lines(self, project, layout: TimelineLayout, geometry: TrackGeometry, full: bool,
                    dirty: set[str]) -> None:
        ppf, top = geometry.px_per_frame, geometry.voice_top()
        alive = {span.line_id for span in layout.lines}
        lines = None
        placed = self._placed
        for span in layout.lines:
            fresh = span.line_id not in self.lines
            stamp = (span.start, span.duration, span.lane, ppf, top)
            if not (fresh or full or span.line_id in dirty) and placed.get(span.line_id) == stamp:
                continue
            if lines is None:
                lines = {line.id: line for line in project.lines}
            line = lines[span.line_id]
            item = self._reuse(self.lines, line.id, lambda key: LineItem(key, self.peaks_for))
            item.set_geometry(span.start * ppf, top + span.lane * style.VOICE_LANE_H + 2, span.duration * ppf,
                              style.VOICE_LANE_H - 4)
            placed[line.id] = stamp
            if not (fresh or full or line.id in dirty):
                continue
            speaker_id = speaker_of(project, line)
            speaker = next((c for c in project.cast if c.id == speaker_id), None)
            name = speaker.name if speaker else "Narrator"
            dialogue = speaker is not None and not speaker.is_narrator
            audio = line.active()
            peaks = audio.media if audio is not None and audio.status == "ready" else None
            status = {"pending": "not narrated yet", "stale": "voice changed: re-narrate", "failed": "narration failed",
                      "ready": "narrated"}[line.status]
            item.set_content(label=f"{name}: {line.text}", colour=style.DIALOGUE if dialogue else style.NARRATION,
                             peaks=peaks, status=line.status, estimated=span.estimated,
                             tooltip=f"{name} — {status}\n{line.text}\nDrag to move; drop over another shot to "
                                     "anchor it there")
        self._drop_missing(self.lines, alive)

    def _sync_sounds(self, project, layout: TimelineLayout, geometry: TrackGeometry, full: bool,
                     dirty: set[str]) -> None:
        ppf, top = geometry.px_per_frame, geometry.sound_top()
        alive = set()
        for span in layout.sounds:
            key = sound_key(span.shot_id)
            alive.add(key)
            fresh = key not in self.sounds
            item = self._reuse(self.sounds, key, lambda _key, shot_id=span.shot_id: SoundItem(shot_id, self.peaks_for))
            if fresh:
                item.set_selected(span.shot_id in self._shown_selection)
            item.set_geometry(span.start * ppf, top + 2, span.duration * ppf, style.SOUND_H - 4)
            if not (fresh or full or span.shot_id in dirty):
                continue
            shot = project.shot(span.shot_id)
            take = shot.active_sound()
            made = "offline ambience" if take.provider == "offline" else "ElevenLabs sound effect"
            layers = f" ({', '.join(take.layers)})" if take.layers else ""
            item.set_content(label=f"{shot.sound_prompt or take.prompt}   {shot.sound_gain_db:+.1f} dB",
                             peaks=take.media,
                             tooltip=f"Sound: {shot.sound_prompt or take.prompt}\n{made}{layers}, "
                                     f"{shot.sound_gain_db:+.1f} dB; ducks under the lines and fades at cuts\n"
                                     "Click to pick its shot (the inspector holds its prompt and level)")
        self._drop_missing(self.sounds, alive)

    def _sync_music(self, project, layout: TimelineLayout, geometry: TrackGeometry) -> None:
        ppf, top = geometry.px_per_frame, geometry.music_top()
        clips = {clip.id: clip for clip in project.music}
        alive = set()
        for span in layout.music:
            clip = clips[span.clip_id]
            alive.add(clip.id)
            item = self._reuse(self.music, clip.id, lambda key: MusicItem(key, self.peaks_for))
            item.set_geometry(span.start * ppf, top + 2, span.duration * ppf, style.MUSIC_H - 4)
            peaks = clip.media if clip.media.lower().endswith(".wav") else None
            title = clip.title or Path(clip.media).stem
            duck = ", ducks under voice" if clip.duck else ""
            item.set_content(label=f"♪ {title}   {clip.gain_db:+.1f} dB", peaks=peaks,
                             tooltip=f"{title}\nGain {clip.gain_db:+.1f} dB{duck}\nDrag to move where it starts")
        self._drop_missing(self.music, alive)

    # --- selection -------------------------------------------------------------------------------------------
    def select_card(self, card_id: str | None) -> None:
        """Pick a title/credits card (shots are deselected: one thing is selected on the track at a time)."""
        self.selected_card = card_id
        for key, item in self.cards.items():
            item.set_selected(key == card_id)
        if card_id is not None:
            self.session.select_shots([])

    def show_selection(self, shot_ids: list) -> None:
        """Highlight the selected shots' clips; selecting a shot drops a picked card."""
        chosen = set(shot_ids)
        if chosen and self.selected_card is not None:
            self.select_card(None)
        # Only the clips whose state flips are touched (3,000 clips, a selection change on every click).
        for shot_id in self._shown_selection ^ chosen:
            item = self.clips.get(shot_id)
            if item is not None:
                item.set_selected(shot_id in chosen)
            sound = self.sounds.get(sound_key(shot_id))
            if sound is not None:
                sound.set_selected(shot_id in chosen)
        self._shown_selection = chosen
