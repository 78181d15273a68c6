"""One build at a time per output folder: a second build says so instead of racing."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from .problems import BuildError, problem


@contextlib.contextmanager
def build_lock(output: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``output`` for the duration of a build.

    The lock is an ``flock`` on a small file, so it disappears with the process:
    a build that was killed never leaves a stale lock behind."""
    output = output.resolve()
    path = output.with_name(f".{output.name}.lock")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")  # noqa: SIM115 - held open for the whole build
    except OSError as error:
        # A read-only or full disk, or a parent that is a file: say so, without a traceback.
        raise BuildError([problem(output, 1, f"cannot build into this folder ({error.strerror or error}): "
                                             "choose a writable folder with --output")]) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildError([problem(path, 1, f"another build of {output.name}/ is running ({holder}): "
                                               "wait for it to finish, then build again")]) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()
