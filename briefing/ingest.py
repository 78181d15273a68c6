"""Seeds into content files, without ever overwriting an editor's work.

A content file is written once from its seed.  The ingest record
(``content/.ingest.json``) remembers the SHA-256 of each file as written, so a later
build can tell an untouched file (safe to refresh when its seed changes) from an
edited one (never touched: the fresh conversion goes beside it as
``<name>.seed-update.md``).  Without a record, every file counts as edited.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .content import SEED_UPDATE_SUFFIX, Briefing, render_content
from .problems import BuildError, Problem, display_path, problem
from .seed import SeedError, decode_seed, parse_seed
from .slugs import slugify, unique_slug

RECORD_NAME = ".ingest.json"
MAX_SEED_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Write:
    path: Path
    text: str
    seed: str
    message: str | None  # said to the editor; None for a quiet first ingest


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def plan_ingest(
    seeds: dict[str, bytes],
    briefings: list[Briefing],
    content_dir: Path,
    record: dict[str, str],
    file_hashes: dict[Path, str],
    *,
    day_first: bool,
    seed_dir: Path,
) -> tuple[list[Write], list[Problem]]:
    """Decide what to write for each seed (pure: no file is read or written here)."""
    writes: list[Write] = []
    problems: list[Problem] = []
    by_seed = {}
    for briefing in sorted(briefings, key=lambda b: b.path.name):
        by_seed.setdefault(briefing.get("seed"), briefing)
    taken = {b.slug for b in briefings} | {b.path.stem for b in briefings}
    for name in sorted(seeds):
        data = seeds[name]
        seed_path = seed_dir / name
        digest = sha256(data)
        existing = by_seed.get(name)
        if existing is not None and existing.get("seed_sha256") == digest:
            continue
        try:
            article = parse_seed(decode_seed(data), day_first=day_first)
        except SeedError as error:
            problems.append(problem(seed_path, error.line, error.message))
            continue
        if existing is None:
            slug = unique_slug(slugify(article.title), taken)
            taken.add(slug)
            text = render_content(article, slug=slug, seed_name=name, seed_sha256=digest)
            notes = "; ".join(article.notes)
            message = f"{display_path(seed_path)}: new briefing {display_path(content_dir / (slug + '.md'))}" + (
                f" ({notes})" if notes else "")
            writes.append(Write(content_dir / f"{slug}.md", text, name, message))
            continue
        text = render_content(article, slug=existing.slug, seed_name=name, seed_sha256=digest)
        untouched = record.get(existing.path.name) == file_hashes.get(existing.path)
        if untouched:
            writes.append(Write(existing.path, text, name,
                                f"{display_path(seed_path)}: seed changed, refreshed unedited {display_path(existing.path)}"))
            continue
        update = existing.path.with_name(existing.path.stem + SEED_UPDATE_SUFFIX)
        problems.append(problem(
            seed_path, 1,
            f"this seed changed after {display_path(existing.path)} was edited, so that file was left as it is; "
            f"the fresh conversion is in {display_path(update)}: merge what you want into "
            f"{display_path(existing.path)}, set its `seed_sha256: {digest}`, then delete the update file",
            warning=True,
        ))
        writes.append(Write(update, text, name, None))
    return writes, problems


def read_seeds(seed_dir: Path) -> tuple[dict[str, bytes], list[Problem]]:
    seeds: dict[str, bytes] = {}
    problems: list[Problem] = []
    if not seed_dir.is_dir():
        return seeds, problems
    for path in sorted(seed_dir.glob("*.txt")):
        if path.name.startswith("."):
            continue
        try:
            if path.stat().st_size > MAX_SEED_BYTES:
                problems.append(problem(path, 1, "the seed is larger than 20 MB: is it really one article?"))
                continue
            seeds[path.name] = path.read_bytes()
        except OSError as error:
            problems.append(problem(path, 1, f"cannot read the seed: {error.strerror}"))
    return seeds, problems


def read_record(content_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((content_dir / RECORD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def ingest(
    seed_dir: Path,
    content_dir: Path,
    briefings: list[Briefing],
    file_hashes: dict[Path, str],
    *,
    day_first: bool,
    dry_run: bool = False,
) -> tuple[list[Write], list[Problem]]:
    """Read the seeds, plan, and write (unless ``dry_run``); nothing is written if any
    seed is unreadable."""
    seeds, problems = read_seeds(seed_dir)
    record = read_record(content_dir)
    writes, planned = plan_ingest(
        seeds, briefings, content_dir, record, file_hashes, day_first=day_first, seed_dir=seed_dir
    )
    problems += planned
    if any(not p.warning for p in problems):
        raise BuildError(problems)
    if writes and not dry_run:
        target = content_dir
        try:
            content_dir.mkdir(parents=True, exist_ok=True)
            for write in writes:
                target = write.path
                if write.path.exists() and write.path.read_text(encoding="utf-8") == write.text:
                    continue
                write_atomic(write.path, write.text)
                if not write.path.name.endswith(SEED_UPDATE_SUFFIX):
                    record[write.path.name] = sha256(write.text.encode())
            target = content_dir / RECORD_NAME
            write_atomic(target, json.dumps(record, indent=1, sort_keys=True) + "\n")
        except OSError as error:
            # Full or read-only disk: files already written are complete (atomic), the rest
            # are not written; the record is only ever replaced whole.
            raise BuildError(problems + [problem(
                target, 1, f"cannot write this content file ({error.strerror or error}): "
                           "free some space or make the content folder writable, then build again")]) from None
    return writes, problems


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8", newline="\n")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
