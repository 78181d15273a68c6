"""Quote index, source list, their JSON, and editors' attribution corrections, built for real."""

from __future__ import annotations

import json
import re
import shutil
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from conftest import REAL_GOLD, REAL_SEED, needs_shared

REAL_SLUG = "opposition-fighters-break-into-aleppo-city-why-now"


def load(project, name: str) -> dict:
    return json.loads(project.page(name))


def soup(project, relative: str) -> BeautifulSoup:
    return BeautifulSoup(project.page(relative), "html.parser")


def build_real(project, run):
    shutil.copy(REAL_SEED, project.seeds)
    result = run("build")
    assert result.code == 0, result.err
    return result


@needs_shared
def test_quotes_json_follows_the_contract_and_links_to_real_anchors(project, run):
    build_real(project, run)
    quotes = load(project, "quotes.json")["quotes"]
    assert len(quotes) == 32
    page = soup(project, f"{REAL_SLUG}/index.html")
    for quote in quotes:
        assert set(quote) >= {"id", "text", "speaker", "article", "url", "paragraph", "section", "partial"}
        assert quote["article"] == REAL_SLUG
        assert not quote["text"].startswith(("“", '"')) and not quote["text"].endswith(("”", '"'))
        assert urlsplit(quote["url"]).fragment == quote["paragraph"]
        paragraph = page.find(id=quote["paragraph"])
        assert paragraph is not None and paragraph.name == "p"
        assert quote["text"].split("\n")[0][:40] in paragraph.get_text()
    sections = {q["section"] for q in quotes}
    assert sections == {None, "Why now?", "What comes next?"}
    assert len({q["id"] for q in quotes}) == 32
    fragment = next(q for q in quotes if q["text"] == "large")
    assert fragment["partial"] is True
    full = next(q for q in quotes if q["text"].startswith("The situation is foggy"))
    assert full["partial"] is False


@needs_shared
def test_quote_index_groups_by_speaker_with_descriptions(project, run):
    build_real(project, run)
    gold = json.loads(REAL_GOLD.read_text(encoding="utf-8"))
    index = soup(project, "quotes/index.html")
    speakers = {s.select_one("h2").get_text(strip=True): s for s in index.select("section.speaker")}
    assert set(gold["speakers"]) <= set(speakers)
    ghani = speakers["Hassan Abdul Ghani"]
    assert "commander of the opposition Military Operations Department" in ghani.select_one(".description").get_text()
    assert len(ghani.select("blockquote")) == 6
    for link in index.select(".quote-source a"):
        path, _, anchor = link["href"].partition("#")
        assert path == f"../{REAL_SLUG}/" and re.fullmatch(r"p-\d+", anchor)
    assert index.select(".partial"), "fragments are marked as partial"
    speaker_page = soup(project, "speakers/firas-fahham/index.html")
    assert speaker_page.select_one("h1").get_text() == "Firas Fahham"
    assert len(speaker_page.select("blockquote")) == 6


@needs_shared
def test_sources_are_listed_with_descriptions_and_citing_briefings(project, run):
    build_real(project, run)
    gold = json.loads(REAL_GOLD.read_text(encoding="utf-8"))
    sources = {s["name"]: s for s in load(project, "sources.json")["sources"]}
    for name, description in gold["sources"]["people"].items():
        assert sources[name]["kind"] == "person"
        assert sources[name]["articles"] == [REAL_SLUG]
        for part in re.split(r",\s*", description):
            assert part in sources[name]["description"], (name, part)
    for name in gold["sources"]["organizations"]:
        assert sources[name]["kind"] == "organization", name
    assert sources["Syrian Observatory for Human Rights"]["acronym"] == "SOHR"
    assert "Syria Direct" not in sources, "the outlet spoken to is provenance, not a source"
    page = soup(project, "sources/index.html")
    assert "Dimensions for Strategic Studies" in page.get_text()
    assert page.find("a", href=f"../{REAL_SLUG}/")
    briefing = soup(project, f"{REAL_SLUG}/index.html")
    assert "Syria Direct" in briefing.select_one(".provenance").get_text()


@needs_shared
def test_quotations_in_the_body_are_marked_up_with_their_speaker(project, run):
    build_real(project, run)
    page = soup(project, f"{REAL_SLUG}/index.html")
    marks = page.select(".body q")
    assert len(marks) >= 30
    first = marks[0]
    assert first.get_text().startswith("the secure areas")
    assert first["title"] == "Quote from Hassan Abdul Ghani"
    assert first.find_parent("p")["id"] == "p-2"


