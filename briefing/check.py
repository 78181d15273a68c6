"""``python build.py check``: the content validates and the built site holds together.

The site is built into a temporary folder (``output/`` and ``content/`` are never
touched: new seeds are converted in memory), then
every page is read back: each internal link and ``#anchor`` must resolve, each
page needs a title, a language and a description, and nothing may link to a draft.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from .catalog import read_catalog
from .config import Config
from .problems import Problem, problem
from .report import BuildReport
from .site import build

LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"))


def check(config: Config) -> tuple[BuildReport, list[Problem]]:
    """Build into a scratch folder and return every problem in the result."""
    with tempfile.TemporaryDirectory(prefix="briefing-check-") as scratch:
        site = Path(scratch) / "site"
        report = build(replace(config, output=site), write_content=False, use_cache=False)
        drafts = {b.slug for b in read_catalog(config.content).briefings if b.draft}
        return report, check_site(site, config, drafts)


def check_site(site: Path, config: Config, draft_slugs: set[str]) -> list[Problem]:
    pages = {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*.html"))}
    ids: dict[str, set[str]] = {}
    parsed = {}
    for relative, path in pages.items():
        document = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        parsed[relative] = document
        ids[relative] = {element["id"] for element in document.find_all(id=True)}
    problems: list[Problem] = []
    for relative, document in parsed.items():
        problems += _check_page(site / relative, document)
        for tag, attribute in LINK_ATTRIBUTES:
            for element in document.find_all(tag, attrs={attribute: True}):
                target = _resolve(relative, element[attribute], config)
                if target is None:
                    continue
                where = element.sourceline or 1
                file, fragment = target
                if file.split("/")[0] in draft_slugs:
                    problems.append(problem(site / relative, where, f"links to the draft briefing `{file.split('/')[0]}`"))
                if not (site / file).is_file():
                    problems.append(problem(site / relative, where, f"broken link `{element[attribute]}`: {file} does not exist"))
                elif fragment and file in ids and fragment not in ids[file]:
                    problems.append(problem(site / relative, where, f"broken anchor `{element[attribute]}`: no id `{fragment}` in {file}"))
    return problems


def _check_page(path: Path, document: BeautifulSoup) -> list[Problem]:
    problems = []
    html = document.find("html")
    if html is None or not html.get("lang"):
        problems.append(problem(path, 1, "page has no `lang` on <html>"))
    title = document.find("title")
    if title is None or not title.get_text(strip=True):
        problems.append(problem(path, 1, "page has no <title>"))
    description = document.find("meta", attrs={"name": "description"})
    if description is None or not description.get("content", "").strip():
        problems.append(problem(path, 1, "page has no meta description"))
    return problems


def _resolve(page: str, url: str, config: Config) -> tuple[str, str] | None:
    """The site file and fragment a link points at, or None for external links."""
    parts = urlsplit(url.strip())
    base = urlsplit(config.base_url)
    if parts.scheme in ("mailto", "tel", "data"):
        return None
    if parts.scheme or parts.netloc:
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(config.base_path):
            return None
        path = parts.path[len(config.base_path):]
    elif parts.path.startswith("/"):
        if not parts.path.startswith(config.base_path):
            return None
        path = parts.path[len(config.base_path):]
    elif not parts.path:
        return page, unquote(parts.fragment)
    else:
        path = str(PurePosixPath(page).parent / parts.path) + ("/" if parts.path.endswith("/") else "")
    path = _normalise(unquote(path))
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path, unquote(parts.fragment)


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts) + ("/" if path.endswith("/") and parts else "")
