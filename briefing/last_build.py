"""What the last build in this process made of the whole site, for `serve`'s next edit.

Most edits change one briefing's text and nothing any other page shows: not its front
matter, its sources, its quotations (nor the paragraphs they link to) or its warnings. Then
the site index, the speakers' names and every other page are the same as after the last
build, and a preview rebuild needs only the edited briefings' pages and the search index,
instead of merging and fingerprinting the whole site again (about 100 ms at 1,000
briefings, against a target of 50 ms for the whole rebuild).

Held in memory only (see cache.BuildCache.last_build): it shares the objects of the build
that made it, so it costs almost nothing to keep, and it is worth nothing on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .index import AnalysedBriefing, SiteIndex
from .search import SearchDocument


def shown_beyond_its_page(item: AnalysedBriefing, problems: list[Any]) -> tuple[Any, ...]:
    """All that pages other than the briefing's own can show of it, or that site-wide names
    depend on; taken before the speakers are renamed site-wide."""
    briefing = item.briefing
    return (briefing.slug, briefing.title, briefing.body_line, briefing.meta, item.analysis.sources, item.quotes,
            problems)


@dataclass
class LastBuild:
    settings: str  # the layouts, config and drafts option it was built with
    items: list[AnalysedBriefing]  # in page order, speakers renamed site-wide
    keys: dict[Path, str]  # content file -> the key of what it held
    shown_elsewhere: dict[Path, tuple[Any, ...]]
    documents: list[SearchDocument]  # the briefings' search documents, then the speakers'
    index: SiteIndex
    renames: dict[str, str]

    @classmethod
    def of(cls, settings: str, items: list[AnalysedBriefing], shown_elsewhere: dict[Path, tuple[Any, ...]],
           documents: list[SearchDocument], index: SiteIndex, renames: dict[str, str]) -> LastBuild:
        return cls(settings, items, {item.briefing.path: item.key for item in items}, shown_elsewhere, documents,
                   index, renames)

    def edited(self, settings: str, fresh: list[tuple[AnalysedBriefing, list[Any]]]) -> list[int] | None:
        """The positions of the briefings whose file changed when nothing else on the site
        can have; None when anything else may have (then the whole site is rebuilt)."""
        if settings != self.settings or len(fresh) != len(self.items):
            return None
        edited = []
        for position, (item, problems) in enumerate(fresh):
            path = item.briefing.path
            if self.keys.get(path) == item.key and self.items[position].briefing.path == path:
                continue
            if self.items[position].briefing.path != path:
                return None
            if self.shown_elsewhere.get(path) != shown_beyond_its_page(item, problems):
                return None
            edited.append(position)
        return edited

    def with_edits(self, edited: dict[int, AnalysedBriefing], documents: list[SearchDocument]) -> LastBuild:
        """This build's state: the edited briefings (renamed as before) in place, all else
        shared; what they show elsewhere is unchanged, as edited() found."""
        items, keys, docs = list(self.items), dict(self.keys), list(self.documents)
        for position, item in edited.items():
            items[position], keys[item.briefing.path] = item, item.key
            docs[position] = documents[position]
        return LastBuild(self.settings, items, keys, self.shown_elsewhere, docs, self.index, self.renames)
