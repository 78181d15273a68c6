"""Search, for real: our static index (briefing/search.py) and its client (search.js).

Unit tests: the terms of a text (case, accents, stopwords, numbers), and the index files,
which after any sequence of updates are byte for byte a fresh index's, with None only for
files that are unchanged and still published. Then the sample site is built by the real
command line into a temporary folder, served by a plain static file server on 127.0.0.1 (no
server-side search anywhere) and searched in headless Chromium like a reader would: typing,
prefixes, no results, a ?q= link, more results, a base_url subfolder, JavaScript off, and
untrusted titles shown as text.
"""

from __future__ import annotations

import base64
import contextlib
import json
import pickle
import random
import re
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from briefing import search
from briefing.search import SearchDocument, SearchIndex, Terms, document_terms, tokens
from conftest import REPO, static_host

WAIT_MS = 10_000  # every browser wait is bounded by this
RESULT_LINKS = "#search-results a"
STATUS = "#search-status"


# --- terms -----------------------------------------------------------------------------------

def test_terms_sum_weights_and_are_sorted() -> None:
    terms = document_terms([("Dam opens", 8), ("The dam, the river and the dam.", 1)])
    assert terms == (("dam", 10), ("opens", 8), ("river", 1))
    assert list(terms) == [("dam", 10), ("opens", 8), ("river", 1)]
    assert isinstance(terms, Terms) and len(terms) == 3 and terms[0] == ("dam", 10)


def test_terms_fold_case_and_accents_keep_numbers_and_drop_one_letter_words() -> None:
    text = "CAFÉ Café café Straße ÉCOLE naïve São Paulo 2031 a b 7 x1 al-Assad snake_case"
    assert dict(document_terms([(text, 1)])) == {
        "cafe": 3, "strasse": 1, "ecole": 1, "naive": 1, "sao": 1, "paulo": 1, "2031": 1, "x1": 1,
        "al": 1, "assad": 1, "snake": 1, "case": 1}


def test_terms_of_other_scripts() -> None:
    # Arabic vowel marks are optional in text, so they are dropped; Greek accents and final sigma fold.
    assert tokens("مَدْرَسَة مدرسة") == ["مدرسة", "مدرسة"]
    assert tokens("ΟΔΟΣ Οδός") == ["οδοσ", "οδοσ"]
    assert tokens("東京 tokyo") == ["東京", "tokyo"]


def test_the_fast_ascii_path_finds_the_same_words_as_full_normalisation() -> None:
    """Text beyond ASCII is split as ASCII when that changes nothing; check it never does."""
    samples = ["He said “no” — twice…", "l’été « chaud »", "25℃ ™ №5 ½", "ﬁne cafe\u0301s", "x\u00a0y\u2028z",
               "Ø ø Æ ł İstanbul", "ΟΔΟΣ", "مَدْرَسَة", "東京 tokyo", "bad \udc80 surrogate", "a_b-c'd"]
    alphabet = "abcXYZ019 -_.,'\"“”’«»—–…\u00a0\u2009éÉàüßẞçøıİ\u0301\u0308ﬁ½²™℃№ΣσςΩ日本مدَ\u064b\u0915\u093f\U0001f600"
    rng = random.Random(2)
    samples += ["".join(rng.choices(alphabet, k=rng.randint(1, 40))) for _ in range(3000)]
    for text in samples:
        assert search._words(text) == search._WORD.findall(search.normalise(text)), repr(text)


def test_every_character_splits_words_alike_on_both_paths() -> None:
    """What document_terms relies on to split a page's texts joined, in one call: the ASCII path
    of _words() takes a character beyond ASCII as a separator when it does not need
    normalising, so normalise() must make it separators only (never nothing, never a letter or
    a digit), and normalise() never gives an ASCII capital (the ASCII path lower-cases)."""
    wrong = []
    for code in range(0x80, 0x110000):
        character = chr(code)
        normal = search.normalise(character)
        if re.search("[A-Z]", normal) or (not search._needs_normalising(character)
                                          and (not normal or search._WORD.search(normal))):
            wrong.append(f"U+{code:04X}")
    assert not wrong


