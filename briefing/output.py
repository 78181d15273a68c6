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
from collections.abc import Iterable, Iterator
from pathlib import Path

from .problems import BuildError, problem

MARKER = ".briefing-output"


FILES = ".briefing-files"  # in every published tree: the list of its files


class Staging:
    """A new site, written file by file into a staging folder beside ``output`` and swapped
    in whole by :meth:`publish`: pages can be written as they are rendered, so a large site
    is never held in memory, and a build that fails or is killed publishes nothing.

    A file put as None is the same as in the current output. The staging folder is the site
    before the current one (kept as ``.<output>.spare`` after each swap), brought up to date:
    only files that changed since are written or linked, so a one-briefing edit of a large
    site costs a few dozen files instead of a new tree of thousands of folders. Without a
    spare (the first build, or one whose spare was damaged) every file is written or
    hard-linked into a new tree. Either way the swap is atomic."""

    shared = True  # files: a forked worker process may write() them

    def __init__(self, output: Path):
        self.output = output.resolve()
        guard_output(self.output)
        # Unique per build, not just per process: the folder of this process's previous build
        # may still be being deleted in the background.
        self.token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.folder = self.output.with_name(f".{self.output.name}.staging-{self.token}")
        self.spare = self.output.with_name(f".{self.output.name}.spare")
        self.written = 0  # files written, as opposed to kept
        self._made: set[str] = set()
        self._wanted: set[str] = set()
        self._old: set[str] | None = None  # the files of the reused spare tree
        # Plain strings and os calls: at thousands of files, pathlib's overhead is most of the cost.
        self._staging_root, self._output_root = str(self.folder), str(self.output)
        with _write_errors(self.output):
            self.output.parent.mkdir(parents=True, exist_ok=True)
            _remove_leftovers(self.output)
            self._old = self._take_spare()

    def _take_spare(self) -> set[str] | None:
        """Move the spare tree to our staging folder; the files it holds, or None."""
        listing = self.spare / FILES
        if not (self.output / MARKER).is_file() or not listing.is_file():
            if self.spare.exists():
                _remove_later(self.spare)
            return None
        os.rename(self.spare, self.folder)
        try:
            old = set((self.folder / FILES).read_text(encoding="utf-8").splitlines())
        finally:
            # From here on the tree no longer matches a list: killed now, it is a leftover.
            (self.folder / FILES).unlink(missing_ok=True)
        self._made = {f"{self._staging_root}/{p}".rpartition("/")[0] for p in old}
        return old

    def put(self, relative: str, data: bytes | None) -> None:
        """``relative`` as ``data``, or as it is in the current output if None."""
        if data is None:
            self.keep(relative)
        else:
            self.write(relative, data)
            self.wrote(relative)

    def keep(self, relative: str) -> None:
        """``relative`` as it is in the current output."""
        target = self._target(relative)
        self._wanted.add(relative)
        published = f"{self._output_root}/{relative}"
        try:  # not `with _write_errors()`: a context manager per file costs more than the link
            self._make_parent(target)
            if self._old is None:
                _keep(published, target)
            elif not (relative in self._old and _same_file(target, published)):
                _replace_with_link(published, target, self.token)
            # else: unchanged in the last two builds, the very same file is already there
        except OSError as error:
            raise _write_error(self.output, error) from None

    def write(self, relative: str, data: bytes | Iterable[bytes]) -> None:
        """Write one file, without recording it: safe to call in a forked worker process,
        so pages are written by the processes that render them. The parent then calls
        :meth:`wrote`."""
        target = self._target(relative)
        try:
            self._make_parent(target)
            if self._old is None:
                _write_file(target, data)
            else:  # never written in place: the old file may be shared with output/
                _write_new(target, data, f".{os.getpid()}.{self.token}.tmp")
        except OSError as error:
            raise _write_error(self.output, error) from None

    def wrote(self, relative: str) -> None:
        """Record a file :meth:`write` wrote, in this process or a worker."""
        self._target(relative)
        self._wanted.add(relative)
        self.written += 1

    def _target(self, relative: str) -> str:
        if relative.startswith("/") or ".." in relative.split("/") or "\\" in relative:
            raise BuildError([problem(self.output, 1, f"refusing to write {relative!r} outside the output folder")])
        return f"{self._staging_root}/{relative}"

    def _make_parent(self, target: str) -> None:
        # A worker's copy of ``_made`` is the parent's at fork time: makedirs tolerates a
        # folder another process made since.
        parent = target.rpartition("/")[0]
        if parent not in self._made:
            os.makedirs(parent, exist_ok=True)
            self._made.add(parent)

    def publish(self) -> None:
        retired = self.output.with_name(f".{self.output.name}.old-{self.token}")
        with _write_errors(self.output):
            os.makedirs(self.folder, exist_ok=True)
            if self._old is not None:
                _remove_files(self.folder, self._old - self._wanted - {MARKER, FILES})
            _write_new(self.folder / MARKER, b"This folder is built by Briefing and replaced on every build.\n")
            _write_new(self.folder / FILES, "".join(f"{p}\n" for p in sorted(self._wanted)).encode())
            _swap(self.folder, self.output, retired)
            # The site just replaced becomes the next build's starting point.
            previous = self.folder if self.folder.exists() else retired
            if previous.exists() and not self.spare.exists():
                os.rename(previous, self.spare)
            _remove_later(retired)

    def discard(self) -> None:
        _remove_later(self.folder)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()  # after publish() the folder is gone, or holds the retired site


