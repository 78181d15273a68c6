"""Markdown body to HTML: paragraph anchors, section headings and quotation markup.

Python-Markdown does the parsing; one tree processor of ours then gives every
paragraph a stable ``id``, collects the paragraphs' plain text for the analysis,
and wraps the quotations the analysis found in ``<q>`` elements.  Raw HTML,
entities and autolinks are switched off, so text from a seed is always text.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from xml.etree.ElementTree import HTML_EMPTY

import markdown
from markdown import blockprocessors as bp
from markdown.blockparser import BlockParser
from markdown.postprocessors import AndSubstitutePostprocessor
from markdown.preprocessors import NormalizeWhitespace
from markdown.serializers import to_html_string
from markdown.treeprocessors import InlineProcessor, Treeprocessor, UnescapeTreeprocessor
from markdown.util import ETX, STX, AtomicString

from .records import pickled_by_fields
from .slugs import slugify

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Python-Markdown's serializer leaves `&` alone when an entity follows (`&#106;`, `&amp;`), so
# the browser would decode text that was meant literally: `&#106;avascript:` in a link is a
# script URL, `&lt;` in a paragraph shows as `<`.  We escape those `&` ourselves.
_ENTITY_AMP = re.compile(r"&(?=(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.I)
_SAFE_URL = re.compile(r"^(?:https?:|mailto:|#|/|\.{0,2}/|[^:/?#]*(?:[/?#]|$))", re.I)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Paragraph:
    id: str
    text: str
    section: str | None
    section_id: str | None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Heading:
    id: str
    text: str
    level: int


@dataclass(frozen=True, slots=True)
class QuoteMark:
    paragraph: int
    start: int
    end: int
    id: str
    speaker: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class RenderedBody:
    # Compressed UTF-8: a build keeps every briefing's body until its page is written, and
    # as a str (two bytes a character, with typographic quotes) it would take 8x the memory.
    packed: bytes
    paragraphs: tuple[Paragraph, ...]
    headings: tuple[Heading, ...]

    @classmethod
    def of(cls, html: str, paragraphs: tuple[Paragraph, ...], headings: tuple[Heading, ...]) -> RenderedBody:
        return cls(zlib.compress(html.encode("utf-8"), 1), paragraphs, headings)

    @property
    def html(self) -> str:
        return zlib.decompress(self.packed).decode("utf-8")


Annotate = Callable[[Sequence[Paragraph]], Sequence[QuoteMark]]


class _BodyProcessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        self.annotate: Annotate | None = None
        self.paragraphs: list[Paragraph] = []
        self.headings: list[Heading] = []
        self.elements: list[etree.Element] = []

    def run(self, root: etree.Element) -> None:
        self.paragraphs, self.headings, self.elements = paragraphs, headings, elements = [], [], []
        section = section_id = None
        taken: set[str] = set()
        for child in root:
            if child.tag in HEADINGS:
                text = "".join(child.itertext()).strip()
                heading_id = _unique(slugify(text) if text else "section", taken)
                child.set("id", heading_id)
                headings.append(Heading(heading_id, text, int(child.tag[1])))
                section, section_id = text, heading_id
                continue
            for element in child.iter("p") if child.tag != "p" else (child,):
                paragraph_id = f"p-{len(paragraphs) + 1}"
                if paragraph_id in taken:
                    paragraph_id = _unique(paragraph_id, taken)
                else:
                    taken.add(paragraph_id)
                element.set("id", paragraph_id)
                text = element.text
                if len(element) or type(text) is not str:  # else itertext would give just that text
                    text = "".join(element.itertext())
                paragraphs.append(Paragraph(paragraph_id, text, section, section_id))
                elements.append(element)
        for element in root.iter():
            if element.attrib:
                _neutralise_links(element)
        if self.annotate is not None:
            for mark in sorted(self.annotate(paragraphs), key=lambda m: (m.paragraph, -m.start)):
                if 0 <= mark.paragraph < len(elements):
                    _wrap(elements[mark.paragraph], mark)
        # The serializer makes every `&` literal (see `_write`).


def _escape_entity_amps(element: etree.Element) -> None:
    """Make every `&` literal in the HTML (code is escaped by Markdown itself), for the
    stock serializer; ours does the same as it writes."""
    if element.text and element.tag not in ("code", "pre"):
        element.text = _literal_amps(element.text)
    if element.tail:
        element.tail = _literal_amps(element.tail)
    for name, value in element.attrib.items():
        if "&" in value:
            element.set(name, _ENTITY_AMP.sub("&amp;", value))


def _literal_amps(text: str) -> str:
    if "&" not in text:
        return text
    escaped = _ENTITY_AMP.sub("&amp;", text)
    # AtomicString (text Markdown must not touch again) stays atomic.
    return type(text)(escaped) if isinstance(text, markdown.util.AtomicString) else escaped


def _unique(candidate: str, taken: set[str]) -> str:
    value, number = candidate, 2
    while value in taken:
        value = f"{candidate}-{number}"
        number += 1
    taken.add(value)
    return value


def _neutralise_links(element: etree.Element) -> None:
    """Keep editors' links, drop script-bearing URLs (javascript:, data:...)."""
    for attribute in ("href", "src"):
        url = element.get(attribute)
        if url is not None and not _SAFE_URL.match(url.strip()):
            del element.attrib[attribute]


