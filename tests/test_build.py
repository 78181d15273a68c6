"""End to end: real seeds built into real sites in temporary folders."""

from __future__ import annotations

import json
import re
import shutil

import yaml
from bs4 import BeautifulSoup

from conftest import REAL_GOLD, REAL_SEED, REPO, needs_shared, tree_digest

REAL_SLUG = "opposition-fighters-break-into-aleppo-city-why-now"


def front_matter(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def soup(project, relative: str) -> BeautifulSoup:
    return BeautifulSoup(project.page(relative), "html.parser")


@needs_shared
def test_real_seed_becomes_content_and_a_page(project, run):
    shutil.copy(REAL_SEED, project.seeds)
    result = run("build")
    assert result.code == 0, result.err
    content = project.content / f"{REAL_SLUG}.md"
    meta = front_matter(content)
    assert meta["title"] == "Opposition fighters break into Aleppo city: Why now?"
    assert str(meta["date"]) == "2024-11-29"
    assert meta["dateline"] == "PARIS"
    assert meta["reading_time"] == 5
    assert meta["translator"] == "Mateo Nelson"
    assert meta["original_language"] == "Arabic"
    assert meta["seed"] == REAL_SEED.name and len(meta["seed_sha256"]) == 64

    body = content.read_text(encoding="utf-8").split("---\n", 2)[2]
    assert re.findall(r"^## (.+)$", body, re.M) == ["Why now?", "What comes next?"]
    for noise in ("5 min read", "Share this article", "translated into English by", "\u00a0", "PARIS —"):
        assert noise not in body
    assert all(line == line.rstrip() for line in body.splitlines())

    gold = json.loads(REAL_GOLD.read_text(encoding="utf-8"))
    assert body.lstrip().startswith(gold["first_body_paragraph_starts"])
    page = soup(project, f"{REAL_SLUG}/index.html")
    page_text = page.get_text()
    for quote in gold["quotes"]:  # the words of every quotation survive, marks and brackets included
        assert quote["text"] in page_text, quote["text"]

    headings = page.select(".body h2")
    assert [(h.get_text(), h["id"]) for h in headings] == [("Why now?", "why-now"), ("What comes next?", "what-comes-next")]
    nav = [a["href"] for a in page.select("nav.sections a")]
    assert nav == ["#why-now", "#what-comes-next"]
    paragraph_ids = [p["id"] for p in page.select(".body p")]
    assert paragraph_ids == [f"p-{n}" for n in range(1, len(paragraph_ids) + 1)]
    assert page.select_one("h1").get_text() == meta["title"]
    assert page.select_one("time")["datetime"] == "2024-11-29"
    assert "Mateo Nelson" in page.select_one(".credit").get_text()
    assert page.select_one(".dateline").get_text() == "PARIS"
    for tag in ("article", "header", "nav", "main"):
        assert page.find(tag) is not None


def test_sample_site_builds_from_the_repository(tmp_path, run, monkeypatch):
    site = tmp_path / "site"
    for folder in ("seeds", "content", "layouts"):
        shutil.copytree(REPO / folder, site / folder)
    shutil.copy(REPO / "config.yaml", site)
    before = tree_digest(site / "content")
    monkeypatch.chdir(site)
    result = run("build")
    assert result.code == 0, result.err
    assert tree_digest(site / "content") == before, "the shipped content is already ingested"
    home = BeautifulSoup((site / "output/index.html").read_text(), "html.parser")
    listed = home.select(".briefing-list article")
    assert len(listed) >= 3
    dates = [t["datetime"] for t in home.select(".briefing-list time")]
    assert dates == sorted(dates, reverse=True), "newest first"
    for item in listed:
        link = item.select_one("h2 a")["href"]
        assert (site / "output" / link / "index.html").exists()
        assert item.select_one(".dek") and "min read" in item.get_text()


def test_edits_survive_a_changed_seed(project, run):
    seed = project.seed("dam.txt", "Dam opens\n\nThe dek.\n\n3 November 2031\n\nVARN — First paragraph.\n")
    assert run("build").code == 0
    content = project.content / "dam-opens.md"
    edited = content.read_text().replace("First paragraph.", "First paragraph, edited by an editor.")
    content.write_text(edited)
    seed.write_text(seed.read_text().replace("First paragraph.", "First paragraph, corrected at source."))

    result = run("build")
    assert result.code == 0, result.err
    assert content.read_text() == edited
    update = project.content / "dam-opens.seed-update.md"
    assert "corrected at source" in update.read_text()
    assert "dam-opens.seed-update.md" in result.err and "changed" in result.err
    assert "edited by an editor" in project.page("dam-opens/index.html")
    # The update file is the editor's to merge: it is not a second briefing.
    assert len(BeautifulSoup(project.page("index.html"), "html.parser").select(".briefing-list li")) == 1


def test_an_unedited_file_follows_its_changed_seed(project, run):
    seed = project.seed("dam.txt", "Dam opens\n\nThe dek.\n\n3 November 2031\n\nFirst paragraph.\n")
    assert run("build").code == 0
    seed.write_text(seed.read_text().replace("First paragraph.", "Corrected paragraph."))
    result = run("build")
    assert result.code == 0, result.err
    assert "Corrected paragraph." in (project.content / "dam-opens.md").read_text()
    assert not (project.content / "dam-opens.seed-update.md").exists()


def test_a_second_build_changes_no_content(project, run):
    project.seed("a.txt", "Same title\n\nDek.\n\n1 May 2030\n\nBody A.\n")
    project.seed("b.txt", "Same title\n\nDek.\n\n2 May 2030\n\nBody B.\n")
    assert run("build").code == 0
    assert sorted(p.name for p in project.content.glob("*.md")) == ["same-title-2.md", "same-title.md"]
    before = tree_digest(project.content)
    assert run("build").code == 0
    assert tree_digest(project.content) == before


def test_drafts_are_hidden_unless_asked_for(project, run):
    project.content.mkdir()
    (project.content / "secret.md").write_text("---\ntitle: Secret plan\ndraft: true\n---\nHidden.\n")
    (project.content / "open.md").write_text("---\ntitle: Open letter\n---\nShown.\n")
    assert run("build", "-q").code == 0
    assert not (project.output / "secret").exists()
    assert "Secret plan" not in project.page("index.html")
    assert run("build", "--drafts", "-q").code == 0
    assert "Secret plan" in project.page("secret/index.html")


def bad_input_cases():
    return {
        "broken-yaml": ("content", "bad.md", "---\ntitle: T\ndek: a: b\n---\n", r"content/bad\.md:3: broken YAML"),
        "missing-title": ("content", "bad.md", "---\ndek: D\n---\n", r"content/bad\.md:2: missing `title`"),
        "bad-date": ("content", "bad.md", "---\ntitle: T\ndate: someday\n---\n", r"content/bad\.md:3: `date: someday` is not a date"),
        "duplicate-slug": ("content", "dup.md", "---\ntitle: T\nslug: good\n---\n", r"content/(dup|good)\.md:3: slug `good` is also used by content/(good|dup)\.md"),
        "binary-seed": ("seeds", "bad.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00IHDR" * 10, r"seeds/bad\.txt:1: this is not a text file"),
        "empty-seed": ("seeds", "empty.txt", b"", r"seeds/empty\.txt:1: the seed is empty"),
        "not-utf8-content": ("content", "bad.md", b"---\ntitle: T\n---\ncaf\xe9\n", r"content/bad\.md:4: this line is not UTF-8"),
    }


def test_bad_input_is_reported_and_leaves_output_and_content_untouched(project, run):
    project.content.mkdir()
    (project.content / "good.md").write_text("---\ntitle: Good\nslug: good\n---\nFine.\n")
    assert run("build").code == 0
    for name, (folder, filename, data, pattern) in bad_input_cases().items():
        output_before, content_before = tree_digest(project.output), tree_digest(project.content)
        path = project.root / folder / filename
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        result = run("build")
        assert result.code == 1, name
        assert re.search(pattern, result.err), (name, result.err)
        assert tree_digest(project.output) == output_before, name
        after = tree_digest(project.content)
        assert {k: v for k, v in after.items() if k != filename} == {
            k: v for k, v in content_before.items() if k != filename}, name
        path.unlink()
    assert run("build").code == 0


def test_unknown_key_warns_but_builds(project, run):
    project.content.mkdir()
    (project.content / "x.md").write_text("---\ntitle: T\ncolour: red\n---\nBody.\n")
    result = run("build")
    assert result.code == 0
    assert "content/x.md:3: warning: unknown front-matter key `colour`" in result.err


def test_usage_errors_exit_2_and_help_lists_every_command(run):
    assert run("build", "--no-such-option").code == 2
    result = run("--help")
    assert result.code == 0
    for command in ("build", "serve", "check"):
        assert command in result.out


def test_refuses_to_replace_a_folder_it_did_not_make(project, run):
    precious = project.root / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    result = run("build", "--output", str(precious))
    assert result.code == 1
    assert "refusing to replace this folder" in result.err
    assert (precious / "thesis.txt").read_text() == "years of work"


def test_hostile_seed_text_is_inert_everywhere(project, run):
    project.seed("x.txt", (
        "<script>alert('title')</script> Title\n\nDek <img src=x onerror=alert(1)>.\n\n1 May 2030\n\n"
        "“<b>bold</b> {{ config }} {% if %}” said Eve Hacker, a tester. [x](javascript:alert(1))\n"))
    result = run("build")
    assert result.code == 0, result.err
    for page in project.output.rglob("*.html"):
        html = page.read_text()
        scripts = html.count("<script")
        ours = html.count('<script type="application/ld+json">') + len(re.findall(r'<script src="[./]*static/search\.\w+\.js" defer></script>', html))
        assert scripts == ours, page  # JSON-LD data and the search script, never seed text
        assert "<img" not in html and "<b>" not in html, page
        assert 'href="javascript' not in html, page
    assert "{{ config }}" in project.page("quotes.json") or "{{ config }}" in project.page(
        next(p for p in project.output.iterdir() if p.is_dir() and p.name.startswith("script")).name + "/index.html")
