"""Watching the editors' folders for `serve`: Linux inotify, or polling as a fallback.

inotify (through ctypes, no extra dependency) reports a change as soon as the editor's save
completes; polling (``--poll``) is for network and container mounts where inotify is blind.
Both report *which* paths changed, minus editors' temp and swap files; debouncing the burst
into one rebuild is the caller's job (:mod:`briefing.serve`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import struct
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tornado.ioloop import IOLoop, PeriodicCallback

OnChange = Callable[[set[Path]], None]

# Editors' by-products that never hold content: vim's swap files and its "4913" write test,
# backups ("x~"), emacs lock files (".#x"), JetBrains' safe-write files, and every hidden
# file (our own ingest temp files and record, .DS_Store). Reacting to them would rebuild on
# every keystroke in vim and twice per save elsewhere.
NOISE_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".swpx", ".tmp", ".kate-swp", "___jb_tmp___", "___jb_old___")
NOISE_NAMES = {"4913"}
SKIPPED_DIRS = {"__pycache__", "node_modules"}


def is_noise(path: Path) -> bool:
    """True for files no build reads: editor temp, swap, backup and lock files, hidden files."""
    name = path.name
    return name.startswith(".") or name in NOISE_NAMES or name.endswith(NOISE_SUFFIXES)


@dataclass(frozen=True)
class Target:
    """A folder watched with everything under it, or a single file (``config.yaml``)."""

    path: Path
    tree: bool

    def covers(self, path: Path) -> bool:
        if path == self.path:
            return True
        if not self.tree or not path.is_relative_to(self.path):
            return False
        inside = path.relative_to(self.path).parts
        return not any(part.startswith(".") or part in SKIPPED_DIRS for part in inside[:-1])


def relevant(path: Path, targets: Iterable[Target]) -> bool:
    return not is_noise(path) and any(t.covers(path) for t in targets)


def walk_dirs(root: Path) -> Iterator[Path]:
    """``root`` and every folder under it, skipping hidden ones (.git) and tool caches."""
    if not root.is_dir():
        return
    for folder, subfolders, _files in os.walk(root):
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and d not in SKIPPED_DIRS]
        yield Path(folder)


def walk_files(target: Target) -> Iterator[Path]:
    if not target.tree:
        if target.path.is_file():
            yield target.path
        return
    for folder in walk_dirs(target.path):
        for entry in os.scandir(folder):
            if entry.is_file() and relevant(Path(entry.path), [target]):
                yield Path(entry.path)


class Watcher:
    """Common interface: ``start(on_change)`` on the running IOLoop, ``close()``."""

    def __init__(self, targets: list[Target]):
        self.targets = targets

    def start(self, on_change: OnChange) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


# --- polling ------------------------------------------------------------------------------

Snapshot = dict[Path, tuple[int, int, int]]


class PollingWatcher(Watcher):
    """Compare (mtime, size, inode) of every watched file every ``interval`` seconds.

    The inode catches atomic renames that keep mtime and size; a walk over 1,000 files
    costs a few milliseconds.
    """

    def __init__(self, targets: list[Target], interval: float = 0.3):
        super().__init__(targets)
        self.interval = interval
        self.snapshot: Snapshot = {}
        self.timer: PeriodicCallback | None = None

    def take_snapshot(self) -> Snapshot:
        snapshot: Snapshot = {}
        for target in self.targets:
            for path in walk_files(target):
                try:
                    info = path.stat()
                except OSError:  # deleted between listing and stat: the next poll sees it gone
                    continue
                snapshot[path] = (info.st_mtime_ns, info.st_size, info.st_ino)
        return snapshot

    def start(self, on_change: OnChange) -> None:
        self.snapshot = self.take_snapshot()

        def poll() -> None:
            current = self.take_snapshot()
            changed = {p for p in current.keys() | self.snapshot.keys() if current.get(p) != self.snapshot.get(p)}
            self.snapshot = current
            if changed:
                on_change(changed)

        self.timer = PeriodicCallback(poll, self.interval * 1000)
        self.timer.start()

    def close(self) -> None:
        if self.timer:
            self.timer.stop()


# --- inotify ------------------------------------------------------------------------------

IN_CLOSE_WRITE = 0x008
IN_MOVED_FROM = 0x040
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
IN_ISDIR = 0x40000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = 0o2000000
EVENT_HEADER = struct.Struct("iIII")

# Not IN_MODIFY: an in-place save fires it on truncate and on every write, and acting on it
# could build half a file. IN_CLOSE_WRITE fires once the editor has finished writing;
# renames (atomic saves, vim's backup dance, git checkout) arrive as IN_MOVED_TO/FROM.
# IN_CREATE only matters for new folders (to watch them); a new file is reported on close.
WATCH_MASK = IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF


class InotifyError(OSError):
    pass


class InotifyWatcher(Watcher):
    """Linux inotify on every watched folder, read from the IOLoop (no thread)."""

    def __init__(self, targets: list[Target]):
        super().__init__(targets)
        self.libc = load_libc()
        self.fd = self.libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise InotifyError(ctypes.get_errno(), "inotify_init1 failed")
        self.folders: dict[int, Path] = {}
        self.on_change: OnChange | None = None
        for target in targets:
            # The parent tells us when a target itself is created, deleted or renamed into place.
            self.add_watch(target.path.parent)
            if target.tree:
                for folder in walk_dirs(target.path):
                    self.add_watch(folder)

    def add_watch(self, folder: Path) -> None:
        if folder in self.folders.values():
            return
        wd = self.libc.inotify_add_watch(self.fd, os.fsencode(folder), WATCH_MASK)
        if wd >= 0:
            self.folders[wd] = folder
        elif ctypes.get_errno() in (errno.ENOSPC, errno.EMFILE):
            raise InotifyError(ctypes.get_errno(), f"too many folders to watch with inotify: {folder}")
        # ENOENT: the folder vanished while we walked; its parent's watch reports it.

    def start(self, on_change: OnChange) -> None:
        self.on_change = on_change
        IOLoop.current().add_handler(self.fd, self.read_events, IOLoop.READ)

    def read_events(self, fd: int, _events: int) -> None:
        changed: set[Path] = set()
        while True:
            try:
                data = os.read(fd, 64 * 1024)
            except BlockingIOError:
                break
            changed |= self.parse(data)
        changed = {p for p in changed if relevant(p, self.targets)}
        if changed and self.on_change:
            self.on_change(changed)

    def parse(self, data: bytes) -> set[Path]:
        changed: set[Path] = set()
        offset = 0
        while offset + EVENT_HEADER.size <= len(data):
            wd, mask, _cookie, length = EVENT_HEADER.unpack_from(data, offset)
            raw_name = data[offset + EVENT_HEADER.size: offset + EVENT_HEADER.size + length].rstrip(b"\0")
            offset += EVENT_HEADER.size + length
            if mask & IN_Q_OVERFLOW:
                # The kernel dropped events: say every target changed rather than miss one.
                changed |= {t.path for t in self.targets}
                continue
            folder = self.folders.get(wd)
            if mask & IN_IGNORED:
                self.folders.pop(wd, None)
                continue
            if folder is None:
                continue
            path = folder / os.fsdecode(raw_name) if raw_name else folder
            if mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO):
                self.watch_new_folder(path, changed)
            if mask & IN_ISDIR and mask & IN_CREATE:
                continue  # an empty new folder changes nothing yet
            changed.add(path)
        return changed

    def watch_new_folder(self, folder: Path, changed: set[Path]) -> None:
        """A folder created or moved in (git checkout, a copied layout): watch it and what it holds."""
        if not any(t.tree and t.covers(folder) for t in self.targets):
            return
        for sub in walk_dirs(folder):
            self.add_watch(sub)
            changed |= {Path(e.path) for e in os.scandir(sub) if e.is_file()}

    def close(self) -> None:
        if self.fd >= 0:
            IOLoop.current().remove_handler(self.fd)
            os.close(self.fd)
            self.fd = -1


def load_libc() -> ctypes.CDLL:
    if not sys.platform.startswith("linux"):
        raise InotifyError(errno.ENOSYS, "inotify is Linux only")
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.inotify_init1.argtypes = [ctypes.c_int]
    libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
    return libc


def make_watcher(targets: list[Target], poll: bool = False) -> tuple[Watcher, str]:
    """inotify when it works here, else polling (``poll`` forces it); and how we watch, in words."""
    if poll:
        return PollingWatcher(targets), "polling for changes (--poll)"
    try:
        return InotifyWatcher(targets), "watching for changes"
    except (OSError, AttributeError) as error:  # not Linux, no libc symbol, or out of watches
        return PollingWatcher(targets), f"polling for changes (inotify unavailable: {error})"