def _segments(element: etree.Element) -> Iterator[tuple[etree.Element, etree.Element | None, str]]:
    """Text pieces in itertext order: (holder, parent-if-tail, text)."""
    if element.text:
        yield element, None, element.text
    for child in element:
        yield from _segments(child)
        if child.tail:
            yield child, element, child.tail


def _wrap(paragraph: etree.Element, mark: QuoteMark) -> None:
    """Wrap the quoted words in <q> when they lie in one text piece; otherwise leave
    the text alone (the quote index still links to the paragraph)."""
    text = paragraph.text
    if text and 0 <= mark.start and mark.end <= len(text):
        # The first text piece, where most marks lie: marks are wrapped last first, so the
        # paragraph's own text stays ahead of the <q> elements made before.
        _insert_quote(paragraph, None, text, mark.start, mark.end, mark)
        return
    offset = 0
    for holder, parent, text in _segments(paragraph):  # left as soon as the tree changes
        end = offset + len(text)
        if offset <= mark.start and mark.end <= end:
            _insert_quote(holder, parent, text, mark.start - offset, mark.end - offset, mark)
            return
        offset = end


def _insert_quote(holder: etree.Element, parent: etree.Element | None, text: str, start: int, stop: int,
                  mark: QuoteMark) -> None:
    """Put text[start:stop] in a <q>: text is holder's own, or with a parent, holder's tail."""
    quote = etree.Element("q", {"id": mark.id, "title": f"Quote from {mark.speaker}"})
    quote.text, quote.tail = text[start:stop], text[stop:]
    if parent is None:
        holder.text = text[:start]
        holder.insert(0, quote)
    else:
        holder.tail = text[:start]
        parent.insert(list(parent).index(holder) + 1, quote)


