"""Problems found in editors' files, reported as ``path:line: message``.

Every reader collects problems instead of raising on the first one, so an editor
sees all of them in one build (MkDocs does the same with its config errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


def problem(path: Path | str, line: int, message: str, *, warning: bool = False) -> Problem:
    return Problem(display_path(path), max(1, line), message, warning)


def display_path(path: Path | str) -> str:
    """Relative to the working directory when possible: shorter and clickable in editors."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class BuildError(Exception):
    """Raised when a build cannot go on; carries every problem found so far."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:
        # Pickled with its problems (not its message), to come back whole from a worker process.
        return type(self), (self.problems,)