def test_texts_joined_give_the_terms_of_each() -> None:
    rng = random.Random(3)
    alphabet = "abcXYZ019 -_.,'\"“”’«»—–…\u00a0éÉàüßẞçøıİ\u0301\u0308\u0345ﬁ½²™№ΣσςΩ日本مدَ\u064b\u0915\u093f\U0001f600\n"
    for _ in range(300):
        texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 30))) for _ in range(rng.randint(1, 6))]
        expected: dict[str, int] = {}
        for text in texts:
            for term, weight in document_terms([(text, 1)], "fr"):
                expected[term] = expected.get(term, 0) + weight
        assert dict(document_terms([(text, 1) for text in texts], "fr")) == expected, texts


def test_stopwords_only_on_english_sites() -> None:
    text = "The river and the dam"
    assert dict(document_terms([(text, 1)])) == {"river": 1, "dam": 1}
    assert dict(document_terms([(text, 1)], "en-GB")) == {"river": 1, "dam": 1}
    assert dict(document_terms([(text, 1)], "fr")) == {"the": 2, "river": 1, "and": 1, "dam": 1}


def test_long_words_are_cut_and_weights_capped() -> None:
    word = "x" * 1000
    assert dict(document_terms([(word, 1)])) == {"x" * search.MAX_TERM: 1}
    assert dict(document_terms([("dam", 300)])) == {"dam": 255}


def test_cut_words_add_up_and_one_character_words_of_any_script_are_dropped() -> None:
    long = "x" * search.MAX_TERM
    terms = document_terms([(f"{long}y {long} ab ø 東 é 7 Ω", 1), (f"{long}z", 300)])
    assert dict(terms) == {"ab": 1, long: 255}
    assert dict(document_terms([("ø 東 x", 1)])) == {}


def test_terms_are_compact_immutable_and_pickle() -> None:
    terms = document_terms([("Dam opens on the river", 1)])
    assert pickle.loads(pickle.dumps(terms)) == terms
    with pytest.raises(AttributeError):
        terms.words = ()
    assert Terms([("river", 2), ("dam", 1)]) == (("dam", 1), ("river", 2))
    for bad in ([("a b", 1)], [('x"y', 1)], [("d", 1)], [("dam", 0)], [("dam", "1")]):
        with pytest.raises(ValueError):
            Terms(bad)
    # A tuple of pairs is accepted where Terms are expected.
    assert SearchDocument("a/", "A", "", "", (("dam", 1),)).terms == Terms([("dam", 1)])


def test_terms_loaded_from_a_pickle_are_the_same_whether_read_or_not() -> None:
    terms = document_terms([("Floodwater reached the old river bridge on Friday night", 1)])
    data = pickle.dumps(terms)
    unread = pickle.loads(data)
    assert pickle.dumps(unread) == data  # pickled again before its words were ever read
    read = pickle.loads(data)
    assert read.words == terms.words and all(a is b for a, b in zip(read.words, terms.words, strict=True))  # interned
    assert read == terms and hash(read) == hash(terms) and list(read) == list(terms)
    assert pickle.dumps(read) == data
    empty = pickle.loads(pickle.dumps(Terms()))
    assert empty.words == () and len(empty) == 0


# --- the index files -------------------------------------------------------------------------

def doc(url: str, text: str, title: str | None = None, date: str = "2030-05-01") -> SearchDocument:
    title = title or url.strip("/").title()
    return SearchDocument(url, title, f"About {title}", date, document_terms([(title, 8), (text, 1)]))


def always(path: str) -> bool:
    return True


def never(path: str) -> bool:
    return False


def fresh(documents: list[SearchDocument]) -> dict[str, bytes]:
    return SearchIndex().update(documents, always)


def contents(files: dict[str, bytes | None], before: dict[str, bytes]) -> dict[str, bytes]:
    """The output folder after writing ``files`` over ``before`` (None keeps the old file)."""
    return {path: before[path] if data is None else data for path, data in files.items()}


def postings(files: dict[str, bytes], term: str) -> dict[str, int]:
    """url -> weight for a term, read from the files the way search.js reads them."""
    manifest = json.loads(files["search/manifest.json"])
    keys = [k for k in manifest["shards"] if term.startswith(k)]
    if not keys:
        return {}
    shard = json.loads(files[search.shard_file(max(keys, key=len))])
    data = base64.b64decode(shard["postings"])
    packed = struct.unpack(f"<{len(data) // 4}I", data)
    found, offset = {}, 0
    for word, length in zip(shard["terms"], shard["lengths"], strict=True):
        if word == term:
            for value in packed[offset:offset + length]:
                chunk = json.loads(files[search.chunk_file(value >> 8 >> manifest["chunk_bits"])])
                found[chunk[str(value >> 8)][0]] = value & 255
        offset += length
    return found


