"""Adding a title or credits card as an undoable command (studio.project.commands has none for cards yet)."""

from __future__ import annotations

from dataclasses import dataclass

from studio.project.commands import Change, Command
from studio.project.model import Card, Project


@dataclass
class AddCard(Command):
    card: Card
    text: str = "Add card"

    def apply(self, project: Project) -> Change:
        project.cards.append(self.card.model_copy(deep=True))
        return Change("cards", (self.card.id,))

    def revert(self, project: Project) -> Change:
        project.cards[:] = [c for c in project.cards if c.id != self.card.id]
        return Change("cards", (self.card.id,))
