"""A script plan merged into a project as a list of undoable commands: first import or re-import alike.

Re-importing an edited script updates what it matches and never loses the user's work:
- shots match by scene heading, position in the scene and text similarity (difflib); a matched shot keeps its
  id, takes and seed; its prompt, length and transition follow the script only where the *script* changed
  (a prompt the user edited by hand survives a re-import of an unchanged paragraph);
- a matched shot whose prompt changed while it has takes is flagged ``prompt_changed`` (its takes may be stale);
- an old shot the script no longer has is kept, with its takes, and flagged ``unmatched``;
- lines are matched by speaker and words (a line that moved to another shot keeps its audio); a changed text
  marks its audio ``stale``; a line the script dropped is removed only when it came from an import, has no
  audio and sits on a shot still in the script; otherwise it stays, flagged ``unmatched``.
What the script said last time is kept in ``project.metadata["script_import"]`` to tell the two apart.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from studio.project import commands as cmd
from studio.project.element_commands import RemoveElement
from studio.project.model import (
    ASPECTS,
    Card,
    Character,
    Line,
    Project,
    Shot,
    Voice,
    new_seed,
    parse_aspect,
    utc_now,
)

from .breakdown import PlannedShot, ScriptPlan
from .card_command import AddCard
from .casting import VoicePicker, joint_speakers, name_key, narrator_voice
from .sound_words import sound_prompt

RECORD_KEY = "script_import"
UNMATCHED = "unmatched"
PROMPT_CHANGED = "prompt_changed"

# Shot texts are compared word by word (unrelated sentences share letters, not words).
SAME_SCENE_MIN_RATIO = 0.5
SAME_PLACE_MIN_RATIO = 0.35  # same scene and same position in it: a reworded paragraph
OTHER_SCENE_MIN_RATIO = 0.75  # a shot moved to another (or a renamed) scene must be nearly the same text
LINE_MIN_RATIO = 0.5
LINE_SAME_PLACE_MIN_RATIO = 0.25  # same shot, same speaker, same position: a reworded line


@dataclass
class ImportSummary:
    script: str
    title: str
    shots_per: str
    scenes: int = 0
    shots: int = 0
    lines: int = 0
    cast: list[str] = field(default_factory=list)
    cards: int = 0
    reimport: bool = False
    new_shots: int = 0
    updated_shots: int = 0
    unchanged_shots: int = 0
    unmatched_shots: int = 0
    new_lines: int = 0
    updated_lines: int = 0
    removed_lines: int = 0
    kept_lines: int = 0  # lines the script dropped, kept (with audio, or on a kept shot) and flagged
    new_characters: list[str] = field(default_factory=list)
    merged_characters: list[str] = field(default_factory=list)  # old "Brick & Steel" characters merged back
    new_cards: int = 0
    warnings: list[str] = field(default_factory=list)

    def report(self) -> list[str]:
        """The summary a filmmaker reads after an import."""
        out = [
            f"imported {self.script} into \"{self.title}\" ({self.shots_per} mode)",
            f"  {self.scenes} scene(s), {self.shots} shot(s), {self.lines} line(s), {self.cards} card(s)",
            f"  cast ({len(self.cast)}): {', '.join(self.cast) or 'none'}",
        ]
        if self.reimport:
            out.append(f"  shots: {self.new_shots} new, {self.updated_shots} updated, {self.unchanged_shots} unchanged, "
                       f"{self.unmatched_shots} unmatched (kept, flagged '{UNMATCHED}')")
            out.append(f"  lines: {self.new_lines} new, {self.updated_lines} updated, {self.removed_lines} removed, "
                       f"{self.kept_lines} kept (flagged '{UNMATCHED}')")
            if self.new_characters:
                out.append(f"  new characters: {', '.join(self.new_characters)}")
            if self.merged_characters:
                out.append(f"  joint speakers merged back (their lines now speak with both voices): "
                           f"{', '.join(self.merged_characters)}")
        out.extend(f"warning: {w}" for w in self.warnings)
        return out


def reconcile(project: Project, plan: ScriptPlan, *, source: str, shots_per: str) -> tuple[list[cmd.Command], ImportSummary]:
    record = project.metadata.get(RECORD_KEY)
    record = record if isinstance(record, dict) else {}
    shot_records: dict = record.get("shots") if isinstance(record.get("shots"), dict) else {}
    line_records: dict = record.get("lines") if isinstance(record.get("lines"), dict) else {}
    summary = ImportSummary(
        script=source, title=plan.title or project.title, shots_per=shots_per, scenes=plan.scenes,
        shots=len(plan.shots), lines=plan.line_count, cast=[c.name for c in plan.cast], cards=len(plan.cards),
        reimport=bool(project.shots), warnings=list(plan.warnings),
    )
    commands: list[cmd.Command] = []
    speakers = _cast(project, plan, commands, summary)
    merged = _old_joint_characters(project, speakers)

    matches = match_shots(project.shots, plan.shots, shot_records)
    matched_old = {old_id for old_id in matches.values()}
    aspect = project_aspect(project)
    new_records: dict[str, dict] = {}
    new_line_records: dict[str, dict] = {}
    plan_ids: list[str] = []
    shot_changed: dict[str, bool] = {}
    old_shots = {shot.id: shot for shot in project.shots}
    names = frozenset(c.name.casefold() for c in (*plan.cast, *project.cast))  # caps names are not sounds
    for planned in plan.shots:
        old_id = matches.get(len(plan_ids))
        if old_id is None:
            shot = Shot(prompt=planned.prompt, duration_frames=planned.duration_frames, aspect=aspect,
                        seed=new_seed(), scene=planned.heading,
                        transition=planned.transition.model_copy(),
                        notes="title card from the script's centred text" if planned.kind == "card" else "",
                        sound_prompt="" if planned.kind == "card" else sound_prompt(planned.text, planned.heading,
                                                                                      names))
            commands.append(cmd.AddShot(shot, text="Add shot from script"))
            summary.new_shots += 1
            shot_id = shot.id
        else:
            shot_id = old_id
            shot_changed[shot_id] = _update_shot(old_shots[old_id], planned, shot_records.get(old_id), commands)
        plan_ids.append(shot_id)
        new_records[shot_id] = _shot_record(planned)
    line_commands, lines_changed = _reconcile_lines(project, list(zip(plan_ids, plan.shots, strict=True)),
                                                    speakers, line_records, new_line_records, summary, merged)
    commands.extend(line_commands)
    commands.extend(_remove_merged(project, merged, summary))
    for shot_id, changed in shot_changed.items():
        if changed or shot_id in lines_changed:
            summary.updated_shots += 1
        else:
            summary.unchanged_shots += 1

    for old in project.shots:
        if old.id not in matched_old:
            summary.unmatched_shots += 1
            if UNMATCHED not in old.flags:
                commands.append(cmd.SetFields("shot", (old.id,), {"flags": [*old.flags, UNMATCHED]},
                                              text="Flag shot not in script"))
            if old.id in shot_records:  # remembered, so it can match again if the scene comes back
                new_records[old.id] = shot_records[old.id]
    commands.extend(_order(project, plan_ids, matched_old))
    commands.extend(_cards(project, plan, summary))
    commands.append(_project_fields(project, plan, record, new_records, line_records, new_line_records,
                                    source=source, shots_per=shots_per))
    return commands, summary


# --- cast ------------------------------------------------------------------------------------------------

def _cast(project: Project, plan: ScriptPlan, commands: list[cmd.Command], summary: ImportSummary) -> dict[str, str | None]:
    """Name key -> character id of every speaker (the narrator's lines carry speaker None)."""
    picker = VoicePicker(c.voice.voice_id for c in project.cast if c.voice.provider == "espeak")
    speakers: dict[str, str | None] = {}
    for planned in plan.cast:
        if planned.is_narrator:
            if project.narrator() is None:
                voice = narrator_voice()
                if planned.language:
                    voice = Voice(provider="espeak", voice_id=f"{planned.language}+m3")
                narrator = Character(name=planned.name, is_narrator=True, voice=voice)
                commands.append(cmd.AddCharacter(narrator, text="Add narrator from script"))
                summary.new_characters.append(planned.name)
            speakers[planned.key] = None
            continue
        character = project.character_by_name(planned.name)
        if character is None:
            voice = picker.pick(gender=planned.gender, language=planned.language)
            character = Character(name=planned.name, voice=voice)
            commands.append(cmd.AddCharacter(character, text="Add character from script"))
            summary.new_characters.append(planned.name)
        speakers[planned.key] = character.id
    return speakers


Speakers = tuple[str | None, tuple[str, ...]]  # (speaker id, ids speaking with it)


def _old_joint_characters(project: Project, speakers: dict[str, str | None]) -> dict[str, Speakers]:
    """Characters an older import made from a joint cue ("Brick & Steel") -> the speakers they stand for now."""
    ids = {key: cid for key, cid in speakers.items() if cid is not None}
    merged: dict[str, Speakers] = {}
    for character in project.cast:
        if character.id in ids.values() or character.is_narrator:
            continue
        parts = joint_speakers(character.name, set(ids))
        keys = [name_key(p) for p in parts]
        if len(keys) > 1 and all(k in ids for k in keys):
            first, *rest = dict.fromkeys(ids[k] for k in keys)
            merged[character.id] = (first, tuple(rest))
    return merged


def _line_speakers(line: Line, merged: dict[str, Speakers]) -> Speakers:
    if line.speaker in merged:
        first, rest = merged[line.speaker]
        return first, tuple(dict.fromkeys(s for s in (*rest, *line.also_speakers) if s != first))
    return line.speaker, tuple(line.also_speakers)


def _remove_merged(project: Project, merged: dict[str, Speakers], summary: ImportSummary) -> list[cmd.Command]:
    """An old joint character goes once its lines speak with both voices, unless a shot or the user's work
    (reference stills, LoRAs, a description) still uses it."""
    out: list[cmd.Command] = []
    for character_id in merged:
        character = project.character(character_id)
        in_shots = any(character_id in shot.cast for shot in project.shots)
        if in_shots or character.references or character.loras or character.description:
            continue
        out.append(RemoveElement(character_id, text="Merge joint character"))
        summary.merged_characters.append(character.name)
    return out


# --- matching shots --------------------------------------------------------------------------------------

def _heading_key(heading: object) -> str:
    return " ".join(str(heading).upper().split()) if heading else ""


def _match_text(text: str) -> tuple[str, ...]:
    return tuple(text.casefold().split())


def match_shots(old_shots: list[Shot], planned: list[PlannedShot], records: dict) -> dict[int, str]:
    """Planned shot index -> id of the old shot it continues. Greedy on a similarity score, best pairs first."""
    olds = []
    for shot in old_shots:
        rec = records.get(shot.id) if isinstance(records.get(shot.id), dict) else None
        heading = rec.get("heading") if rec else shot.scene
        text = rec.get("match") if rec and rec.get("match") else shot.prompt
        ordinal = rec.get("ordinal") if rec else None
        olds.append((shot.id, _heading_key(heading), _match_text(str(text)), ordinal))
    news = [(_heading_key(p.heading), _match_text(p.text or p.prompt), p.ordinal) for p in planned]

    matches: dict[int, str] = {}
    taken: set[str] = set()
    for same_scene in (True, False):
        # Exact pairs score above every similar pair, so taking them first changes nothing in the greedy
        # result; they come from a dict, and only what they leave is compared word by word.
        exact = _exact_pairs(olds, news, matches, taken, same_scene)
        _take_best(exact, olds, matches, taken)
        _take_best(_similar_pairs(olds, news, matches, taken, same_scene), olds, matches, taken)
    return matches


# Word-by-word comparisons one import may make; past it each new shot is compared with the old shots near its
# own position only (the same place in the film), so a re-import stays roughly linear in the script's size.
SIMILARITY_BUDGET = 50_000
NEAR_WINDOW = 12


def _take_best(pairs: list[tuple[float, int, int]], olds: list, matches: dict[int, str], taken: set[str]) -> None:
    for _score_value, o, n in sorted(pairs, key=lambda p: (-p[0], p[2], p[1])):
        old_id = olds[o][0]
        if n not in matches and old_id not in taken:
            matches[n] = old_id
            taken.add(old_id)


def _exact_pairs(olds: list, news: list, matches: dict[int, str], taken: set[str],
                 same_scene: bool) -> list[tuple[float, int, int]]:
    by_text: dict[tuple[str, ...], list[int]] = {}
    for o, (old_id, _heading, o_text, _ordinal) in enumerate(olds):
        if old_id not in taken:
            by_text.setdefault(o_text, []).append(o)
    pairs = []
    for n, (n_heading, n_text, n_ordinal) in enumerate(news):
        if n in matches:
            continue
        for o in by_text.get(n_text, ()):
            _old_id, o_heading, o_text, o_ordinal = olds[o]
            if (o_heading == n_heading) == same_scene:
                score = _score(o_text, n_text, same_scene=same_scene, same_place=o_ordinal == n_ordinal)
                pairs.append((score, o, n))
    return pairs


def _similar_pairs(olds: list, news: list, matches: dict[int, str], taken: set[str],
                   same_scene: bool) -> list[tuple[float, int, int]]:
    groups: dict[str, tuple[list[int], list[int]]] = {}  # same scene: by heading; other scenes: one group
    for o, (old_id, o_heading, _text, _ordinal) in enumerate(olds):
        if old_id not in taken:
            groups.setdefault(o_heading if same_scene else "", ([], []))[0].append(o)
    for n, (n_heading, _text, _ordinal) in enumerate(news):
        if n not in matches:
            groups.setdefault(n_heading if same_scene else "", ([], []))[1].append(n)
    pairs = []
    for old_group, new_group in groups.values():
        if not old_group or not new_group:
            continue
        everything = len(old_group) * len(new_group) <= SIMILARITY_BUDGET
        for position, n in enumerate(new_group):
            n_heading, n_text, n_ordinal = news[n]
            matcher = SequenceMatcher(None, (), n_text, autojunk=False)  # the new text is indexed once
            if everything:
                candidates = old_group
            else:
                centre = position * len(old_group) // len(new_group)
                candidates = old_group[max(0, centre - NEAR_WINDOW):centre + NEAR_WINDOW]
            for o in candidates:
                _old_id, o_heading, o_text, o_ordinal = olds[o]
                if (o_heading == n_heading) != same_scene or o_text == n_text:
                    continue  # exact pairs were taken already
                matcher.set_seq1(o_text)
                score = _score(o_text, n_text, same_scene=same_scene, same_place=o_ordinal == n_ordinal,
                               matcher=matcher)
                if score is not None:
                    pairs.append((score, o, n))
    return pairs


def _score(old: tuple[str, ...], new: tuple[str, ...], *, same_scene: bool, same_place: bool,
           matcher: SequenceMatcher | None = None) -> float | None:
    if old == new:
        return 3.0 + (0.2 if same_place else 0.0) + (0.5 if same_scene else 0.0)
    floor = (SAME_PLACE_MIN_RATIO if same_place else SAME_SCENE_MIN_RATIO) if same_scene else OTHER_SCENE_MIN_RATIO
    matcher = matcher or SequenceMatcher(None, old, new, autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return None
    ratio = matcher.ratio()
    if ratio < floor:
        return None
    return ratio + (1.0 if same_scene else 0.0) + (0.2 if same_place else 0.0)


# --- updating matched shots and their lines --------------------------------------------------------------

def _update_shot(old: Shot, planned: PlannedShot, rec: dict | None, commands: list[cmd.Command]) -> bool:
    """Follow the script where it changed since the last import; True if the shot changed."""
    rec = rec if isinstance(rec, dict) else {}
    values: dict = {}
    prompt_changed = False
    if planned.prompt != rec.get("prompt", old.prompt) and planned.prompt != old.prompt:
        values["prompt"] = planned.prompt
        prompt_changed = True
    if planned.duration_frames != rec.get("duration_frames", old.duration_frames) \
            and planned.duration_frames != old.duration_frames:
        values["duration_frames"] = planned.duration_frames
    transition = planned.transition.model_dump(mode="json")
    if transition != rec.get("transition", old.transition.model_dump(mode="json")) \
            and transition != old.transition.model_dump(mode="json"):
        values["transition"] = planned.transition.model_copy()
    if planned.heading != old.scene:
        values["scene"] = planned.heading
    flags = [f for f in old.flags if f != UNMATCHED]
    if prompt_changed and old.takes and PROMPT_CHANGED not in flags:
        flags.append(PROMPT_CHANGED)
    if flags != old.flags:
        values["flags"] = flags
    if values:
        commands.append(cmd.SetFields("shot", (old.id,), values, text="Update shot from script"))
    return bool(set(values) - {"flags", "scene"}) or prompt_changed


def _reconcile_lines(project: Project, targets: list[tuple[str, PlannedShot]], speakers: dict[str, str | None],
                     line_records: dict, new_line_records: dict, summary: ImportSummary,
                     merged: dict[str, Speakers] | None = None) -> tuple[list[cmd.Command], set[str]]:
    """Planned lines onto old lines: the same words by the same speaker first (in the same shot, then anywhere,
    so a line that moved to another shot keeps its audio), then similar words in the same shot."""
    commands: list[cmd.Command] = []
    changed: set[str] = set()
    used: set[str] = set()
    merged = merged or {}
    old_speakers = {old.id: _line_speakers(old, merged) for old in project.lines}
    exact: dict[tuple[Speakers, str], list[Line]] = {}
    for old in project.lines:
        exact.setdefault((old_speakers[old.id], old.text), []).append(old)
    planned = [(shot_id, line, (speakers[line.speaker] if line.speaker is not None else None,
                                tuple(dict.fromkeys(s for s in (speakers[k] for k in line.also) if s is not None))))
               for shot_id, shot in targets for line in shot.lines]
    found: dict[int, Line] = {}

    def claim(index: int, old: Line) -> None:
        found[index] = old
        used.add(old.id)

    for same_shot in (True, False):
        for index, (shot_id, line, speaker) in enumerate(planned):
            if index in found:
                continue
            candidates = [o for o in exact.get((speaker, line.text), []) if o.id not in used]
            pick = next((o for o in candidates if (o.shot_id == shot_id) == same_shot), None)
            if pick is not None:
                claim(index, pick)
    place: dict[int, int] = {}  # each planned line's position among its shot's lines (one pass: imports stay linear)
    seen_in_shot: dict[str, int] = {}
    for index, (shot_id, _line, _speaker) in enumerate(planned):
        place[index] = seen_in_shot.get(shot_id, 0)
        seen_in_shot[shot_id] = place[index] + 1
    old_lines_of: dict[str, list[Line]] = {}
    for old in project.lines:
        old_lines_of.setdefault(old.shot_id, []).append(old)
    for olds in old_lines_of.values():
        olds.sort(key=lambda o: o.offset_frames)
    for index, (shot_id, line, speaker) in enumerate(planned):
        if index in found:
            continue
        best, best_score = None, 0.0
        olds = old_lines_of.get(shot_id, [])
        for position, old in enumerate(olds):
            if old.id in used or old_speakers[old.id] != speaker:
                continue
            ratio = SequenceMatcher(None, old.text, line.text, autojunk=False).ratio()
            same_place = position == place[index]
            if ratio >= (LINE_SAME_PLACE_MIN_RATIO if same_place else LINE_MIN_RATIO):
                score = ratio + (0.3 if same_place else 0.0)
                if score > best_score:
                    best, best_score = old, score
        if best is not None:
            claim(index, best)

    for index, (shot_id, line, speaker) in enumerate(planned):
        old = found.get(index)
        if old is None:
            new = Line(text=line.text, speaker=speaker[0], also_speakers=list(speaker[1]), shot_id=shot_id,
                       offset_frames=line.offset_frames, delivery=line.delivery)
            commands.append(cmd.AddLine(new, text="Add line from script"))
            new_line_records[new.id] = _line_record(shot_id, line)
            summary.new_lines += 1
            changed.add(shot_id)
            continue
        new_line_records[old.id] = _line_record(shot_id, line)
        values: dict = {}
        if (old.speaker, tuple(old.also_speakers)) != speaker:  # a joint character merged back
            values["speaker"], values["also_speakers"] = speaker[0], list(speaker[1])
        if old.text != line.text or "speaker" in values:
            if old.text != line.text:
                values["text"] = line.text
            if old.takes and old.status == "ready":
                values["status"] = "stale"  # the audio says the old words, or has the old voice
        if old.delivery != line.delivery:
            values["delivery"] = line.delivery
        if old.shot_id != shot_id:
            values["shot_id"] = shot_id
        if old.offset_frames != line.offset_frames:
            values["offset_frames"] = line.offset_frames
        if UNMATCHED in old.flags:
            values["flags"] = [f for f in old.flags if f != UNMATCHED]
        if values:
            commands.append(cmd.SetFields("line", (old.id,), values, text="Update line from script"))
        if set(values) & {"text", "delivery", "shot_id"}:
            summary.updated_lines += 1
            changed.update({shot_id, old.shot_id})

    in_script = {shot_id for shot_id, _ in targets}
    for old in project.lines:
        if old.id in used:
            continue
        if old.speaker in merged:  # a line of a merged joint character, kept or written by hand: both speak it
            first, rest = old_speakers[old.id]
            repoint = {"speaker": first, "also_speakers": list(rest)}
            if old.takes and old.status == "ready":
                repoint["status"] = "stale"
            commands.append(cmd.SetFields("line", (old.id,), repoint, text="Speak with both voices"))
        if old.id not in line_records:
            continue  # a line the user wrote by hand stays as it is
        if old.shot_id in in_script:
            changed.add(old.shot_id)
        if old.takes or old.shot_id not in in_script:  # with audio, or on a kept unmatched shot: keep, flag
            summary.kept_lines += 1
            new_line_records[old.id] = line_records[old.id]
            if UNMATCHED not in old.flags:
                commands.append(cmd.SetFields("line", (old.id,), {"flags": [*old.flags, UNMATCHED]},
                                              text="Flag line not in script"))
        else:
            commands.append(cmd.RemoveLine(old.id, text="Remove line cut from script"))
            summary.removed_lines += 1
    return commands, changed


def _line_record(shot_id: str, line) -> dict:
    return {"shot": shot_id, "text": line.text, "speaker": line.speaker, "also": list(line.also)}


def _shot_record(planned: PlannedShot) -> dict:
    return {
        "heading": planned.heading, "ordinal": planned.ordinal, "kind": planned.kind,
        "match": planned.text or planned.prompt, "prompt": planned.prompt,
        "duration_frames": planned.duration_frames, "transition": planned.transition.model_dump(mode="json"),
    }


# --- order, cards, project fields ------------------------------------------------------------------------

def _order(project: Project, plan_ids: list[str], matched_old: set[str]) -> list[cmd.Command]:
    """Moves that put shots in script order; an unmatched old shot stays right after its old predecessor."""
    old_ids = [s.id for s in project.shots]
    # An unmatched old shot follows the old shot just before it (matched ones are in the plan, unmatched ones
    # are placed in turn), so each has one predecessor: chains hang off plan shots, built in one pass.
    follower: dict[str | None, str] = {}
    for index, shot_id in enumerate(old_ids):
        if shot_id not in matched_old:
            follower[old_ids[index - 1] if index else None] = shot_id
    final: list[str] = []
    for head in (None, *plan_ids):
        if head is not None:
            final.append(head)
        while head in follower:
            head = follower[head]
            final.append(head)
    known = set(old_ids)
    current = old_ids + [i for i in plan_ids if i not in known]  # AddShot appends
    moves: list[cmd.Command] = []
    for target, shot_id in enumerate(final):
        if current[target] == shot_id:
            continue
        now = current.index(shot_id)
        if now != target:
            current.insert(target, current.pop(now))
            moves.append(cmd.MoveShot(shot_id, target, text="Order shots as in script"))
    return moves


def _cards(project: Project, plan: ScriptPlan, summary: ImportSummary) -> list[cmd.Command]:
    existing = {(c.position, " ".join(c.text.split()).casefold()) for c in project.cards}
    out: list[cmd.Command] = []
    for card in plan.cards:
        key = (card.position, " ".join(card.text.split()).casefold())
        if key not in existing:
            existing.add(key)
            out.append(AddCard(Card(position=card.position, text=card.text, duration_frames=card.duration_frames)))
            summary.new_cards += 1
    return out


def _project_fields(project: Project, plan: ScriptPlan, record: dict, shot_records: dict, old_line_records: dict,
                    line_records: dict, *, source: str, shots_per: str) -> cmd.Command:
    metadata = copy.deepcopy(project.metadata)
    if plan.title_page:
        metadata["title_page"] = dict(plan.title_page)
    # Lines kept on unmatched shots keep their record, so they are still known as imported next time.
    kept = {lid: rec for lid, rec in old_line_records.items()
            if lid not in line_records and isinstance(rec, dict) and rec.get("shot") in shot_records}
    metadata[RECORD_KEY] = {
        **{k: v for k, v in record.items() if k not in ("shots", "lines")},
        "source": source, "shots_per": shots_per, "imported_at": utc_now(), "ending": plan.ending,
        "shots": shot_records, "lines": {**kept, **line_records},
    }
    values: dict = {"metadata": metadata}
    if plan.title and plan.title != project.title:
        values["title"] = plan.title[:500]
    if plan.author and plan.author != project.author:
        values["author"] = plan.author
    return cmd.SetFields("project", (), values, text="Script details")


def project_aspect(project: Project) -> str:
    """The shot aspect closest to the project's frame (a 9:16 project gets 9:16 shots)."""
    ratio = project.width / project.height
    return min(ASPECTS, key=lambda a: abs(parse_aspect(a) - ratio))