# What each of Python-Markdown's standard inline patterns needs in the text before it can match:
# substrings, any one of which must occur.  (`in` tests run at C speed; a regex alternation of the
# same would step through the text in Python's regex engine, about ten times slower.)
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",), "escape": ("\\",), "reference": ("[",), "link": ("[",), "image_link": ("[",),
    "image_reference": ("[",), "short_reference": ("[",), "short_image_ref": ("[",), "autolink": ("<",),
    "automail": ("<",), "html": ("<", "&"), "entity": ("&",), "linebreak": ("  \n",), "em_strong": ("*", "_"),
    "em_strong2": ("*", "_"), "not_strong": ("*", "_"), "strong": ("*", "_"), "emphasis": ("*", "_"),
}


class _ProseInlineProcessor(InlineProcessor):
    """Python-Markdown's inline processor, minus its cost on plain prose.

    The stock processor tries every inline pattern on every piece of text, one Python call
    each, and most paragraphs of a briefing hold no `*`, `[` or backtick at all.  A test for
    the characters the registered patterns need tells when none of them can match; the
    text is then left exactly as the stock processor would leave it.  A pattern we do not
    know (a Markdown extension's) turns the shortcut off."""

    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        names = [item.name for item in md.inlinePatterns._priority]
        known = all(name in _TRIGGERS for name in names)
        self._triggers = tuple(sorted({t for n in names for t in _TRIGGERS[n]})) if known else None

    def _could_match(self, text: str) -> bool:
        return self._triggers is None or any(trigger in text for trigger in self._triggers)

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        # When no text in the tree could start an inline pattern, the stock run changes
        # nothing: each text goes through the patterns unchanged and, holding no placeholder
        # (they all start with STX), is put back as the same string.  It visits exactly the
        # texts checked here: every element's text except AtomicStrings (code), and every tail.
        if self._triggers is not None and not any(
            (element.text and not isinstance(element.text, AtomicString) and self._inline_text(element.text))
            or (element.tail and self._inline_text(element.tail))
            for element in tree.iter()
        ):
            self.stashed_nodes = {}
            return tree
        return super().run(tree, ancestors)

    def _inline_text(self, text: str) -> bool:
        """Whether the stock run could change this text.  (The whitespace preprocessor strips
        STX from the source; the test keeps the shortcut safe without relying on that.)"""
        return STX in text or self._could_match(text)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if patternIndex == 0 and not self._could_match(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


class _Whitespace(NormalizeWhitespace):
    """The stock whitespace normaliser, minus the copies of the text it makes for nothing.

    Each of its replaces, `expandtabs` and its regex copy or scan the whole text even when
    there is nothing to change; a one-character `in` test is a far cheaper scan, and tells
    when a step cannot apply.  Its costliest step, a regex emptying lines of spaces, tries a
    lookbehind at every position in Python's regex engine; it needs a newline followed by a
    space, which a plain regex search finds (faster than `in`, slow on two characters)."""

    def run(self, lines: list[str]) -> list[str]:
        return self.normalise("\n".join(lines)).split("\n")

    def normalise(self, source: str) -> str:
        """The text `run` would return, joined: see `BodyRenderer._convert`."""
        if STX in source or ETX in source:
            source = source.replace(STX, "").replace(ETX, "")
        if "\r" in source:
            source = source.replace("\r\n", "\n").replace("\r", "\n")
        source += "\n\n"
        if "\t" in source:
            source = source.expandtabs(self.md.tab_length)
        if _NEWLINE_SPACE.search(source):
            source = re.sub(r"(?<=\n) +\n", "\n", source)
        return source


_NEWLINE_SPACE = re.compile("\n ")


class _Unescape(UnescapeTreeprocessor):
    """The stock unescaper, which runs a regex over every text; its pattern starts with STX,
    so a text without one is returned as it is."""

    def unescape(self, text: str) -> str:
        return super().unescape(text) if STX in text else text


# The block processors Python-Markdown registers, in order; the paragraph shortcut below
# relies on knowing every test that runs before the paragraph processor.
_STOCK_BLOCKS = (
    ("empty", bp.EmptyBlockProcessor), ("indent", bp.ListIndentProcessor), ("code", bp.CodeBlockProcessor),
    ("hashheader", bp.HashHeaderProcessor), ("setextheader", bp.SetextHeaderProcessor), ("hr", bp.HRProcessor),
    ("olist", bp.OListProcessor), ("ulist", bp.UListProcessor), ("quote", bp.BlockQuoteProcessor),
    ("reference", bp.ReferenceProcessor), ("paragraph", bp.ParagraphProcessor),
)
# A line whose first character after its leading spaces is one of these might start a heading
# (`#`, setext `=`/`-` underline), a rule (`-`, `_`, `*`), a list item (`*`, `+`, `-`), a block
# quote (`>`) or a reference definition (`[`).
_BLOCK_STARTS = frozenset("#=-_*+>[")


class _PlainParagraphProcessor(bp.BlockProcessor):
    """Hands a block that can only be a paragraph straight to the paragraph processor.

    The stock parser tests each block against ten processors before the paragraph one,
    most with a regex over the whole block (and the reference processor's `run` searches
    it too); a briefing is mostly long paragraphs.  Every one of those tests needs the block
    to be empty or to start with a blank line (empty), to start with `tab_length` spaces
    (indent, code), or a line whose first non-space character is in `_BLOCK_STARTS`
    (hash and setext headings, rules, block quotes, references, bullet lists), or the first
    line's to be a digit (ordered lists).  A block with none of these fails them all, so
    the stock parser would give it to the paragraph processor too; anything else goes the
    stock way."""

    def __init__(self, parser: markdown.blockparser.BlockParser, paragraph: bp.BlockProcessor):
        super().__init__(parser)
        self._paragraph = paragraph

    def test(self, parent: etree.Element, block: str) -> bool:
        if not block or block[0] == "\n" or block.startswith(" " * self.tab_length):
            return False
        lines = block.split("\n")
        if lines[0].lstrip(" ")[:1].isdigit():  # isdigit covers every `\d` (Unicode Nd)
            return False
        for line in lines:
            if line.lstrip(" ")[:1] in _BLOCK_STARTS:
                return False
        return True

    def run(self, parent: etree.Element, blocks: list[str]) -> bool | None:
        return self._paragraph.run(parent, blocks)


# The elements our configuration makes (the block parser's, the inline patterns', our `q`, and
# the document's `div`), and the attributes they carry; `_serialize` knows how the stock
# serializer writes exactly these.
_TAGS = frozenset(("div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ul", "ol", "li", "blockquote", "pre",
                   "code", "em", "strong", "a", "img", "br", "q"))
_START = {tag: f"<{tag}>" for tag in _TAGS}
_END = {tag: "" if tag in HTML_EMPTY else f"</{tag}>" for tag in _TAGS}  # no end tag for void elements
_ATTRIBUTES = frozenset(("id", "href", "src", "title", "alt"))  # none of them boolean: always name="value"
_CODE_AMP = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.I)  # the stock serializer's


class _Unknown(Exception):
    """The tree holds something `_serialize` was not written for."""


def _serialize(root: etree.Element) -> str:
    """What `_stock_serialize` writes, without its per-element overhead (that pass and the
    stock serializer took a quarter of a body's Markdown time).  Any element, attribute or
    value not of our configuration's kind sends the whole tree the stock way."""
    out: list[str] = []
    try:
        _write(root, out.append)
    except _Unknown:
        return _stock_serialize(root)
    return "".join(out)


def _inside_html(root: etree.Element) -> str:
    """What `_serialize` writes between the root's start and end tags; raises _Unknown."""
    if root.tag != "div" or root.attrib:
        raise _Unknown
    out: list[str] = []
    if root.text:
        out.append(_escape_text(root.text))
    for child in root:
        _write(child, out.append)
    return "".join(out)


def _stock_serialize(root: etree.Element) -> str:
    """Python-Markdown's HTML serializer, after `_escape_entity_amps` over the tree."""
    for element in root.iter():
        _escape_entity_amps(element)
    return to_html_string(root)


def _write(element: etree.Element, write: Callable[[str], object]) -> None:
    # After `_escape_entity_amps`, the stock serializer escapes every `&` outside code: ours
    # escaped those an entity follows, and it escapes all others.  One `replace` does both.
    tag = element.tag
    if type(tag) is not str or tag not in _TAGS:
        raise _Unknown
    attributes = element.attrib
    if attributes:
        write(f"<{tag}")
        for name in sorted(attributes):  # the stock order
            value = attributes[name]
            if type(name) is not str or name not in _ATTRIBUTES or not isinstance(value, str):
                raise _Unknown
            if "&" in value:
                value = value.replace("&", "&amp;")
            if "<" in value:
                value = value.replace("<", "&lt;")
            if ">" in value:
                value = value.replace(">", "&gt;")
            if '"' in value:
                value = value.replace('"', "&quot;")
            write(f' {name}="{value}"')
        write(">")
    else:
        write(_START[tag])
    text = element.text
    if text:
        if tag == "code" or tag == "pre":
            # Markdown escaped code itself, and `_escape_entity_amps` leaves it alone.
            if "&" in text:
                text = _CODE_AMP.sub("&amp;", text)
            if "<" in text:
                text = text.replace("<", "&lt;")
            if ">" in text:
                text = text.replace(">", "&gt;")
            write(text)
        else:
            write(_escape_text(text))
    for child in element:
        _write(child, write)
    write(_END[tag])
    if element.tail:
        write(_escape_text(element.tail))


def _escape_text(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


class BodyRenderer:
    """One configured Markdown instance, reused across briefings (building one is slow)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(output_format="html")
        self._md.preprocessors.deregister("html_block")
        for pattern in ("html", "entity", "autolink", "automail"):
            self._md.inlinePatterns.deregister(pattern)
        self._md.treeprocessors.register(_ProseInlineProcessor(self._md), "inline", 20)
        self._whitespace = _Whitespace(self._md)
        self._md.preprocessors.register(self._whitespace, "normalize_whitespace", 30)
        self._md.treeprocessors.register(_Unescape(self._md), "unescape", 0)
        blocks = self._md.parser.blockprocessors
        if [(item.name, type(blocks[item.name])) for item in blocks._priority] == list(_STOCK_BLOCKS):
            # Before "empty" (100), the first stock test; only with the stock set, whose tests it knows.
            blocks.register(_PlainParagraphProcessor(self._md.parser, blocks["paragraph"]), "plain_paragraph", 110)
        self._processor = _BodyProcessor(self._md)
        # After "unescape" (priority 0) so paragraph text has no placeholders left.
        self._md.treeprocessors.register(self._processor, "briefing_body", -10)
        self._md.serializer = _serialize
        self._md.parser.parseBlocks = functools.partial(_parse_blocks, self._md.parser)

    def render(self, text: str, annotate: Annotate | None = None) -> RenderedBody:
        self._processor.annotate = annotate
        self._processor.paragraphs, self._processor.headings, self._processor.elements = [], [], []
        try:
            html = self._convert(text)
            if (not text or text.isspace()) and annotate is not None:
                annotate([])  # Markdown returns early on an empty body, without our processor
        finally:
            self._processor.annotate = None
        return RenderedBody.of(html, tuple(self._processor.paragraphs), tuple(self._processor.headings))

    def _convert(self, text: str) -> str:
        """`Markdown.convert`, minus copies of the whole text it makes between its steps.

        convert splits the text into lines for the preprocessors, and the block parser joins
        them again; our whitespace step, the only preprocessor, works on the whole text, so it
        gets and gives it whole.  Our serializer writes the document element's inside, which
        convert would cut out of its output.  In any other configuration, convert runs."""
        md = self._md.reset()
        if (md.serializer is not _serialize or md.doc_tag != "div" or not md.stripTopLevelTags
                or len(md.preprocessors) != 1 or md.preprocessors[0] is not self._whitespace):
            return md.convert(text)
        if not text or text.isspace():  # convert's `not source.strip()`, without a copy
            return ""
        root = md.parser.parseDocument([self._whitespace.normalise(text)]).getroot()
        for treeprocessor in md.treeprocessors:
            new_root = treeprocessor.run(root)
            if new_root is not None:
                root = new_root
        try:
            html = _inside_html(root)
        except _Unknown:
            output = _stock_serialize(root)
            html = output[output.index("<div>") + len("<div>"):output.rindex("</div>")]
        html = html.strip()
        for postprocessor in md.postprocessors:
            # The stock `&` restorer replaces a placeholder that starts with STX; one `in` test
            # is a cheaper scan of the text than its multi-character replace.
            if type(postprocessor) is AndSubstitutePostprocessor and STX not in html:
                continue
            html = postprocessor.run(html)
        return html.strip()


def _parse_blocks(parser: BlockParser, parent: etree.Element, blocks: list[str]) -> None:
    """The stock `BlockParser.parseBlocks`, with the processors listed once per call: the
    stock loop lists (and sorts) the registry again for every block."""
    processors = list(parser.blockprocessors)
    while blocks:
        for processor in processors:
            if processor.test(parent, blocks[0]) and processor.run(parent, blocks) is not False:
                break
