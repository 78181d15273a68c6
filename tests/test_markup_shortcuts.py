"""Our shortcuts around Python-Markdown (briefing/markup.py) change nothing: on odd Markdown the
renderer gives the same HTML, paragraphs and headings as the same renderer with the installed
library's stock processors, parser loop, `Markdown.convert` and serializer put back. A newer
Python-Markdown that changes a stock step makes this fail instead of silently differing."""

from __future__ import annotations

import copy
import random
import xml.etree.ElementTree as etree

from markdown.preprocessors import NormalizeWhitespace
from markdown.serializers import to_html_string
from markdown.treeprocessors import InlineProcessor, UnescapeTreeprocessor
from markdown.util import AtomicString

from briefing import markup
from briefing.markup import BodyRenderer, Paragraph, QuoteMark

PREFIXES = ["", "", "", "#", "## ", "> ", "- ", "* ", "+ ", "1. ", "2) ", "    ", "\t", "===", "---", "***",
            "[x]: http://example.org ", " ", "  ", "_", "٣. ", "`", "<b>", "&amp; ", "    - ", "> > ", "###### ",
            '[r]: http://e.org/?a=1&b=2 "T&amp;<t>"']
WORDS = ["river", "“quoted,” she said.", "*stressed*", "__strong__", "[link](http://example.org)", "`code`",
         "&#106;", "<script>", "\\*", "a_b", "two  ", "STX\x02", "tab\there", "x" * 90, "«guillemets»", "1.",
         '[t](http://e.org/?a=1&b=2 "say \\"hi\\" <b>&amp;")', '![i](/a.png "x&y")', "![j](javascript:x)",
         "[j](&#106;avascript:x)", "`a & b <c> &amp;`", "AT&T", "&copy;", "a > b", '"plain"', "[r]", "\x03",
         "\r\n", "  \n", "é日🙂"]
SPEAKERS = ["Ana Lee", 'A "q" & <b>', "x\ny", "&amp;"]


def _odd_markdown(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 12)):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 8)))
        lines.append(rng.choice(PREFIXES) + words + rng.choice(["", "", " ", "  ", "\r"]))
        if rng.random() < 0.3:
            lines.append(rng.choice(["", " ", "  ", "\t"]))
    return "\n".join(lines)


def _marks(paragraphs: list[Paragraph]) -> list[QuoteMark]:
    """Quote marks that depend only on the paragraphs, so both renderers get the same ones;
    some lie in one text piece, some across pieces or outside the text."""
    marks = []
    for number, paragraph in enumerate(paragraphs):
        rng = random.Random(f"{number}:{paragraph.text}")
        for part in range(rng.randint(0, 3)):
            start = rng.randint(-1, len(paragraph.text))
            end = rng.randint(start, len(paragraph.text) + 1)
            marks.append(QuoteMark(number, start, end, f"q-{number}-{part}", rng.choice(SPEAKERS)))
    return marks


def _stock_serialize(root: etree.Element) -> str:
    for element in root.iter():
        markup._escape_entity_amps(element)
    return to_html_string(root)


def _stock_renderer() -> BodyRenderer:
    renderer = BodyRenderer()
    md = renderer._md
    md.treeprocessors.register(InlineProcessor(md), "inline", 20)
    md.preprocessors.register(NormalizeWhitespace(md), "normalize_whitespace", 30)
    md.treeprocessors.register(UnescapeTreeprocessor(md), "unescape", 0)
    if "plain_paragraph" in md.parser.blockprocessors:
        md.parser.blockprocessors.deregister("plain_paragraph")
    del md.parser.parseBlocks  # the class's own loop again
    md.serializer = _stock_serialize  # and with it, `Markdown.convert`
    return renderer


def _checked(renderer: BodyRenderer) -> BodyRenderer:
    """The renderer, checking after each body that every paragraph's text is all its element's
    text (which quote marks only move into <q> elements): the processor reads a paragraph
    without children directly."""
    processor, run = renderer._processor, renderer._processor.run

    def checked_run(root: etree.Element) -> None:
        run(root)
        for paragraph, element in zip(processor.paragraphs, processor.elements, strict=True):
            assert (paragraph.text, paragraph.id) == ("".join(element.itertext()), element.get("id"))

    processor.run = checked_run
    return renderer


