"""Markdown body to HTML: paragraph anchors, section headings and quotation markup.

Python-Markdown does the parsing; one tree processor of ours then gives every
paragraph a stable ``id``, collects the paragraphs' plain text for the analysis,
and wraps the quotations the analysis found in ``<q>`` elements.  Raw HTML,
entities and autolinks are switched off, so text from a seed is always text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import markdown
from markdown.treeprocessors import InlineProcessor, Treeprocessor

from .slugs import slugify

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Python-Markdown's serializer leaves `&` alone when an entity follows (`&#106;`, `&amp;`), so
# the browser would decode text that was meant literally: `&#106;avascript:` in a link is a
# script URL, `&lt;` in a paragraph shows as `<`.  We escape those `&` ourselves.
_ENTITY_AMP = re.compile(r"&(?=(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.I)
_SAFE_URL = re.compile(r"^(?:https?:|mailto:|#|/|\.{0,2}/|[^:/?#]*(?:[/?#]|$))", re.I)


@dataclass(frozen=True)
class Paragraph:
    id: str
    text: str
    section: str | None
    section_id: str | None


@dataclass(frozen=True)
class Heading:
    id: str
    text: str
    level: int


@dataclass(frozen=True)
class QuoteMark:
    paragraph: int
    start: int
    end: int
    id: str
    speaker: str


@dataclass(frozen=True)
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
        self.paragraphs, self.headings, self.elements = [], [], []
        section = section_id = None
        taken: set[str] = set()
        for child in root:
            if child.tag in HEADINGS:
                text = "".join(child.itertext()).strip()
                heading_id = _unique(slugify(text) if text else "section", taken)
                child.set("id", heading_id)
                self.headings.append(Heading(heading_id, text, int(child.tag[1])))
                section, section_id = text, heading_id
                continue
            for element in child.iter("p") if child.tag != "p" else [child]:
                paragraph_id = _unique(f"p-{len(self.paragraphs) + 1}", taken)
                element.set("id", paragraph_id)
                text = "".join(element.itertext())
                self.paragraphs.append(Paragraph(paragraph_id, text, section, section_id))
                self.elements.append(element)
        for element in root.iter():
            _neutralise_links(element)
        if self.annotate is not None:
            for mark in sorted(self.annotate(self.paragraphs), key=lambda m: (m.paragraph, -m.start)):
                if 0 <= mark.paragraph < len(self.elements):
                    _wrap(self.elements[mark.paragraph], mark)
        for element in root.iter():
            _escape_entity_amps(element)


def _escape_entity_amps(element: etree.Element) -> None:
    """Make every `&` literal in the HTML (code is escaped by Markdown itself)."""
    if element.text and element.tag not in ("code", "pre"):
        element.text = _literal_amps(element.text)
    if element.tail:
        element.tail = _literal_amps(element.tail)
    for name, value in element.attrib.items():
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
    offset = 0
    for holder, parent, text in list(_segments(paragraph)):
        end = offset + len(text)
        if offset <= mark.start and mark.end <= end:
            start, stop = mark.start - offset, mark.end - offset
            quote = etree.Element("q", {"id": mark.id, "title": f"Quote from {mark.speaker}"})
            quote.text, quote.tail = text[start:stop], text[stop:]
            if parent is None:
                holder.text = text[:start]
                holder.insert(0, quote)
            else:
                holder.tail = text[:start]
                parent.insert(list(parent).index(holder) + 1, quote)
            return
        offset = end


# What each of Python-Markdown's standard inline patterns needs in the text before it can match.
_TRIGGERS = {
    "backtick": "`", "escape": r"\\", "reference": r"\[", "link": r"\[", "image_link": r"\[",
    "image_reference": r"\[", "short_reference": r"\[", "short_image_ref": r"\[", "autolink": "<",
    "automail": "<", "html": "[<&]", "entity": "&", "linebreak": "  \n", "em_strong": "[*_]",
    "em_strong2": "[*_]", "not_strong": "[*_]", "strong": "[*_]", "emphasis": "[*_]",
}


class _ProseInlineProcessor(InlineProcessor):
    """Python-Markdown's inline processor, minus its cost on plain prose.

    The stock processor tries every inline pattern on every piece of text, one Python call
    each, and most paragraphs of a briefing hold no `*`, `[` or backtick at all.  One search
    for the characters the registered patterns need tells when none of them can match; the
    text is then left exactly as the stock processor would leave it.  A pattern we do not
    know (a Markdown extension's) turns the shortcut off."""

    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        names = [item.name for item in md.inlinePatterns._priority]
        known = all(name in _TRIGGERS for name in names)
        self._could_match = re.compile("|".join(sorted({_TRIGGERS[n] for n in names}))) if known else None

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if patternIndex == 0 and self._could_match is not None and not self._could_match.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


class BodyRenderer:
    """One configured Markdown instance, reused across briefings (building one is slow)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(output_format="html")
        self._md.preprocessors.deregister("html_block")
        for pattern in ("html", "entity", "autolink", "automail"):
            self._md.inlinePatterns.deregister(pattern)
        self._md.treeprocessors.register(_ProseInlineProcessor(self._md), "inline", 20)
        self._processor = _BodyProcessor(self._md)
        # After "unescape" (priority 0) so paragraph text has no placeholders left.
        self._md.treeprocessors.register(self._processor, "briefing_body", -10)

    def render(self, text: str, annotate: Annotate | None = None) -> RenderedBody:
        self._processor.annotate = annotate
        self._processor.paragraphs, self._processor.headings, self._processor.elements = [], [], []
        try:
            html = self._md.reset().convert(text)
            if not text.strip() and annotate is not None:
                annotate([])  # Markdown returns early on an empty body, without our processor
        finally:
            self._processor.annotate = None
        return RenderedBody.of(html, tuple(self._processor.paragraphs), tuple(self._processor.headings))
