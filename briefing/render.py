"""Pages from Jinja2 layouts: data in, ``{path in output: bytes}`` out.

Links between pages are relative, so the site works from any folder of any host
and from the file system; only the 404 page, which a host serves at any depth,
links from the site root (``base_url``'s path).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import traceback
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import jinja2
from markupsafe import Markup

from .cache import fingerprint
from .config import Config
from .fingerprints import BODY_ATTRIBUTES, FingerprintMemo, SitePrints
from .index import AnalysedBriefing, SiteIndex, SourceEntry
from .layout_reads import names_any
from .parallel import run_each
from .problems import BuildError, Problem, problem

STATIC_DIR = "static"
# The layouts plan_pages renders pages with.
PAGE_LAYOUTS = ("index.html", "quotes.html", "sources.html", "feed.xml", "sitemap.xml", "speaker.html",
                "briefing.html", "search.html", "404.html")
SPEAKER_READS = frozenset({"index"})  # a speaker page given the whole index is a page of the whole index


@dataclass(frozen=True)
class Asset:
    source: Path
    path: str  # in output, with a content hash in the name so hosts can cache it forever


def collect_assets(layouts: Path) -> dict[str, Asset]:
    """layouts/static/* keyed by their plain name ("style.css")."""
    assets: dict[str, Asset] = {}
    folder = layouts / STATIC_DIR
    if not folder.is_dir():
        return assets
    for source in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        name = source.relative_to(folder).as_posix()
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:10]
        stem, dot, suffix = name.rpartition(".")
        hashed = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
        assets[name] = Asset(source, f"{STATIC_DIR}/{hashed}")
    return assets


@functools.lru_cache(maxsize=8)
def make_environment(layouts: Path, compiled: Path | None = None) -> jinja2.Environment:
    """One environment per layouts folder for the process: compiled templates are kept,
    and ``auto_reload`` recompiles a layout only when its file changes (``serve``).

    ``compiled``, a folder in the build cache, keeps the compiled layouts between runs:
    compiling them costs more than a whole one-briefing rebuild otherwise does."""
    bytecode = None
    if compiled is not None:
        try:
            compiled.mkdir(parents=True, exist_ok=True)
            bytecode = _BestEffortBytecodeCache(str(compiled))
        except OSError:
            bytecode = None  # a read-only project still builds, compiling every time
    environment = jinja2.Environment(
        auto_reload=True,
        bytecode_cache=bytecode,
        loader=jinja2.FileSystemLoader(str(layouts)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["long_date"] = long_date
    environment.context_class = _Context
    return environment


_PLAIN_CALLABLES = frozenset({types.FunctionType, types.MethodType, types.BuiltinFunctionType})


class _Context(jinja2.runtime.Context):
    """Jinja's context, with a short way to call plain functions and methods from a layout
    (``url(...)``, ``briefing.get(...)``, ``index.source(...)``): a 1,000-briefing site makes
    about 90,000 such calls, and Jinja's own way, which looks twice for a ``pass_context``
    mark on each, cost about 15% of the rendering. Marked functions, macros, blocks and any
    other callable still go Jinja's way."""

    @jinja2.utils.internalcode
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # Jinja's names: a layout may pass obj=
        if type(__obj) not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_loop_vars", None)  # scope for pass_context functions only
        kwargs.pop("_block_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja does: it would otherwise end the page's generator early
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


class _BestEffortBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled layouts kept between runs, when the cache folder allows: a deleted or
    read-only cache only means compiling again, never a failed build."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            pass

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def layout_problem(error: jinja2.TemplateError, layouts: Path) -> Problem:
    """Point at the layout line, even for errors raised while rendering."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return problem(layouts / (error.name or error.filename or "?"), error.lineno, f"layout error: {error.message}")
    if isinstance(error, jinja2.TemplateNotFound):
        return problem(layouts / error.name, 1, "layout not found: restore it from the repository or fix the name")
    for entry in reversed(traceback.extract_tb(error.__traceback__)):
        if entry.filename.startswith(str(layouts)):
            return problem(entry.filename, entry.lineno or 1, f"layout error: {error}")
    return problem(layouts, 1, f"layout error: {error}")


def long_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


class Renderer:
    def __init__(self, config: Config, environment: jinja2.Environment, assets: dict[str, Asset], version: str = "",
                 facts: dict[tuple[str, str, frozenset[str]], bool] | None = None):
        self.config = config
        self.environment = environment
        self.assets = assets
        self.version = version  # of the layouts and config: keys what is learnt of the layouts
        # What was learnt of the layouts, kept by the build cache: parsing them again would
        # cost a one-edit build 25 ms.
        self.facts = facts if facts is not None else {}
        # Each layout looked up once per build: the environment would otherwise check the
        # file's modification time for every page (it must, for `serve`, between builds).
        self._templates: dict[str, jinja2.Template] = {}

    def reads(self, template: str, names: frozenset[str]) -> bool:
        """Whether ``template`` (or a layout it uses) may read one of ``names``."""
        fact = (self.version, template, names)
        if fact not in self.facts:
            self.facts[fact] = names_any(self.environment, template, names)
        return self.facts[fact]

    def reads_bodies(self, template: str) -> bool:
        return self.reads(template, BODY_ATTRIBUTES)

    def prepare(self) -> None:
        """Everything plan_pages and a cold build's pages need of the layouts, done now."""
        self.load(PAGE_LAYOUTS)
        self.reads_bodies("index.html")
        self.reads_bodies("feed.xml")
        self.reads("speaker.html", SPEAKER_READS)

    def load(self, templates: Iterable[str]) -> None:
        """Look up (and compile, if need be) these layouts now."""
        for template in sorted(templates):
            if template not in self._templates:
                self._templates[template] = self.environment.get_template(template)

    def page(self, template: str, path: str, **context: Any) -> tuple[str, bytes]:
        """Render one page to ``path`` (e.g. "slug/index.html")."""
        depth = path.count("/")
        root_relative = path == "404.html"

        def url(target: str = "") -> str:
            if root_relative:
                return self.config.base_path + target
            return "../" * depth + target if (depth or target) else "./"

        def asset(name: str) -> str:
            return url(self.assets[name].path)

        try:
            self.load((template,))
            html = self._templates[template].render(
                site=self.config, url=url, asset=asset, page_path=path,
                canonical=absolute(self.config, path.removesuffix("index.html")), **context)
        except jinja2.TemplateError as error:
            # Located here, where the traceback is: a page rendered in a worker process reaches
            # the parent as a pickled exception, without the frames that give the layout line.
            raise BuildError([layout_problem(error, self.config.layouts)]) from None
        return path, html.encode("utf-8")

    def page_bytes(self, template: str, path: str, **context: Any) -> bytes:
        return self.page(template, path, **context)[1]


Unchanged = Callable[[str, str], bool]
Data = bytes | Iterable[bytes]  # a file's content, whole or in chunks written as they come


class Store(Protocol):
    """Where pages go: the staging folder of a build, or memory for a preview."""

    shared: bool  # whether write() may run in a forked worker (the pages go to files)

    def keep(self, path: str) -> None:
        """The page is unchanged: the published copy stays."""

    def write(self, path: str, data: Data) -> None: ...

    def wrote(self, path: str) -> None:
        """A worker wrote the page (``shared`` stores only)."""


class PageFiles(dict[str, "bytes | None"]):
    """An in-memory store: path to bytes, or None for a page that is unchanged."""

    shared = False

    def keep(self, path: str) -> None:
        self[path] = None

    def write(self, path: str, data: Data) -> None:
        self[path] = as_bytes(data)

    def wrote(self, path: str) -> None:
        raise AssertionError("an in-memory store is written by the parent only")


@dataclass(frozen=True)
class Page:
    path: str
    shows: Callable[[], str]  # the fingerprint of everything the page shows beyond the layouts
    make: Callable[[], Data]
    layout: str = ""  # the layout it is rendered with, if any

    @property
    def fingerprint(self) -> str:
        return self.shows()

    def data(self) -> bytes:
        return as_bytes(self.make())


def as_bytes(data: Data) -> bytes:
    return data if isinstance(data, bytes) else b"".join(data)


def render_site(
    config: Config,
    renderer: Renderer,
    analysed: list[AnalysedBriefing],
    index: SiteIndex,
    unchanged: Unchanged = lambda path, print_: False,
    jobs: int = 1,
    memo: FingerprintMemo | None = None,
) -> PageFiles:
    """Every page and data file of the site, in memory (see :func:`render_pages`)."""
    files = PageFiles()
    render_pages(config, renderer, analysed, index, files, unchanged, jobs, memo)
    return files


def render_pages(
    config: Config,
    renderer: Renderer,
    analysed: list[AnalysedBriefing],
    index: SiteIndex,
    store: Store,
    unchanged: Unchanged = lambda path, print_: False,
    jobs: int = 1,
    memo: FingerprintMemo | None = None,
    *,
    nothing_kept: bool = False,
) -> None:
    """Every page and data file of the site into ``store``, rendered across ``jobs``
    processes. A folder store is written by the processes that render the pages, each page
    as soon as it is rendered: the parent neither holds the site nor writes it alone.

    Pages whose fingerprint ``unchanged(path, fingerprint)`` accepts are kept: the
    published copy is still right. With ``nothing_kept`` (no page can be: a cold build) the
    fingerprints are only recorded, while the workers render."""
    pages = plan_pages(config, renderer, analysed, index, memo)
    alongside = None
    if nothing_kept:
        todo, alongside = pages, partial(_record_fingerprints, pages, unchanged)
    else:
        todo = []
        for page in pages:
            # Fingerprinting what a page shows is far cheaper than rendering it again.
            if unchanged(page.path, page.fingerprint):
                store.keep(page.path)
            else:
                todo.append(page)
    # Compiled here, once, for the worker processes to inherit: each would otherwise compile
    # the layouts again (about 45 ms of a cold build, where the compiled layouts' cache is gone).
    renderer.load({page.layout for page in todo if page.layout})
    tasks = [partial(_write_page, store, page) for page in todo] if store.shared else [p.data for p in todo]
    for page, data in zip(todo, run_each(tasks, jobs, meanwhile=alongside), strict=True):
        if data is None:
            store.wrote(page.path)
        else:
            store.write(page.path, data)


def _record_fingerprints(pages: list[Page], unchanged: Unchanged) -> None:
    for page in pages:
        unchanged(page.path, page.fingerprint)  # records it; nothing is kept in a cold build


def _write_page(store: Store, page: Page) -> None:
    store.write(page.path, page.make())


def plan_pages(config: Config, renderer: Renderer, analysed: list[AnalysedBriefing], index: SiteIndex,
               memo: FingerprintMemo | None = None) -> list[Page]:
    """Every page and data file of the site, with what it shows and how to make it; the
    pages that take longest first, so that no worker is left with one at the end."""
    listed = sorted(analysed, key=lambda a: (a.briefing.date or date.min, a.briefing.slug), reverse=True)
    pages: list[Page] = []

    def page(template: str, path: str, shows: Callable[[], str], **context: Any) -> None:
        pages.append(Page(path, shows, partial(renderer.page_bytes, template, path, **context), template))

    # Fingerprints are worked out when first asked for: a cold build asks while its pages render.
    prints = functools.cache(lambda: SitePrints(analysed, index, memo))
    home_reads, feed_reads = renderer.reads_bodies("index.html"), renderer.reads_bodies("feed.xml")
    listing = functools.cache(lambda: prints().listing(listed, home_reads))
    feed = listing if feed_reads == home_reads else functools.cache(lambda: prints().listing(listed, feed_reads))
    site_map = _sitemap(listed, index)
    speaker_index = renderer.reads("speaker.html", SPEAKER_READS)

    def whole_index() -> str:
        return prints().index

    pages.append(Page("quotes.json", lambda: prints().every_quote,
                      lambda: _json_list("quotes", (quote_record(config, q) for q in index.quotes))))
    pages.append(Page("sources.json", whole_index,
                      lambda: _json_list("sources", (source_record(s) for s in index.sources))))
    page("index.html", "index.html", listing, briefings=listed)
    page("quotes.html", "quotes/index.html", whole_index, index=index)
    page("sources.html", "sources/index.html", whole_index, index=index)
    page("feed.xml", "feed.xml", feed, briefings=listed, updated=_latest(listed))
    page("sitemap.xml", "sitemap.xml", partial(fingerprint, site_map), pages=site_map, updated=_latest(listed))
    def speaker_page(source: SourceEntry) -> str:
        return prints().speaker(source)

    for source in sorted(index.speakers, key=lambda s: len(s.quotes), reverse=True):
        shows = whole_index if speaker_index else partial(speaker_page, source)
        page("speaker.html", f"{source.path}index.html", shows, source=source, index=index)
    pages += briefing_pages(config, renderer, listed, index)
    page("search.html", "search/index.html", _showing(""))
    page("404.html", "404.html", _showing(""))
    robots = f"User-agent: *\nAllow: /\nSitemap: {absolute(config, 'sitemap.xml')}\n".encode()
    pages.append(Page("robots.txt", _showing(fingerprint(robots)), lambda: robots))
    # An asset's name holds the digest of its content.
    pages += [Page(asset.path, _showing(asset.path), asset.source.read_bytes) for asset in renderer.assets.values()]
    return pages


def _showing(fingerprint: str) -> Callable[[], str]:
    return lambda: fingerprint


def briefing_pages(config: Config, renderer: Renderer, items: list[AnalysedBriefing], index: SiteIndex) -> list[Page]:
    """The briefings' own pages."""
    pages = []
    for item in items:
        sources = [index.by_name[s.name] for s in item.analysis.sources if s.name in index.by_name]
        path = f"{item.briefing.slug}/index.html"
        pages.append(Page(path, partial(SitePrints.briefing, item, sources, index),
                          partial(_briefing_page, renderer, config, item, path, sources, index), "briefing.html"))
    return pages


def _briefing_page(renderer: Renderer, config: Config, item: AnalysedBriefing, path: str,
                   sources: list[Any], index: SiteIndex) -> bytes:
    # The body is unpacked here, page by page, never for all briefings at once.
    return renderer.page_bytes("briefing.html", path, item=item, briefing=item.briefing, body=Markup(item.body.html),
                               sources=sources, index=index, json_ld=news_article(config, item))


def render_version(config: Config, layouts: Path, assets: dict[str, Asset]) -> str:
    """Everything every page depends on: config, layouts and assets."""
    templates = sorted((p.relative_to(layouts).as_posix(), p.read_bytes())
                       for p in layouts.rglob("*") if p.is_file() and p.suffix in (".html", ".xml"))
    return fingerprint(repr(config), templates, sorted((k, a.path) for k, a in assets.items()))


def absolute(config: Config, path: str) -> str:
    return config.base_url + path


def modified(item: AnalysedBriefing) -> date | None:
    return item.briefing.get("updated") or item.briefing.date


def _latest(listed: list[AnalysedBriefing]) -> date | None:
    return max((d for d in map(modified, listed) if d), default=None)


def _sitemap(listed: list[AnalysedBriefing], index: SiteIndex) -> list[tuple[str, date | None]]:
    latest = _latest(listed)
    pages = [("", latest), ("quotes/", latest), ("sources/", latest)]
    pages += [(f"{item.briefing.slug}/", modified(item)) for item in listed]
    pages += [(source.path, latest) for source in index.sources if source.quotes]
    return pages


def news_article(config: Config, item: AnalysedBriefing) -> dict[str, Any]:
    """schema.org NewsArticle for the page's JSON-LD."""
    briefing = item.briefing
    url = absolute(config, f"{briefing.slug}/")
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": briefing.title,
        "description": briefing.get("dek") or briefing.title,
        "inLanguage": config.language,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
    }
    if briefing.date:
        data["datePublished"] = briefing.date.isoformat()
        data["dateModified"] = (modified(item) or briefing.date).isoformat()
    if briefing.get("author"):
        data["author"] = {"@type": "Person", "name": briefing.get("author")}
    if briefing.get("translator"):
        data["translator"] = {"@type": "Person", "name": briefing.get("translator")}
    if config.publisher:
        data["publisher"] = {"@type": "Organization", "name": config.publisher}
        data.setdefault("author", {"@type": "Organization", "name": config.publisher})
    return data


def quote_record(config: Config, quote: Any) -> dict[str, Any]:
    return {
        "id": quote.id,
        "text": quote.text,
        "speaker": quote.speaker,
        "article": quote.article,
        "url": absolute(config, quote.path),
        "paragraph": quote.paragraph,
        "section": quote.section,
        "partial": quote.partial,
    }


def source_record(source: Any) -> dict[str, Any]:
    return {
        "id": source.id,
        "name": source.name,
        "kind": source.kind,
        "description": source.description,
        "acronym": source.acronym,
        "articles": [slug for slug, _ in source.articles],
        "quotes": [q.id for q in source.quotes],
    }


def _json_list(key: str, records: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    """``{"key": [records]}``, compact JSON, encoded a thousand records at a time (one C call
    each) and written as it is encoded: at 150,000 quotations the list of record dicts, or
    the whole text, would each be a transient 50 to 100 MB."""
    yield b'{"' + key.encode() + b'":['
    batch: list[dict[str, Any]] = []
    separator = b""
    for record in records:
        batch.append(record)
        if len(batch) == 1000:
            yield separator + _json_items(batch)
            batch, separator = [], b","
    if batch:
        yield separator + _json_items(batch)
    yield b"]}\n"


def _json_items(records: list[dict[str, Any]]) -> bytes:
    return json.dumps(records, ensure_ascii=False, separators=(",", ":"))[1:-1].encode("utf-8")
