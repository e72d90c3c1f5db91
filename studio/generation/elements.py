"""The elements of a shot (its characters and locations) as generation sees them.

A shot names elements in ``Shot.cast`` or with ``@Name`` in its prompt. Models get the prompt with each
``@Name`` written plainly and the elements' descriptions after it; the take records which references and
LoRAs each element had (``lineage["elements"]``), so changing them later marks the take stale.
"""

from __future__ import annotations

import re
from pathlib import Path

from engine.request import MAX_REFERENCES
from studio.project.model import Character, Location, Project, Shot
from studio.project.store import resolve_media
from studio.project.usable_media import media_present

Element = Character | Location
_MENTION = re.compile(r"@(\w[\w'’-]*(?:\s+\w[\w'’-]*){0,3})", re.UNICODE)


def _mentioned(project: Project, prompt: str) -> list[tuple[str, Element]]:
    """(the text after @ that named it, the element) for each @Name in ``prompt``; the longest name wins."""
    found = []
    names = {e.name.casefold(): e for e in project.elements()}
    for match in _MENTION.finditer(prompt):
        words = match.group(1).split()
        for count in range(len(words), 0, -1):
            element = names.get(" ".join(words[:count]).casefold())
            if element is not None:
                found.append((" ".join(words[:count]), element))
                break
    return found


def shot_elements(project: Project, shot: Shot) -> list[Element]:
    """The characters and locations in ``shot``: its cast list, then those its prompt @-mentions."""
    elements: dict[str, Element] = {}
    for element_id in shot.cast:
        element = next((e for e in project.elements() if e.id == element_id), None)
        if element is not None:
            elements[element.id] = element
    for _text, element in _mentioned(project, shot.prompt):
        elements.setdefault(element.id, element)
    return list(elements.values())


def element_stills(project: Project, shot: Shot, bundle: Path) -> list[Path]:
    """The reference stills of the shot's elements that are in the bundle (at most the engine's limit)."""
    stills: list[Path] = []
    for element in shot_elements(project, shot):
        for rel in element.references:
            if media_present(bundle, rel):
                path = resolve_media(bundle, rel)
                if path not in stills:
                    stills.append(path)
    return stills[:MAX_REFERENCES]


def plain_prompt(project: Project, shot: Shot) -> str:
    """The prompt with each ``@Name`` of a known element written as the name."""
    prompt = shot.prompt
    for text, element in _mentioned(project, prompt):
        prompt = prompt.replace(f"@{text}", element.name, 1)
    return prompt


def model_prompt(project: Project, shot: Shot) -> str:
    """What a model is told: the plain prompt, then each element's description ("Keeper: an old man...")."""
    prompt = plain_prompt(project, shot)
    described = [f"{e.name}: {e.description.strip()}" for e in shot_elements(project, shot) if e.description.strip()]
    if not described:
        return prompt
    return f"{prompt.rstrip().rstrip('.')}. {'. '.join(d.rstrip('.') for d in described)}."


def elements_lineage(project: Project, shot: Shot) -> dict[str, dict]:
    """Per element in the shot: its name, references and LoRAs now (kept in the take's lineage)."""
    return {e.id: {"name": e.name, "references": list(e.references),
                   "loras": [f"{lora.path}:{lora.strength:g}" for lora in e.loras]}
            for e in shot_elements(project, shot)}


def elements_stale_reason(project: Project, recorded: object) -> str | None:
    """Why the elements a take was made with differ now (references or LoRAs changed, element removed)."""
    if not isinstance(recorded, dict):
        return None
    for element_id, then in recorded.items():
        if not isinstance(then, dict):
            continue
        now = next((e for e in project.elements() if e.id == element_id), None)
        name = then.get("name", element_id)
        if now is None:
            return f"{name} was removed from the project since this take was made"
        if list(now.references) != then.get("references", []):
            return f"{now.name}'s reference images changed since this take was made"
        if [f"{lora.path}:{lora.strength:g}" for lora in now.loras] != then.get("loras", []):
            return f"{now.name}'s LoRAs changed since this take was made"
    return None
