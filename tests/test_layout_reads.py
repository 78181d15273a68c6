"""What a layout can read of its data, found statically (briefing.layout_reads)."""

from __future__ import annotations

import jinja2
import pytest

from briefing.layout_reads import names_any

BODY = frozenset({"body", "analysis", "key", "front_matter"})

LAYOUTS = {
    "titles": "{% for item in briefings %}{{ item.briefing.title }}{{ item.briefing.get('dek') }}{% endfor %}",
    "slice": "{% for item in briefings[:50] | selectattr('quotes') %}{{ item.quotes | length }}{% endfor %}",
    "body": "{% for item in briefings %}{{ item.body.html | truncate(200) }}{% endfor %}",
    "item": "{% for item in briefings %}{{ item['analysis'].sources }}{% endfor %}",
    "dynamic item": "{% for item in briefings %}{{ item[field] }}{% endfor %}",
    "dynamic attr": "{% for item in briefings %}{{ item | attr(field) }}{% endfor %}",
    "mapped": "{{ briefings | map(attribute='key') | join }}",
    "sorted": "{{ briefings | sort(attribute=field) | length }}",
    "child": "{% extends 'body' %}",
    "imports": "{% import 'body' as helpers %}{{ briefings | length }}",
    "chosen": "{% include layout_name %}",
    "html body tag": "<html><body>{{ briefings | length }}</body></html>",
}


@pytest.mark.parametrize(("layout", "reads"), [
    ("titles", False), ("slice", False), ("html body tag", False),
    ("body", True), ("item", True), ("dynamic item", True), ("dynamic attr", True), ("mapped", True),
    ("sorted", True), ("child", True), ("imports", True), ("chosen", True),
])
def test_a_layout_reads_bodies_only_when_it_names_a_way_to_them(layout, reads):
    environment = jinja2.Environment(loader=jinja2.DictLoader(LAYOUTS))
    assert names_any(environment, layout, BODY) is reads


@pytest.mark.parametrize(("layout", "append", "line", "words"), [
    ("index.html", "{% for x in %}", 27, "layout error"),
    ("briefing.html", "{{ briefing.title ", 81, "layout error"),
    ("index.html", '{% include "missing.html" %}', 1, "layout not found"),
])
def test_a_broken_layout_names_its_file_and_line_and_keeps_the_site(project, run, layout, append, line, words):
    (project.content).mkdir(exist_ok=True)
    (project.content / "one.md").write_text("---\ntitle: One\n---\n\n“Fine,” said Ana Lind.\n", encoding="utf-8")
    assert run("build", "-q").code == 0
    published = (project.output / "index.html").read_bytes()
    path = project.root / "layouts" / layout
    path.write_text(path.read_text(encoding="utf-8") + append + "\n", encoding="utf-8")
    result = run("build")
    assert result.code == 1
    shown = "missing.html" if "missing" in append else layout
    assert f"layouts/{shown}:{line}: {words}" in result.err, result.err
    assert (project.output / "index.html").read_bytes() == published


@pytest.mark.parametrize(("layout", "old", "new", "line"), [
    ("index.html", "{{ site.title }}", "{{ site.titel }}", 3),
    ("briefing.html", "<h1>{{ briefing.title }}</h1>", "<h1>{{ briefing.titel }}</h1>", 12),
])
def test_a_layout_error_in_a_worker_process_names_its_file_and_line(project, run, layout, old, new, line):
    # Enough pages for `-j 2` to render them in worker processes, whose errors reach the
    # parent pickled, without the traceback that locates them.
    project.content.mkdir(exist_ok=True)
    for number in range(40):
        (project.content / f"b-{number}.md").write_text(
            f"---\ntitle: Briefing {number}\n---\n\n“Fine,” said Ana Lind{number}.\n", encoding="utf-8")
    path = project.root / "layouts" / layout
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = run("build", "-j", "2")
    assert result.code == 1
    assert f"layouts/{layout}:{line}: layout error:" in result.err, result.err
