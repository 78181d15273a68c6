"""The build, one phase per step: read content, ingest seeds, analyse, render, write."""

from __future__ import annotations

import contextlib
import functools
import gc
import pickle
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import jinja2

from .analysis import Analysis, analyse
from .cache import BuildCache, fingerprint
from .catalog import Catalog, check_unique_slugs, drop_body, read_catalog, with_body
from .config import Config
from .content import SEED_UPDATE_SUFFIX, Briefing, read_briefing
from .corrections import apply_corrections, read_corrections
from .fingerprints import FingerprintMemo
from .index import (
    AnalysedBriefing,
    QuoteEntry,
    SiteIndex,
    SourceEntry,
    build_index,
    quote_entries,
    rename_speakers,
    unify_speakers,
)
from .ingest import ingest, sha256
from .last_build import LastBuild, shown_beyond_its_page
from .lock import build_lock
from .markup import BodyRenderer, Paragraph, QuoteMark, RenderedBody
from .output import MARKER, Staging, files_in_place, guard_output, update_in_place
from .parallel import in_worker, run_each
from .problems import BuildError, Problem
from .render import (
    PageFiles,
    Renderer,
    Unchanged,
    briefing_pages,
    collect_assets,
    layout_problem,
    make_environment,
    render_pages,
    render_site,
    render_version,
)
from .report import BuildReport
from .search import SearchDocument, SearchIndex, document_terms
from .stamp import input_stamp, save_stamp, unchanged_report

Progress = Callable[[int, int], None]


def load_briefings(
    config: Config, report: BuildReport, cache: BuildCache | None = None, *, write_content: bool = True
) -> tuple[list[Briefing], dict[Path, str]]:
    """Content files (with the SHA-256 of each), after ingesting new or changed seeds.

    With ``write_content`` false (``check``) the fresh conversions are used in memory
    and ``content/`` is left alone."""
    catalog = read_catalog(config.content, cache, keep_bodies=False)
    _stop_on_errors(catalog.problems, report)
    if cache is not None and _seeds_unchanged(config, catalog.briefings, cache):
        return catalog.briefings, catalog.hashes
    writes, problems = ingest(config.seeds, config.content, catalog.briefings, catalog.hashes,
                              day_first=config.day_first, dry_run=not write_content)
    report.warnings += problems
    report.messages += [w.message for w in writes if w.message]
    changed = {w.path: w.text for w in writes if not w.path.name.endswith(SEED_UPDATE_SUFFIX)}
    if not changed:
        return catalog.briefings, catalog.hashes
    merged = Catalog([b for b in catalog.briefings if b.path not in changed], dict(catalog.hashes), [])
    for path, text in changed.items():
        briefing, found = read_briefing(text, path)
        merged.problems.extend(found)
        merged.hashes[path] = sha256(text.encode())
        if briefing is not None:
            merged.briefings.append(briefing)
    check_unique_slugs(merged.briefings, merged.problems)
    _stop_on_errors(merged.problems, report)
    return merged.briefings, merged.hashes


def _seeds_unchanged(config: Config, briefings: list[Briefing], cache: BuildCache) -> bool:
    """Every seed already ingested at its current version, judged without reading any seed
    whose stat signature is unchanged; then ingest has nothing to do."""
    if not config.seeds.is_dir():
        return True
    ingested = {b.get("seed"): b.get("seed_sha256") for b in briefings}
    for path in config.seeds.glob("*.txt"):
        if path.name.startswith("."):
            continue
        try:
            digest, _ = cache.file_digest(path)
        except OSError:
            return False  # let ingest report it
        if ingested.get(path.name) != digest:
            return False
    return True


