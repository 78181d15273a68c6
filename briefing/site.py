"""The build, one phase per step: read content, ingest seeds, analyse, render, write."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field

import jinja2

from .analysis import analyse
from .catalog import Catalog, check_unique_slugs, read_catalog
from .config import Config
from .content import SEED_UPDATE_SUFFIX, Briefing, read_briefing
from .corrections import apply_corrections, read_corrections
from .index import AnalysedBriefing, build_index, quote_entries, unify_speakers
from .ingest import ingest
from .lock import build_lock
from .markup import BodyRenderer, Paragraph, QuoteMark
from .output import guard_output, write_site
from .problems import BuildError, Problem, problem
from .render import Renderer, collect_assets, make_environment, render_site
from .search import index_site


@dataclass
class BuildReport:
    briefings: int = 0
    drafts_hidden: int = 0
    quotes: int = 0
    sources: int = 0
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def load_briefings(config: Config, report: BuildReport, *, write_content: bool = True) -> list[Briefing]:
    """Content files, after ingesting new or changed seeds into them.

    With ``write_content`` false (``check``) the fresh conversions are used in memory
    and ``content/`` is left alone."""
    catalog = read_catalog(config.content)
    _stop_on_errors(catalog.problems, report)
    writes, problems = ingest(config.seeds, config.content, catalog.briefings, catalog.hashes,
                              day_first=config.day_first, dry_run=not write_content)
    report.warnings += problems
    report.messages += [w.message for w in writes if w.message]
    changed = {w.path: w.text for w in writes if not w.path.name.endswith(SEED_UPDATE_SUFFIX)}
    if not changed:
        return catalog.briefings
    merged = Catalog([b for b in catalog.briefings if b.path not in changed], {}, [])
    for path, text in changed.items():
        briefing, found = read_briefing(text, path)
        merged.problems.extend(found)
        if briefing is not None:
            merged.briefings.append(briefing)
    check_unique_slugs(merged.briefings, merged.problems)
    _stop_on_errors(merged.problems, report)
    return merged.briefings


def analyse_briefing(briefing: Briefing, renderer: BodyRenderer) -> tuple[AnalysedBriefing, list[Problem]]:
    """Markdown to HTML, quotations and sources found, editors' corrections applied."""
    corrections, problems = read_corrections(briefing.get("attribution"), briefing.front_matter, briefing.path)
    found = {}

    def annotate(paragraphs: list[Paragraph]) -> list[QuoteMark]:
        analysis = analyse([p.text for p in paragraphs])
        analysis, warnings = apply_corrections(analysis, corrections, briefing.path)
        problems.extend(warnings)
        found["analysis"] = analysis
        marks = []
        for number, quote in enumerate(analysis.quotes, start=1):
            for paragraph, start, end in quote.spans:
                marks.append(QuoteMark(paragraph, start, end, f"q-{number}", quote.speaker))
        return marks

    body = renderer.render(briefing.body, annotate)
    analysis = found["analysis"]
    return AnalysedBriefing(briefing, body, analysis, quote_entries(briefing, body, analysis)), problems


def build(config: Config, *, drafts: bool = False, write_content: bool = True) -> BuildReport:
    """Build the whole site into ``config.output``; raises BuildError, output untouched."""
    with build_lock(config.output):
        return _build(config, drafts=drafts, write_content=write_content)


def _build(config: Config, *, drafts: bool, write_content: bool) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    guard_output(config.output)
    briefings = load_briefings(config, report, write_content=write_content)
    shown = [b for b in briefings if drafts or not b.draft]
    report.drafts_hidden = len(briefings) - len(shown)

    body_renderer = BodyRenderer()
    analysed = []
    problems: list[Problem] = []
    for briefing in shown:
        item, found = analyse_briefing(briefing, body_renderer)
        analysed.append(item)
        problems += found
    _stop_on_errors(problems, report)
    unify_speakers(analysed)
    index = build_index(analysed)

    try:
        renderer = Renderer(config, make_environment(config.layouts), collect_assets(config.layouts))
        files = render_site(config, renderer, analysed, index)
    except jinja2.TemplateError as error:
        raise BuildError([template_problem(error, config)]) from None
    write_site(config.output, files, finish=index_site)
    report.briefings = len(analysed)
    report.quotes = len(index.quotes)
    report.sources = len(index.sources)
    report.seconds = time.perf_counter() - started
    return report


def template_problem(error: jinja2.TemplateError, config: Config) -> Problem:
    """Point at the layout line, even for errors raised while rendering."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return problem(config.layouts / (error.name or error.filename or "?"), error.lineno, f"layout error: {error.message}")
    if isinstance(error, jinja2.TemplateNotFound):
        return problem(config.layouts / error.name, 1, "layout not found: restore it from the repository or fix the name")
    frame = traceback.extract_tb(error.__traceback__)
    for entry in reversed(frame):
        if entry.filename.startswith(str(config.layouts)):
            return problem(entry.filename, entry.lineno or 1, f"layout error: {error}")
    return problem(config.layouts, 1, f"layout error: {error}")


def _stop_on_errors(problems: list[Problem], report: BuildReport) -> None:
    errors = [p for p in problems if not p.warning]
    report.warnings += [p for p in problems if p.warning]
    if errors:
        raise BuildError(errors + report.warnings)