CORPUS = [
    doc("halden-dam/", "Satellite images show the spillway of the dam opened early", "Halden Dam under scrutiny"),
    doc("varn-floods/", "The Orrin river burst its banks and flooded Varn", "Floodwaters swamp Varn"),
    doc("speakers/lenka-marsh/", "hydrologist at the University of Varn", "Lenka Marsh", date=""),
    doc("sources/", "every person and organization cited", "Sources"),
]


def test_the_files_describe_the_documents() -> None:
    files = fresh(CORPUS)
    assert all(path.startswith("search/") and data for path, data in files.items())
    manifest = json.loads(files["search/manifest.json"])
    assert manifest["documents"] == 4 and manifest["version"] == 1
    assert "the" in manifest["stopwords"] and postings(files, "the") == {}
    assert postings(files, "satellite") == {"halden-dam/": 1}
    assert postings(files, "dam") == {"halden-dam/": 9}  # title 8 + body 1
    assert postings(files, "varn") == {"varn-floods/": 9, "speakers/lenka-marsh/": 1}
    entries = {}
    for path, data in files.items():
        if path.startswith("search/docs/"):
            entries.update(json.loads(data))
    assert sorted(entries.values()) == sorted([d.url, d.title, d.summary, d.date] for d in CORPUS)


def test_the_order_of_documents_does_not_matter() -> None:
    assert fresh(CORPUS) == fresh(CORPUS[::-1])


def test_two_documents_with_one_url_are_refused() -> None:
    with pytest.raises(ValueError, match="halden-dam/"):
        fresh([*CORPUS, CORPUS[0]])


def random_text(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choices(words, k=rng.randint(0, 60)))


@pytest.mark.parametrize("small_shards", [False, True])
def test_any_sequence_of_updates_ends_byte_identical_to_a_fresh_index(monkeypatch, small_shards: bool) -> None:
    """Adds, edits (text, title, date), removals, many at once, and sizes crossing a power of
    two (every id changes); with tiny shards, shards split and merge as they grow and shrink."""
    if small_shards:
        monkeypatch.setattr(search, "SHARD_POSTINGS", 12)
        monkeypatch.setattr(search, "MIN_CHILD_POSTINGS", 3)
    rng = random.Random(5)
    words = [f"{a}{b}{c}" for a in "abc" for b in "aeiou" for c in "nrst"] + ["ca", "co", "con", "cone", "été"]
    documents = {f"page-{n}/": doc(f"page-{n}/", random_text(rng, words)) for n in range(20)}
    index = SearchIndex()
    output = contents(index.update(list(documents.values()), never), {})
    for step in range(60):
        for _ in range(rng.choice([1, 1, 1, 2, 5])):
            action, url = rng.random(), f"page-{rng.randrange(40)}/"
            if action < 0.3 and url in documents:
                del documents[url]
            elif action < 0.5:
                documents[url] = doc(url, random_text(rng, words), title=rng.choice(["Dam", "River", url]))
            else:
                documents[url] = doc(url, random_text(rng, words))
        if step % 10 == 9:  # the build cache: the index is pickled and loaded between builds
            index = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
        listed = list(documents.values())
        rng.shuffle(listed)
        files = index.update(listed, output.__contains__)
        output = contents(files, output)
        assert output == fresh(listed), step
    if small_shards:
        assert any(len(key) > 2 for key in json.loads(output["search/manifest.json"])["shards"])


def test_a_loaded_index_finds_its_old_words_in_the_packs_of_its_chunks() -> None:
    """The pickle keeps each metadata chunk's words compressed together; pickled again without
    an update (the same packs), then edited and cut down, it ends as a fresh index."""
    documents = [doc(f"page-{n}/", f"river{n} dam{n % 3} common words") for n in range(40)]
    index = SearchIndex()
    output = contents(index.update(documents, always), {})
    packs = {chunk: pack.data for chunk, pack in index._packed().items()}
    assert len(packs) == sum(path.startswith("search/docs/") for path in output)
    index = pickle.loads(pickle.dumps(pickle.loads(pickle.dumps(index)), protocol=pickle.HIGHEST_PROTOCOL))
    assert {chunk: pack.data for chunk, pack in index._packs.items()} == packs
    assert all(state.terms is None for state in index._docs.values())
    documents[5] = doc("page-5/", "river5 dam2 other words")
    documents[9] = doc("page-9/", "river9 dam0 common words", title="Retitled")
    del documents[30]  # few changes, the same id space: updated in place, not rebuilt
    output = contents(index.update(documents, output.__contains__), output)
    assert output == fresh(documents)
    assert sum(pack._joined is not None for pack in index._packs.values()) in (1, 2, 3)
    index = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    del documents[:2]
    assert contents(index.update(documents, output.__contains__), output) == fresh(documents)


