#!/usr/bin/env python3
"""Speed and sameness of ``briefing.analysis.analyse`` over a fixed corpus.

The corpus, in groups (each an article's list of body paragraphs):

- ``real``: the real seed(s) in ``../shared/seeds`` (read in place, never copied);
- ``seeds``: the repository's ``seeds/*.txt``;
- ``fixtures``: ``tests/fixtures/articles/*.txt``;
- ``content``: the repository's ``content/*.md``;
- ``generated``: 1,000 long briefings from ``bench/generate.py`` (written once into a temporary
  folder and reused);
- ``mutated`` (sameness only, not timed): deterministic distortions of every article above
  (straight quotes, case changes, joined paragraphs, shuffled words and sentences), so that a
  faster analysis has to agree on odd input too, not just on well-formed copy.

    python bench/analysis_speed.py                          # ms per article
    python bench/analysis_speed.py --record /tmp/base.pickle
    python bench/analysis_speed.py --compare /tmp/base.pickle

Three timings per group, in ms per article:

- ``warm``: the median of ``--runs`` passes over the group in this process, so every text has
  been analysed before (the analysis's caches of phrases, names and word chunks hold it);
- ``first pass``: one pass over the group in a fresh process, each text analysed once, as a
  build sees it (caches fill from the earlier texts of the pass, never from the same text);
- ``cold``: the same texts with every cache of the analysis emptied before each article (the
  best of three such passes, per article): unseen text, with nothing to reuse but the
  article's own repetitions.

Timing runs with the cyclic garbage collector disabled, as builds run the analysis.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from briefing.analysis import analyse  # noqa: E402
from briefing.content import read_briefing  # noqa: E402
from briefing.markup import BodyRenderer  # noqa: E402
from briefing.seed import SeedError, decode_seed, parse_seed  # noqa: E402

SHARED_SEEDS = REPO.parent / "shared" / "seeds"
GENERATED = 1000
TIMED = ("real", "seeds", "fixtures", "content", "generated")

Corpus = dict[str, list[tuple[str, list[str]]]]


def seed_paragraphs(path: Path) -> list[str] | None:
    try:
        article = parse_seed(decode_seed(path.read_bytes()))
    except SeedError:
        return None
    return [b.text for b in article.blocks if b.kind == "paragraph"]


def seed_group(paths: list[Path]) -> list[tuple[str, list[str]]]:
    out = []
    for path in sorted(paths):
        paragraphs = seed_paragraphs(path)
        if paragraphs is not None:
            out.append((path.name, paragraphs))
    return out


def content_group(paths: list[Path], renderer: BodyRenderer) -> list[tuple[str, list[str]]]:
    out = []
    for path in sorted(paths):
        briefing, _ = read_briefing(path.read_text(encoding="utf-8"), path)
        if briefing is not None:
            out.append((path.name, [p.text for p in renderer.render(briefing.body).paragraphs]))
    return out


def generated_group(renderer: BodyRenderer) -> list[tuple[str, list[str]]]:
    """1,000 generated long briefings, cached in the temporary folder by generator digest."""
    generator = REPO / "bench" / "generate.py"
    digest = hashlib.sha256(generator.read_bytes()).hexdigest()[:12]
    cache = Path(tempfile.gettempdir()) / f"analysis-speed-{digest}-{GENERATED}.pickle"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    site = Path(tempfile.mkdtemp(prefix="analysis-speed-")) / "site"
    subprocess.run([sys.executable, str(generator), str(site), "--briefings", str(GENERATED)], check=True,
                   stdout=subprocess.DEVNULL)
    group = content_group(list((site / "content").glob("*.md")), renderer)
    cache.write_bytes(pickle.dumps(group))
    return group


def mutations(name: str, paragraphs: list[str], rng: random.Random) -> list[tuple[str, list[str]]]:
    straight = [p.translate(STRAIGHTEN) for p in paragraphs]
    sentences = [s for p in paragraphs for s in p.split(". ")]
    rng.shuffle(sentences)
    words = [p.split() for p in paragraphs]
    for w in words:
        rng.shuffle(w)
    return [
        (name + ":straight", straight),
        (name + ":lower", [p.lower() for p in paragraphs]),
        (name + ":upper", [p.upper() for p in paragraphs]),
        (name + ":joined", [" ".join(paragraphs)]),
        (name + ":sentences", [". ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]),
        (name + ":words", [" ".join(w) for w in words]),
        (name + ":unmarked", [p.translate(UNMARK) for p in paragraphs]),
    ]


STRAIGHTEN = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
UNMARK = str.maketrans({c: None for c in "\u201c\u201d\"\u00ab\u00bb"})


def timed_group(name: str, renderer: BodyRenderer) -> list[tuple[str, list[str]]]:
    if name == "real":
        return seed_group(list(SHARED_SEEDS.glob("*.txt")))
    if name == "seeds":
        return seed_group(list((REPO / "seeds").glob("*.txt")))
    if name == "fixtures":
        return seed_group(list((REPO / "tests" / "fixtures" / "articles").glob("*.txt")))
    if name == "content":
        return content_group(list((REPO / "content").glob("*.md")), renderer)
    return generated_group(renderer)


def corpus() -> Corpus:
    renderer = BodyRenderer()
    groups: Corpus = {name: timed_group(name, renderer) for name in TIMED}
    rng = random.Random(20240611)
    mutated = []
    for group in TIMED:
        for index, (name, paragraphs) in enumerate(groups[group]):
            if group != "generated" or index % 20 == 0:
                mutated.extend(mutations(f"{group}/{name}", paragraphs, rng))
    groups["mutated"] = mutated
    return groups


def time_group(articles: list[tuple[str, list[str]]], runs: int) -> float:
    """Median over runs of the mean ms per article, garbage collector off: warm, as every
    run after the first finds the texts' phrases and chunks already in the caches."""
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(runs):
            start = time.perf_counter()
            for _, paragraphs in articles:
                analyse(paragraphs)
            times.append((time.perf_counter() - start) * 1000 / len(articles))
    finally:
        gc.enable()
    return statistics.median(times)


