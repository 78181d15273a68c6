"""Writing the site: into a staging folder first, swapped in only when complete.

A failed or interrupted build therefore leaves the last good ``output/`` in place,
and a folder Briefing did not make (no marker file) is never replaced.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from .problems import BuildError, problem

MARKER = ".briefing-output"


def write_site(output: Path, files: dict[str, bytes], finish: Callable[[Path], None] | None = None) -> None:
    """Replace ``output`` with exactly ``files`` (paths relative to it); ``finish`` runs on
    the complete staging folder before the swap (e.g. to add the search index)."""
    output = output.resolve()
    guard_output(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.with_name(f".{output.name}.staging-{os.getpid()}")
    retired = output.with_name(f".{output.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for relative, data in files.items():
            target = (staging / relative).resolve()
            if not target.is_relative_to(staging.resolve()):
                raise BuildError([problem(output, 1, f"refusing to write {relative!r} outside the output folder")])
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (staging / MARKER).write_text("This folder is built by Briefing and replaced on every build.\n")
        if finish is not None:
            finish(staging)
        if output.exists():
            os.replace(output, retired)
        os.replace(staging, output)
    except OSError as error:
        raise BuildError([problem(output, 1, f"cannot write the site: {error.strerror or error}")]) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)


def guard_output(output: Path) -> None:
    """Refuse to replace a non-empty folder that has no marker of ours."""
    if output.is_file():
        raise BuildError([problem(output, 1, "the output path is a file: choose a folder with --output")])
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists():
        raise BuildError([problem(
            output, 1,
            f"refusing to replace this folder: it was not made by Briefing (no {MARKER} file). "
            "Choose an empty or new folder with --output",
        )])