def analyse_briefing(
    briefing: Briefing, renderer: BodyRenderer, language: str, digest: str
) -> tuple[RenderedBody, Analysis, list[Problem], list[QuoteEntry], SearchDocument]:
    """Markdown to HTML, quotations and sources found, editors' corrections applied, and
    the page's entry in the search index."""
    briefing = with_body(briefing, digest)  # read here, in the worker: the parent keeps no texts
    corrections, problems = read_corrections(briefing.get("attribution"), briefing.front_matter, briefing.path)
    found = {}

    def annotate(paragraphs: list[Paragraph]) -> list[QuoteMark]:
        analysis = analyse([p.text for p in paragraphs])
        analysis, warnings = apply_corrections(analysis, corrections, briefing.path)
        problems.extend(warnings)
        found["analysis"] = analysis
        marks = []
        for number, quote in enumerate(analysis.quotes, start=1):
            # A quotation over several paragraphs is marked in each; ids stay unique.
            for part, (paragraph, start, end) in enumerate(quote.spans, start=1):
                mark_id = f"q-{number}" if part == 1 else f"q-{number}-{part}"
                marks.append(QuoteMark(paragraph, start, end, mark_id, quote.speaker))
        return marks

    body = renderer.render(briefing.body, annotate)
    search = search_document(briefing, body, language)
    entries = quote_entries(briefing, body, found["analysis"])
    # The paragraphs were for the analysis and the quote entries; pages need only the HTML.
    body = replace(body, paragraphs=())
    return body, found["analysis"], problems, entries, search


def search_document(briefing: Briefing, body: RenderedBody, language: str) -> SearchDocument:
    """A hit in the title counts most, then the dek, the section headings and the text."""
    texts = [(briefing.title, 8), (str(briefing.get("dek") or ""), 4)]
    texts += [(heading.text, 3) for heading in body.headings]
    texts += [(paragraph.text, 1) for paragraph in body.paragraphs]
    return SearchDocument(f"{briefing.slug}/", briefing.title, str(briefing.get("dek") or ""),
                          briefing.date.isoformat() if briefing.date else "", document_terms(texts, language))


def speaker_document(source: SourceEntry, language: str) -> SearchDocument:
    """A speaker's page is found by their name and description; their quotations are found
    on the briefings that hold them."""
    terms = document_terms([(source.name, 8), (source.acronym or "", 8), (source.description, 4)], language)
    return SearchDocument(source.path, source.name, source.description, "", terms)


def analyse_all(
    briefings: list[Briefing], digests: list[str], jobs: int, progress: Progress | None = None, language: str = "en",
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[Any]:
    """Each briefing's analysis as soon as it is made, across ``jobs`` processes when there are
    enough to be worth it; a result from a worker process comes pickled (see :func:`_analysed`).
    ``meanwhile``: the parent's own work, done while the workers start."""
    renderer = _body_renderer()
    return run_each([partial(_analysed, b, renderer, language, d) for b, d in zip(briefings, digests, strict=True)],
                    jobs, progress, meanwhile)


def _analysed(briefing: Briefing, renderer: BodyRenderer, language: str, digest: str) -> Any:
    """analyse_briefing's result; pickled, in a worker process. It is pickled there anyway to
    reach the parent, and the parent then stores those very bytes instead of pickling the
    result a second time (a second of a 10,000-briefing build)."""
    result = analyse_briefing(briefing, renderer, language, digest)
    return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL) if in_worker() else result


@functools.cache
def _body_renderer() -> BodyRenderer:
    return BodyRenderer()  # one per process: forked workers get their own copy


