"""A parsed screenplay broken down into planned shots, lines, cards and a cast (plain values, no project yet).

Rules a filmmaker can predict:
- a scene heading starts a scene; each action paragraph becomes a shot (``shots_per="paragraph"``), or every
  ~2 sentences / ~25 words do (``"sentences"``), or the whole scene is one shot (``"scene"``); in paragraph
  mode a paragraph longer than ~60 words is split into sentence groups too, since one clip cannot show it all;
- dialogue is anchored to the shot it follows; a scene that opens with dialogue gets a shot made from its
  heading; when a conversation outgrows one shot (~12 s), the next speech gets a coverage shot ("Close on ...");
- transitions apply to the join into the next shot;
- centred text (``>THE END<``) becomes a title card before the first shot or a credits card after the last one;
  in the middle of the film it becomes a title-card shot, because a card in the project sits only at either end
  and the text must keep its place in the story.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from studio.project.model import MAX_SHOT_SECONDS, Transition

from . import timing
from .casting import (
    ActionMentions,
    display_name,
    guess_gender,
    is_narrator_cue,
    joint_speakers,
    name_key,
    spoken_language,
)
from .errors import ScriptError
from .fountain_reader import ActionBlock, Heading, Screenplay, Speech, TransitionMark
from .scene_heading import describe_heading
from .transition_marks import combine_marks

ShotsPer = Literal["scene", "paragraph", "sentences"]
SHOTS_PER: tuple[str, ...] = ("scene", "paragraph", "sentences")
MAX_PROMPT_CHARS = 10_000
MAX_LINE_CHARS = 5_000
CARD_SECONDS = 3.0

# Cue extensions a delivery note should mention; CONT'D only says the speech continues.
_EXTENSION_NOTES = {"V.O.": "voice-over", "VO": "voice-over", "O.S.": "off-screen", "O.C.": "off-screen",
                    "OS": "off-screen", "OC": "off-screen"}
_SILENT_EXTENSIONS = {"CONT'D", "CONT’D", "CONTD", "CONT.", "CONTINUED", "CONT"}

# frames at the project rate, the fewest frames the dialogue needs -> frames the engine can make
FitFrames = Callable[[int, int], int]


@dataclass
class PlannedLine:
    speaker: str | None  # a name key (see casting.name_key); None = the narrator
    text: str
    delivery: str = ""
    seconds: float = 0.0
    offset_frames: int = 0
    also: tuple[str, ...] = ()  # name keys of characters speaking it together with ``speaker``


@dataclass
class PlannedShot:
    scene_index: int
    heading: str | None
    ordinal: int  # position within its scene
    kind: str  # "action", "heading" (made for dialogue), "coverage", "card" (centred text)
    texts: list[str] = field(default_factory=list)
    transition: Transition = field(default_factory=Transition)
    lines: list[PlannedLine] = field(default_factory=list)
    focus: str | None = None  # coverage: who the camera is on (a name key, None = narrator)
    marks: list[str] = field(default_factory=list)  # the transition marks written before it
    prompt: str = ""
    duration_frames: int = 0

    @property
    def text(self) -> str:
        return " ".join(self.texts)

    def dialogue_seconds(self) -> float:
        if not self.lines:
            return 0.0
        speech = sum(line.seconds for line in self.lines)
        return timing.LEAD_IN_SECONDS + speech + timing.LINE_GAP_SECONDS * (len(self.lines) - 1)


@dataclass
class PlannedCharacter:
    key: str
    name: str
    is_narrator: bool = False
    gender: str | None = None
    language: str | None = None


@dataclass
class PlannedCard:
    position: Literal["title", "credits"]
    text: str
    duration_frames: int


@dataclass
class ScriptPlan:
    title: str | None
    author: str | None
    title_page: dict[str, str]
    shots: list[PlannedShot]
    cards: list[PlannedCard]
    cast: list[PlannedCharacter]
    scenes: int
    ending: str | None = None  # a transition after the last shot ("FADE OUT.")
    warnings: list[str] = field(default_factory=list)

    @property
    def line_count(self) -> int:
        return sum(len(shot.lines) for shot in self.shots)


def build_plan(screenplay: Screenplay, *, fps: int, shots_per: str = "paragraph",
               fit_frames: FitFrames | None = None, cast_names: tuple[str, ...] = ()) -> ScriptPlan:
    """``cast_names``: the project's characters, who may speak in joint cues (``BRICK AND STEEL``)."""
    if shots_per not in SHOTS_PER:
        raise ScriptError(f"shots per must be one of {', '.join(SHOTS_PER)}, not {shots_per!r}")
    elements = screenplay.elements
    if not any(isinstance(e, Heading | Speech) for e in elements):
        raise ScriptError(
            "no scene headings (INT./EXT. ...) and no dialogue: this does not look like a Fountain screenplay"
        )
    builder = _Builder(fps, shots_per)
    builder.solo = {name_key(n) for n in cast_names} | {
        name_key(e.name) for e in elements if isinstance(e, Speech) and "&" not in e.name}
    for element in elements:
        builder.add(element)
    plan = builder.finish(screenplay)
    _time_shots(plan, fps, shots_per, fit_frames)
    return plan