def _write_file(path: str, data: bytes | Iterable[bytes]) -> None:
    with open(path, "wb") as handle:
        if isinstance(data, bytes):
            handle.write(data)
        else:
            handle.writelines(data)


def _same_file(first: str, second: str) -> bool:
    try:
        a, b = os.stat(first), os.stat(second)
    except FileNotFoundError:
        return False
    return (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev)


def _replace_with_link(published: str, target: str, token: str) -> None:
    temporary = f"{target}.{token}.tmp"
    _keep(published, temporary)
    os.replace(temporary, target)


def _write_new(path: Path | str, data: bytes | Iterable[bytes], suffix: str = ".tmp") -> None:
    """Write ``path`` whole or not at all: into a temporary file renamed over it."""
    temporary = f"{path}{suffix}"
    _write_file(temporary, data)
    os.replace(temporary, path)


def _remove_files(root: Path, relatives: set[str]) -> None:
    """Delete files the new site no longer has, and the folders they leave empty."""
    folders = set()
    for relative in relatives:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(root / relative)
        parent = relative.rpartition("/")[0]
        while parent:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
        with contextlib.suppress(OSError):  # not empty: something else still lives there
            os.rmdir(root / folder)


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
    wanted = set(files) | {MARKER}
    try:
        if not output.is_dir():
            write_site(output, files)
            _IN_PLACE[output] = wanted | {FILES}
            return
        previous = _IN_PLACE.pop(output, None)  # gone if this update fails half-way
        for relative, data in files.items():
            if data is None:
                continue
            target = output / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, target)
        if previous is None:  # not written by this process: look at what is there
            previous = {os.path.relpath(os.path.join(folder, name), output).replace(os.sep, "/")
                        for folder, _, names in os.walk(output) for name in names}
        _remove_files(output, previous - wanted)
        _IN_PLACE[output] = wanted
    except OSError as error:
        raise _write_error(output, error) from None


# What update_in_place last left in each preview folder: the next update deletes what is no
# longer wanted without walking a folder of thousands of files.
_IN_PLACE: dict[Path, set[str]] = {}


def files_in_place(output: Path) -> set[str] | None:
    """The files update_in_place last left in ``output``, if it did in this process."""
    return _IN_PLACE.get(output.resolve())


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
