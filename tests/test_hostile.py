"""Hostile input end to end: script, Jinja and YAML payloads are inert text everywhere,
and titles and file names that look like paths become safe, unique slugs.

Every payload goes through a real build; then every file of the site is read back with a
parser of its own kind (HTML, XML, JSON, the search index) to prove nothing is live.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from briefing.slugs import RESERVED, slug_problem
from conftest import tree_digest

# Each payload must come out as the same visible text, never as markup or a live template.
PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)",
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "{% if true %}jinja{% endif %}",
    "{# comment #}",
    "${7*7}",
    "!!python/object/apply:os.system ['touch pwned']",
    "</script><script>alert(2)</script>",
    "]]><!--",
    "&lt;b&gt;entity&lt;/b&gt; &#106;avascript:",
    "<![CDATA[x]]>",
    "\u202eevil\u202c",
]
HOSTILE_SEED = """5 min read

Minister <script>alert('x')</script> quits {{ 7*7 }} " onmouseover="alert(1) {% if true %}jinja{% endif %}

The dek: <img src=x onerror=alert(1)> javascript:alert(1) ${7*7} {# comment #} ]]><!-- <![CDATA[x]]>

3 November 2031

By Jane Doe

PARIS \u2014 \u201c<script>alert('x')</script> {{ 7*7 }} we will stay,\u201d said Jane Doe, the \" onmouseover=\"alert(1) minister of <b>Water</b>.

Why <script>alert('x')</script> now?

[click me](javascript:alert(1)) and [entity](&#106;avascript:alert(1)) and <a href="javascript:alert(1)">raw</a> <iframe src="x"></iframe> <div onclick="alert(1)">div</div>

\u201cWe will not {% if true %}jinja{% endif %} yield, and !!python/object/apply:os.system ['touch pwned'] is no threat,\u201d Hassan Abdul Ghani told reporters, according to the Ministry of <i>Water</i> (MOW).

\u201c</script><script>alert(2)</script> is the last word,\u201d said Ilse Marek, a ' onfocus='alert(1) spokeswoman for the ${7*7} Agency.

&lt;b&gt;entity&lt;/b&gt; &#106;avascript: and \u202eevil\u202c and # not a heading and > not a quote.

---
"""
# An editor's content file: payloads in every front-matter value and raw HTML in the body.
HOSTILE_CONTENT = """---
title: '</script><script>alert(2)</script> {{ 7*7 }} " onmouseover="alert(1)'
dek: "<img src=x onerror=alert(1)> {% if true %}jinja{% endif %} ]]><!--"
date: 2031-11-04
dateline: '<script>alert(''x'')</script>'
author: '" onmouseover="alert(1)'
translator: javascript:alert(1)
original_language: '{{ 7*7 }}'
reading_time: 3
attribution:
  speakers:
    Ilse Marek: "<script>alert('x')</script> Marek"
  descriptions:
    "<script>alert('x')</script> Marek": '" onmouseover="alert(1) {{ 7*7 }}'
---

<script>alert('x')</script> raw HTML in the body, <div onclick="alert(1)">a div</div>, <b>bold</b>.

[a link](javascript:alert(1)), [another](&#106;avascript:alert(1)), ![an image](data:text/html,x), <javascript:alert(1)>

\u201cThe river is {{ 7*7 }} metres high,\u201d said Ilse Marek, a spokeswoman.

## <script>alert('x')</script> {% raw %}
"""

SAFE_TAGS = {
    "html", "head", "body", "meta", "title", "link", "script", "style", "a", "p", "h1", "h2", "h3", "h4",
    "h5", "h6", "nav", "ul", "ol", "li", "main", "header", "footer", "article", "section", "span", "time",
    "q", "div", "em", "strong", "code", "pre", "blockquote", "hr", "br", "img", "dl", "dt", "dd", "form",
    "input", "label", "button", "search", "noscript", "svg", "path", "small", "abbr", "cite", "details",
    "summary", "table", "thead", "tbody", "tr", "th", "td", "aside", "figure", "figcaption", "mark",
}
SCRIPT_URL = re.compile(r"^\s*(?:javascript|vbscript|data):", re.I)


def build_hostile(project, run):
    project.seed("hostile.txt", HOSTILE_SEED)
    project.content.mkdir(exist_ok=True)
    (project.content / "editor.md").write_text(HOSTILE_CONTENT, encoding="utf-8")
    result = run("build")
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return result


def html_problems(path: Path, text: str) -> list[str]:
    found = []
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup.find_all(True):
        if tag.name not in SAFE_TAGS:
            found.append(f"{path}: live <{tag.name}>")
        if tag.name == "script":
            kind = tag.get("type", "")
            if kind == "application/ld+json":
                json.loads(tag.string)  # must stay one valid JSON value
            elif not (tag.get("src") and not tag.string):
                found.append(f"{path}: inline script {tag}")
        for name, value in tag.attrs.items():
            if name.lower().startswith("on"):
                found.append(f"{path}: event handler {name}= on <{tag.name}>")
            values = value if isinstance(value, list) else [value]
            if name in ("href", "src", "action", "formaction") and any(SCRIPT_URL.match(v) for v in values):
                found.append(f"{path}: script URL {name}={value!r}")
    if re.search(r"(?<![\w-])49(?![\w-])", soup.get_text()) and "7*7" not in soup.get_text():
        found.append(f"{path}: a template was evaluated")
    return found


def read_search_documents(folder: Path) -> list[list[str]]:
    """Every document's [url, title, summary, date] in the search index's metadata files."""
    return [entry for chunk in sorted((folder / "search" / "docs").glob("*.json"))
            for entry in json.loads(chunk.read_bytes()).values()]


def test_hostile_text_is_inert_on_every_page_feed_data_file_and_index(project, run):
    build_hostile(project, run)
    site = project.output
    problems: list[str] = []
    all_text = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        relative = path.relative_to(site)
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            problems += html_problems(relative, text)
            all_text.append(BeautifulSoup(text, "html.parser").get_text())
        elif path.suffix == ".xml":
            root = ET.fromstring(path.read_bytes())  # well-formed XML, payloads and all
            all_text.append("".join(root.itertext()))
        elif path.suffix == ".json":
            all_text.append(json.dumps(json.loads(path.read_bytes()), ensure_ascii=False))
    assert problems == []
    pages = "\n".join(all_text)
    # The payloads are there, as visible words.
    for payload in ("<script>alert('x')</script>", "{{ 7*7 }}", '" onmouseover="alert(1)', "${7*7}",
                    "</script><script>alert(2)</script>", "&lt;b&gt;entity&lt;/b&gt; &#106;avascript:"):
        assert payload in pages, payload
    assert not list(project.root.rglob("pwned"))


def test_hostile_titles_survive_exactly_in_json_ld_feed_sitemap_and_data(project, run):
    build_hostile(project, run)
    title = "</script><script>alert(2)</script> {{ 7*7 }} \" onmouseover=\"alert(1)"
    page = project.page("editor/index.html")
    soup = BeautifulSoup(page, "html.parser")
    [ld] = soup.find_all("script", type="application/ld+json")
    data = json.loads(ld.string)
    assert data["headline"] == title
    assert data["author"]["name"] == '" onmouseover="alert(1)'
    assert soup.h1.get_text() == title
    assert soup.find("meta", property="og:title")["content"].startswith(title)
    assert page.count("<script") == 1 + page.count('<script src=')  # only the JSON-LD inline
    feed = ET.fromstring((project.output / "feed.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    assert title in [entry.findtext(f"{atom}title") for entry in feed.iter(f"{atom}entry")]
    sitemap = ET.fromstring((project.output / "sitemap.xml").read_bytes())
    urls = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert all(re.fullmatch(r"https?://[\w.:/-]+", url) for url in urls), urls
    quotes = json.loads((project.output / "quotes.json").read_bytes())["quotes"]
    assert any("{{ 7*7 }}" in q["text"] for q in quotes)
    assert any("<script>alert('x')</script>" in q["text"] for q in quotes)
    for quote in quotes:
        assert slug_problem(quote["article"]) is None


def test_the_search_index_holds_payloads_as_json_text_that_the_client_shows_as_text(project, run):
    build_hostile(project, run)
    documents = read_search_documents(project.output)
    assert documents, "no search index in this build"
    # The payloads are in the index as the same words, inside JSON strings...
    text = json.dumps(documents, ensure_ascii=False)
    assert "</script><script>alert(2)</script> {{ 7*7 }}" in text and "<img src=x onerror=alert(1)>" in text
    for document in documents:
        assert all(isinstance(value, str) for value in document)
        assert not SCRIPT_URL.match(document[0]) and not document[0].startswith(("/", "\\")), document[0]
    # ...every term file is letters, digits and base64 (JSON parses it, nothing else reads it)...
    for shard in (project.output / "search" / "terms").glob("*.json"):
        data = json.loads(shard.read_bytes())
        assert all(re.fullmatch(r"[^\W_]{2,40}", term) for term in data["terms"]), shard
        assert re.fullmatch(r"[A-Za-z0-9+/=]*", data["postings"]), shard
    # ...and the client builds results from them with textContent, never as HTML.
    [script] = (project.output / "static").glob("search.*.js")
    code = re.sub(r"//[^\n]*", "", script.read_text(encoding="utf-8"))
    assert "textContent" in code
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|\bFunction\(", code)


def test_markdown_raw_html_from_seeds_stays_text_in_the_content_file(project, run):
    build_hostile(project, run)
    [content] = [p for p in project.content.glob("*.md") if p.name != "editor.md"]
    text = content.read_text(encoding="utf-8")
    assert "<script>alert('x')</script>" in text  # the words are kept...
    page = project.page(f"{content.stem}/index.html")
    body = BeautifulSoup(page, "html.parser").find(class_="body")
    assert body.find("script") is None and body.find("iframe") is None and body.find("a") is None
    assert "<iframe src=\"x\"></iframe>" in body.get_text()  # ...and shown as text


@pytest.mark.parametrize("value", [
    "!!python/object/apply:os.system ['touch pwned']",
    "!!python/object/new:os.system [touch pwned]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch pwned']",
])
def test_yaml_tags_are_refused_with_a_line_and_never_run(project, run, value):
    project.content.mkdir(exist_ok=True)
    (project.content / "ok.md").write_text("---\ntitle: Fine\n---\n\nBody.\n", encoding="utf-8")
    assert run("build").code == 0
    before = tree_digest(project.output)
    (project.content / "bad.md").write_text(f"---\ntitle: Bad\ndek: {value}\n---\n\nBody.\n", encoding="utf-8")
    result = run("build")
    assert result.code == 1
    assert "content/bad.md:3: " in result.err and "Traceback" not in result.err
    assert tree_digest(project.output) == before
    assert not list(project.root.rglob("pwned"))


def test_a_billion_laughs_front_matter_is_read_without_blowing_up(project, run):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 9)]
    project.content.mkdir(exist_ok=True)
    (project.content / "laughs.md").write_text(
        "---\ntitle: Laughs\n" + "\n".join(lines) + "\n---\n\nBody.\n", encoding="utf-8")
    result = run("build")
    assert result.code == 0 and "unknown front-matter key `a8`" in result.err


# --- paths -----------------------------------------------------------------------------

PATH_TITLES = [
    "..", "../../etc/passwd", "/etc/passwd", "C:\\Windows\\System32", "quotes", "Sources", "SEARCH",
    "404", "static", "speakers", "index", "feed", "pagefind", "CON", "nul", ".hidden", "~", "-", "\u062d\u0644\u0628",
    "\u062d\u0644\u0628 \u062f\u0645\u0634\u0642", "\u00d6nc\u00fc Ke\u00e7eli", "\U0001f600\U0001f600",
    "A very long title " * 60, "same title", "same title", "Same Title!", "%2e%2e%2fetc", "a/b/c", "a\\b",
]


def test_path_like_titles_become_safe_unique_slugs_and_nothing_escapes(project, run):
    for number, title in enumerate(PATH_TITLES):
        project.seed(f"{number:02d}.txt", f"{title}\n\nThe dek.\n\nA first paragraph, long enough to be one.\n")
    outside_before = sorted(p.name for p in project.root.parent.iterdir())
    result = run("build")
    assert result.code == 0, result.err
    contents = sorted(project.content.glob("*.md"))
    slugs = [p.stem for p in contents]
    assert len(slugs) == len(set(slugs)) == len(PATH_TITLES)
    for slug in slugs:
        assert slug_problem(slug) is None and slug not in RESERVED, slug
        assert (project.output / slug / "index.html").is_file()
    # Every file written is inside content/ or output/ (or the build's own hidden files).
    allowed = {"seeds", "content", "output", "layouts", "config.yaml"}
    for entry in project.root.iterdir():
        assert entry.name in allowed or entry.name.startswith("."), entry
    assert {p.parent for p in project.content.rglob("*") if p.is_file()} == {project.content}
    assert sorted(p.name for p in project.root.parent.iterdir()) == outside_before
    # Reserved pages are the site's own.
    assert "Quotes" in project.page("quotes/index.html")
    assert (project.output / "404.html").is_file()


@pytest.mark.parametrize("name", ["quotes.md", "404.md", "static.md", "search.md", "pagefind.md"])
def test_content_files_named_like_site_pages_do_not_replace_them(project, run, name):
    project.content.mkdir(exist_ok=True)
    (project.content / name).write_text("---\ntitle: Shadow\n---\n\nShadow body.\n", encoding="utf-8")
    result = run("build")
    assert result.code == 0, result.err
    stem = name.removesuffix(".md")
    assert "Shadow body" in project.page(f"{stem}-briefing/index.html")
    shadowed = project.output / stem
    pages = [p.read_text(encoding="utf-8") for p in shadowed.rglob("*.html")] if shadowed.is_dir() else []
    assert not any("Shadow body" in page for page in pages)
    assert "Shadow body" not in (project.output / "404.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("slug", ["../escape", "/abs", "quotes", "a/b", "..", "x" * 101, "CON/x", "%2e%2e"])
def test_editor_slugs_that_are_paths_or_reserved_are_errors(project, run, slug):
    project.content.mkdir(exist_ok=True)
    (project.content / "x.md").write_text(f"---\ntitle: T\nslug: '{slug}'\n---\n\nBody.\n", encoding="utf-8")
    result = run("build")
    assert result.code == 1 and "content/x.md:3: slug" in result.err and "Traceback" not in result.err
    assert not project.output.exists() or not any(project.output.rglob("*.html"))
