"""What each page of the site shows, hashed: a page whose fingerprint is unchanged since the
last build is kept instead of rendered again.

Each fingerprint covers all its page is given and can show, so an edit re-renders only the
pages whose data it changed: most edits change one briefing's text, and then no listing. A
briefing's quotations and listing entry are fixed by its file (its key) and by the names the
site gives its speakers, so their digests are kept between builds (FingerprintMemo).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from .index import AnalysedBriefing, SiteIndex, SourceEntry

# What leads from a listed briefing to its body: a listing layout that names none of these
# shows only the front matter and the quotations.
BODY_ATTRIBUTES = frozenset({"body", "analysis", "key", "front_matter"})


class FingerprintMemo:
    """Fingerprint parts that depend on one briefing alone, by a digest of its key and the
    site-wide names of its speakers: kept by the build cache, so that an edit fingerprints one
    briefing's quotations again, not the whole site's."""

    def __init__(self, previous: dict[bytes, bytes] | None = None):
        self.previous = previous or {}
        self.current: dict[bytes, bytes] = {}  # what this build used: all the next one needs

    def get(self, key: bytes, make: Callable[[], bytes]) -> bytes:
        value = self.current.get(key)
        if value is None:
            value = self.previous.pop(key, None)  # moved, not copied: one memo in memory at a time
            self.current[key] = value = make() if value is None else value
        return value


class SitePrints:
    """The fingerprints of one build's pages."""

    def __init__(self, analysed: list[AnalysedBriefing], index: SiteIndex, memo: FingerprintMemo | None = None):
        self.memo = memo or FingerprintMemo()
        self._memo_keys = {item.key: _memo_key(item) for item in analysed}
        self.quotes: dict[str, bytes] = {}  # quotation id -> digest of all a page shows of it
        each = []  # per briefing, its quotations' digests: the index lists them in this order
        for item in analysed:
            digests = self.memo.get(b"q" + self._memo_keys[item.key],
                                    lambda item=item: b"".join(map(_quote_digest, item.quotes)))
            each.append(digests)
            self.quotes.update(zip([q.id for q in item.quotes], _split16(digests), strict=True))
        self.every_quote = hashlib.sha256(b"".join(each)).hexdigest()  # quotes.json
        sources = hashlib.sha256()
        for source in index.sources:
            sources.update(_source_digest(source, [q.id for q in source.quotes]))
        self.index = _digest_all([sources.digest(), self.every_quote.encode()])  # a page given the whole index

    def listing(self, listed: list[AnalysedBriefing], reads_bodies: bool) -> str:
        """A page listing ``listed`` (home, feed) with a layout that reads bodies or not."""
        kind = b"b" if reads_bodies else b"l"
        return _digest_all(self.memo.get(kind + self._memo_keys[item.key],
                                         lambda item=item: self._listing_digest(item, reads_bodies))
                           for item in listed)

    def speaker(self, source: SourceEntry) -> str:
        """A speaker page: who they are, where they are cited and their quotations."""
        return _digest_all([_source_digest(source, ()), *(self.quotes[q.id] for q in source.quotes)])

    @staticmethod
    def briefing(item: AnalysedBriefing, sources: list[SourceEntry], index: SiteIndex) -> str:
        """A briefing page: its file, and how the site names its sources and speakers."""
        cited = "\x1e".join([_fields(s.name, s.id, s.kind, s.description, s.acronym, bool(s.quotes)) for s in sources])
        by_name = index.by_name
        speakers = "\x1e".join([f"{q.speaker}\x1f{by_name[q.speaker].id}" if q.speaker in by_name else q.speaker
                                for q in item.quotes])
        return _digest_all([item.key.encode(), _digest16(cited), _digest16(speakers)])

    def _listing_digest(self, item: AnalysedBriefing, reads_bodies: bool) -> bytes:
        """What a listing layout can show of one briefing: all of it (its file's digest) when
        the layout reads bodies; else its front matter and its quotations."""
        briefing = item.briefing
        if reads_bodies:
            line = f"{briefing.slug} {item.key} {len(item.quotes)}"
        else:
            line = "\x1f".join((briefing.slug, str(briefing.path), briefing.title, str(briefing.body_line),
                                repr(briefing.meta), _digest_all(self.quotes[q.id] for q in item.quotes)))
        return _digest16(line)


def _source_digest(source: SourceEntry, quote_ids: Iterable[str]) -> bytes:
    """What a page can show of a source: who it is, the briefings that cite it (slug and
    title) and, given ``quote_ids``, which quotations are its own."""
    articles = "\x1e".join(f"{slug}\x1d{title}" for slug, title in source.articles)
    return _digest16(_fields(source.id, source.name, source.kind, source.description, source.acronym, articles,
                             "\x1e".join(quote_ids)))


def _fields(*values: Any) -> str:
    """One string of several values, each kept apart (None apart from "None")."""
    return "\x1f".join(["\x00" if value is None else str(value) for value in values])


def _split16(digests: bytes) -> list[bytes]:
    return [digests[at:at + 16] for at in range(0, len(digests), 16)]


def _quote_digest(quote: Any) -> bytes:
    """A digest of every field a page or quotes.json can show of a quotation: 16 bytes kept
    per quotation, where its text would be 300 (45 MB at 150,000 quotations)."""
    return _digest16("\x1f".join((quote.id, quote.anchor, quote.text, quote.speaker, quote.article, quote.title,
                                  quote.paragraph, repr(quote.section), repr(quote.partial))))


def _memo_key(item: AnalysedBriefing) -> bytes:
    return _digest16("\x1f".join([item.key, *(q.speaker for q in item.quotes)]))


def _digest16(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _digest_all(digests: Iterable[bytes]) -> str:
    return hashlib.sha256(b"".join(digests)).hexdigest()
