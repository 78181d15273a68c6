"""Writing the site: into a staging folder first, swapped in only when complete.

A failed or interrupted build therefore leaves the last good ``output/`` in place,
and a folder Briefing did not make (no marker file) is never replaced.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .problems import BuildError, problem

MARKER = ".briefing-output"


def write_site(output: Path, files: dict[str, bytes | None], finish: Callable[[Path], None] | None = None) -> None:
    """Replace ``output`` with exactly ``files`` (paths relative to it); ``finish`` runs on
    the complete staging folder before the swap (e.g. to add the search index).

    A file given as None is kept from the current output: hard-linked into the staging
    folder, so an incremental build costs a link, not a write, and the swap stays atomic."""
    output = output.resolve()
    guard_output(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.with_name(f".{output.name}.staging-{os.getpid()}")
    retired = output.with_name(f".{output.name}.old-{os.getpid()}")
    _remove_leftovers(output)
    made: set[Path] = set()
    try:
        for relative, data in files.items():
            if relative.startswith("/") or ".." in relative.split("/") or "\\" in relative:
                raise BuildError([problem(output, 1, f"refusing to write {relative!r} outside the output folder")])
            target = staging / relative
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if data is None:
                _keep(output / relative, target)
            else:
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
        _remove_later(retired)


def _remove_leftovers(output: Path) -> None:
    """Staging and retired folders of builds that were killed: never published, safe to go."""
    for leftover in output.parent.glob(f".{output.name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in output.parent.glob(f".{output.name}.old-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _remove_later(folder: Path) -> None:
    """Delete the retired site in a detached process: the new site is already in place, and
    deleting thousands of files would otherwise add a quarter second to every build.
    Whatever it leaves (if it is killed) the next build removes."""
    if not folder.exists():
        return
    try:
        subprocess.Popen(
            [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(folder)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def _keep(published: Path, target: Path) -> None:
    try:
        os.link(published, target)
    except OSError:  # another file system, or links not supported: copy instead
        shutil.copy2(published, target)


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