def test_the_shortcuts_render_odd_markdown_exactly_as_the_stock_steps():
    ours, stock = _checked(BodyRenderer()), _stock_renderer()
    # The shortcuts are on, and tested.
    assert "plain_paragraph" in ours._md.parser.blockprocessors
    assert ours._md.serializer is markup._serialize and "parseBlocks" in vars(ours._md.parser)
    rng = random.Random(2026)
    for number in range(1500):
        text = _odd_markdown(rng)
        annotate = _marks if number % 2 else None
        mine, theirs = ours.render(text, annotate), stock.render(text, annotate)
        assert (mine.html, mine.paragraphs, mine.headings) == (theirs.html, theirs.paragraphs, theirs.headings), text


CHARS = ["a", " ", "&", "&amp;", "&#106;", "&#x6A;", "&copy", "<", ">", '"', "'", "\n", "“", "é", "🙂", "#", ";", "x"]


def _text(rng: random.Random) -> str | None:
    if rng.random() < 0.25:
        return None
    text = "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 6)))
    return AtomicString(text) if rng.random() < 0.1 else text


def _tree(rng: random.Random, depth: int = 0) -> etree.Element:
    tags = sorted(markup._TAGS) + ["span", "script"] * (rng.random() < 0.02)
    element = etree.Element(rng.choice(tags))
    for name in rng.sample(sorted(markup._ATTRIBUTES) + ["start", "hidden"] * (rng.random() < 0.02), rng.randint(0, 2)):
        element.set(name, "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 5))))
    element.text, element.tail = _text(rng), _text(rng)
    for _ in range(rng.randint(0, 3) if depth < 3 else 0):
        element.append(_tree(rng, depth + 1))
    return element


def test_the_serializer_writes_what_the_stock_one_writes():
    rng = random.Random(7)
    for _ in range(3000):
        root = etree.Element("div")
        root.text = _text(rng)
        for _ in range(rng.randint(0, 4)):
            root.append(_tree(rng))
        assert markup._serialize(copy.deepcopy(root)) == _stock_serialize(root)


def test_unknown_elements_and_attributes_go_the_stock_way_and_known_ones_are_written_alike():
    root = etree.Element("div")
    for tag, attributes in [("span", {}), ("p", {"class": "x&y"}), ("p", {"hidden": "hidden"}), ("script", {})]:
        element = etree.SubElement(root, tag, attributes)
        element.text = "a & b <c> &amp;"
    root.append(etree.Comment("c"))
    # Values equal to their names: a boolean attribute would be written bare.
    etree.SubElement(root, "img", {name: name for name in markup._ATTRIBUTES})
    for element in [*root, root]:
        tree = copy.deepcopy(element)
        assert markup._serialize(copy.deepcopy(tree)) == _stock_serialize(tree)


def _reference_wrap(paragraph: etree.Element, mark: QuoteMark) -> None:
    """The plain way: walk every text piece; `_wrap` looks at the paragraph's own text first."""
    offset = 0
    for holder, parent, text in list(markup._segments(paragraph)):
        end = offset + len(text)
        if offset <= mark.start and mark.end <= end:
            markup._insert_quote(holder, parent, text, mark.start - offset, mark.end - offset, mark)
            return
        offset = end


def test_quote_marks_land_where_a_walk_over_every_text_piece_puts_them():
    rng = random.Random(11)
    for _ in range(2000):
        paragraph = etree.Element("p")
        paragraph.text = rng.choice(["", "Before “quoted” after", "x" * 20])
        for _ in range(rng.randint(0, 3)):
            child = etree.SubElement(paragraph, rng.choice(["em", "a", "code"]))
            child.text, child.tail = rng.choice(["", "inner", "yy"]), rng.choice(["", " tail text", None])
        length = len("".join(paragraph.itertext()))
        marks = []
        for number in range(rng.randint(1, 4)):
            start = rng.randint(-2, length + 1)
            marks.append(QuoteMark(0, start, rng.randint(start - 1, length + 2), f"q-{number}", "Ana"))
        ours, reference = copy.deepcopy(paragraph), copy.deepcopy(paragraph)
        for mark in sorted(marks, key=lambda m: -m.start):
            markup._wrap(ours, mark)
            _reference_wrap(reference, mark)
        assert etree.tostring(ours) == etree.tostring(reference)