class _Builder:
    def __init__(self, fps: int, shots_per: str) -> None:
        self.fps = fps
        self.shots_per = shots_per
        self.shots: list[PlannedShot] = []
        self.scene_index = -1
        self.heading: str | None = None
        self.ordinal = 0
        self.current: PlannedShot | None = None
        self.pending_marks: list[str] = []
        self.opening_marks: list[str] = []
        self.cast: dict[str, PlannedCharacter] = {}
        self.spoken: dict[str, list[str]] = {}
        self.action_texts: list[str] = []
        self.last_action = ""
        self.solo: set[str] = set()  # name keys of characters who speak on their own
        self.last_lines: list[PlannedLine] = []  # the speech just before (the left side of dual dialogue)

    # --- elements ------------------------------------------------------------------------------------------
    def add(self, element: object) -> None:
        if not isinstance(element, Speech):
            self.last_lines = []
        if isinstance(element, Heading):
            self._establish_empty_scene()
            self.scene_index += 1
            self.heading, self.ordinal, self.current, self.last_action = element.text, 0, None, ""
            self.opening_marks = list(self.pending_marks)
        elif isinstance(element, TransitionMark):
            self.pending_marks.append(element.text)
        elif isinstance(element, ActionBlock) and element.centered:
            self.current = self._new_shot("card", [element.text])
        elif isinstance(element, ActionBlock):
            self._action(element.text)
        elif isinstance(element, Speech):
            self._speech(element)

    def _establish_empty_scene(self) -> None:
        """A heading with nothing under it is still a place the film shows: an establishing shot."""
        if self.heading is not None and not any(s.scene_index == self.scene_index for s in self.shots[-1:]):
            # Marks written above the heading open this shot; marks written under it lead into the next scene.
            later = self.pending_marks[len(self.opening_marks):]
            self.pending_marks = self.opening_marks
            self._new_shot("heading", [])
            self.pending_marks = later

    def _action(self, text: str) -> None:
        self.action_texts.append(text)
        self.last_action = text
        if self.shots_per == "scene":
            if self.current is None or self.current.kind == "card":
                self.current = self._new_shot("action", [])
            self.current.texts.append(text)
            self.current.kind = "action"
            return
        long_paragraph = timing.word_count(text) > timing.LONG_PARAGRAPH_WORDS
        chunks = timing.sentence_groups(text) if self.shots_per == "sentences" or long_paragraph else [text]
        for chunk in chunks or [text]:
            self.current = self._new_shot("action", [chunk])

    def _speech(self, speech: Speech) -> None:
        names = joint_speakers(speech.name, self.solo) or [speech.name]
        keys = [None if is_narrator_cue(name) else name_key(name) for name in names]
        for name, name_of in zip(names, keys, strict=True):
            self._join_cast(speech, name, name_of)
        key = keys[0]
        also = tuple(dict.fromkeys(k for k in keys[1:] if k is not None and k != key))
        if speech.dual and self._same_words(speech):  # both sides of dual dialogue say it: one line, two voices
            for line in self.last_lines:
                line.also = tuple(dict.fromkeys(k for k in (*line.also, key, *also) if k is not None
                                                and k != line.speaker))
            return
        narrator = key is None
        notes = [_EXTENSION_NOTES.get(ext, ext.lower()) for ext in speech.extensions
                 if ext not in _SILENT_EXTENSIONS and not (narrator and ext in _EXTENSION_NOTES)]
        lines = []
        for part in speech.parts:
            for piece in _fit_line_length(part.text):
                delivery = "; ".join(n for n in (*notes, part.delivery) if n)
                lines.append(PlannedLine(key, piece, delivery, timing.speech_seconds(piece), also=also))
        self.last_lines = lines
        if self.current is None:
            self.current = self._new_shot("heading", [])
        elif (self.shots_per != "scene" and not speech.dual and self.current.lines
              and self._outgrows(self.current, lines)):
            self.current = self._new_shot("coverage", [], focus=key)
        self.current.lines.extend(lines)

    @staticmethod
    def _outgrows(shot: PlannedShot, lines: list[PlannedLine]) -> bool:
        extra = sum(line.seconds + timing.LINE_GAP_SECONDS for line in lines)
        return shot.dialogue_seconds() + extra + timing.TAIL_SECONDS > timing.MAX_SHOT_SECONDS

    def _same_words(self, speech: Speech) -> bool:
        said = " ".join(line.text for line in self.last_lines)
        return bool(said) and name_key(said) == name_key(" ".join(part.text for part in speech.parts))

    def _join_cast(self, speech: Speech, cue_name: str, key: str | None) -> None:
        cast_key = key if key is not None else "\0narrator"
        if cast_key not in self.cast:
            name = "Narrator" if key is None else display_name(cue_name)
            self.cast[cast_key] = PlannedCharacter(key=key or "", name=name, is_narrator=key is None)
        self.spoken.setdefault(cast_key, []).extend(part.text for part in speech.parts)

    def _new_shot(self, kind: str, texts: list[str], *, focus: str | None = None) -> PlannedShot:
        if self.scene_index < 0:  # content before any heading forms an opening scene without one
            self.scene_index = 0
        shot = PlannedShot(self.scene_index, self.heading, self.ordinal, kind, list(texts), focus=focus,
                           transition=combine_marks(self.pending_marks, self.fps), marks=self.pending_marks)
        self.pending_marks = []
        self.ordinal += 1
        shot_context = self.last_action
        if kind == "coverage":
            shot.texts = [shot_context] if focus is None and shot_context else []
        self.shots.append(shot)
        return shot

    # --- the end -------------------------------------------------------------------------------------------
    def finish(self, screenplay: Screenplay) -> ScriptPlan:
        self._establish_empty_scene()
        mentions = ActionMentions(self.action_texts)
        for cast_key, character in self.cast.items():
            character.language = spoken_language(self.spoken.get(cast_key, []))
            if not character.is_narrator:
                character.gender = guess_gender(character.name, mentions)
        names = {c.key: c.name for c in self.cast.values() if not c.is_narrator}
        for shot in self.shots:
            shot.prompt = _prompt(shot, names)
        shots, cards, closing_marks = _cards_at_the_ends(self.shots, self.fps)
        page = screenplay.title_page
        title = " ".join(page["Title"].split("\n")).strip() if page.get("Title") else None
        authors = page.get("Author") or page.get("Authors") or page.get("Writer") or page.get("Written by")
        author = ", ".join(a.strip() for a in authors.split("\n") if a.strip()) if authors else None
        scenes = len({shot.scene_index for shot in shots})
        plan = ScriptPlan(title, author, dict(page), shots, cards, list(self.cast.values()), scenes,
                          ending=" / ".join(closing_marks + self.pending_marks) or None)
        return plan


