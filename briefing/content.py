"""Content files: YAML front matter plus Markdown, the format editors own.

Reading validates every key and reports each problem with its line in the file;
writing turns a parsed seed into such a file without changing a word of it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem, problem
from .seed import Article
from .slugs import slug_problem, slugify
from .yamlfile import YamlDocument, YamlError, load_yaml

# key -> (accepted type, what the editor should write); documented in the README.
FRONT_MATTER: dict[str, tuple[type | tuple[type, ...], str]] = {
    "title": (str, "the headline, as text"),
    "dek": (str, "the standfirst under the headline, as text"),
    "date": (date, "a date written YYYY-MM-DD, e.g. 2024-11-29"),
    "updated": (date, "a date written YYYY-MM-DD, e.g. 2024-11-30"),
    "dateline": (str, "the place the story is filed from, e.g. PARIS"),
    "reading_time": (int, "a whole number of minutes, e.g. 5"),
    "author": (str, "the byline name, as text"),
    "translator": (str, "the translator's name, as text"),
    "original_language": (str, "a language name, e.g. Arabic"),
    "slug": (str, "lowercase letters, digits and hyphens, e.g. aleppo-offensive"),
    "draft": (bool, "true or false"),
    "seed": (str, "the seed file name this briefing came from"),
    "seed_sha256": (str, "the seed's SHA-256, written by the build"),
    "attribution": (dict, "a mapping with `speakers`, `descriptions` and/or `quotes`"),
}
REQUIRED = ("title",)
SEED_UPDATE_SUFFIX = ".seed-update.md"


@dataclass
class Briefing:
    path: Path
    slug: str
    title: str
    body: str
    body_line: int  # line of the file where the Markdown body starts
    meta: dict[str, Any] = field(default_factory=dict)
    front_matter: YamlDocument | None = None
    # The body is not kept in memory (10,000 briefings' texts are 200 MB): read it again
    # from the file with catalog.with_body when it is needed, to analyse the briefing.
    body_dropped: bool = False

    def get(self, key: str, default: Any = None) -> Any:
        return self.meta.get(key, default)

    @property
    def date(self) -> date | None:
        return self.meta.get("date")

    @property
    def draft(self) -> bool:
        return bool(self.meta.get("draft", False))


def is_content_file(path: Path) -> bool:
    name = path.name
    return name.endswith(".md") and not name.endswith(SEED_UPDATE_SUFFIX) and not name.startswith((".", "_"))


# --- reading -----------------------------------------------------------------------------

_FENCE = re.compile(r"^---[ \t]*$", re.M)
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(YAML text, Markdown body, 1-based line where the body starts), or None."""
    if not _FENCE.match(text):
        return None
    start = text.index("\n") + 1 if "\n" in text else len(text)
    closing = _CLOSING.search(text, start)
    if not closing:
        return None
    yaml_text = text[start:closing.start()]
    body_start = text.find("\n", closing.end())
    body = "" if body_start == -1 else text[body_start + 1:]
    body_line = text.count("\n", 0, closing.end()) + 2
    return yaml_text, body, body_line


def read_briefing(text: str, path: Path) -> tuple[Briefing | None, list[Problem]]:
    """Parse and validate one content file; problems carry lines within the file."""
    parts = split_front_matter(text)
    if parts is None:
        if _FENCE.match(text):
            return None, [problem(path, 1, "front matter is not closed: add a line `---` after the last key")]
        return None, [problem(path, 1, "no front matter: the file must start with a line `---`, then `title: ...`, then `---`")]
    yaml_text, body, body_line = parts
    try:
        document = load_yaml(yaml_text)
    except YamlError as error:
        return None, [problem(path, error.line + 1, error.message)]
    data = document.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [problem(path, 2, "front matter must be `key: value` lines (a YAML mapping)")]

    problems: list[Problem] = []
    meta: dict[str, Any] = {}
    for key, value in data.items():
        line = document.line(key) + 1
        if key not in FRONT_MATTER:
            suggestion = difflib.get_close_matches(str(key), FRONT_MATTER, n=1)
            hint = f": did you mean `{suggestion[0]}`?" if suggestion else f": known keys are {', '.join(FRONT_MATTER)}"
            problems.append(problem(path, line, f"unknown front-matter key `{key}` is ignored{hint}", warning=True))
            continue
        checked = _check_value(key, value)
        if isinstance(checked, str):
            problems.append(problem(path, line, checked))
        elif value is not None:
            meta[key] = checked[0]
    for key in REQUIRED:
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            if key in data and data[key] is not None and not isinstance(data[key], str):
                continue  # already reported as the wrong type
            problems.append(problem(path, 2, f"missing `{key}`: add a line `{key}: ...` to the front matter"))

    slug = meta.get("slug") or slugify(path.stem)
    if "slug" in meta and (why := slug_problem(meta["slug"])):
        problems.append(problem(path, document.line("slug") + 1, f"slug `{meta['slug']}` {why}"))

    if any(not p.warning for p in problems):
        return None, problems
    briefing = Briefing(path, slug, meta["title"].strip(), body, body_line, meta, document)
    return briefing, problems