def build(
    config: Config,
    *,
    drafts: bool = False,
    write_content: bool = True,
    jobs: int = 1,
    use_cache: bool = True,
    progress: Progress | None = None,
    preview: bool = False,
) -> BuildReport:
    """Build the whole site into ``config.output``; raises BuildError, output untouched.

    ``preview`` (for `serve`) updates the folder in place and keeps the cache in memory."""
    with build_lock(config.output), _gc_paused():
        started = time.perf_counter()
        # `serve` is told what changed, and saving the stamp of a preview folder is of no use
        stamp = input_stamp(config, drafts) if use_cache and not preview else None
        report = unchanged_report(config, stamp) if stamp else None
        if report is not None:
            report.seconds = time.perf_counter() - started
            return report
        cache = BuildCache.open(config.root, config.output) if use_cache else None
        report = _build(config, cache, drafts=drafts, write_content=write_content, jobs=jobs, progress=progress,
                        preview=preview)
        if stamp:
            save_stamp(config, stamp, report)
        return report


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """A build allocates millions of short-lived objects and few cycles; the cyclic
    collector would walk the growing heap again and again (about a third of a cold build)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(
    config: Config, cache: BuildCache | None, *, drafts: bool, write_content: bool, jobs: int,
    progress: Progress | None, preview: bool = False,
) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    guard_output(config.output)
    briefings, digests = load_briefings(config, report, cache, write_content=write_content)
    shown = [b for b in briefings if drafts or not b.draft]
    report.drafts_hidden = len(briefings) - len(shown)

    try:
        environment = make_environment(config.layouts, cache.folder / "layouts" if cache and cache.path else None)
        assets = collect_assets(config.layouts)
        version = render_version(config, config.layouts, assets)
    except jinja2.TemplateError as error:
        raise BuildError([layout_problem(error, config.layouts)]) from None
    # The language is in the key: it decides the search terms (stopwords) made with the analysis.
    keys = {b.path: fingerprint(str(b.path), digests.get(b.path, ""), config.language) for b in shown}
    site_print = fingerprint(version, drafts, sorted(keys.values()))
    if cache is not None and cache.site == site_print and (config.output / MARKER).is_file() and cache.summary:
        cache.pages = cache.previous_pages
        cache.save(persist=not preview)
        return _unchanged_report(report, cache.summary, started)

    if cache is not None:  # only those of the current layouts
        cache.layout_facts = {k: v for k, v in cache.layout_facts.items() if k[0] == version}
    renderer = Renderer(config, environment, assets, version, cache.layout_facts if cache is not None else None)
    nothing_kept = cache is None or not cache.previous_pages
    # A cold build renders every page: its layouts are compiled while the workers analyse.
    prepare = partial(_prepare_layouts, renderer) if nothing_kept else None
    analyses = _analyses(shown, keys, digests, cache, jobs, progress, config.language, report, prepare)
    for briefing in briefings:
        drop_body(briefing)  # analysed (or read from an ingest in this build): not needed again
    fresh, problems, documents = [], [], []  # fresh: each briefing as analysed, before renames
    for briefing in shown:
        body, analysis, found, entries, searchable = analyses[keys[briefing.path]]
        documents.append(searchable)
        problems += found
        fresh.append((AnalysedBriefing(briefing, body, analysis, entries, keys[briefing.path]), found))
    _stop_on_errors(problems, report)
    search_index = cache.search if cache is not None else None
    if search_index is None or search_index.language != config.language:
        search_index = SearchIndex(config.language)
    settings = fingerprint(version, drafts)
    last = cache.last_build if cache is not None and preview else None

    def unchanged(path: str, print_: str) -> bool:
        return cache is not None and cache.unchanged_page(path, fingerprint(version, print_), config.output)

    def search_files(documents: list[SearchDocument]) -> dict[str, bytes | None]:
        # A preview folder is written by this process alone: what it holds is known without a stat
        known = files_in_place(config.output) if preview else None
        return search_index.update(documents, published=known.__contains__ if known is not None else
                                   lambda path: (config.output / path).is_file())

    try:
        # `serve`, after an edit that shows on no page but the edited briefing's own
        edited = last.edited(settings, fresh) if last is not None and not _listings_read_bodies(renderer) else None
        if cache is not None and last is not None and edited is not None:
            state = last.with_edits(_renamed({p: fresh[p][0] for p in edited}, last.renames), documents)
            report.pages_written = _preview_edits(config, renderer, cache, state, edited, unchanged, search_files)
            analysed, index = state.items, state.index
        else:
            elsewhere = {item.briefing.path: shown_beyond_its_page(item, found) for item, found in fresh} \
                if preview else {}
            analysed = [item for item, _ in fresh]
            renames = unify_speakers(analysed)
            index = build_index(analysed)
            documents += [speaker_document(source, config.language) for source in index.speakers]
            memo = FingerprintMemo(cache.fingerprint_memo if cache is not None else None)
            state = LastBuild.of(settings, analysed, elsewhere, documents, index, renames) if preview else None
            report.pages_written = _write_site(config, renderer, analysed, index, unchanged, memo,
                                               partial(search_files, documents), jobs=jobs, preview=preview,
                                               nothing_kept=nothing_kept)
            if cache is not None:
                cache.fingerprint_memo = memo.current
    except jinja2.TemplateError as error:
        raise BuildError([layout_problem(error, config.layouts)]) from None
    report.briefings = len(analysed)
    report.quotes = len(index.quotes)
    report.sources = len(index.sources)
    if cache is not None:
        cache.last_build = state
        cache.search = search_index
        cache.site = site_print
        cache.summary = (report.briefings, report.drafts_hidden, report.quotes, report.sources,
                         [w for w in report.warnings])
        cache.save(persist=not preview)
    report.seconds = time.perf_counter() - started
    return report


def _analyses(shown: list[Briefing], keys: dict[Path, str], digests: dict[Path, str], cache: BuildCache | None,
              jobs: int, progress: Progress | None, language: str, report: BuildReport,
              meanwhile: Callable[[], None] | None = None) -> dict[str, Any]:
    """Each shown briefing's analysis by its key: from the cache, or made now (and cached)."""
    analyses = cache.analyses(set(keys.values())) if cache is not None else {}
    todo = [b for b in shown if keys[b.path] not in analyses]
    todo_digests = [digests[b.path] for b in todo]
    made = analyse_all(todo, todo_digests, jobs, progress, language, meanwhile)
    for briefing, result in zip(todo, made, strict=True):
        pickled = None
        if isinstance(result, bytes):  # from a worker, pickled there: stored as it came
            pickled, result = result, pickle.loads(result)  # noqa: S301 - from our own worker
        analyses[keys[briefing.path]] = result
        if cache is not None:
            cache.store_analysis(keys[briefing.path], result, pickled)
    report.changed = len(todo)
    if cache is not None:  # keep what the current briefings need, nothing older
        cache.keep_analyses(set(analyses))
    return analyses


