"""Site-wide indexes: every quotation by speaker, every source with what cites it.

Pure: analysed briefings in, index data out.  The same canonical name in two
briefings is one speaker and one source.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .analysis import Analysis
from .content import Briefing
from .markup import RenderedBody
from .records import pickled_by_fields
from .slugs import slugify
from .sources import Source


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class QuoteEntry:
    id: str           # site-wide: "<slug>-q<n>"
    anchor: str       # in the briefing page: "q-<n>"
    text: str
    speaker: str
    article: str      # briefing slug
    title: str
    paragraph: str    # paragraph anchor, "p-<n>"
    section: str | None
    partial: bool

    @property
    def path(self) -> str:
        return f"{self.article}/#{self.paragraph}"


@dataclass
class AnalysedBriefing:
    briefing: Briefing
    body: RenderedBody
    analysis: Analysis
    quotes: list[QuoteEntry]
    key: str = ""  # SHA-256 of the content file: what the analysis was made from


@dataclass
class SourceEntry:
    id: str
    name: str
    kind: str
    description: str
    acronym: str | None
    articles: list[tuple[str, str]] = field(default_factory=list)  # (slug, title)
    quotes: list[QuoteEntry] = field(default_factory=list)

    def cite(self, slug: str, title: str) -> None:
        # A set beside the list keeps this constant-time for sources cited thousands of times.
        if slug not in self._slugs:
            self._slugs.add(slug)
            self.articles.append((slug, title))

    def __post_init__(self) -> None:
        self._slugs = {slug for slug, _ in self.articles}

    @property
    def path(self) -> str:
        return f"speakers/{self.id}/"


@dataclass(frozen=True)
class SiteIndex:
    quotes: list[QuoteEntry]
    sources: list[SourceEntry]  # people and organizations, by name
    by_name: dict[str, SourceEntry]

    @property
    def speakers(self) -> list[SourceEntry]:
        return [s for s in self.sources if s.quotes]

    def source(self, name: str) -> SourceEntry | None:
        return self.by_name.get(name)


def quote_entries(briefing: Briefing, body: RenderedBody, analysis: Analysis) -> list[QuoteEntry]:
    entries = []
    for number, quote in enumerate(analysis.quotes, start=1):
        paragraph = body.paragraphs[quote.paragraph] if 0 <= quote.paragraph < len(body.paragraphs) else None
        entries.append(QuoteEntry(
            id=f"{briefing.slug}-q{number}",
            anchor=f"q-{number}",
            text=quote.text,
            speaker=quote.speaker,
            article=briefing.slug,
            title=briefing.title,
            paragraph=paragraph.id if paragraph else "",
            section=paragraph.section if paragraph else None,
            partial=quote.partial,
        ))
    return entries


def unify_speakers(analysed: list[AnalysedBriefing]) -> dict[str, str]:
    """Name a person by their full name everywhere: a briefing that only says "Marek"
    means the "Ilse Marek" of another briefing, when exactly one full name fits.

    Returns the renames, for briefings analysed again later (see :func:`rename_speakers`)."""
    full_names: dict[str, set[str]] = {}
    for item in analysed:
        for source in item.analysis.sources:
            words = source.name.split()
            if source.kind == "person" and len(words) >= 2:
                full_names.setdefault(words[-1], set()).add(source.name)
    renames = {}
    for item in analysed:
        for name in {s.name for s in item.analysis.sources} | {q.speaker for q in item.quotes}:
            candidates = full_names.get(name, set()) if " " not in name else set()
            if len(candidates) == 1:
                renames[name] = next(iter(candidates))
    if renames:
        for item in analysed:
            rename_speakers(item, renames)
    return renames


def rename_speakers(item: AnalysedBriefing, renames: dict[str, str]) -> None:
    """Apply unify_speakers' renames to one briefing (merging sources that now share a name);
    quotations and sources that keep their names are kept as they are."""
    if not renames:
        return
    if any(q.speaker in renames for q in item.quotes):
        item.quotes = [replace(q, speaker=renames[q.speaker]) if q.speaker in renames else q for q in item.quotes]
    sources: dict[str, Source] = {}
    for source in item.analysis.sources:
        name = renames.get(source.name, source.name)
        sources.setdefault(name, replace(source, name=name) if name != source.name else source)
    if tuple(sources.values()) != item.analysis.sources:
        item.analysis = replace(item.analysis, sources=tuple(sources.values()))


def build_index(analysed: list[AnalysedBriefing]) -> SiteIndex:
    """Merge the briefings' quotes and sources; newest briefing first within each list."""
    sources: dict[str, SourceEntry] = {}
    quotes: list[QuoteEntry] = []
    for item in analysed:
        briefing = item.briefing
        for source in item.analysis.sources:
            entry = sources.get(source.name)
            if entry is None:
                entry = sources[source.name] = SourceEntry(
                    _unique_id(source.name, sources), source.name, source.kind, source.description, source.acronym)
            entry.description = max((entry.description, source.description), key=len)
            entry.acronym = entry.acronym or source.acronym
            entry.cite(briefing.slug, briefing.title)
        for quote in item.quotes:
            quotes.append(quote)
            entry = sources.get(quote.speaker)
            if entry is None:  # an editor's correction named someone the text does not describe
                entry = sources[quote.speaker] = SourceEntry(
                    _unique_id(quote.speaker, sources), quote.speaker, "person", "", None)
            entry.cite(briefing.slug, briefing.title)
            entry.quotes.append(quote)
    ordered = sorted(sources.values(), key=lambda s: (s.name.casefold(), s.id))
    return SiteIndex(quotes, ordered, sources)


def _unique_id(name: str, sources: dict[str, SourceEntry]) -> str:
    taken = {s.id for s in sources.values()}
    base = slugify(name)
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate
