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

    python bench/analysis_speed.py                          # ms per article, median of 5
    python bench/analysis_speed.py --record /tmp/base.pickle
    python bench/analysis_speed.py --compare /tmp/base.pickle

Timing runs with the cyclic garbage collector disabled, as builds run the analysis.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
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


def corpus() -> Corpus:
    renderer = BodyRenderer()
    groups: Corpus = {
        "real": seed_group(list(SHARED_SEEDS.glob("*.txt"))),
        "seeds": seed_group(list((REPO / "seeds").glob("*.txt"))),
        "fixtures": seed_group(list((REPO / "tests" / "fixtures" / "articles").glob("*.txt"))),
        "content": content_group(list((REPO / "content").glob("*.md")), renderer),
        "generated": generated_group(renderer),
    }
    rng = random.Random(20240611)
    mutated = []
    for group in TIMED:
        for index, (name, paragraphs) in enumerate(groups[group]):
            if group != "generated" or index % 20 == 0:
                mutated.extend(mutations(f"{group}/{name}", paragraphs, rng))
    groups["mutated"] = mutated
    return groups


def time_group(articles: list[tuple[str, list[str]]], runs: int) -> tuple[float, float]:
    """(first run, median over runs) of the mean ms per article, garbage collector off. The
    first run is what a cold build sees: the analysis caches phrases and names across
    articles, and later runs find this corpus's already there."""
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
    return times[0], statistics.median(times)


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
    args = parser.parse_args()
    groups = corpus()
    if not args.no_time:
        for group in TIMED:
            articles = groups[group]
            if articles:
                words = statistics.mean(sum(len(p.split()) for p in paras) for _, paras in articles)
                first, median = time_group(articles, args.runs)
                print(f"{group:10} {len(articles):5} articles  {words:6.0f} words  "
                      f"{median:7.3f} ms/article (median of {args.runs}; first run {first:.3f})")
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