def test_an_edit_rewrites_only_the_files_it_changes() -> None:
    documents = [doc(f"page-{n}/", f"river{n} dam{n} common words here") for n in range(30)]
    index = SearchIndex()
    first = index.update(documents, always)
    assert all(data is not None for data in first.values())  # a fresh index writes everything
    assert all(data is None for data in index.update(documents, always).values())  # nothing changed
    documents[3] = doc("page-3/", "river3 dam3 common words here and zebra")
    files = index.update(documents, always)
    written = {path for path, data in files.items() if data is not None}
    assert written == {search.shard_file("ze"), "search/manifest.json"}  # the new term's shard and the shard list
    assert set(files) == set(first) | {search.shard_file("ze")}
    documents[3] = doc("page-3/", "river3 dam3 common words here and zebra", title="Common words")
    written = {path for path, data in index.update(documents, always).items() if data is not None}
    chunk = next(p for p, data in first.items() if p.startswith("search/docs/") and b'"page-3/"' in data)
    assert written == {search.shard_file("co"), search.shard_file("wo"), search.shard_file("pa"), chunk}


def test_unchanged_files_missing_from_the_output_are_written_again() -> None:
    index = SearchIndex()
    first = index.update(CORPUS, always)
    lost = search.shard_file("sa")
    files = index.update(CORPUS, lambda path: path != lost)
    assert files[lost] == first[lost]
    assert all(data is None for path, data in files.items() if path != lost)


def test_a_failed_update_leaves_an_index_that_rebuilds_from_scratch() -> None:
    index = SearchIndex()
    index.update(CORPUS, always)

    def broken(path: str) -> bool:
        raise OSError("disk gone")

    with pytest.raises(OSError):
        index.update([*CORPUS, doc("new/", "fresh words")], broken)
    files = index.update(CORPUS, always)
    assert files == fresh(CORPUS)  # everything written again: nothing assumed about the output


def test_no_document_is_a_valid_empty_index() -> None:
    files = fresh([])
    assert json.loads(files["search/manifest.json"])["documents"] == 0
    assert set(files) == {"search/manifest.json"}


def test_every_term_is_in_the_shard_of_its_longest_listed_prefix(monkeypatch) -> None:
    monkeypatch.setattr(search, "SHARD_POSTINGS", 10)
    monkeypatch.setattr(search, "MIN_CHILD_POSTINGS", 2)
    documents = [doc(f"p{n}/", " ".join(f"con{c}{n % 3}" for c in "abcdefg") + " co cob") for n in range(12)]
    files = fresh(documents)
    keys = json.loads(files["search/manifest.json"])["shards"]
    assert "co" in keys and any(k.startswith("con") and len(k) > 3 for k in keys)
    for key in keys:
        for term in json.loads(files[search.shard_file(key)])["terms"]:
            assert max((k for k in keys if term.startswith(k)), key=len) == key, term


def test_shard_file_names_are_safe_for_any_script() -> None:
    assert search.shard_file("ab") == "search/terms/ab.json"
    assert search.shard_file("مد") == "search/terms/_645-62f.json"
    assert search.shard_file("1x") == "search/terms/1x.json"


def test_untrusted_text_is_json_text_in_the_files() -> None:
    title = "</script><script>alert(1)</script> \" ' {{ 7*7 }} \u2028"
    files = fresh([SearchDocument("x/", title, "<img src=x onerror=alert(1)>", "", document_terms([(title, 8)]))])
    [chunk] = [json.loads(data) for path, data in files.items() if path.startswith("search/docs/")]
    assert list(chunk.values()) == [["x/", title, "<img src=x onerror=alert(1)>", ""]]
    assert b"<script>" in b"".join(files.values())  # only ever inside JSON strings, read by JSON.parse


# --- in a browser, on the real sample site ---------------------------------------------------

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
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []  # the script never throws


def links(page: object) -> list[str]:
    return page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.href)")


def search_for(page: object, url: str, query: str) -> list[str]:
    """Type ``query`` on the search page; the absolute URLs the results link to, best first."""
    page.goto(urljoin(url, "search/"))
    page.get_by_role("searchbox").fill(query)
    page.locator(STATUS).filter(has_text=query).wait_for()
    return links(page)


