"""The content folder read into briefings, with every problem found across files."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .cache import BuildCache
from .content import Briefing, is_content_file, read_briefing, split_front_matter
from .ingest import sha256
from .problems import BuildError, Problem, display_path, problem


@dataclass
class Catalog:
    briefings: list[Briefing]
    hashes: dict[Path, str]  # content file -> SHA-256 of its bytes, for edit detection
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not any(not p.warning for p in self.problems)


def read_catalog(content_dir: Path, cache: BuildCache | None = None, *, keep_bodies: bool = True) -> Catalog:
    """Read every content file and check slugs are unique.

    With a cache, a file whose stat signature is unchanged is not read again. Without
    ``keep_bodies`` the Markdown bodies are dropped once checked (see :func:`with_body`)."""
    catalog = Catalog([], {}, [])
    if not content_dir.is_dir():
        return catalog
    for path in sorted(p for p in content_dir.iterdir() if is_content_file(p)):
        briefing = read_cached(path, catalog, cache) if cache is not None else read_file(path, catalog)
        if briefing is not None:
            if not keep_bodies:
                drop_body(briefing)
            catalog.briefings.append(briefing)
    check_unique_slugs(catalog.briefings, catalog.problems)
    return catalog


def read_cached(path: Path, catalog: Catalog, cache: BuildCache) -> Briefing | None:
    try:
        stat = path.stat()
        memo = cache.valid_memo(path, stat)
        if memo is not None and memo.value is not None:
            briefing, problems = memo.value
            catalog.hashes[path] = memo.digest
            catalog.problems.extend(problems)
            return briefing
        data = path.read_bytes()  # once: for its digest and for the briefing
    except OSError as error:
        catalog.problems.append(problem(path, 1, f"cannot read this file: {error.strerror}"))
        return None
    digest = cache.record(path, stat, data)
    before = len(catalog.problems)
    briefing = read_file(path, catalog, data, digest)
    cache.remember(path, (briefing, catalog.problems[before:]))
    return briefing


def read_file(path: Path, catalog: Catalog, data: bytes | None = None, digest: str | None = None) -> Briefing | None:
    """``data`` and ``digest``: the file's bytes and their SHA-256, when already read."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as error:
            catalog.problems.append(problem(path, 1, f"cannot read this file: {error.strerror}"))
            return None
    catalog.hashes[path] = digest or sha256(data)
    if b"\x00" in data:
        catalog.problems.append(problem(path, 1, "this is not a text file (it contains NUL bytes): save it as UTF-8 text"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        catalog.problems.append(problem(
            path, line, "this line is not UTF-8: re-save the file as UTF-8 in your editor"))
        return None
    briefing, problems = read_briefing(_newlines(text), path)
    catalog.problems.extend(problems)
    return briefing


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_unique_slugs(briefings: list[Briefing], problems: list[Problem]) -> None:
    first: dict[str, Briefing] = {}
    for briefing in briefings:
        other = first.setdefault(briefing.slug, briefing)
        if other is briefing:
            continue
        line = briefing.front_matter.line("slug") + 1 if briefing.front_matter and "slug" in briefing.meta else 1
        problems.append(problem(
            briefing.path, line,
            f"slug `{briefing.slug}` is also used by {display_path(other.path)}: give one of them another `slug:`",
        ))


def drop_body(briefing: Briefing) -> None:
    briefing.body, briefing.body_dropped = "", True


def with_body(briefing: Briefing, digest: str) -> Briefing:
    """The briefing with its Markdown body, read again from its file when it was dropped.

    ``digest``, the SHA-256 the build knows the file by: a file saved again since it was
    read would otherwise be analysed under the old file's name in the cache."""
    if not briefing.body_dropped:
        return briefing
    try:
        data = briefing.path.read_bytes()
    except OSError:
        data = None
    if data is None or sha256(data) != digest:
        raise BuildError([problem(briefing.path, 1, "this file changed while the site was being built: build again")])
    # The very bytes the front matter was read from: only the body is needed again.
    parts = split_front_matter(_newlines(data.decode("utf-8-sig")))
    assert parts is not None  # it had front matter when it was read
    return replace(briefing, body=parts[1], body_dropped=False)
