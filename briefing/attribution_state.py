"""What attribution remembers while it reads an article: the entities named so far (most
recent last), the outlets, the sources cited, and the last speaker."""

from __future__ import annotations

from dataclasses import dataclass, field

from briefing.sources import Entity, Registry


@dataclass(slots=True)
class State:
    registry: Registry = field(default_factory=Registry)
    outlets: list[str] = field(default_factory=list)
    cited: list[Entity] = field(default_factory=list)
    last_speaker: tuple[Entity | None, str] = (None, "")
    last_speaker_para: int = -10


def cite(ent: Entity | None, state: State) -> None:
    """Count an entity as a source, once, in order of first citation."""
    if ent is not None and not ent.cited:
        ent.cited = True
        state.cited.append(ent)