def _check_value(key: str, value: Any) -> tuple[Any] | str:
    """(converted value,) or the message for an editor."""
    expected, advice = FRONT_MATTER[key]
    if value is None:
        return (None,)
    if expected is date:
        if isinstance(value, str):
            try:
                return (date.fromisoformat(value.strip()),)
            except ValueError:
                pass
        return f"`{key}: {value}` is not a date: write {advice}"
    if expected is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        return f"`{key}` must be {advice}"
    if expected is bool and not isinstance(value, bool):
        return f"`{key}` must be {advice}"
    if expected is str and not isinstance(value, str):
        if isinstance(value, (int, float)):
            return (str(value),)
        return f"`{key}` must be {advice}"
    if expected is dict and not isinstance(value, dict):
        return f"`{key}` must be {advice}"
    if isinstance(value, str) and (control := _CONTROL.search(value)):
        # Invisible, and not allowed in XML: one would make the Atom feed unreadable.
        return f"`{key}` contains the control character U+{ord(control.group()):04X}: delete it"
    return (value,)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


# --- writing -----------------------------------------------------------------------------


def render_content(article: Article, *, slug: str, seed_name: str, seed_sha256: str) -> str:
    """The content file for a freshly ingested seed."""
    meta: dict[str, Any] = {"title": article.title}
    optional = {
        "dek": article.dek,
        "date": article.date,
        "dateline": article.dateline,
        "reading_time": article.reading_time,
        "author": article.author,
        "translator": article.translator,
        "original_language": article.original_language,
    }
    meta.update({key: value for key, value in optional.items() if value is not None})
    meta.update(slug=slug, seed=seed_name, seed_sha256=seed_sha256)
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False)
    body = []
    for block in article.blocks:
        text = escape_markdown(block.text)
        if block.kind == "heading":
            # A heading's trailing hashes would be read as closing markers.
            body.append("## " + re.sub(r"#+$", lambda m: "\\#" * len(m.group(0)), text))
        else:
            body.append(text)
    return f"---\n{front}---\n\n" + "\n\n".join(body) + "\n"


# Characters that would turn pasted words into Markdown syntax.  Raw HTML, entities and
# autolinks are switched off in the renderer, so `<` and `&` need no escaping here.
# An underscore stays bare only between two letters or digits (snake_case): one beside
# another underscore could still open emphasis once its neighbour is escaped ("__0__").
_INLINE_SPECIAL = re.compile(r"([\\`*])|(?<![^\W_])_|_(?![^\W_])|\](?=[(\[])")
_LINE_START = re.compile(r"^(?:(#{1,6}|>|[-+*](?=\s)|-+$)|(\d{1,9})([.)])(?=\s|$)|(\[)(?=[^\]]*\]:))")


def escape_markdown(text: str) -> str:
    """Backslash-escape what Python-Markdown would read as syntax; the words stay."""
    text = _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(0), text)

    def line_start(match: re.Match[str]) -> str:
        if match.group(2):
            return match.group(2) + "\\" + match.group(3)
        return "\\" + match.group(0)

    return _LINE_START.sub(line_start, text, count=1)