def quotes(site: Path) -> list[dict]:
    return json.loads((site / "quotes.json").read_text(encoding="utf-8"))["quotes"]


def test_words_of_a_briefing_find_it_first(hosted: tuple[Path, str], page: object) -> None:
    site, url = hosted
    results = search_for(page, url, "satellite images")  # only in the Halden Dam briefing's body
    assert results[0] == url + "halden-dam-under-scrutiny-who-opened-the-floodgates/"
    assert page.locator(STATUS).inner_text() == f"{len(results)} result{'s' * (len(results) != 1)} for “satellite images”"
    first = page.locator("#search-results li").first
    assert first.locator("time").get_attribute("datetime") == "2031-11-04"
    assert "Satellite images suggest" in first.locator(".result-summary").inner_text()
    first.locator("a").click()
    assert page.locator("h1").inner_text() == "Halden Dam under scrutiny: who opened the floodgates?"


def test_a_quotations_words_find_its_briefing(hosted: tuple[Path, str], page: object) -> None:
    site, url = hosted
    quote = max(quotes(site), key=lambda q: len(q["text"]))
    words = " ".join(quote["text"].split()[:6])
    assert url + urlsplit(quote["url"]).path.lstrip("/") in search_for(page, url, words)[:3], words


def test_a_speakers_name_finds_their_page_first(hosted: tuple[Path, str], page: object) -> None:
    site, url = hosted
    assert search_for(page, url, "Lenka Marsh")[0] == url + "speakers/lenka-marsh/"


def test_results_come_while_typing_the_start_of_a_word(hosted: tuple[Path, str], page: object) -> None:
    site, url = hosted
    page.goto(url + "search/")
    page.get_by_role("searchbox").press_sequentially("satell", delay=40)  # debounced: one search at the end
    page.locator(STATUS).filter(has_text="“satell”").wait_for()
    assert links(page)[0] == url + "halden-dam-under-scrutiny-who-opened-the-floodgates/"
    assert "q=satell" in page.url  # the address can be shared


def test_no_results_says_so(hosted: tuple[Path, str], page: object) -> None:
    site, url = hosted
    assert search_for(page, url, "xylophone") == []
    assert page.locator(STATUS).inner_text() == "No results for “xylophone”"
    assert page.locator(STATUS).get_attribute("role") == "status"
    assert search_for(page, url, "satellite xylophone") == []  # every word must match


def test_a_link_with_q_searches_on_load_and_the_form_submits(hosted: tuple[Path, str], page: object) -> None:
    site, url = hosted
    page.goto(url + "search/?q=Lenka")
    page.locator(STATUS).filter(has_text="“Lenka”").wait_for()
    assert page.get_by_role("searchbox").input_value() == "Lenka"
    assert url + "speakers/lenka-marsh/" in links(page)
    page.get_by_role("searchbox").fill("")
    page.get_by_role("searchbox").type("spillway")
    page.get_by_role("button", name="Search").click()
    page.locator(STATUS).filter(has_text="“spillway”").wait_for()
    assert links(page)[0] == url + "halden-dam-under-scrutiny-who-opened-the-floodgates/"


def test_the_index_holds_briefings_and_speakers(hosted: tuple[Path, str]) -> None:
    site, _ = hosted
    manifest = json.loads((site / "search" / "manifest.json").read_text(encoding="utf-8"))
    urls = {entry[0] for chunk in (site / "search" / "docs").glob("*.json")
            for entry in json.loads(chunk.read_text(encoding="utf-8")).values()}
    briefings = {a["href"].removeprefix("./") for a in BeautifulSoup(
        (site / "index.html").read_text(encoding="utf-8"), "html.parser").select(".briefing-list h2 a")}
    speakers = {p.parent.relative_to(site).as_posix() + "/" for p in site.glob("speakers/*/index.html")}
    assert urls == briefings | speakers and manifest["documents"] == len(urls)
    assert not (site / "pagefind").exists()


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
        assert not page.get_by_role("searchbox").is_visible()  # a form that could not search is hidden
        page.goto(url + "halden-dam-under-scrutiny-who-opened-the-floodgates/")
        assert page.locator("h1").is_visible()
        assert page.locator("#p-1").inner_text().strip()
    finally:
        context.close()