# Module-level tables the analysis keeps across articles, besides lru_cache wrappers: by name
# (older versions of the code have some of them, and memo dicts of a class named Memo).
CACHE_TABLES = ("_CHUNKS", "_SIGS", "_TOKS")


def empty_caches() -> None:
    """Empty everything the analysis keeps from one article to the next, as in a fresh process."""
    for name, module in list(sys.modules.items()):
        if name != "briefing" and not name.startswith("briefing."):
            continue
        for attr, value in list(vars(module).items()):
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
            elif isinstance(value, dict) and (attr in CACHE_TABLES or type(value).__name__ == "Memo"):
                value.clear()


def cold_times(articles: list[tuple[str, list[str]]], repeats: int = 3) -> tuple[float, float]:
    """(first pass, cold) mean ms per article: call in a fresh process (see the module's
    docstring). Cold takes each article's best of `repeats`, caches emptied before each."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for _, paragraphs in articles:
            analyse(paragraphs)
        first = (time.perf_counter() - start) * 1000 / len(articles)
        best = [float("inf")] * len(articles)
        for _ in range(repeats):
            for i, (_, paragraphs) in enumerate(articles):
                empty_caches()
                start = time.perf_counter()
                analyse(paragraphs)
                best[i] = min(best[i], time.perf_counter() - start)
    finally:
        gc.enable()
    return first, sum(best) * 1000 / len(articles)


def cold_in_fresh_process(group: str) -> tuple[float, float]:
    """cold_times() of a group, measured by a new Python process of this script."""
    out = subprocess.run([sys.executable, __file__, "--cold-worker", group], check=True, capture_output=True, text=True)
    first, cold = json.loads(out.stdout.strip().splitlines()[-1])
    return first, cold


def results(groups: Corpus) -> dict[str, object]:
    return {f"{group}/{name}": analyse(paragraphs) for group, articles in groups.items() for name, paragraphs in articles}


def compare(recorded: dict[str, object], now: dict[str, object]) -> int:
    missing = sorted(set(recorded) ^ set(now))
    assert not missing, f"corpus differs from the recording: {missing[:5]}"
    differing = [key for key in recorded if recorded[key] != now[key]]
    for key in differing[:5]:
        print(f"DIFFERS: {key}\n  was: {recorded[key]}\n  now: {now[key]}", file=sys.stderr)
    assert not differing, f"{len(differing)} of {len(recorded)} results differ"
    return len(recorded)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", type=Path, help="pickle every Analysis result to this file")
    parser.add_argument("--compare", type=Path, help="assert every result equals this recording")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per group (median reported)")
    parser.add_argument("--no-time", action="store_true", help="skip timing")
    parser.add_argument("--cold-worker", metavar="GROUP", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_worker:
        # a fresh process: nothing analysed yet, and only this group to analyse
        print(json.dumps(cold_times(timed_group(args.cold_worker, BodyRenderer()))))
        return 0
    groups = corpus()
    if not args.no_time:
        print(f"{'group':10} {'':14} {'':12}  ms/article: warm (median of {args.runs}), first pass "
              f"(fresh process), cold (caches emptied per article)")
        for group in TIMED:
            articles = groups[group]
            if articles:
                words = statistics.mean(sum(len(p.split()) for p in paras) for _, paras in articles)
                first, cold = cold_in_fresh_process(group)
                median = time_group(articles, args.runs)
                print(f"{group:10} {len(articles):5} articles  {words:6.0f} words  "
                      f"warm {median:7.3f}  first pass {first:7.3f}  cold {cold:7.3f}")
    if args.record or args.compare:
        now = results(groups)
        if args.record:
            args.record.write_bytes(pickle.dumps(now))
            print(f"recorded {len(now)} results to {args.record}")
        if args.compare:
            count = compare(pickle.loads(args.compare.read_bytes()), now)
            print(f"identical: {count} of {count} results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
