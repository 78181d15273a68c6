"""Full-text search: a small static index, updated incrementally, read by ``search.js``.

Why our own: Pagefind (a Rust binary run over the finished site) cost about 3.4 s and 480 MB
per 1,000 pages and re-indexed every page on any edit. This index is built from what the build
already knows (one ``SearchDocument`` per page: url, title, summary, date, weighted terms), lives
in the build cache between builds, and rewrites only the files whose content changed.

Published files, all UTF-8 JSON under ``search/``:

``search/manifest.json``
    ``{"version": 1, "documents": N, "chunk_bits": B, "max_term": 40, "shards": [key, ...],
    "stopwords": [...]}``: what the client reads before anything else.
``search/terms/<file>.json``
    ``{"terms": [t, ...], "lengths": [n, ...], "postings": "<base64>"}``: terms sorted; the
    postings are little-endian uint32, ``n`` per term in order, each ``doc_id * 256 + weight``
    (the term's summed weight in the document, capped at 255) in doc id order.
``search/docs/<c>.json``
    ``{"<doc_id>": [url, title, summary, date], ...}`` for the doc ids with ``id >> B == c``:
    the metadata, fetched only for the results shown.

Terms (``document_terms``, and the same steps in search.js): NFKD, casefold, the combining marks
of ``MARKS`` removed, split into runs of letters and digits, one-character terms dropped,
stopwords dropped on English sites, cut to ``MAX_TERM`` characters.

Shards: a term's shard key is its first two characters, but a key holding more than
``SHARD_POSTINGS`` postings is split by one more character (recursively), children under
``MIN_CHILD_POSTINGS`` staying with the parent. A term lives in the shard of the longest listed
key that is a prefix of it; a prefix query also reads the listed keys that extend the prefix.
File name: the key when it is ``[a-z0-9]+``, else ``_`` and its hex code points joined by ``-``.

Doc ids: a hash of the url in a space of ``64 × (N rounded up to a power of two)`` slots, a
collision taking the next free slot in (slot, url) order. Ids depend on the set of urls alone (a
fresh index reproduces them), and adding or removing a page leaves the other ids, so nearly
every shard, alone; only when N crosses a power of two is everything renumbered.

Scoring (client): a document must hold every query term (the last one as a prefix while
typing); its score is the sum over terms of ``log2(1 + weight) × ln(1 + N / df)``.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import unicodedata
import zlib
from array import array
from base64 import b64encode
from bisect import bisect_left, insort
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from hashlib import blake2b
from itertools import accumulate, repeat
from operator import attrgetter
from typing import Any

FOLDER = "search/"
MANIFEST = FOLDER + "manifest.json"
VERSION = 1
MAX_TERM = 40  # longer "words" (hashes, run-together junk) are cut, on both sides alike
MAX_WEIGHT = 255  # a posting keeps its weight in one byte
SHARD_POSTINGS = 4096  # split a shard above this many postings (about 22 KB of base64)
MIN_CHILD_POSTINGS = 512  # ...into children at least this big; smaller ones stay in the parent
CHUNK_BITS = 10  # a metadata file covers 1,024 doc id slots: about 16-32 documents
LOAD = 64  # doc id slots per document (rounded): few hash collisions, short ids
MAX_SPACE = 1 << 23  # doc_id * 256 + weight stays under 2**32 (uint32)
_LOW_BYTE = 0 if sys.byteorder == "little" else 3  # of a uint32 in memory

# Combining marks dropped after NFKD (search.js lists the same ranges): Latin, Greek and
# Cyrillic accents, Hebrew points, Arabic harakat. Other scripts' marks are kept.
MARKS = ("\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
         "\u064b-\u065f\u0670\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f")
_MARKS = re.compile(f"[{MARKS}]")
_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script (JavaScript: [\p{L}\p{N}]+)
_ASCII_BYTES = bytes(range(128))
_WORD_OR_MARK = re.compile(f"[^\\W_]|[{MARKS}]")  # a letter, a digit or a mark normalise() drops
# Bytes of ASCII text to its lower case letters and digits, every other byte to a space: one
# bytes.translate() does str.lower() and the split on punctuation at once.
_ASCII_FOLD = bytes(c | 0x20 if chr(c).isalpha() else c if chr(c).isdigit() else 32 for c in _ASCII_BYTES) + b" " * 128
_ASCII_ONE_CHARACTER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")  # the words document_terms drops most
_TERM = re.compile(rf"[^\W_]{{2,{MAX_TERM}}}")
_SAFE_KEY = re.compile(r"[a-z0-9]+")

# The most frequent English function words: in nearly every page, so useless for ranking,
# and the longest posting lists. Only for sites whose `language` is English.
ENGLISH_STOPWORDS = frozenset(
    "an and are as at be but by for from had has have he her his in into is it its of on or "
    "she that the their them they this to was we were which with".split())


# --- terms -------------------------------------------------------------------------------------

class Terms(Sequence[tuple[str, int]]):
    """(term, weight) pairs sorted by term, as document_terms() returns them; a weight is at
    least 1 and capped at 255 (a title hit counts 8: more than 255 adds nothing to a rank).

    Stored as interned words and a bytes of weights, since the build cache keeps one per page:
    about 6 KB for a 600-term page, where a tuple of pairs takes about 75 KB. Loaded from a
    pickle, the words stay one string until first asked for: an edit's build loads every
    page's terms and reads few (splitting and interning them all cost 25 ms at 1,000 pages)."""

    __slots__ = ("_words", "_joined", "weights")
    _words: tuple[str, ...] | None
    _joined: str | None  # the words, by newlines, until split into _words
    weights: bytes

    def __init__(self, pairs: Iterable[tuple[str, int]] = ()) -> None:
        ordered = sorted(dict(pairs).items())
        for word, weight in ordered:
            if not (isinstance(word, str) and _TERM.fullmatch(word)) or not (isinstance(weight, int) and weight > 0):
                raise ValueError(f"not a search term and weight (use document_terms): {word!r}, {weight!r}")
        self._set(tuple(sys.intern(word) for word, _ in ordered), bytes(min(w, MAX_WEIGHT) for _, w in ordered))

    @classmethod
    def _of(cls, words: tuple[str, ...], weights: bytes) -> Terms:
        terms = cls.__new__(cls)
        terms._set(words, weights)
        return terms

    def _set(self, words: tuple[str, ...] | None, weights: bytes, joined: str | None = None) -> None:
        object.__setattr__(self, "_words", words)
        object.__setattr__(self, "_joined", joined)
        object.__setattr__(self, "weights", weights)

    @property
    def words(self) -> tuple[str, ...]:
        words = self._words
        if words is None:
            joined = self._joined
            words = tuple(map(sys.intern, joined.split("\n"))) if joined else ()
            object.__setattr__(self, "_words", words)
            object.__setattr__(self, "_joined", None)
        return words

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Terms are immutable")

    def __len__(self) -> int:
        return len(self.words)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return list(zip(self.words[index], self.weights[index], strict=True))
        return self.words[index], self.weights[index]

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return zip(self.words, self.weights, strict=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Terms):
            return self.words == other.words and self.weights == other.weights
        if isinstance(other, tuple | list):
            return list(self) == [tuple(pair) for pair in other]
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.words, self.weights))

    def __repr__(self) -> str:
        return f"Terms({list(self)!r})"

    def __reduce__(self) -> tuple:
        # One string, split and interned again on loading: the cache holds every page's
        # terms, and interned, a word common to 10,000 pages is one string, not 10,000.
        joined = self._joined
        return _terms_from, ("\n".join(self._words or ()) if joined is None else joined, self.weights)


