"""Search, for real: Pagefind's index built by `build`, queried in headless Chromium.

The site is built into a temporary folder and served by a plain static file server on
127.0.0.1 (no server-side search anywhere); the test types on /search/ like a reader and
follows what the results link to. Also: the index covers the right pages, the search page
and the briefings read fine with JavaScript off, search works under a base_url subfolder,
and a broken Pagefind is a clear `path:line: message` build error that leaves output/ alone.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import REPO, static_host, tree_digest

WAIT_MS = 10_000  # every browser wait is bounded by this
RESULT_LINKS = "pagefind-results a.pf-result-link"


def build_sample(project: Path, output: Path, *options: str) -> Path:
    """The shipped sample site, built by the real command line from copies of the repo's files."""
    from briefing.cli import main

    for folder in ("seeds", "content", "layouts"):
        shutil.copytree(REPO / folder, project / folder)
    shutil.copy(REPO / "config.yaml", project / "config.yaml")
    code = main(["build", "--config", str(project / "config.yaml"), "--output", str(output), "-q", *options])
    assert code == 0, "the sample site did not build"
    return output


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """(site folder, its URL) for the sample site on a static host."""
    project = tmp_path_factory.mktemp("search")
    site = build_sample(project, project / "output")
    with static_host(site) as url:
        yield site, url


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


def search(page: object, url: str, query: str) -> list[str]:
    """Type ``query`` on the search page; the absolute URLs the results link to, best first."""
    page.goto(urljoin(url, "search/"))
    page.get_by_role("searchbox").fill(query)
    page.locator(RESULT_LINKS).first.wait_for()
    return [urljoin(page.url, href) for href in page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.href)")]


def quotes(site: Path) -> list[dict]:
    return json.loads((site / "quotes.json").read_text(encoding="utf-8"))["quotes"]


def test_words_of_a_briefing_find_it_first(hosted: tuple[Path, str], page: object) -> None:
    site, url = hosted
    results = search(page, url, "satellite images")  # only in the Halden Dam briefing's body
    assert results[0] == url + "halden-dam-under-scrutiny-who-opened-the-floodgates/"
    page.locator(RESULT_LINKS).first.click()
    assert page.locator("h1").inner_text() == "Halden Dam under scrutiny: who opened the floodgates?"


def test_a_quotations_words_find_its_briefing_or_speaker(hosted: tuple[Path, str], page: object) -> None:
    site, url = hosted
    quote = max(quotes(site), key=lambda q: len(q["text"]))
    words = " ".join(quote["text"].split()[:6])
    speaker = BeautifulSoup((site / "quotes/index.html").read_text(encoding="utf-8"), "html.parser")
    speaker_path = speaker.find("blockquote", id=quote["id"]).find_parent("section").h2.a["href"]
    briefing = url + urlsplit(quote["url"]).path.lstrip("/")
    wanted = {briefing, urljoin(url + "quotes/", speaker_path)}
    assert wanted & set(search(page, url, words)[:3]), (words, wanted)


def test_a_speakers_name_finds_their_page(hosted: tuple[Path, str], page: object) -> None:
    site, url = hosted
    assert url + "speakers/lenka-marsh/" in search(page, url, "Lenka Marsh")[:2]


def test_index_covers_briefings_speakers_and_sources_only(hosted: tuple[Path, str]) -> None:
    site, _ = hosted
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        indexed = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find(attrs={"data-pagefind-body": True})
        expected = relative not in ("index.html", "404.html", "search/index.html", "quotes/index.html")
        assert bool(indexed) == expected, relative
    briefing = BeautifulSoup((site / "halden-dam-under-scrutiny-who-opened-the-floodgates/index.html")
                             .read_text(encoding="utf-8"), "html.parser")
    assert briefing.find("nav", class_="sections").has_attr("data-pagefind-ignore")
    assert not briefing.find("header", class_="site-header").find_parent(attrs={"data-pagefind-body": True})


def test_every_page_links_the_search_page(hosted: tuple[Path, str]) -> None:
    site, _ = hosted
    for path in ("index.html", "quotes/index.html", "speakers/lenka-marsh/index.html", "404.html"):
        nav = BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser").find("nav", attrs={"aria-label": "Site"})
        assert any(a.get_text() == "Search" for a in nav.find_all("a")), path


def test_without_javascript_search_says_so_and_the_site_still_reads(hosted: tuple[Path, str], browser: object) -> None:
    _, url = hosted
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        page.goto(url + "search/")
        notice = page.locator(".notice")
        assert "Search needs JavaScript" in notice.inner_text()
        assert notice.get_by_role("link", name="quote index").is_visible()
        assert notice.get_by_role("link", name="sources").is_visible()
        page.goto(url + "halden-dam-under-scrutiny-who-opened-the-floodgates/")
        assert page.locator("h1").is_visible()
        assert page.locator("#p-1").inner_text().strip()
    finally:
        context.close()


def test_search_works_under_a_base_url_folder(tmp_path: Path, browser: object) -> None:
    """Published at /briefings/: Pagefind finds its index and links results from its own URL."""
    project = tmp_path / "project"
    project.mkdir()
    host = tmp_path / "host"
    build_sample(project, host / "briefings", "--base-url", "https://example.org/briefings/")
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    try:
        with static_host(host) as root:
            url = root + "briefings/"
            results = search(context.new_page(), url, "satellite images")
            assert results[0] == url + "halden-dam-under-scrutiny-who-opened-the-floodgates/"
    finally:
        context.close()


# --- errors --------------------------------------------------------------------------------

def fake_pagefind(folder: Path, script: str) -> Path:
    path = folder / "pagefind"
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(0o755)
    return path


def test_a_failing_pagefind_is_a_path_line_error_and_output_is_kept(project, run, monkeypatch, tmp_path) -> None:
    project.seed("one.txt", "Dam opens\n\nThe dek.\n\n1 May 2030\n\nThe gates opened.\n")
    assert run("build").code == 0
    before = tree_digest(project.output)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_pagefind(tmp_path, 'echo "Error: disk full in $PWD" >&2; exit 3')))
    project.seed("two.txt", "Dam closes\n\nAnother dek.\n\n2 May 2030\n\nThe gates closed.\n")
    result = run("build")
    assert result.code == 1
    assert "output:1: search index: Pagefind failed (exit 3): Error: disk full in" in result.err
    assert ".staging" not in result.err  # the folder named is the published one
    assert tree_digest(project.output) == before


def test_a_missing_pagefind_points_at_requirements(project, run, monkeypatch, tmp_path) -> None:
    project.seed("one.txt", "Dam opens\n\nThe dek.\n\n1 May 2030\n\nThe gates opened.\n")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    result = run("build")
    assert result.code == 1
    line = next(n for n, text in enumerate((REPO / "requirements.txt").read_text().splitlines(), 1) if text.startswith("pagefind"))
    assert f"requirements.txt:{line}: search index: cannot run Pagefind" in result.err
    assert "pip install -r requirements.txt" in result.err
