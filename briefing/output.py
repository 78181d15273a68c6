"""Writing the site: into a staging folder first, swapped in only when complete.

A failed or interrupted build therefore leaves the last good ``output/`` in place,
and a folder Briefing did not make (no marker file) is never replaced.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from .problems import BuildError, problem

MARKER = ".briefing-output"


class Staging:
    """A new site, written file by file into a staging folder beside ``output`` and swapped
    in whole by :meth:`publish`: pages can be written as they are rendered, so a large site
    is never held in memory, and a build that fails or is killed publishes nothing.

    A file put as None is kept from the current output: hard-linked into the staging
    folder, so an incremental build costs a link, not a write, and the swap stays atomic."""

    def __init__(self, output: Path):
        self.output = output.resolve()
        guard_output(self.output)
        # Unique per build, not just per process: the folder of this process's previous build
        # may still be being deleted in the background.
        self.token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.folder = self.output.with_name(f".{self.output.name}.staging-{self.token}")
        self.written = 0  # files written, as opposed to kept
        self._made: set[str] = set()
        # Plain strings and os calls: at thousands of files, pathlib's overhead is most of the cost.
        self._staging_root, self._output_root = str(self.folder), str(self.output)
        with _write_errors(self.output):
            self.output.parent.mkdir(parents=True, exist_ok=True)
            _remove_leftovers(self.output)

    def put(self, relative: str, data: bytes | None) -> None:
        if relative.startswith("/") or ".." in relative.split("/") or "\\" in relative:
            raise BuildError([problem(self.output, 1, f"refusing to write {relative!r} outside the output folder")])
        target = f"{self._staging_root}/{relative}"
        parent = target.rpartition("/")[0]
        try:  # not `with _write_errors()`: a context manager per file costs more than the link
            if parent not in self._made:
                os.makedirs(parent, exist_ok=True)
                self._made.add(parent)
            if data is None:
                _keep(f"{self._output_root}/{relative}", target)
                return
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as error:
            raise _write_error(self.output, error) from None
        self.written += 1

    def publish(self) -> None:
        retired = self.output.with_name(f".{self.output.name}.old-{self.token}")
        with _write_errors(self.output):
            os.makedirs(self.folder, exist_ok=True)
            (self.folder / MARKER).write_text("This folder is built by Briefing and replaced on every build.\n")
            try:
                _swap(self.folder, self.output, retired)
            finally:
                _remove_later(retired)

    def discard(self) -> None:
        _remove_later(self.folder)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()  # after publish() the folder is gone, or holds the retired site


@contextlib.contextmanager
def _write_errors(output: Path) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        raise _write_error(output, error) from None


def _write_error(output: Path, error: OSError) -> BuildError:
    return BuildError([problem(output, 1, f"cannot write the site: {error.strerror or error}")])


def write_site(output: Path, files: dict[str, bytes | None]) -> None:
    """Replace ``output`` with exactly ``files`` (paths relative to it), atomically."""
    with Staging(output) as staging:
        for relative, data in files.items():
            staging.put(relative, data)
        staging.publish()


def update_in_place(output: Path, files: dict[str, bytes | None]) -> None:
    """Make ``output`` hold exactly ``files`` by writing only what changed, each file
    atomically.  For a preview folder, where a build that touches one page must not cost
    a copy of the whole site; published builds use :func:`write_site`."""
    output = output.resolve()
    guard_output(output)
    try:
        if not output.is_dir():
            write_site(output, files)
            return
        for relative, data in files.items():
            if data is None:
                continue
            target = output / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, target)
        wanted = set(files) | {MARKER}
        for folder, _, names in os.walk(output, topdown=False):
            for name in names:
                relative = os.path.relpath(os.path.join(folder, name), output).replace(os.sep, "/")
                if relative not in wanted:
                    os.unlink(os.path.join(folder, name))
            if folder != str(output) and not os.listdir(folder):
                os.rmdir(folder)
    except OSError as error:
        raise _write_error(output, error) from None


def _swap(staging: Path, output: Path, retired: Path) -> None:
    """Put ``staging`` at ``output`` in one step; the old site ends up at ``retired``.

    Linux exchanges the two folders atomically (renameat2 RENAME_EXCHANGE), so there is no
    moment without a site.  Elsewhere it takes two renames, and a failure of the second
    puts the old site back."""
    if not output.exists():
        os.replace(staging, output)
        return
    if _exchange(staging, output):
        return  # staging now holds the old site; the caller removes it
    os.replace(output, retired)
    try:
        os.replace(staging, output)
    except OSError:
        os.replace(retired, output)
        raise


def _exchange(first: Path, second: Path) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot exchange
        return False
    raise OSError(error, os.strerror(error), str(second))


def _remove_leftovers(output: Path) -> None:
    """Staging and retired folders of builds that were killed: never published, safe to go.

    The one exception: a build killed between the two renames of a non-atomic swap leaves
    no site at all, and its retired folder is then the last good site: it is put back."""
    for leftover in output.parent.glob(f".{output.name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in sorted(output.parent.glob(f".{output.name}.old-*")):
        if not output.exists() and (leftover / MARKER).is_file():
            os.replace(leftover, output)
            continue
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


def _keep(published: str, target: str) -> None:
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
