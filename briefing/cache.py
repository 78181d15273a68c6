"""The build cache: what the last build of an output folder knew, so the next does less.

Everything is keyed by content, never by time alone: a file is re-read when its
stat signature changes and re-analysed when its bytes' SHA-256 changes; a page is
re-rendered when the fingerprint of what it shows changes.  The cache lives in
``.briefing-cache/`` beside the config file; deleting it only costs one cold build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markdown

from .stamp import CACHE_FOLDER as FOLDER
from .stamp import cache_file
from .store import AnalysisStore

KEEP = 8  # caches of this many output folders (serve previews, tests) are kept
STORE = ".analyses.sqlite"  # beside each cache pickle


def _code_version() -> str:
    """Any change to Briefing's code, or to the libraries that shape output, is a cold build."""
    digest = hashlib.sha256(f"{sys.version}|{markdown.__version__}|{jinja2.__version__}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


CODE_VERSION = _code_version()


def fingerprint(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def signature(stat: os.stat_result) -> tuple[int, int, int]:
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


@dataclass
class Memo:
    signature: tuple[int, int, int]
    digest: str
    value: Any = None


@dataclass
class BuildCache:
    path: Path | None
    version: str = CODE_VERSION
    files: dict[str, Memo] = field(default_factory=dict)  # content/seed file -> what it held
    pages: dict[str, str] = field(default_factory=dict)  # output path -> fingerprint
    search: Any = None  # the site's SearchIndex, updated in place by each build
    site: str | None = None  # fingerprint of every input of the last complete build
    summary: Any = None  # the last complete build's report, for a build that changes nothing
    layout_facts: dict[Any, bool] = field(default_factory=dict)  # what the layouts read (render.Renderer)
    fingerprint_memo: dict[bytes, bytes] = field(default_factory=dict)  # render.FingerprintMemo's
    used: set[str] = field(default_factory=set)
    previous_pages: dict[str, str] = field(default_factory=dict)
    # Analyses by (path, digest, language) fingerprint: those of this process's builds
    # (`serve` keeps them), and the store on disk for the rest.
    decoded: dict[str, Any] = field(default_factory=dict)
    last_build: Any = None  # `serve`'s last_build.LastBuild, in memory only
    store: AnalysisStore | None = None

    def analyses(self, keys: set[str]) -> dict[str, Any]:
        """The analyses already made of ``keys``; the others are missing."""
        found = {key: self.decoded[key] for key in keys if key in self.decoded}
        if self.store is not None and len(found) < len(keys):
            found.update(self.store.items(keys - found.keys()))
        self.decoded.update(found)
        return found

    def store_analysis(self, key: str, value: Any, pickled: bytes | None = None) -> None:
        self.decoded[key] = value
        if self.store is not None:
            self.store.put(key, value, pickled)

    def keep_analyses(self, keys: set[str]) -> None:
        """Forget analyses of files that no longer exist or have changed since."""
        self.decoded = {k: v for k, v in self.decoded.items() if k in keys}
        if self.store is not None:
            self.store.keep(keys)

    @classmethod
    def open(cls, root: Path, output: Path) -> BuildCache:
        """The cache for builds of ``output``; a missing or unreadable one is empty."""
        path = cache_file(root, output, ".pickle")
        # Taken out while in use: a build that fails never saves, and the next one then
        # reads the last good cache from disk instead of this half-updated object.
        kept = _IN_MEMORY.pop(path, None)
        if kept is not None and kept[0] == _stamp(path):  # `serve`: skip re-reading our own save
            cache = kept[1]
            cache.used = set()
            cache.store = cache.store or AnalysisStore(cache_file(root, output, STORE), CODE_VERSION)
            cache.previous_pages, cache.pages = cache.pages, {}
            return cache
        try:
            with path.open("rb") as handle:
                cache = pickle.load(handle)  # noqa: S301 - our own file, written below
            if isinstance(cache, cls) and cache.version == CODE_VERSION:
                cache.path, cache.used = path, set()
                cache.previous_pages, cache.pages = cache.pages, {}
                cache.store = AnalysisStore(cache_file(root, output, STORE), CODE_VERSION)
                return cache
        except Exception:  # noqa: BLE001 - any damage to the cache means a cold build, never a failure
            pass
        return cls(path, store=AnalysisStore(cache_file(root, output, STORE), CODE_VERSION))

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path is not None else Path(FOLDER)

    @classmethod
    def disabled(cls) -> BuildCache:
        return cls(None)

    def file_digest(self, path: Path) -> tuple[str, Memo | None]:
        """SHA-256 of a file, from the cache when its stat signature is unchanged.

        Returns the digest and the remembered memo when it is still valid."""
        stat = path.stat()
        memo = self.valid_memo(path, stat)
        return (memo.digest, memo) if memo is not None else (self.record(path, stat, path.read_bytes()), None)

    def valid_memo(self, path: Path, stat: os.stat_result) -> Memo | None:
        """What the cache remembers of ``path``, if its stat signature is still ``stat``'s."""
        key = str(path)
        memo = self.files.get(key)
        if memo is not None and memo.signature == signature(stat):
            self.used.add(key)
            return memo
        return None

    def record(self, path: Path, stat: os.stat_result, data: bytes) -> str:
        """Remember ``data``, read after ``stat`` was taken, as the file's content; its SHA-256.
        (Taken before the read, a change made while reading shows in the next signature.)"""
        key = str(path)
        digest = hashlib.sha256(data).hexdigest()
        self.files[key] = Memo(signature(stat), digest)
        self.used.add(key)
        return digest

    def remember(self, path: Path, value: Any) -> None:
        memo = self.files.get(str(path))
        if memo is not None:
            memo.value = value

    def unchanged_page(self, path: str, print_: str, output: Path) -> bool:
        """True when ``path`` in the current output already shows ``print_``."""
        same = self.previous_pages.get(path) == print_ and (output / path).is_file()
        self.pages[path] = print_
        return same

    def save(self, *, persist: bool = True) -> None:
        """Keep the cache for the next build; ``persist`` false keeps it in this process
        only (`serve`'s preview folder is temporary: writing it to disk would be waste)."""
        if self.path is None:
            return
        self.files = {k: v for k, v in self.files.items() if k in self.used}
        if self.store is not None:
            self.store.commit()
        if not persist:
            _IN_MEMORY[self.path] = (_stamp(self.path), self)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        (self.path.parent / ".gitignore").write_text("*\n")
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with temporary.open("wb") as handle:
                pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)
        _IN_MEMORY[self.path] = (_stamp(self.path), self)
        _prune(self.path.parent)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["path"], state["used"], state["previous_pages"], state["decoded"] = None, set(), {}, {}
        state["store"], state["last_build"] = None, None
        return state


# The last cache each output folder saved in this process, with the file's stat stamp: a
# long-running `serve` reuses it instead of unpickling what it has just written.
_IN_MEMORY: dict[Path, tuple[tuple[int, int, int] | None, BuildCache]] = {}


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        return signature(path.stat())
    except OSError:
        return None


def _prune(folder: Path) -> None:
    caches = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in caches[KEEP:]:
        stale.unlink(missing_ok=True)
        stale.with_suffix(".stamp").unlink(missing_ok=True)
        stale.with_suffix(STORE).unlink(missing_ok=True)
        stale.with_suffix(STORE + "-journal").unlink(missing_ok=True)
