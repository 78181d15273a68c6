"""Analyses kept between builds: one pickled row per briefing in a SQLite file.

A single pickle of the whole cache would be rewritten in full after every edit (90 MB at
10,000 briefings) and held in memory twice, as bytes and as objects. Rows are written one
by one as briefings are analysed, read one by one into objects, and a one-briefing edit
changes two rows. Keys are digests of what an analysis was made from, so a row is never
wrong, only unused: a build that fails or is killed half-way leaves nothing to repair.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_FEW = 200  # keys asked for; SQLite allows 32,766 parameters a statement


class AnalysisStore:
    """Rows of ``key -> pickled analysis`` for one output folder's builds, made with
    Briefing code ``version``; rows of any other version are dropped on opening. A missing,
    damaged or unwritable file is an empty store, never a failed build."""

    def __init__(self, path: Path | None, version: str):
        self.path, self.version = path, version
        self._db: sqlite3.Connection | None = None
        if path is not None:
            try:
                self._db = _open(path, version)
            except (sqlite3.Error, OSError):
                self._db = _reset(path, version)

    def items(self, keys: set[str]) -> Iterator[tuple[str, Any]]:
        """The stored analyses of ``keys``, unpickled one at a time."""
        if self._db is None or not keys:
            return
        try:
            for key, blob in _rows(self._db, keys):
                if key in keys:
                    yield key, pickle.loads(blob)  # noqa: S301 - our own rows
        except Exception:  # noqa: BLE001 - a damaged row or file: whatever was read is right, the rest is analysed again
            self._db = _reset(self.path, self.version)

    def put(self, key: str, value: Any, pickled: bytes | None = None) -> None:
        """Store ``value``, given as ``pickled`` too when it already is."""
        if self._db is None:
            return
        try:
            self._db.execute("INSERT OR REPLACE INTO analyses VALUES (?, ?)",
                             (key, pickled or pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
        except sqlite3.Error:
            self._db = None  # a full disk or a read-only cache: the build goes on without it

    def keep(self, keys: set[str]) -> None:
        """Forget every row but those of ``keys``."""
        if self._db is None:
            return
        try:
            stale = [(key,) for (key,) in self._db.execute("SELECT key FROM analyses") if key not in keys]
            self._db.executemany("DELETE FROM analyses WHERE key = ?", stale)
        except sqlite3.Error:
            self._db = None

    def commit(self) -> None:
        if self._db is None:
            return
        try:
            self._db.commit()
        except sqlite3.Error:
            self._db = None


def _rows(db: sqlite3.Connection, keys: set[str]) -> Iterator[tuple[str, bytes]]:
    if len(keys) > _FEW:  # most of the store: one pass over the table
        return db.execute("SELECT key, blob FROM analyses")
    # A few (`serve`, an edit): by the key's index, without reading every row (8 MB at 1,000)
    return db.execute(f"SELECT key, blob FROM analyses WHERE key IN ({','.join('?' * len(keys))})", sorted(keys))


def _open(path: Path, version: str) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # The cache may always be deleted: durability buys nothing, and a crash that damages the
    # file only costs a cold build (a damaged file is reset on opening).
    db = sqlite3.connect(path, isolation_level="DEFERRED", check_same_thread=False)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE TABLE IF NOT EXISTS analyses (key TEXT PRIMARY KEY, blob BLOB)")
    row = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
    if row is None or row[0] != version:
        db.execute("DELETE FROM analyses")  # made by other code: unpickling could fail or mislead
        db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (version,))
        db.commit()
    return db


def _reset(path: Path | None, version: str) -> sqlite3.Connection | None:
    if path is None:
        return None
    try:
        for stale in (path, path.with_name(path.name + "-journal")):
            stale.unlink(missing_ok=True)
        return _open(path, version)
    except (sqlite3.Error, OSError):
        return None
