"""The no-change shortcut: one fingerprint of every input's stat signature.

A build that finds the fingerprint its last successful build saved, and the site it
published still in place, has nothing to do and says so without reading a single
content file.  Only the standard library is imported here, so the check costs
milliseconds even where the full build would first load Markdown, Jinja2 and PyYAML.
Any change (a touched file, a new or removed one, a layout, the config, Briefing's own
code or the libraries it renders with) changes the fingerprint, and the full build,
with its content-keyed cache, works out what really changed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import sys
import time
from pathlib import Path

from .config import Config
from .output import MARKER
from .report import BuildReport

CACHE_FOLDER = ".briefing-cache"
LIBRARIES = ("markdown", "jinja2", "markupsafe", "yaml")


def input_stamp(config: Config, drafts: bool) -> str:
    """Fingerprint of everything a build reads, by name and stat signature."""
    digest = hashlib.sha256(f"{sys.version}|{config!r}|{drafts}".encode())
    _add_tree(digest, Path(__file__).parent, recursive=False, suffix=".py")
    for library in LIBRARIES:
        spec = importlib.util.find_spec(library)
        origin = spec.origin if spec is not None else None
        _add_file(digest, Path(origin) if origin else None)
    _add_tree(digest, config.content, recursive=False)
    _add_tree(digest, config.seeds, recursive=False)
    _add_tree(digest, config.layouts, recursive=True)
    return digest.hexdigest()


def published_stamp(config: Config) -> str:
    """Which site sits in the output folder: every build publishes a new marker file."""
    digest = hashlib.sha256()
    _add_file(digest, config.output / MARKER)
    return digest.hexdigest()


def _add_tree(digest: hashlib._Hash, folder: Path, *, recursive: bool, suffix: str = "") -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        digest.update(b"<no folder>")
        return
    for entry in entries:
        if not entry.name.endswith(suffix):
            continue
        try:
            stat = entry.stat()
        except OSError:
            continue
        digest.update(f"{entry.name}|{stat.st_mtime_ns}|{stat.st_size}|{stat.st_ino}\n".encode())
        if recursive and entry.is_dir(follow_symlinks=False):
            _add_tree(digest, Path(entry.path), recursive=True)


def _add_file(digest: hashlib._Hash, path: Path | None) -> None:
    try:
        stat = path.stat() if path is not None else None
    except OSError:
        stat = None
    digest.update(f"{path}|{stat.st_mtime_ns}|{stat.st_size}\n".encode() if stat else f"{path}|missing\n".encode())


def cache_file(root: Path, output: Path, suffix: str) -> Path:
    """Where the cache of builds of ``output`` keeps a file: one name per output folder."""
    name = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:16]
    return root / CACHE_FOLDER / f"{name}{suffix}"


def stamp_path(config: Config) -> Path:
    return cache_file(config.root, config.output, ".stamp")


def up_to_date(config: Config, drafts: bool) -> BuildReport | None:
    """The last build's report when nothing it read has changed since, else None."""
    started = time.perf_counter()
    report = unchanged_report(config, input_stamp(config, drafts))
    if report is not None:
        report.seconds = time.perf_counter() - started
    return report


def unchanged_report(config: Config, stamp: str) -> BuildReport | None:
    """The last build's report when its stamp is ``stamp``: the site is up to date."""
    try:
        with stamp_path(config).open("rb") as handle:
            saved, published, report = pickle.load(handle)  # noqa: S301 - our own file, written below
    except Exception:  # noqa: BLE001 - a missing or damaged stamp only means a full build
        return None
    if saved != stamp or published != published_stamp(config) or not isinstance(report, BuildReport):
        return None
    report.unchanged, report.changed, report.pages_written, report.messages = True, 0, 0, []
    return report


def save_stamp(config: Config, stamp: str, report: BuildReport) -> None:
    """Remember a successful build: ``stamp`` is the inputs' stamp taken before it read them,
    so a file changed while it ran makes the next build a full one."""
    path = stamp_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            pickle.dump((stamp, published_stamp(config), report), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def forget_stamp(config: Config) -> None:
    stamp_path(config).unlink(missing_ok=True)
