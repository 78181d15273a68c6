"""Editors' attribution corrections, read from a briefing's ``attribution`` front matter.

```yaml
attribution:
  speakers:            # rename, or merge two spellings: name as found -> name to show
    Abdul Ghani: Hassan Abdul Ghani
  descriptions:        # the description shown with a speaker or source
    Hassan Abdul Ghani: commander of the Military Operations Department
  quotes:              # one quotation: `match` is its words, or enough of them to be unique
    - match: It came after preparations
      speaker: Someone Else
    - match: large
      drop: true       # not a quotation
```
A correction that no longer matches the text is a warning pointing at its line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .analysis import Analysis
from .problems import Problem, problem
from .yamlfile import YamlDocument

KEYS = ("speakers", "descriptions", "quotes")


@dataclass(frozen=True)
class QuoteFix:
    match: str
    speaker: str | None
    drop: bool
    line: int


@dataclass(frozen=True)
class Corrections:
    speakers: dict[str, tuple[str, int]]  # found name -> (name to show, line)
    descriptions: dict[str, tuple[str, int]]
    quotes: tuple[QuoteFix, ...]

    @property
    def empty(self) -> bool:
        return not (self.speakers or self.descriptions or self.quotes)


NO_CORRECTIONS = Corrections({}, {}, ())


def read_corrections(raw: Any, document: YamlDocument | None, path: Path) -> tuple[Corrections, list[Problem]]:
    """Check the ``attribution`` mapping's shape; every problem has its line."""
    if not raw:
        return NO_CORRECTIONS, []
    problems: list[Problem] = []

    def line(*keys: Any) -> int:
        return (document.line("attribution", *keys) if document else 0) + 1

    def text_mapping(key: str) -> dict[str, tuple[str, int]]:
        value = raw.get(key) or {}
        if not isinstance(value, dict):
            problems.append(problem(path, line(key), f"`attribution.{key}` must be `name: text` lines"))
            return {}
        good = {}
        for name, target in value.items():
            if isinstance(name, str) and isinstance(target, str) and target.strip():
                good[name.strip()] = (target.strip(), line(key, name))
            else:
                problems.append(problem(path, line(key, name), f"`attribution.{key}` entries must be `name: text`"))
        return good

    for key in raw:
        if key not in KEYS:
            problems.append(problem(path, line(key), f"unknown `attribution` key `{key}`: use {', '.join(KEYS)}", warning=True))
    speakers, descriptions = text_mapping("speakers"), text_mapping("descriptions")
    fixes: list[QuoteFix] = []
    entries = raw.get("quotes") or []
    if not isinstance(entries, list):
        problems.append(problem(path, line("quotes"), "`attribution.quotes` must be a list of `- match: ...` entries"))
        entries = []
    for index, entry in enumerate(entries):
        where = line("quotes", index)
        if not isinstance(entry, dict) or not isinstance(entry.get("match"), str) or not entry["match"].strip():
            problems.append(problem(path, where, "each `attribution.quotes` entry needs `match:` with words of the quotation"))
            continue
        speaker, drop = entry.get("speaker"), entry.get("drop", False)
        if not isinstance(drop, bool) or (speaker is not None and not isinstance(speaker, str)) or (not drop and not speaker):
            problems.append(problem(path, where, "give the entry `speaker: Name` or `drop: true`"))
            continue
        fixes.append(QuoteFix(entry["match"].strip(), speaker.strip() if speaker else None, drop, where))
    return Corrections(speakers, descriptions, tuple(fixes)), problems


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub("[“”„‟«»\"‘’‚‛']", "", text)
    return re.sub(r"\s+", " ", text).strip(" .,;:")


def apply_corrections(analysis: Analysis, corrections: Corrections, path: Path) -> tuple[Analysis, list[Problem]]:
    """The analysis with the editor's corrections applied (pure)."""
    if corrections.empty:
        return analysis, []
    warnings: list[Problem] = []
    rename = {name: target for name, (target, _) in corrections.speakers.items()}
    names = {q.speaker for q in analysis.quotes} | {s.name for s in analysis.sources}
    for name, (_, at) in corrections.speakers.items():
        if name not in names:
            warnings.append(problem(path, at, f"speaker correction `{name}` matches no speaker or source in this briefing", warning=True))
    quotes = [replace(q, speaker=rename.get(q.speaker, q.speaker)) for q in analysis.quotes]

    dropped: set[int] = set()
    for fix in corrections.quotes:
        wanted = _norm(fix.match)
        exact = [i for i, q in enumerate(quotes) if _norm(q.text) == wanted]
        hits = exact or [i for i, q in enumerate(quotes) if wanted in _norm(q.text)]
        if not hits:
            warnings.append(problem(path, fix.line, f"quote correction `{fix.match}` matches no quotation any more: update or remove it", warning=True))
            continue
        if len(hits) > 1:
            warnings.append(problem(path, fix.line, f"quote correction `{fix.match}` matches {len(hits)} quotations: quote more words", warning=True))
            continue
        if fix.drop:
            dropped.add(hits[0])
        else:
            quotes[hits[0]] = replace(quotes[hits[0]], speaker=fix.speaker)
    quotes = [q for i, q in enumerate(quotes) if i not in dropped]

    sources = {}
    for source in analysis.sources:
        name = rename.get(source.name, source.name)
        merged = sources.get(name)
        if merged is None:
            sources[name] = replace(source, name=name)
        else:  # two spellings merged: keep the richer description
            description = max((merged.description, source.description), key=len)
            sources[name] = replace(merged, description=description, aliases=merged.aliases + (source.name,))
    for name, (description, at) in corrections.descriptions.items():
        if name in sources:
            sources[name] = replace(sources[name], description=description)
        else:
            warnings.append(problem(path, at, f"description for `{name}` matches no speaker or source in this briefing", warning=True))
    return replace(analysis, quotes=tuple(quotes), sources=tuple(sources.values())), warnings