def test_search_works_under_a_base_url_folder(tmp_path: Path, browser: object) -> None:
    """Published at /briefings/: the script finds the index and links results relative to the page."""
    project = tmp_path / "project"
    project.mkdir()
    host = tmp_path / "host"
    build_sample(project, host / "briefings", "--base-url", "https://example.org/briefings/")
    with hosted_page(browser, host) as (page, root):
        url = root + "briefings/"
        results = search_for(page, url, "satellite images")
        assert results[0] == url + "halden-dam-under-scrutiny-who-opened-the-floodgates/"


# --- in a browser, on sites of our own -------------------------------------------------------

@contextlib.contextmanager
def hosted_page(browser: object, site: Path) -> Iterator[tuple[object, str]]:
    """A fresh browser page, and the URL of ``site`` served by a static host."""
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    try:
        with static_host(site) as url:
            yield context.new_page(), url
    finally:
        context.close()


def write_briefings(project, count: int, title: str = "River report {n}", body: str = "The river rose again.") -> None:
    project.content.mkdir(exist_ok=True)
    for n in range(count):
        numbered = title.replace("{n}", str(n))
        (project.content / f"report-{n:02d}.md").write_text(
            f"---\ntitle: '{numbered}'\ndate: 2030-05-{n % 28 + 1:02d}\n---\n\n{body}\n", encoding="utf-8")


def test_more_results_come_on_request_and_take_the_focus(project, run, browser: object) -> None:
    write_briefings(project, 45)
    assert run("build", "-q").code == 0
    with hosted_page(browser, project.output) as (page, url):
        assert len(search_for(page, url, "river")) == 20
        assert page.locator(STATUS).inner_text() == "45 results for “river”"
        more = page.get_by_role("button", name="Show more results")
        more.click()
        page.locator("#search-results li").nth(39).wait_for()
        assert page.evaluate("document.activeElement.href") == links(page)[20]
        more.click()
        page.locator("#search-results li").nth(44).wait_for()
        assert more.is_hidden() and len(set(links(page))) == 45


def test_the_browser_folds_case_and_accents_like_the_index(project, run, browser: object) -> None:
    """search.js normalises queries as briefing/search.py normalises pages, in every script."""
    body = "Café Straße ΟΔΟΣ مَدْرَسَة naïve 25℃ l’été İstanbul 東京 x" + "y" * 60
    write_briefings(project, 1, title="Words", body=body)
    (project.content / "other.md").write_text("---\ntitle: Other\n---\n\nNothing here.\n", encoding="utf-8")
    assert run("build", "-q").code == 0
    with hosted_page(browser, project.output) as (page, url):
        for query in ("CAFE", "café", "strasse", "STRAẞE", "οδος", "Οδός", "مدرسة", "NAÏVE", "ete", "istanbul",
                      "東京", "25", "xy", "x" + "y" * 45):
            assert search_for(page, url, query) == [url + "report-00/"], query


def test_untrusted_titles_are_shown_as_text(project, run, browser: object) -> None:
    payload = "<img src=x onerror=alert(1)> {{ 7*7 }}"
    write_briefings(project, 2, title=payload + " {n}", body="A <b>bold</b> zebra.")
    assert run("build", "-q").code == 0
    with hosted_page(browser, project.output) as (page, url):
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        assert len(search_for(page, url, "zebra")) == 2
        assert sorted(page.locator(RESULT_LINKS).all_inner_texts()) == [f"{payload} 0", f"{payload} 1"]
        assert page.locator("#search-results img, #search-results b").count() == 0
        assert dialogs == []


def test_the_client_builds_results_without_innerhtml_or_eval() -> None:
    script = (REPO / "layouts" / "static" / "search.js").read_text(encoding="utf-8")
    code = re.sub(r"//[^\n]*", "", script)  # the comments may name what the code must not use
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function(", "http:", "https:"):
        assert unsafe not in code, unsafe
    assert "textContent" in code


def test_an_edit_rebuilds_the_search_files_of_a_clean_build(project, run, tmp_path: Path) -> None:
    write_briefings(project, 6)
    assert run("build", "-q").code == 0
    report = project.content / "report-03.md"
    report.write_text(report.read_text(encoding="utf-8").replace("rose again", "fell at last"), encoding="utf-8")
    assert run("build", "-q").code == 0
    clean = tmp_path / "clean"
    assert run("build", "-q", "--output", str(clean)).code == 0

    def index_files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in (folder / "search").rglob("*.json")}

    assert index_files(project.output) == index_files(clean)
    assert postings(index_files(clean), "fell") == {"report-03/": 1}