def _terms_from(joined: str, weights: bytes) -> Terms:
    terms = Terms.__new__(Terms)
    terms._set(None, weights, joined)
    return terms


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One searchable page."""

    url: str  # path relative to the site root, e.g. "my-slug/" or "sources/jane-doe/"
    title: str  # the result's link text
    summary: str  # one line under the title (a briefing's dek, a speaker's description)
    date: str  # ISO date "2026-03-01", or ""
    terms: Terms  # document_terms(...); a tuple of (term, weight) pairs is converted
    # A digest of all the above, computed once and pickled with the document, so update()
    # recognises an unchanged document without reading its terms.
    digest: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.terms, Terms):
            object.__setattr__(self, "terms", Terms(self.terms))
        meta = json.dumps([self.url, self.title, self.summary, self.date], ensure_ascii=False)
        data = b"\0".join((meta.encode("utf-8", "surrogatepass"), "\n".join(self.terms.words).encode(),
                           self.terms.weights))
        object.__setattr__(self, "digest", blake2b(data, digest_size=16).digest())


def stopwords(language: str) -> frozenset[str]:
    """The stopwords for a BCP 47 language tag: English only, none for other languages."""
    return ENGLISH_STOPWORDS if language.lower().split("-")[0] == "en" else frozenset()


def normalise(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` (search.js does the same)."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text).casefold())


def _words(text: str) -> list[str]:
    """Every run of letters and digits in ``normalise(text)``, one-letter ones included."""
    # One UTF-8 encoding serves both to find the characters beyond ASCII and to split: the
    # fold maps each byte of a character beyond ASCII to a space, so it parts words.
    data = text.encode("utf-8", "surrogatepass")
    if len(data) != len(text) and _needs_normalising(_beyond_ascii(data)):
        text = normalise(text)
        data = text.encode("utf-8", "surrogatepass")
        if _WORD_OR_MARK.search(_beyond_ascii(data)):
            return _WORD.findall(text)
    return data.translate(_ASCII_FOLD).decode("ascii").split()


def _needs_normalising(beyond: str) -> bool:
    """Whether the characters ``beyond`` ASCII (no ASCII among them) hold a letter, a digit or
    a mark normalise() drops, even once decomposed. Most text beyond ASCII has only
    typographic quotes, dashes and spaces, which part words as ASCII punctuation does: then
    the ASCII split gives the same words as normalising, much faster. True of a concatenation
    exactly when true of one of its parts (decomposition is character by character), so one
    call can clear many texts."""
    # Each distinct character once: a page's thousands of curly quotes are two characters.
    return _WORD_OR_MARK.search(unicodedata.normalize("NFKD", "".join(set(beyond)))) is not None


def _beyond_ascii(data: bytes) -> str:
    """The characters beyond ASCII of UTF-8 ``data``, in a few microseconds."""
    return data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")


def tokens(text: str) -> list[str]:
    """The terms of ``text`` in order: its words of two characters or more, normalised and cut
    to MAX_TERM characters (stopwords included)."""
    return [word[:MAX_TERM] for word in _words(text) if len(word) > 1]


@functools.cache
def _dropped(language: str) -> frozenset[str]:
    """The words document_terms() leaves out: stopwords and (most) one-character words."""
    return stopwords(language) | _ASCII_ONE_CHARACTER


def document_terms(weighted_texts: Iterable[tuple[str, int]], language: str = "en") -> Terms:
    """Each distinct term of the texts with its summed weight (a hit in a text of weight 8
    counts 8, the sum capped at 255), sorted by term. Pure."""
    # The texts of one weight are split in one call, joined by line breaks: a page is a title,
    # a dek, a few headings and tens of paragraphs, and most of the cost is per call. The words
    # are the same as each text's: _words(text) is _WORD.findall(normalise(text)) (its ASCII
    # path is only faster; test_search checks every character), normalise() works character
    # by character (marks are reordered, never across a line break) and keeps line breaks,
    # and a line break parts words.
    by_weight: dict[int, list[str]] = {}
    for text, weight in weighted_texts:
        if text and weight > 0:
            by_weight.setdefault(weight, []).append(text)
    totals: Counter[str] = Counter()
    for weight, texts in by_weight.items():
        words = _words("\n".join(texts))
        if weight == 1:
            totals.update(words)  # counted in C: the body is most of the words
        else:
            for word, n in Counter(words).items():
                totals[word] += n * weight
    # A set difference in C leaves out the stopwords and nearly all one-character words; the
    # others (a letter beyond ASCII alone) and words over MAX_TERM are rare: one pass over the
    # lengths tells whether there are any.
    dropped = _dropped(language)
    kept = totals.keys() - dropped
    lengths = set(map(len, kept))
    if lengths and max(lengths) > MAX_TERM:  # cut, then count again
        cut: Counter[str] = Counter()
        for word, n in totals.items():
            cut[word[:MAX_TERM]] += n
        totals = cut
        kept = totals.keys() - dropped
    # Interned: every page's copy of a common word is one object, in memory and in a pickle.
    ordered = sorted(map(sys.intern, kept))
    if min(lengths, default=2) < 2:  # (cutting leaves the shortest words as they were)
        ordered = [word for word in ordered if len(word) > 1]
    weights = list(map(totals.__getitem__, ordered))
    try:
        packed = bytes(weights)
    except ValueError:  # a weight over 255
        packed = bytes(min(w, MAX_WEIGHT) for w in weights)
    return Terms._of(tuple(ordered), packed)


# --- files and ids -----------------------------------------------------------------------------

@functools.lru_cache(maxsize=1 << 16)  # every update() lists every shard's file
def shard_file(key: str) -> str:
    """The file of a shard key, relative to the output root."""
    name = key if _SAFE_KEY.fullmatch(key) else "_" + "-".join(f"{ord(c):x}" for c in key)
    return f"{FOLDER}terms/{name}.json"


def chunk_file(chunk: int) -> str:
    return f"{FOLDER}docs/{chunk}.json"


def id_space(documents: int) -> int:
    """How many doc id slots: LOAD per document, rounded up to a power of two."""
    return min(MAX_SPACE, LOAD << max(documents - 1, 0).bit_length())


def url_hash(url: str) -> int:
    return int.from_bytes(blake2b(url.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def assign_ids(hashes: dict[str, int], space: int) -> dict[str, int]:
    """Doc ids from url hashes: a function of the set of urls alone, whatever came before."""
    ids: dict[str, int] = {}
    last = -1
    for slot, url in sorted((h % space, url) for url, h in hashes.items()):
        last = max(slot, last + 1)  # ids rise in this order, so the next free slot is here
        ids[url] = last
    return ids


def split_shards(key: str, words: list[str], counts: list[int]) -> list[tuple[str, tuple[str, ...]]]:
    """Shard keys and their terms, given the sorted terms under ``key`` and their posting counts."""
    cumulative = [0, *accumulate(counts)]
    return sorted(_split(key, words, cumulative, 0, len(words)))


def _split(key: str, words: list[str], cumulative: list[int], start: int, end: int) -> list[tuple[str, tuple[str, ...]]]:
    """split_shards() for ``words[start:end]``, the terms under ``key``."""
    if cumulative[end] - cumulative[start] <= SHARD_POSTINGS:
        return [(key, tuple(words[start:end]))]
    depth = len(key) + 1
    own = words[start:start + 1] if len(words[start]) < depth else []  # `key` itself, which sorts first
    shards = []
    # Sorted terms: the terms that extend `key` by the same character are consecutive.
    low = start + len(own)
    while low < end:
        child = words[low][:depth]
        high = bisect_left(words, child + "\U0010ffff", low, end)
        if cumulative[high] - cumulative[low] >= MIN_CHILD_POSTINGS:
            shards += _split(child, words, cumulative, low, high)
        else:
            own += words[low:high]
        low = high
    if own:
        shards.append((key, tuple(sorted(own))))
    return shards


def _little_endian(data: array) -> bytes:
    if sys.byteorder == "big":  # the published bytes are the same on every machine
        data = array(data.typecode, data)
        data.byteswap()
    return data.tobytes()


def _digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=16).digest()


# --- the index ---------------------------------------------------------------------------------

@dataclass(slots=True)
class _Doc:
    id: int
    hash: int  # url_hash(url)
    digest: bytes  # SearchDocument.digest
    fields: tuple[str, str, str, str]  # url, title, summary, date: its metadata entry
    # The terms it was indexed with, for an edit or removal: the caller's Terms (shared, not
    # copied). After loading a pickle, until the next update() shares the caller's again:
    # None, the words being in the _Pack of its chunk and the weights here.
    terms: Terms | None
    weights_: bytes | None = None

    @classmethod
    def of(cls, id_: int, hash_: int, document: SearchDocument) -> _Doc:
        return cls(id_, hash_, document.digest, _fields(document), document.terms)

    def share(self, terms: Terms) -> None:
        """The caller's Terms, equal to ours (same digest): drop our own copy."""
        self.terms, self.weights_ = terms, None

    def replace(self, document: SearchDocument) -> None:
        self.digest, self.fields, self.terms = document.digest, _fields(document), document.terms
        self.weights_ = None

    def weights(self) -> bytes:
        return self.terms.weights if self.terms is not None else self.weights_

    def __getstate__(self) -> tuple:
        return self.id, self.hash, self.digest, self.fields, self.weights()

    def __setstate__(self, state: tuple) -> None:
        self.id, self.hash, self.digest, self.fields, self.weights_ = state
        self.terms = None


