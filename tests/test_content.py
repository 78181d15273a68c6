"""Content files: front-matter validation with lines, and Markdown that keeps every word."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from briefing.content import escape_markdown, read_briefing
from briefing.markup import BodyRenderer
from briefing.slugs import slug_problem, slugify

PATH = Path("content/x.md")


def read(text: str):
    return read_briefing(text, PATH)


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_a_valid_file_is_read_with_its_body_line():
    briefing, problems = read("---\ntitle: Hello\ndate: 2031-11-03\ndraft: true\n---\n\nBody text.\n")
    assert problems == []
    assert briefing.title == "Hello"
    assert briefing.date == date(2031, 11, 3)
    assert briefing.draft is True
    assert briefing.slug == "x"
    assert briefing.body_line == 6
    assert briefing.body.strip() == "Body text."


def test_missing_title_is_an_error():
    briefing, problems = read("---\ndek: no title here\n---\nBody\n")
    assert briefing is None
    assert messages(problems) == ["content/x.md:2: missing `title`: add a line `title: ...` to the front matter"]


def test_a_date_that_is_not_a_date_names_the_line_and_the_fix():
    briefing, problems = read("---\ntitle: T\ndate: 29 November 2024\n---\n")
    assert briefing is None
    assert messages(problems) == [
        "content/x.md:3: `date: 29 November 2024` is not a date: write a date written YYYY-MM-DD, e.g. 2024-11-29"
    ]
    _, problems = read("---\ntitle: T\ndate: 2024-13-45\n---\n")
    assert messages(problems)[0].startswith("content/x.md:3: `date: 2024-13-45` is not a date")


def test_broken_yaml_reports_the_line_inside_the_file():
    briefing, problems = read("---\ntitle: T\ndek: a: b\nslug: s\n---\nBody\n")
    assert briefing is None
    assert len(problems) == 1
    assert str(problems[0]).startswith("content/x.md:3: broken YAML")
    assert "quotes" in problems[0].message  # tells the editor the fix


def test_unknown_key_is_a_warning_with_a_suggestion():
    briefing, problems = read("---\ntitle: T\ndatee: 2024-01-01\n---\n")
    assert briefing is not None
    assert messages(problems) == [
        "content/x.md:3: warning: unknown front-matter key `datee` is ignored: did you mean `date`?"
    ]


@pytest.mark.parametrize(
    "text, words",
    [
        ("no front matter at all\n", "no front matter"),
        ("---\ntitle: T\n", "not closed"),
        ("---\n- a list\n---\n", "key: value"),
        ("---\ntitle: T\nslug: ../etc/passwd\n---\n", "lowercase letters"),
        ("---\ntitle: T\nslug: quotes\n---\n", "used by the site itself"),
        ("---\ntitle: T\nreading_time: soon\n---\n", "whole number"),
        ("---\ntitle: T\ndraft: maybe\n---\n", "true or false"),
        ("---\ntitle: [a, b]\n---\n", "`title` must be"),
        ("---\ntitle: !!python/object/apply:os.system ['true']\n---\n", "broken YAML"),
        ('---\ntitle: "bad\\x0b title"\n---\n', "control character U+000B"),
    ],
)
def test_bad_front_matter_is_refused_with_a_message(text, words):
    briefing, problems = read(text)
    assert briefing is None
    assert any(words in p.message for p in problems), messages(problems)


def test_slugs_are_safe_and_never_reserved():
    assert slugify("Opposition fighters break into Aleppo city: Why now?") == "opposition-fighters-break-into-aleppo-city-why-now"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("Quotes") == "quotes-briefing"
    assert slugify("Öncü Keçeli speaks") == "oncu-keceli-speaks"
    assert slugify("حلب").startswith("briefing-")
    assert len(slugify("word " * 100)) <= 80
    assert slug_problem("a/b") and slug_problem("") and slug_problem("404")
    assert slug_problem("aleppo-2024") is None


NASTY = [
    "# not a heading",
    "#hashtag at the start",
    "1. not a list",
    "2024) not a list either",
    "- not a list",
    "+ not a list",
    "> not a block quote",
    "*stars* and _underscores_ and snake_case and `backticks`",
    "[a link](javascript:alert(1)) and ![an image](http://x/y.png)",
    "[1]: http://not-a-reference",
    "<script>alert(1)</script> & <b>bold</b> <http://x.y>",
    "a \\ backslash and \\*escaped",
    "---",
    "===",
    "“Quoted,” ‘single’ — dash … [bracket] Öncü Keçeli",
    "{{ jinja }} {% raw %}",
]


@pytest.mark.parametrize("text", NASTY)
def test_escaped_markdown_renders_back_to_the_same_words(text):
    rendered = BodyRenderer().render(escape_markdown(text))
    assert [p.text for p in rendered.paragraphs] == [text]
    assert "<script" not in rendered.html and "<b>" not in rendered.html
    assert 'href="javascript' not in rendered.html


def test_editor_links_keep_safe_urls_and_lose_script_urls():
    html = BodyRenderer().render("[ok](https://example.org/a) [bad](javascript:alert(1)) [rel](../x/)").html
    assert 'href="https://example.org/a"' in html
    assert 'href="../x/"' in html
    assert "javascript" not in html