def _prepare_layouts(renderer: Renderer) -> None:
    """Compile the page layouts and learn what the listings read. A broken layout is left for
    the render step, which reports it."""
    with contextlib.suppress(jinja2.TemplateError):
        renderer.prepare()


def _write_site(config: Config, renderer: Renderer, analysed: list[AnalysedBriefing], index: SiteIndex,
                unchanged: Unchanged, memo: FingerprintMemo, search_files: Callable[[], dict[str, bytes | None]], *,
                jobs: int, preview: bool, nothing_kept: bool) -> int:
    """Every page whose fingerprint changed, and the search files; the number written."""
    if preview:  # all in memory, then only the changed files rewritten in place
        files = render_site(config, renderer, analysed, index, unchanged, jobs, memo)
        files.update(search_files())
        update_in_place(config.output, files)
        return sum(1 for data in files.values() if data is not None)
    with Staging(config.output) as staging:  # each page into the staging folder as it is rendered
        render_pages(config, renderer, analysed, index, staging, unchanged, jobs, memo, nothing_kept=nothing_kept)
        # Not while the workers render, though it would save 1-2% of a cold build: the index
        # would grow in the parent while the workers hold their copies (+130 MB at 10,000).
        for path, data in search_files().items():
            staging.put(path, data)
        staging.publish()
    return staging.written


def _listings_read_bodies(renderer: Renderer) -> bool:
    return renderer.reads_bodies("index.html") or renderer.reads_bodies("feed.xml")


def _renamed(items: dict[int, AnalysedBriefing], renames: dict[str, str]) -> dict[int, AnalysedBriefing]:
    for item in items.values():
        rename_speakers(item, renames)
    return items


def _preview_edits(config: Config, renderer: Renderer, cache: BuildCache, state: LastBuild, edited: list[int],
                   unchanged: Unchanged, search_files: Callable[[list[SearchDocument]], dict[str, bytes | None]],
                   ) -> int:
    """The edited briefings' own pages and the search files, in place; every other page
    of the preview stays as the last build left it. The number of files written."""
    cache.pages = dict(cache.previous_pages)
    files = PageFiles(dict.fromkeys(cache.previous_pages))
    for page in briefing_pages(config, renderer, [state.items[position] for position in edited], state.index):
        if not unchanged(page.path, page.fingerprint):
            files.write(page.path, page.data())
    files.update(search_files(state.documents))
    update_in_place(config.output, files)
    return sum(1 for data in files.values() if data is not None)


def _unchanged_report(report: BuildReport, summary: Any, started: float) -> BuildReport:
    report.briefings, report.drafts_hidden, report.quotes, report.sources, warnings = summary
    report.warnings += [w for w in warnings if w not in report.warnings]
    report.unchanged = True
    report.seconds = time.perf_counter() - started
    return report


def _stop_on_errors(problems: list[Problem], report: BuildReport) -> None:
    errors = [p for p in problems if not p.warning]
    report.warnings += [p for p in problems if p.warning]
    if errors:
        raise BuildError(errors + report.warnings)