@needs_shared
def test_editors_correct_attribution_in_front_matter(project, run):
    build_real(project, run)
    content = project.content / f"{REAL_SLUG}.md"
    text = content.read_text(encoding="utf-8")
    corrections = (
        "attribution:\n"
        "  speakers:\n"
        "    Dmitry Peskov: Kremlin spokesperson Dmitry Peskov\n"
        "  descriptions:\n"
        "    Esmail Baghaei: spokesperson, Iranian foreign ministry\n"
        "  quotes:\n"
        "    - match: The situation is foggy\n"
        "      speaker: Someone Else\n"
        "    - match: large\n"
        "      drop: true\n"
        "    - match: words that appear nowhere\n"
        "      drop: true\n"
    )
    content.write_text(text.replace("---\n\n", corrections + "---\n\n", 1), encoding="utf-8")
    result = run("build")
    assert result.code == 0, result.err
    stale_line = corrections.count("\n", 0, corrections.index("words that appear")) + text.index("---\n\n")
    stale_line = text[: text.index("---\n\n")].count("\n") + 1 + corrections[: corrections.index("- match: words")].count("\n")
    assert f"{REAL_SLUG}.md:{stale_line}: warning: quote correction `words that appear nowhere`" in result.err
    quotes = load(project, "quotes.json")["quotes"]
    assert len(quotes) == 31
    assert all(q["text"] != "large" for q in quotes)
    by_text = {q["text"]: q["speaker"] for q in quotes}
    assert by_text["The situation is foggy"] == "Someone Else"
    assert {q["speaker"] for q in quotes if "Syria’s sovereignty" in q["text"]} == {"Kremlin spokesperson Dmitry Peskov"}
    sources = {s["name"]: s for s in load(project, "sources.json")["sources"]}
    assert sources["Esmail Baghaei"]["description"] == "spokesperson, Iranian foreign ministry"
    assert "Someone Else" in sources


def test_the_same_speaker_in_two_briefings_is_one_speaker(project, run):
    project.seed("one.txt", (
        "Dam opens\n\nDek.\n\n1 May 2030\n\n"
        "“We opened the gates at dawn,” said Ilse Marek, director of the river authority.\n"))
    project.seed("two.txt", (
        "Dam closes\n\nDek.\n\n2 May 2030\n\n"
        "The level has dropped, Marek said. “We closed them again tonight,” she added.\n"))
    result = run("build")
    assert result.code == 0, result.err
    speakers = [s for s in load(project, "sources.json")["sources"] if s["name"] == "Ilse Marek"]
    assert len(speakers) == 1
    assert sorted(speakers[0]["articles"]) == ["dam-closes", "dam-opens"]
    assert len(speakers[0]["quotes"]) == 2
    page = soup(project, "speakers/ilse-marek/index.html")
    assert len(page.select("blockquote")) == 2
    assert "director of the river authority" in page.get_text()


def test_a_correction_with_the_wrong_shape_is_an_error_with_its_line(project, run):
    project.content.mkdir()
    (project.content / "x.md").write_text(
        "---\ntitle: T\nattribution:\n  quotes:\n    - match: something\n---\n“Hello there,” said Ann Lee.\n")
    result = run("build")
    assert result.code == 1
    assert "content/x.md:5: give the entry `speaker: Name` or `drop: true`" in result.err


def test_a_quotation_over_two_paragraphs_is_marked_in_both_with_unique_ids(project, run):
    project.seed("one.txt", (
        "Dam opens\n\nDek.\n\n1 May 2030\n\nIlse Marek, director of the river authority, spoke at dawn.\n\n"
        "“We opened the gates before the water reached the town. It was the only choice.\n\n"
        "“Nobody who runs a dam would have waited,” Marek said.\n"))
    assert run("build").code == 0
    marks = soup(project, "dam-opens/index.html").select(".body q")
    assert [m["id"] for m in marks] == ["q-1", "q-1-2"]
    assert {m["title"] for m in marks} == {"Quote from Ilse Marek"}


def test_the_quote_index_shows_a_prolific_speakers_first_quotations_and_links_the_rest(project, run):
    paragraphs = [f"“We will open gate number {n} before the rains,” said Ilse Marek, director of the river authority."
                  if n == 1 else f"“Gate number {n} opens on schedule,” Marek said." for n in range(1, 15)]
    project.content.mkdir()
    (project.content / "gates.md").write_text(
        "---\ntitle: Fourteen gates\ndate: 2031-05-02\n---\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    assert run("build", "-q").code == 0
    index = soup(project, "quotes/index.html")
    marek = next(s for s in index.select("section.speaker") if s.h2.get_text(strip=True) == "Ilse Marek")
    assert [q.get_text(strip=True) for q in marek.select("blockquote")] == [f"{p[1:p.index(',')]}" for p in paragraphs[:12]]
    more = marek.select_one(".more-quotes a")
    assert more.get_text(strip=True) == "All 14 quotations from Ilse Marek"
    assert more["href"] == "../speakers/ilse-marek/"
    assert len(soup(project, "speakers/ilse-marek/index.html").select("blockquote")) == 14


def test_the_source_list_names_a_sources_first_ten_briefings_and_counts_the_rest(project, run):
    project.content.mkdir()
    for number in range(12):
        (project.content / f"gate-{number:02d}.md").write_text(
            f"---\ntitle: Gate {number}\ndate: 2031-05-{number + 1:02d}\n---\n\n"
            f"“Gate {number} opens today,” said Ilse Marek, director of the river authority.\n", encoding="utf-8")
    assert run("build", "-q").code == 0
    entry = soup(project, "sources/index.html").find(id="ilse-marek")
    cited = entry.select_one(".cited")
    assert len([a for a in cited.select("a") if a["href"].startswith("../gate-")]) == 10
    assert "and 2 more briefings" in " ".join(cited.get_text().split())
    assert len(load(project, "sources.json")["sources"][0]["articles"]) == 12