def _prompt(shot: PlannedShot, names: dict[str, str]) -> str:
    setting = describe_heading(shot.heading)
    if shot.kind == "card":
        return f'Title card: the words "{shot.text}" in white letters, centred on black.'
    if shot.kind == "coverage" and shot.focus is not None:
        body = f"Close on {names.get(shot.focus, shot.focus)}, speaking."
    elif shot.kind == "coverage":  # the narrator goes on: a wider view of the same moment
        body = f"Wide shot, the moment held. {shot.text}".strip()
    elif shot.text:
        body = shot.text
    elif setting:
        body = ""
    else:  # a dialogue-only script: no heading, no action
        speakers = [names[line.speaker] for line in shot.lines if line.speaker in names]
        unique = list(dict.fromkeys(speakers))
        body = f"{' and '.join(unique)} talking." if unique else "A narrator speaks over a still image."
    prompt = f"{setting} {body}".strip()
    if len(prompt) > MAX_PROMPT_CHARS:
        prompt = prompt[:MAX_PROMPT_CHARS].rsplit(" ", 1)[0]
    return prompt


def _cards_at_the_ends(shots: list[PlannedShot], fps: int) -> tuple[list[PlannedShot], list[PlannedCard], list[str]]:
    """Centred text before the first / after the last real shot -> cards; also the marks that close the film."""
    def is_card(shot: PlannedShot) -> bool:
        return shot.kind == "card" and not shot.lines

    if all(is_card(shot) for shot in shots):
        return shots, [], []  # nothing but centred text: keep it as shots rather than lose it all
    first = next(i for i, shot in enumerate(shots) if not is_card(shot))
    last = max(i for i, shot in enumerate(shots) if not is_card(shot))
    frames = round(CARD_SECONDS * fps)
    cards = [PlannedCard("title", shot.text, frames) for shot in shots[:first]]
    cards += [PlannedCard("credits", shot.text, frames) for shot in shots[last + 1:]]
    kept = shots[first:last + 1]
    opening = shots[first - 1].transition if first else None
    if opening is not None and opening.kind != "cut" and kept[0].transition.kind == "cut":
        kept[0].transition = opening  # 'FADE IN:' written above a title card still opens the film
    closing = [mark for shot in shots[last + 1:] for mark in shot.marks]  # 'FADE OUT.' above '>THE END<'
    return kept, cards, closing