class _Pack:
    """The words of one metadata chunk's documents, as the pickle keeps them: compressed
    together, as zlib's cost is largely per call and the same words recur from page to page
    (1,000 generated briefings: 7 ms and 0.3 MB, where each page alone took 25 ms and 0.9 MB)."""

    __slots__ = ("digests", "data", "_joined")

    def __init__(self, digests: tuple[bytes, ...], data: bytes) -> None:
        self.digests = digests  # the documents' digests, in id order
        self.data = data  # their words, by newlines, the documents parted by NULs, compressed
        self._joined: dict[bytes, str] | None = None

    def words(self, digest: bytes) -> list[str]:
        """The words of the document with this digest."""
        if self._joined is None:  # decompressed once, for the first edit or removal in the chunk
            self._joined = dict(zip(self.digests, zlib.decompress(self.data).decode("utf-8").split("\0"), strict=True))
        joined = self._joined[digest]
        return joined.split("\n") if joined else []

    def __getstate__(self) -> tuple:
        return self.digests, self.data

    def __setstate__(self, state: tuple) -> None:
        self.digests, self.data = state
        self._joined = None


class SearchIndex:
    """The site's search index; lives in the build cache between builds (picklable).

    Holds one array of packed postings per term, each document's metadata and terms (the
    caller's Terms object, shared, until pickled) and a 16-byte digest of each published file
    (not the files themselves)."""

    def __init__(self, language: str = "en") -> None:
        self.language = language
        self._outputs: dict[str, bytes] = {}  # path -> digest of what the last update() produced
        self._clear()

    def _clear(self) -> None:
        self._space = 0
        self._docs: dict[str, _Doc] = {}  # url -> its id, metadata and terms
        self._postings: dict[str, array] = {}  # term -> packed postings, in doc id order
        self._shards: dict[str, tuple[str, ...]] = {}  # key -> its terms
        self._root_keys: dict[str, list[str]] = {}  # two-character root -> its shard keys
        self._packs: dict[int, _Pack] = {}  # chunk -> its documents' words, as last pickled

    def update(self, documents: Sequence[SearchDocument],
               published: Callable[[str], bool]) -> dict[str, bytes | None]:
        """Every file of the index (paths relative to the output root) with its bytes, or None
        when it is what the previous update() produced and ``published(path)`` says the output
        still holds it. Same documents, same bytes, whatever updates came before."""
        by_url: dict[str, SearchDocument] = {}
        for document in documents:
            if document.url in by_url:
                raise ValueError(f"two search documents for {document.url!r}")
            by_url[document.url] = document
        try:
            return self._files(self._apply(by_url), published)
        except BaseException:
            self._clear()  # a half-applied update must not survive: the next one starts afresh
            self._outputs = {}
            raise

    # --- applying documents --------------------------------------------------------------------

    def _apply(self, by_url: dict[str, SearchDocument]) -> dict[str, bytes]:
        """Bring the postings up to date; the bytes of every file that may have changed."""
        space = id_space(len(by_url))
        docs = self._docs
        edited = []  # documents whose url is known and whose content is not
        for url, document in by_url.items():
            state = docs.get(url)
            if state is not None:
                if state.digest != document.digest:
                    edited.append(document)
                elif state.terms is not document.terms:
                    state.share(document.terms)
        urls_same = len(by_url) == len(docs) == len(by_url.keys() & docs.keys())
        changed = len(edited) + (0 if urls_same else len(by_url.keys() ^ docs.keys()))
        if space != self._space or changed * 8 > len(by_url):  # starting afresh is simpler and faster
            return self._rebuild(by_url, space)
        touched_terms: set[str] = set()
        touched_chunks: set[int] = set()
        if not urls_same:
            ids = assign_ids({url: docs[url].hash if url in docs else url_hash(url) for url in by_url}, space)
            for url, state in list(docs.items()):
                if url not in by_url or ids[url] != state.id:  # gone, or renumbered: removed, added again
                    self._remove(url, state, touched_terms, touched_chunks)
        for document in edited:
            if document.url in docs:
                self._edit(document, docs[document.url], touched_terms, touched_chunks)
        if not urls_same:
            for url, document in by_url.items():
                if url not in docs:
                    self._add(document, ids[url], touched_terms, touched_chunks)
        roots = {word[:2] for word in touched_terms}
        written = self._write_shards(self._root_members(roots, touched_terms), touched_terms)
        written.update(self._write_chunks(touched_chunks))
        written[MANIFEST] = self._manifest()
        return written

    def _rebuild(self, by_url: dict[str, SearchDocument], space: int) -> dict[str, bytes]:
        self._clear()
        self._space = space
        hashes = {url: url_hash(url) for url in by_url}
        ids = assign_ids(hashes, space)
        words = set().union(*(d.terms.words for d in by_url.values()))
        postings = self._postings = dict(zip(words, map(array, repeat("I", len(words))), strict=True))
        for url in sorted(by_url, key=ids.__getitem__):  # in id order: appending keeps postings sorted
            document, id_ = by_url[url], ids[url]
            self._docs[url] = _Doc.of(id_, hashes[url], document)
            # C-level loops: a cold build appends a million postings. The packed values are
            # made in C too: the id's bytes repeated, each weight put in as the low byte.
            weights = document.terms.weights
            packed = bytearray((id_ << 8).to_bytes(4, sys.byteorder) * len(weights))
            packed[_LOW_BYTE::4] = weights
            deque(map(array.append, map(postings.__getitem__, document.terms.words), array("I", packed)), maxlen=0)
        by_root: dict[str, list[str]] = {}
        for word in words:
            by_root.setdefault(word[:2], []).append(word)
        for members in by_root.values():
            members.sort()
        written = self._write_shards(by_root, None)
        written.update(self._write_chunks({d.id >> CHUNK_BITS for d in self._docs.values()}))
        written[MANIFEST] = self._manifest()
        return written

    def _insert(self, word: str, packed: int) -> None:
        postings = self._postings.get(word)
        if postings is None:
            postings = self._postings[word] = array("I")
        insort(postings, packed)

    def _root_members(self, roots: set[str], touched_terms: set[str]) -> dict[str, list[str]]:
        """The terms of each root now: those of its shards and the touched ones, less those gone."""
        members: dict[str, set[str]] = {root: set() for root in roots}
        for root, words in members.items():
            for key in self._root_keys.get(root, ()):
                words.update(self._shards[key])
        for word in touched_terms:
            if word in self._postings:
                members[word[:2]].add(word)
            else:
                members[word[:2]].discard(word)
        return {root: sorted(words) for root, words in members.items()}

    def _delete(self, word: str, id_: int) -> None:
        postings = self._postings[word]
        del postings[bisect_left(postings, id_ << 8)]
        if not postings:
            del self._postings[word]

    def _add(self, document: SearchDocument, id_: int, touched_terms: set[str], touched_chunks: set[int]) -> None:
        base = id_ << 8
        for word, weight in zip(document.terms.words, document.terms.weights, strict=True):
            self._insert(word, base | weight)
        touched_terms.update(document.terms.words)
        self._docs[document.url] = _Doc.of(id_, url_hash(document.url), document)
        touched_chunks.add(id_ >> CHUNK_BITS)

    def _words(self, state: _Doc) -> Sequence[str]:
        if state.terms is not None:
            return state.terms.words
        return self._packs[state.id >> CHUNK_BITS].words(state.digest)

    def _remove(self, url: str, state: _Doc, touched_terms: set[str], touched_chunks: set[int]) -> None:
        words = self._words(state)
        for word in words:
            self._delete(word, state.id)
        touched_terms.update(words)
        touched_chunks.add(state.id >> CHUNK_BITS)
        del self._docs[url]

    def _edit(self, document: SearchDocument, state: _Doc, touched_terms: set[str], touched_chunks: set[int]) -> None:
        """Change only the postings whose weight changed: an edited paragraph touches few shards."""
        base = state.id << 8
        old = dict(zip(self._words(state), state.weights(), strict=True))
        new = dict(zip(document.terms.words, document.terms.weights, strict=True))
        for word, weight in old.items():
            if new.get(word) != weight:
                self._delete(word, state.id)
                touched_terms.add(word)
        for word, weight in new.items():
            if old.get(word) != weight:
                self._insert(word, base | weight)
                touched_terms.add(word)
        if _fields(document) != state.fields:
            touched_chunks.add(state.id >> CHUNK_BITS)
        state.replace(document)

    # --- serialising ---------------------------------------------------------------------------

    def _write_shards(self, roots: dict[str, list[str]], touched_terms: set[str] | None) -> dict[str, bytes]:
        """Split the given roots (each with its terms, sorted) again; the bytes of each of their
        shards that may have changed (all of them when ``touched_terms`` is None)."""
        written = {}
        postings = self._postings
        for root, members in roots.items():
            before = {key: self._shards.pop(key) for key in self._root_keys.pop(root, [])}
            if not members:
                continue
            counts = list(map(len, map(postings.__getitem__, members)))
            keys = self._root_keys[root] = []
            for key, words in split_shards(root, members, counts):
                keys.append(key)
                self._shards[key] = words
                if touched_terms is None or before.get(key) != words or not touched_terms.isdisjoint(words):
                    written[shard_file(key)] = self._shard_bytes(words)
        return written

    def _shard_bytes(self, words: tuple[str, ...]) -> bytes:
        lists = list(map(self._postings.__getitem__, words))
        joined = array("I")
        deque(map(joined.extend, lists), maxlen=0)
        # Terms are letters and digits (Terms checks): nothing in them needs escaping.
        terms = '","'.join(words)
        lengths = ",".join(map(str, map(len, lists)))
        data = b64encode(_little_endian(joined)).decode("ascii")
        return f'{{"terms":["{terms}"],"lengths":[{lengths}],"postings":"{data}"}}'.encode()

    def _write_chunks(self, chunks: set[int]) -> dict[str, bytes]:
        members: dict[int, list[_Doc]] = {chunk: [] for chunk in chunks}
        for state in self._docs.values():
            if (chunk := state.id >> CHUNK_BITS) in members:
                members[chunk].append(state)
        return {chunk_file(chunk): _chunk_bytes(states) for chunk, states in members.items() if states}

    def _manifest(self) -> bytes:
        return json.dumps({"version": VERSION, "documents": len(self._docs), "chunk_bits": CHUNK_BITS,
                           "max_term": MAX_TERM, "shards": sorted(self._shards),
                           "stopwords": sorted(stopwords(self.language))},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def _files(self, written: dict[str, bytes], published: Callable[[str], bool]) -> dict[str, bytes | None]:
        """Every current file: new bytes where they differ from the last update's, else None
        when the output still holds the file (its bytes again when it does not)."""
        paths: dict[str, str | int | None] = {MANIFEST: None}
        paths.update((shard_file(key), key) for key in self._shards)
        paths.update((chunk_file(chunk), chunk) for chunk in {state.id >> CHUNK_BITS for state in self._docs.values()})
        previous, outputs, files = self._outputs, {}, {}
        for path in sorted(paths):
            data = written.get(path)
            if data is not None:
                digest = _digest(data)
                if previous.get(path) == digest and published(path):
                    data = None
            else:  # not rewritten: the same as last time
                digest = previous[path]
                if not published(path):
                    key = paths[path]
                    data = (self._write_chunks({key})[path] if isinstance(key, int)
                            else self._shard_bytes(self._shards[key]))
            outputs[path] = digest
            files[path] = data
        self._outputs = outputs
        return files

    # --- pickling: what can be derived is rebuilt on load --------------------------------------

    def __getstate__(self) -> dict:
        self._packs = self._packed()
        state = self.__dict__.copy()
        del state["_root_keys"]
        # Tens of thousands of small arrays pickle slowly: one string, one array of lengths
        # and one array of every posting load in a few milliseconds.
        joined = array("I")
        deque(map(joined.extend, self._postings.values()), maxlen=0)
        state["_postings"] = ("\n".join(self._postings), array("I", map(len, self._postings.values())), joined)
        return state

    def _packed(self) -> dict[int, _Pack]:
        """Each chunk's pack: the last one while its documents are the same, else made again."""
        chunks: dict[int, list[_Doc]] = {}
        for state in sorted(self._docs.values(), key=attrgetter("id")):
            chunks.setdefault(state.id >> CHUNK_BITS, []).append(state)
        packs = {}
        for chunk, states in chunks.items():
            digests = tuple(state.digest for state in states)
            pack = self._packs.get(chunk)
            if pack is None or pack.digests != digests:
                joined = "\0".join("\n".join(self._words(state)) for state in states)
                pack = _Pack(digests, zlib.compress(joined.encode("utf-8"), 1))
            packs[chunk] = pack
        return packs

    def __setstate__(self, state: dict) -> None:
        words, lengths, joined = state.pop("_postings")
        self.__dict__.update(state)
        ends = list(accumulate(lengths))
        self._postings = dict(zip(words.split("\n") if words else [],
                                  map(joined.__getitem__, map(slice, [0, *ends[:-1]], ends)), strict=True))
        self._root_keys = {}
        for key, members in sorted(self._shards.items()):
            self._root_keys.setdefault(members[0][:2], []).append(key)


def _fields(document: SearchDocument) -> tuple[str, str, str, str]:
    return document.url, document.title, document.summary, document.date


def _chunk_bytes(states: list[_Doc]) -> bytes:
    """A docs/ chunk: each document's metadata, keyed by its id, in id order."""
    entries = (f'"{s.id}":' + json.dumps(s.fields, ensure_ascii=False)
               for s in sorted(states, key=attrgetter("id")))
    return ("{" + ",".join(entries) + "}").encode("utf-8", "surrogatepass")
