"""What a build did, for the summary line and for callers (`serve`, `check`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .problems import Problem


@dataclass
class BuildReport:
    briefings: int = 0
    drafts_hidden: int = 0
    quotes: int = 0
    sources: int = 0
    changed: int = 0  # briefings analysed in this build (the others came from the cache)
    pages_written: int = 0
    unchanged: bool = False  # nothing to do: the published site is already up to date
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
