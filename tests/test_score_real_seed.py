"""Score analyse() with the shared scorer: the real seed (read from ../shared, never copied)
and the fictional evaluation articles under tests/fixtures/articles."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.analysis import analyse
from briefing.names import fold

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "000_5b3bb2b894e1d57b.txt"
GOLD = SHARED / "gold" / "000_5b3bb2b894e1d57b.json"
ARTICLES = REPO / "tests" / "fixtures" / "articles"

needs_shared = pytest.mark.skipif(not (SEED.exists() and GOLD.exists()), reason="../shared (seed, gold, scorer) not present")


def body_paragraphs(raw: str, gold: dict) -> list[str]:
    """Body paragraphs of a raw paste: from the first body paragraph on, minus section
    headings, boilerplate and credit lines; trailing (no-break) spaces stripped."""
    lines = [line.replace("\u00a0", " ").strip() for line in raw.splitlines()]
    lines = [line for line in lines if line]
    start = gold.get("first_body_paragraph_starts", "")
    first = next(i for i, line in enumerate(lines) if start in line)
    skip = set(gold.get("sections", [])) | set(gold.get("boilerplate", []))
    translator = (gold.get("meta") or {}).get("translator")
    return [
        line
        for line in lines[first:]
        if line not in skip and not (translator and line.endswith(translator + ".") and "translated" in line)
    ]


def write_quotes(paragraphs: list[str], path: Path) -> None:
    quotes = [{"text": q.text, "speaker": q.speaker} for q in analyse(paragraphs).quotes]
    path.write_text(json.dumps({"quotes": quotes}, ensure_ascii=False), encoding="utf-8")


def run_scorer(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(SHARED / "score.py"), *args, "--json"], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


@needs_shared
def test_real_seed_attributed_f1(tmp_path):
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    write_quotes(body_paragraphs(SEED.read_text(encoding="utf-8"), gold), tmp_path / "quotes.json")
    result = run_scorer(str(GOLD), str(tmp_path / "quotes.json"))
    assert result["attributed_f1"] == 1.0, result
    assert result["non_quotes_predicted"] == 0


@needs_shared
def test_real_seed_sources():
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    result = analyse(body_paragraphs(SEED.read_text(encoding="utf-8"), gold))
    found = {fold(s.name): s for s in result.sources}
    for name, description in gold["sources"]["people"].items():
        assert fold(name) in found, name
        assert found[fold(name)].kind == "person"
        assert fold(found[fold(name)].description) == fold(description)
    for name in gold["sources"]["organizations"]:
        assert fold(name) in found, name
        assert found[fold(name)].kind == "organization"
    assert result.outlets == ("Syria Direct",)


@needs_shared
@pytest.mark.skipif(not any(ARTICLES.glob("*.json")), reason="no evaluation articles yet")
def test_evaluation_articles_micro_f1(tmp_path):
    for gold_path in sorted(ARTICLES.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        raw = gold_path.with_suffix(".txt").read_text(encoding="utf-8")
        write_quotes(body_paragraphs(raw, gold), tmp_path / gold_path.name)
    micro = run_scorer("--all", str(ARTICLES), str(tmp_path))["micro"]
    assert micro["attributed_f1"] >= 0.95, micro
