"""Our shortcuts around Python-Markdown (briefing/markup.py) change nothing: on odd Markdown the
renderer gives the same HTML, paragraphs and headings as the same renderer with the installed
library's stock processors put back. A newer Python-Markdown that changes a stock step makes
this fail instead of silently differing."""

from __future__ import annotations

import random

from markdown.preprocessors import NormalizeWhitespace
from markdown.treeprocessors import InlineProcessor, UnescapeTreeprocessor

from briefing.markup import BodyRenderer

PREFIXES = ["", "", "", "#", "## ", "> ", "- ", "* ", "+ ", "1. ", "2) ", "    ", "\t", "===", "---", "***",
            "[x]: http://example.org ", " ", "  ", "_", "٣. ", "`", "<b>", "&amp; "]
WORDS = ["river", "“quoted,” she said.", "*stressed*", "__strong__", "[link](http://example.org)", "`code`",
         "&#106;", "<script>", "\\*", "a_b", "two  ", "STX\x02", "tab\there", "x" * 90, "«guillemets»", "1."]


def _odd_markdown(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 12)):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 8)))
        lines.append(rng.choice(PREFIXES) + words + rng.choice(["", "", " ", "  ", "\r"]))
        if rng.random() < 0.3:
            lines.append(rng.choice(["", " ", "  ", "\t"]))
    return "\n".join(lines)


def _stock_renderer() -> BodyRenderer:
    renderer = BodyRenderer()
    md = renderer._md
    md.treeprocessors.register(InlineProcessor(md), "inline", 20)
    md.preprocessors.register(NormalizeWhitespace(md), "normalize_whitespace", 30)
    md.treeprocessors.register(UnescapeTreeprocessor(md), "unescape", 0)
    if "plain_paragraph" in md.parser.blockprocessors:
        md.parser.blockprocessors.deregister("plain_paragraph")
    return renderer


def test_the_shortcuts_render_odd_markdown_exactly_as_the_stock_steps():
    ours, stock = BodyRenderer(), _stock_renderer()
    assert "plain_paragraph" in ours._md.parser.blockprocessors  # the shortcut is on, and tested
    rng = random.Random(2026)
    for _ in range(1500):
        text = _odd_markdown(rng)
        mine, theirs = ours.render(text), stock.render(text)
        assert (mine.html, mine.paragraphs, mine.headings) == (theirs.html, theirs.paragraphs, theirs.headings), text
