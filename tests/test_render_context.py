"""Rendering's shortcuts (briefing.render): a layout sees what Jinja itself would give it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import jinja2
import pytest

from briefing.config import load_config
from briefing.render import Renderer, collect_assets, make_environment

REPO = Path(__file__).resolve().parents[1]
OPTIONS: dict[str, Any] = dict(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@jinja2.pass_context
def seen(context: Any, name: str) -> str:
    return repr(context.get(name))


@jinja2.pass_environment
def escaping(environment: jinja2.Environment) -> str:
    return repr(environment.autoescape)


@jinja2.pass_eval_context
def eval_escaping(eval_context: Any) -> str:
    return repr(eval_context.autoescape)


class Callable:
    @jinja2.pass_context
    def __call__(self, context: Any) -> str:
        return repr(context.get("word"))


class Page:
    def get(self, key: str, default: Any = None) -> Any:
        return {"dek": "A <dek>"}.get(key, default)


def plain(*args: Any, **kwargs: Any) -> str:
    return repr((args, sorted(kwargs.items())))


def stops() -> None:
    raise StopIteration


GLOBALS: dict[str, Any] = dict(seen=seen, escaping=escaping, eval_escaping=eval_escaping, callable=Callable(),
                               page=Page(), plain=plain, stops=stops, word="<w>")

LAYOUTS = {
    "plain": "{{ plain(1, 'a', b=2) }} {{ plain(obj=1, self=2) }} {{ plain() }}",
    "methods": "{{ page.get('dek') }} {{ page.get('none', 'x') }} {{ 'ab'.upper() }} {{ {'k': 1}.get('k') }}",
    "marked": "{{ seen('word') }} {{ escaping() }} {{ eval_escaping() }} {{ callable() }}",
    "loop scope": "{% for x in [1, 2] %}{% set y = x * 2 %}{{ seen('y') }} {{ loop.cycle('a', 'b') }} {% endfor %}",
    "stop": "{{ stops() is undefined }}",
    "globals": ("{{ range(3) | list }} {% set ns = namespace(n=1) %}{{ ns.n }} {{ dict(a=1) }}"
                "{% set c = cycler('x', 'y') %}{{ c.next() }}{{ c.next() }}{% set j = joiner() %}{{ j() }}{{ j() }}"),
    "macro": ("{% macro m(x) %}[{{ x }}]{% endmacro %}{% macro n(x) %}[{{ x }}{{ caller() }}]{% endmacro %}"
              "{{ m(1) }}{% call n(2) %}c{% endcall %}"),
    "base": "<t>{% block t %}base{% endblock %}</t>{{ self.t() }}",
    "child": "{% extends 'base' %}{% block t %}{{ super() }} child {{ plain(word) }}{% endblock %}",
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_layout_renders_as_with_jinjas_own_context(tmp_path, layout):
    for name, text in LAYOUTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ours = make_environment(tmp_path).get_template(layout).render(**GLOBALS)
    jinjas = jinja2.Environment(loader=jinja2.DictLoader(LAYOUTS), **OPTIONS).get_template(layout).render(**GLOBALS)
    assert ours == jinjas


def _renderer(tmp_path: Path, probe: str) -> Renderer:
    shutil.copytree(REPO / "layouts", tmp_path / "layouts")
    shutil.copy(REPO / "config.yaml", tmp_path / "config.yaml")
    (tmp_path / "layouts" / "probe.html").write_text(probe, encoding="utf-8")
    config, _ = load_config(tmp_path / "config.yaml")
    return Renderer(config, make_environment(config.layouts), collect_assets(config.layouts))


def test_the_base_layout_renders_a_pages_title_and_description_once(tmp_path):
    calls: list[str] = []

    def tick(what: str) -> str:
        calls.append(what)
        return f"{what} <{len(calls)}>"

    probe = ("{% extends 'base.html' %}{% block title %}{{ tick('title') }}{% endblock %}"
             "{% block description %}{{ tick('description') }}{% endblock %}"
             "{% block main %}{{ self.title() }}|{{ page_title }}|{{ page_description }}{% endblock %}")
    html = _renderer(tmp_path, probe).page("probe.html", "probe/index.html", tick=tick)[1].decode()
    # self.title() in a layout still renders the block anew, as Jinja always did.
    assert calls == ["title", "description", "title"]
    assert "<title>title &lt;1&gt;</title>" in html
    assert '<meta name="description" content="description &lt;2&gt;">' in html
    for tag in ("og:title", "twitter:title"):
        assert f'="{tag}" content="title &lt;1&gt;">' in html
    for tag in ("og:description", "twitter:description"):
        assert f'="{tag}" content="description &lt;2&gt;">' in html
    assert "title &lt;3&gt;|title &lt;1&gt;|description &lt;2&gt;" in html


def test_a_page_without_its_own_title_has_the_sites(tmp_path):
    renderer = _renderer(tmp_path, "{% extends 'base.html' %}")
    html = renderer.page("probe.html", "probe/index.html")[1].decode()
    title = jinja2.filters.escape(renderer.config.title)
    description = jinja2.filters.escape(renderer.config.description or renderer.config.title)
    assert f"<title>{title}</title>" in html
    assert f'<meta property="og:title" content="{title}">' in html
    assert f'<meta name="twitter:description" content="{description}">' in html