def _fit_line_length(text: str) -> list[str]:
    """A monologue longer than a line may hold is split at sentence ends."""
    if len(text) <= MAX_LINE_CHARS:
        return [text]
    pieces: list[str] = []
    for sentence in timing.split_sentences(text):
        while len(sentence) > MAX_LINE_CHARS:
            pieces.append(sentence[:MAX_LINE_CHARS])
            sentence = sentence[MAX_LINE_CHARS:]
        if pieces and len(pieces[-1]) + 1 + len(sentence) <= MAX_LINE_CHARS:
            pieces[-1] = f"{pieces[-1]} {sentence}"
        else:
            pieces.append(sentence)
    return pieces


def _time_shots(plan: ScriptPlan, fps: int, shots_per: str, fit_frames: FitFrames | None) -> None:
    """Line offsets from the speaking rate; shot lengths from action and dialogue, snapped for the engine."""
    for index, shot in enumerate(plan.shots):
        cursor = timing.LEAD_IN_SECONDS
        for line in shot.lines:
            line.offset_frames = round(cursor * fps)
            cursor += line.seconds + timing.LINE_GAP_SECONDS
        need = shot.dialogue_seconds() + timing.TAIL_SECONDS if shot.lines else 0.0
        action = timing.action_seconds(shot.text) if shot.kind != "coverage" else timing.MIN_SHOT_SECONDS
        seconds = min(max(action, need, timing.MIN_SHOT_SECONDS), timing.MAX_SHOT_SECONDS)
        if need > MAX_SHOT_SECONDS:
            raise ScriptError(f"shot {index + 1} would run {need:.0f} s to hold its dialogue; a shot is at most "
                              f"{MAX_SHOT_SECONDS} s, so split that speech into several")
        if need > seconds:
            seconds = need  # never cut a line off; the shot runs as long as its dialogue
            if shots_per != "scene":
                plan.warnings.append(
                    f"shot {index + 1} runs {need:.1f} s to hold one long speech; consider splitting the speech"
                )
        frames = max(1, round(seconds * fps))
        min_frames = math.ceil(need * fps)
        shot.duration_frames = fit_frames(frames, min_frames) if fit_frames else frames
        if shot.duration_frames < min_frames:
            plan.warnings.append(
                f"shot {index + 1}: its dialogue needs {need:.1f} s but the engine's longest clip is "
                f"{shot.duration_frames / fps:.1f} s; the voice fit report will propose a fix"
            )
