#!/usr/bin/env python3
"""Speed, memory and size of the search index (briefing/search.py) on synthetic documents.

    python bench/search_speed.py                  # 1,000 and 10,000 documents
    python bench/search_speed.py --sizes 1000     # only 1,000
    python bench/search_speed.py --sizes --content SITE/content   # a real site's briefings

Documents are made of pseudo-words from a fixed seed, drawn with a Zipf-like frequency (like
running text), about 1,500 words and 600 distinct terms each: a title (weight 8), a dek (4),
three headings (3) and a body (1). Times are medians; targets from the search rewrite's brief.
``--content`` times a site's own briefings in CPU time (the least of several runs, steady on a
busy machine): the search work of a worker per briefing, and the parent's serial share of a cold
build (loading the workers' documents, the fresh update(), the first pickling for the cache).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import pickle
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import long_briefing_text, speaker_pool  # noqa: E402

from briefing.search import SearchDocument, SearchIndex, document_terms  # noqa: E402

VOCABULARY = 60_000
SYLLABLES = ["ka", "ro", "mi", "te", "lu", "san", "dor", "vel", "an", "is", "or", "ten", "bra", "cho",
             "ni", "qua", "est", "lim", "po", "ur", "gen", "ta", "mor", "fi", "sel", "ak", "ven", "do"]


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    words = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))) for _ in range(VOCABULARY * 2)})
    rng.shuffle(words)
    words = words[:VOCABULARY]
    cumulative = list(itertools.accumulate(1 / (rank + 2) ** 1.17 for rank in range(len(words))))
    return words, cumulative


def make_documents(count: int, seed: int = 7) -> list[SearchDocument]:
    rng = random.Random(seed)
    words, cumulative = vocabulary(rng)

    def text(n: int) -> str:
        return " ".join(rng.choices(words, cum_weights=cumulative, k=n))

    return [document(f"briefing-{n:05d}/", text) for n in range(count)]


def document(url: str, text: Callable[[int], str]) -> SearchDocument:
    title, dek = text(8), text(25)
    texts = [(title, 8), (dek, 4), *((text(4), 3) for _ in range(3)), (text(1500), 1)]
    return SearchDocument(url, title, dek, "2026-03-01", document_terms(texts))


def edited(doc: SearchDocument, rng: random.Random) -> SearchDocument:
    """The same document after an editor rewrote a sentence: a few terms come, go or change weight."""
    terms = dict(doc.terms)
    for term in rng.sample(sorted(terms), 6):
        del terms[term]
    for term in rng.sample(sorted(terms), 6):
        terms[term] += 1
    for n in range(6):
        terms[f"zzedit{rng.randrange(10**6)}x{n}"] = 1
    return SearchDocument(doc.url, doc.title, doc.summary, doc.date, tuple(sorted(terms.items())))


def timings_ms(run: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter) -> list[float]:
    times = []
    for _ in range(repeat):
        started = clock()
        run()
        times.append((clock() - started) * 1000)
    return times


def median_ms(run: Callable[[], object], repeat: int) -> float:
    return statistics.median(timings_ms(run, repeat))


def always(path: str) -> bool:
    return True


def report(count: int) -> None:
    print(f"\n{count:,} documents", flush=True)
    *documents, extra = make_documents(count + 1)  # one held back, to be added later
    distinct = statistics.mean(len(d.terms) for d in documents)
    postings = sum(len(d.terms) for d in documents)
    print(f"  {distinct:.0f} distinct terms a document, {postings:,} postings")

    gc.collect()
    gc.disable()  # as in a build (briefing/site.py pauses the collector)
    fresh = median_ms(lambda: SearchIndex().update(documents, always), 5)
    print(f"  fresh update(): {fresh:.0f} ms (median of 5)")

    tracemalloc.start()
    index = SearchIndex()
    files = index.update(documents, always)
    total, count_files = sum(len(data) for data in files.values()), len(files)
    shards = sorted(len(data) for path, data in files.items() if path.startswith("search/terms/"))
    del files
    gc.collect()
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"  files: {len(shards)} shards + {count_files - len(shards) - 1} metadata chunks + manifest, "
          f"{total / 1e6:.1f} MB in all; shards {statistics.median(shards) / 1024:.0f} KB (median), "
          f"{shards[-1] / 1024:.0f} KB (largest)")
    print(f"  SearchIndex in memory: {memory / 1e6:.1f} MB (besides the documents' Terms, which it shares)")

    rng = random.Random(1)
    edits, written = [], []
    for _ in range(20):
        n = rng.randrange(count)
        documents[n] = edited(documents[n], rng)
        started = time.perf_counter()
        files = index.update(documents, always)
        edits.append((time.perf_counter() - started) * 1000)
        written.append(sum(1 for data in files.values() if data is not None))
    print(f"  one document edited (6 terms gone, 6 new, 6 reweighted): update() {statistics.median(edits):.1f} ms "
          f"(median of 20), {statistics.median(written):.0f} files rewritten of {len(files)}")

    add = median_ms(lambda: (index.update([*documents, extra], always), index.update(documents, always)), 5)
    print(f"  one document added then removed: {add / 2:.1f} ms an update (median of 5)")
    files = index.update([*documents, extra], always)
    print(f"  ...files rewritten by the addition: {sum(1 for d in files.values() if d is not None)} "
          f"(a new page's ~600 terms are in most shards)")
    index.update(documents, always)

    first = median_ms(lambda: pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL), 1)
    data = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    dump = median_ms(lambda: pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL), 3)
    load = median_ms(lambda: pickle.loads(data), 3)
    print(f"  pickle: {len(data) / 1e6:.1f} MB, dumps {first:.0f} ms the first time (the terms are compressed "
          f"once, a chunk's pages together), then {dump:.0f} ms; loads {load:.0f} ms (median of 3)")
    tracemalloc.start()
    again = pickle.loads(data)
    print(f"  a loaded index in memory: {tracemalloc.get_traced_memory()[0] / 1e6:.1f} MB (its own copy of the terms, "
          f"until the next update() shares the documents')")
    tracemalloc.stop()
    assert again.update(documents, always) == dict.fromkeys(index.update(documents, always)), "pickled index differs"


def terms_speed() -> None:
    rng = random.Random(3)
    words, cumulative = vocabulary(rng)
    synthetic = " ".join(rng.choices(words, cum_weights=cumulative, k=1500))
    briefing = long_briefing_text(1, random.Random(4), speaker_pool(random.Random(5)))
    body = " ".join(briefing.split("---", 2)[2].split()[:1500])
    for name, text in (("synthetic", synthetic), ("generated briefing", body)):
        words_in = len(text.split())
        ms = median_ms(lambda text=text: document_terms([(text, 1)]), 200)
        print(f"document_terms, {words_in:,}-word {name} text: {ms:.3f} ms (median of 200)")
    accented = body.replace("e", "é").replace("a", "à")
    ms = median_ms(lambda: document_terms([(accented, 1)]), 200)
    print(f"document_terms, same text with accents: {ms:.3f} ms (median of 200)")


def least_cpu_ms(run: Callable[[], object], repeat: int) -> float:
    return min(timings_ms(run, repeat, time.process_time))


def content_speed(folder: Path, language: str = "en") -> None:
    from briefing.content import read_briefing
    from briefing.markup import BodyRenderer
    from briefing.site import search_document

    renderer = BodyRenderer()
    pages = []
    for path in sorted(folder.glob("*.md")):
        briefing, _ = read_briefing(path.read_text(encoding="utf-8"), path)
        if briefing is not None:
            pages.append((briefing, renderer.render(briefing.body)))
    print(f"\n{len(pages):,} briefings of {folder} (CPU time, least of several runs)", flush=True)
    gc.collect()
    gc.disable()
    documents = [search_document(briefing, body, language) for briefing, body in pages]
    worker = least_cpu_ms(lambda: [search_document(briefing, body, language) for briefing, body in pages], 5)
    print(f"  search_document() (document_terms and the digest): {worker / len(pages):.3f} ms a briefing")
    sent = [pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL) for document in documents]
    load = least_cpu_ms(lambda: [pickle.loads(data) for data in sent], 5)
    documents = [pickle.loads(data) for data in sent]  # interned, as the parent holds them
    fresh = least_cpu_ms(lambda: SearchIndex(language).update(documents, always), 5)
    dumps = []
    for _ in range(5):
        index = SearchIndex(language)
        index.update(documents, always)
        dumps.append(least_cpu_ms(lambda index=index: pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL), 1))
    print(f"  parent, serial: loading the documents {load:.1f} ms, fresh update() {fresh:.1f} ms, "
          f"first pickling {min(dumps):.1f} ms ({len(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)) / 1e6:.2f} MB)")
    gc.enable()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--content", type=Path, help="also time the briefings of this content folder")
    arguments = parser.parse_args()
    terms_speed()
    for count in arguments.sizes:
        report(count)
    if arguments.content:
        content_speed(arguments.content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
