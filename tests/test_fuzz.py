"""Property-based fuzzing of everything that reads untrusted text, and the time it takes.

Each pure reader is fuzzed directly (fast): the seed decoder and parser, the front-matter
reader, the Markdown escaper and renderer, the slugger and the quote extractor. Inputs mix
arbitrary Unicode with article-shaped text built from the tokens that drive the parsers
(quote marks of every family, bylines, date lines, datelines, Markdown and HTML syntax).
The properties: never an uncaught exception, and seed → content file → re-read gives the
same data. A few huge inputs check the time stays linear.

`FUZZ_CASES` (the sum of ``max_examples``) is the figure quoted in the README.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefing.analysis import analyse
from briefing.content import escape_markdown, read_briefing, render_content
from briefing.markup import BodyRenderer, QuoteMark
from briefing.problems import Problem
from briefing.quotes import find_quotes, quote_text
from briefing.seed import Article, SeedError, decode_seed, parse_seed
from briefing.slugs import RESERVED, slug_problem, slugify, unique_slug
from briefing.yamlfile import YamlError, load_yaml

PATH = Path("content/fuzz.md")
EXAMPLES = {
    "decode": 400,
    "parse": 400,
    "round_trip": 500,
    "front_matter": 400,
    "yaml": 300,
    "escape": 400,
    "slug": 400,
    "quotes": 300,
    "analyse": 250,
    "annotate": 150,
    "markdown": 300,
}
FUZZ_CASES = sum(EXAMPLES.values())


def fuzz(name: str):
    return settings(
        max_examples=EXAMPLES[name],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- strategies --------------------------------------------------------------------------

# Tokens that steer the parsers into their interesting branches.
TOKENS = [
    "the", "said", "told", "according to", "he", "she", "they", "added", "warned", "of",
    "Minister", "Jane Doe", "Hassan Abdul Ghani", "al-Assad", "the Ministry of Water", "UN", "(OWO)",
    "Reuters", "in his view", "in a statement", "the commander", "Mr", "Dr.",
    "\u201c", "\u201d", '"', "'", "\u2018", "\u2019", "\u00ab", "\u00bb", "\u201e", "\u2039", "\u203a",
    ",", ".", "?", "!", ":", ";", "\u2026", "\u2014", "\u2013", "-", "--", "(", ")", "[", "]",
    " ", " ", " ", "  ", "\n", "\n", "\n\n", "\n\n\n", "\t", "\r\n", "\r", "\u00a0", "\u200b", "\u2028",
    "5 min read", "3 November 2031", "2031-11-03", "11/03/2031", "By Lena Sorel", "Lena Sorel",
    "PARIS \u2014 ", "VARN -- ", "Why now?", "The view from the capital", "Share this article",
    "Related", "Related Topics", "Read more", "translated into English by Tomas Weir",
    "originally published in Arabic", "\u00a9 2031 Newsroom", "Subscribe",
    "#", "## ", "1. ", "2024) ", "- ", "+ ", "* ", "> ", "---", "===", "***", "_", "*", "`", "\\",
    "[a](javascript:alert(1))", "![i](http://x/y.png)", "[1]: http://x", "<script>alert(1)</script>",
    "<b>", "&amp;", "&#106;", "&lt;", "<http://x.y>", "{{ 7*7 }}", "{% raw %}", "\" onmouseover=\"x",
    "!!python/object/apply:os.system", "key: value", "- item", "&anchor", "*alias", "|", ">-",
    "\u062d\u0644\u0628", "\u00d6nc\u00fc Ke\u00e7eli", "e\u0301", "\U0001f600", "\ufeff", "\u202e",
    "\x00", "\x07", "\x1b[31m", "\ud7ff", "\ue000", "\ufffd",
]
token_text = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=80).map("".join)
any_text = st.one_of(st.text(), token_text, token_text)
# Seed text as it reaches the parser: decoded, so no \r, BOM or controls.
seed_text = st.one_of(st.text(), token_text).map(lambda t: t.replace("\r", "\n"))


def decoded(text: str) -> str | None:
    try:
        return decode_seed(text.encode("utf-8", "surrogatepass"))
    except SeedError:
        return None


def parsed(text: str) -> Article | None:
    clean = decoded(text)
    if clean is None:
        return None
    try:
        return parse_seed(clean)
    except SeedError:
        return None


# --- the seed decoder and parser -------------------------------------------------------


@fuzz("decode")
@given(st.one_of(
    st.binary(max_size=400),
    any_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    any_text.map(lambda t: b"\xff\xfe" + t.encode("utf-16-le", "surrogatepass")),
    any_text.map(lambda t: b"\xfe\xff" + t.encode("utf-16-be", "surrogatepass")[:-1]),  # truncated
    any_text.map(lambda t: t.encode("cp1252", "replace")),
))
def test_decode_seed_returns_clean_text_or_refuses_with_a_line(data):
    try:
        text = decode_seed(data)
    except SeedError as error:
        assert error.line >= 1 and error.message
        return
    assert "\r" not in text and "\x00" not in text and "\ufeff" not in text
    assert "\ufffe" not in text and "\uffff" not in text
    assert not any("\x00" <= c < " " and c != "\n" for c in text)


@fuzz("parse")
@given(seed_text)
def test_parse_seed_never_crashes_and_keeps_blocks_clean(text):
    try:
        article = parse_seed(text)
    except SeedError as error:
        assert error.line >= 1
        return
    assert article.title and article.title == article.title.strip()
    assert article.reading_time >= 0
    for block in article.blocks:
        assert block.kind in ("paragraph", "heading")
        assert block.text and "\n" not in block.text and block.line >= 1
    assert not (article.blocks and article.blocks[-1].kind == "heading")


@fuzz("round_trip")
@given(any_text)
def test_seed_to_content_file_and_back_gives_the_same_article(text):
    article = parsed(text)
    if article is None:
        return
    slug = slugify(article.title)
    file_text = render_content(article, slug=slug, seed_name="fuzz.txt", seed_sha256="0" * 64)
    briefing, problems = read_briefing(file_text, PATH)
    assert problems == [], [str(p) for p in problems]
    assert briefing is not None
    assert briefing.title == article.title
    assert briefing.slug == slug
    expected = {
        "dek": article.dek, "date": article.date, "dateline": article.dateline,
        "reading_time": article.reading_time, "author": article.author,
        "translator": article.translator, "original_language": article.original_language,
        "seed": "fuzz.txt", "seed_sha256": "0" * 64,
    }
    assert {key: briefing.get(key) for key in expected} == expected
    body = BodyRenderer().render(briefing.body)
    assert [p.text for p in body.paragraphs] == [b.text for b in article.blocks if b.kind == "paragraph"]
    assert [h.text for h in body.headings] == [b.text for b in article.blocks if b.kind == "heading"]
    assert "<script" not in body.html


# --- front matter ------------------------------------------------------------------------

YAML_TOKENS = [
    "title: ", "dek: ", "date: ", "slug: ", "draft: ", "reading_time: ", "attribution:\n  ",
    "speakers:\n    ", "quotes:\n    - match: ", "drop: true", "\n", "\n  ", ": ", "- ", "'", '"',
    "[", "]", "{", "}", ",", "#", "&a ", "*a", "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system", "!!binary aGk=", "!!set {a}", "!!timestamp 2031-11-03", "!!int x",
    "!!float", "? ", "|\n  ", ">-\n  ", "<<: *a", "---", "...", "%YAML 1.1", "\t", "~", "null",
    "yes", "2031-11-03", "2024-13-45", "1e9999", "0x1F", "9" * 30, "\\x00", "\\uFFFE", "\x85", "\u2028",
    "<script>alert(1)</script>", "{{ 7*7 }}",
]
yaml_text = st.lists(st.one_of(st.sampled_from(YAML_TOKENS), st.text(max_size=5)), max_size=40).map("".join)


def assert_problems_are_readable(problems: list[Problem], text: str) -> None:
    for item in problems:
        assert isinstance(item, Problem)
        assert item.path == str(PATH) and item.message
        assert 1 <= item.line <= text.count("\n") + 2, (item, text)


@fuzz("front_matter")
@given(st.one_of(yaml_text.map(lambda t: f"---\n{t}\n---\nBody\n"), any_text, yaml_text))
def test_front_matter_reader_never_crashes(text):
    briefing, problems = read_briefing(text, PATH)
    assert_problems_are_readable(problems, text)
    if briefing is None:
        assert any(not p.warning for p in problems)
        return
    assert all(p.warning for p in problems)
    assert isinstance(briefing.title, str) and briefing.title.strip() == briefing.title and briefing.title
    assert slug_problem(briefing.slug) is None
    assert briefing.date is None or isinstance(briefing.date, date)


@fuzz("yaml")
@given(yaml_text)
def test_yaml_is_loaded_safely_or_refused_with_a_line(text):
    try:
        document = load_yaml(text)
    except YamlError as error:
        assert error.line >= 1 and error.message
        return

    def plain(value, depth=0):  # only the safe types, never an object of ours
        assert depth < 100
        if isinstance(value, dict):
            for key, item in value.items():
                plain(key, depth + 1)
                plain(item, depth + 1)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                plain(item, depth + 1)
        else:
            assert value is None or isinstance(value, (str, int, float, bool, bytes, date))

    plain(document.data)


# --- Markdown and slugs ------------------------------------------------------------------


@fuzz("escape")
@given(any_text)
@example("__0__")  # found by this test: an underscore beside an escaped one opened emphasis
def test_escaped_text_renders_as_the_same_words_and_never_as_markup(text):
    # As the seed parser hands it over: one line, no control characters.
    text = "".join(c for c in text if c >= " " and not "\x7f" <= c <= "\x9f")
    line = " ".join(text.replace("\u2028", " ").split())
    if not line:
        return
    body = BodyRenderer().render(escape_markdown(line))
    assert [p.text for p in body.paragraphs] == [line]
    for bad in ("<script", "<b>", "<a ", "<img", "<hr", "<h1", "<ul", "<ol", "<blockquote", "<code", "href="):
        assert bad not in body.html


@fuzz("markdown")
@given(st.one_of(any_text, yaml_text))
def test_any_markdown_body_renders_without_live_markup(text):
    body = BodyRenderer().render(text)
    assert "<script" not in body.html and "<b>" not in body.html
    assert 'href="javascript' not in body.html.lower() and 'src="javascript' not in body.html.lower()
    assert "&#" not in body.html.replace("&amp;#", "")  # no entity reaches the browser as markup


@fuzz("slug")
@given(st.one_of(any_text, st.sampled_from(sorted(RESERVED)), st.text(min_size=200), st.just("../" * 50)))
def test_slugs_are_always_safe_and_unique(text):
    slug = slugify(text)
    assert slug_problem(slug) is None, slug
    assert "/" not in slug and ".." not in slug and slug not in RESERVED and len(slug) <= 100
    assert slugify(text) == slug  # stable
    taken = {slug, slug + "-2"}
    other = unique_slug(slug, taken)
    assert other not in taken and slug_problem(other) is None


# --- the quote extractor -----------------------------------------------------------------

paragraph_lists = st.lists(any_text.map(lambda t: " ".join(t.split())), max_size=8)


@fuzz("quotes")
@given(paragraph_lists)
def test_quote_marks_give_spans_inside_their_paragraphs(paragraphs):
    for quote in find_quotes(paragraphs):
        assert quote.pieces
        for p, start, end in quote.pieces + quote.regions:
            assert 0 <= p < len(paragraphs) and 0 <= start <= end <= len(paragraphs[p])
        text, spans = quote_text(paragraphs, quote)
        assert text == "\n".join(paragraphs[p][a:b] for p, a, b in spans)


@fuzz("analyse")
@given(paragraph_lists)
def test_analysis_never_crashes_and_its_quotes_are_the_words_of_the_text(paragraphs):
    analysis = analyse(paragraphs)
    for quote in analysis.quotes:
        assert isinstance(quote.speaker, str) and quote.speaker
        assert 0 <= quote.paragraph < len(paragraphs)
        for p, start, end in quote.spans:
            assert 0 <= p < len(paragraphs) and 0 <= start < end <= len(paragraphs[p])
        assert quote.text == "\n".join(paragraphs[p][a:b] for p, a, b in quote.spans)
    for source in analysis.sources:
        assert isinstance(source.name, str) and source.name


@fuzz("annotate")
@given(any_text)
def test_quotes_marked_up_in_a_rendered_body_keep_the_words(text):
    article = parsed(text)
    if article is None:
        return
    file_text = render_content(article, slug="fuzz", seed_name="fuzz.txt", seed_sha256="0")
    briefing, _ = read_briefing(file_text, PATH)
    found = {}

    def annotate(paragraphs):
        found["analysis"] = analysis = analyse([p.text for p in paragraphs])
        return [QuoteMark(p, a, b, f"q-{n}", q.speaker)
                for n, q in enumerate(analysis.quotes, 1) for p, a, b in q.spans]

    plain = BodyRenderer().render(briefing.body)
    marked = BodyRenderer().render(briefing.body, annotate)
    assert marked.paragraphs == plain.paragraphs
    assert marked.html.count("<q ") <= sum(len(q.spans) for q in found["analysis"].quotes)
    assert "<script" not in marked.html


# --- linear time -------------------------------------------------------------------------

WORDS = (
    "the minister said on Monday that \u201cthe water will recede,\u201d according to the Ostrava "
    "Weather Office (OWO). \u2018We had no choice,\u2019 Ilse Marek told reporters in Varn, while "
    "engineers opened two of the dam\u2019s five floodgates and \"nobody\" was hurt. Lena Sorel added"
).split()


def generated_seed(size: int, seed: int = 7) -> str:
    import random

    rng = random.Random(seed)
    parts = ["5 min read", "Floodgates open at the Varn dam", "The standfirst.", "3 November 2031"]
    total = 0
    while total < size:
        paragraph = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 150))) + "."
        if rng.random() < 0.05:
            paragraph = "Why now?"
        parts.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(parts)


def test_a_10_mb_seed_parses_and_analyses_in_linear_time():
    text = generated_seed(10_000_000)
    data = text.encode("utf-8")
    assert len(data) >= 10_000_000
    started = time.perf_counter()
    article = parse_seed(decode_seed(data))
    parsed_at = time.perf_counter()
    analysis = analyse([b.text for b in article.blocks if b.kind == "paragraph"])
    finished = time.perf_counter()
    print(f"\n10 MB seed: {len(article.blocks)} blocks parsed in {parsed_at - started:.2f} s, "
          f"{len(analysis.quotes)} quotes analysed in {finished - parsed_at:.2f} s")
    assert finished - started < 30


def test_a_1_mb_single_line_and_10000_paragraphs_stay_fast():
    line = " ".join(WORDS * 4000)[:1_000_000]
    started = time.perf_counter()
    article = parse_seed(decode_seed(("Title\n" + line).encode()))
    analyse([b.text for b in article.blocks])
    one_line = time.perf_counter() - started

    text = generated_seed(0) + "\n\n" + "\n\n".join(f"Paragraph {n} said \u201cyes\u201d." for n in range(10_000))
    started = time.perf_counter()
    article = parse_seed(decode_seed(text.encode()))
    file_text = render_content(article, slug="many", seed_name="many.txt", seed_sha256="0")
    briefing, problems = read_briefing(file_text, PATH)
    body = BodyRenderer().render(briefing.body)
    analysis = analyse([p.text for p in body.paragraphs])
    many = time.perf_counter() - started
    print(f"\n1 MB line: {one_line:.2f} s; 10,000 paragraphs through parse, content, Markdown and analysis: {many:.2f} s")
    assert problems == [] and len(body.paragraphs) == 10_000 and len(analysis.quotes) >= 10_000
    assert one_line < 10 and many < 30


PATHOLOGICAL = {
    "open-curly": "\u201c" * 200_000, "straight-double": '"' * 200_000, "straight-single": "'" * 200_000,
    "open-single": "\u2018a " * 100_000, "nested": "\u201ca \u201cb " * 50_000, "dashes": "AA-" * 100_000 + "x",
    "byline": "By " + "Aa " * 100_000, "brackets": "(" * 200_000, "one-word": "A" * 1_000_000,
    "said": "said " * 200_000, "speakers": "Jane Doe said " * 50_000, "links": "[" * 100_000 + "](" * 100_000,
    "emphasis": "*_" * 200_000, "backslashes": "\\" * 300_000, "names": "Al-Aa Bb " * 100_000,
}


@pytest.mark.parametrize("line", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_lines_do_not_hang(line):
    started = time.perf_counter()
    text = f"Title\n\n{line}\n\n{line[:1000]}"
    article = parse_seed(decode_seed(text.encode()))
    analyse([b.text for b in article.blocks])
    file_text = render_content(article, slug="x", seed_name="x.txt", seed_sha256="0")
    briefing, _ = read_briefing(file_text, PATH)
    body = BodyRenderer().render(briefing.body)
    assert [p.text for p in body.paragraphs] == [b.text for b in article.blocks if b.kind == "paragraph"]
    assert time.perf_counter() - started < 20


def test_empty_whitespace_and_title_only_seeds():
    for data in (b"", b" \n\t\r\n", "\u00a0\u200b\n".encode(), b"\xef\xbb\xbf"):
        with pytest.raises(SeedError):
            parse_seed(decode_seed(data))
    article = parse_seed(decode_seed(b"Only a title"))
    assert article.title == "Only a title" and article.blocks == ()
    file_text = render_content(article, slug="t", seed_name="t.txt", seed_sha256="0")
    briefing, problems = read_briefing(file_text, PATH)
    assert problems == [] and briefing.title == "Only a title" and briefing.body.strip() == ""
