"""``config.yaml``: the site's settings, validated like MkDocs does, every problem at once."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .problems import BuildError, Problem, problem
from .yamlfile import YamlError, load_yaml

DEFAULT_PATHS = {"seeds": "seeds", "content": "content", "layouts": "layouts", "output": "output"}
DATE_ORDERS = ("day-first", "month-first")

# key -> (default, meaning); the README documents the same table.
SETTINGS: dict[str, tuple[Any, str]] = {
    "title": ("Briefings", "the site's name, shown in every page header"),
    "description": ("", "one sentence about the site, for the home page and search engines"),
    "language": ("en", "the BCP 47 language tag of the briefings, e.g. en or en-GB"),
    "base_url": ("/", "where the site will be published, e.g. https://example.org/briefings/"),
    "publisher": ("", "the newsroom or organisation that publishes the site"),
    "date_order": ("day-first", "how an all-numeric seed date such as 03/11/2031 is read: day-first or month-first"),
    "paths": (DEFAULT_PATHS, "folders, relative to this file: seeds, content, layouts, output"),
}


@dataclass(frozen=True)
class Config:
    root: Path
    title: str
    description: str
    language: str
    base_url: str
    publisher: str
    date_order: str
    seeds: Path
    content: Path
    layouts: Path
    output: Path

    @property
    def day_first(self) -> bool:
        return self.date_order == "day-first"

    @property
    def base_path(self) -> str:
        """The path part of base_url, always ending in '/' (e.g. '/briefings/')."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"


def load_config(path: Path | None, overrides: dict[str, Any] | None = None) -> tuple[Config, list[Problem]]:
    """Read and check ``config.yaml``; a missing file means every default.

    Raises :class:`BuildError` with every error found; warnings are returned.
    """
    overrides = overrides or {}
    root = (path.parent if path else Path.cwd()).resolve()
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    lines: dict[tuple[Any, ...], int] = {}
    if path is not None and path.exists():
        try:
            document = load_yaml(path.read_text(encoding="utf-8-sig"))
        except YamlError as error:
            raise BuildError([problem(path, error.line, error.message)]) from None
        except (UnicodeDecodeError, OSError) as error:
            raise BuildError([problem(path, 1, f"cannot read the config ({error}): save it as UTF-8 text")]) from None
        if document.data is not None and not isinstance(document.data, dict):
            raise BuildError([problem(path, 1, "the config must be `key: value` lines (a YAML mapping)")])
        data, lines = document.data or {}, document.lines
    elif path is not None:
        raise BuildError([problem(path, 1, "config file not found: create it or pass --config FILE")])

    def report(key: tuple[Any, ...], message: str, warning: bool = False) -> None:
        problems.append(problem(path or "config.yaml", lines.get(key, 1), message, warning=warning))

    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in SETTINGS:
            close = difflib.get_close_matches(str(key), SETTINGS, n=1)
            report((key,), f"unknown setting `{key}` is ignored" + (f": did you mean `{close[0]}`?" if close else ""), True)
        elif key != "paths" and value is not None and not isinstance(value, str):
            report((key,), f"`{key}` must be text ({SETTINGS[key][1]})")
        elif value is not None:
            values[key] = value

    paths = dict(DEFAULT_PATHS)
    raw_paths = data.get("paths") or {}
    if not isinstance(raw_paths, dict):
        report(("paths",), "`paths` must be a mapping such as `content: content`")
    else:
        for name, value in raw_paths.items():
            if name not in DEFAULT_PATHS:
                report(("paths", name), f"unknown path `{name}`: known paths are {', '.join(DEFAULT_PATHS)}", True)
            elif not isinstance(value, str) or not value.strip():
                report(("paths", name), f"`paths.{name}` must be a folder name")
            else:
                paths[name] = value
    values.update({k: v for k, v in overrides.items() if v is not None and k in SETTINGS})
    if values.get("date_order", "day-first") not in DATE_ORDERS:
        report(("date_order",), f"`date_order` must be one of {', '.join(DATE_ORDERS)}")
    base_url = str(values.get("base_url", "/")).strip() or "/"
    parts = urlsplit(base_url)
    if parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.netloc):
        report(("base_url",), "`base_url` must be an http(s) URL such as https://example.org/briefings/, or a path such as /")
    if not base_url.endswith("/"):
        base_url += "/"
    if any(not p.warning for p in problems):
        raise BuildError(problems)

    folders = {name: (root / value).resolve() for name, value in paths.items()}
    folders.update({k: Path(v).resolve() for k, v in overrides.items() if v is not None and k in DEFAULT_PATHS})
    config = Config(
        root=root,
        title=values.get("title", SETTINGS["title"][0]),
        description=values.get("description", ""),
        language=values.get("language", "en"),
        base_url=base_url,
        publisher=values.get("publisher", ""),
        date_order=values.get("date_order", "day-first"),
        **folders,
    )
    return config, problems
