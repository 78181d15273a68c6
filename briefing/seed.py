"""Raw pasted article text (a seed) read into a structured article.

A seed is what an editor gets by selecting an article in a browser and pasting it
into a text file: a reading-time line, the headline, the standfirst (dek), a date
line, perhaps a byline, the body with its dateline and subheadings, a translation
credit and share/related boilerplate.  Everything here is pure: bytes or text in,
data out; the words of the article are never changed, only noise is removed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from .dates import parse_date

WORDS_PER_MINUTE = 230


class SeedError(ValueError):
    """A seed that cannot be read as an article; ``line`` is 1-based."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph" or "heading"
    text: str
    line: int  # where the block stands in the seed, for messages


@dataclass(frozen=True)
class Article:
    title: str
    dek: str | None = None
    date: date | None = None
    dateline: str | None = None
    reading_time: int = 1
    author: str | None = None
    translator: str | None = None
    original_language: str | None = None
    blocks: tuple[Block, ...] = ()
    notes: tuple[str, ...] = field(default=())  # what the parser could not find, for the editor


# --- decoding -------------------------------------------------------------------------

# Invisible characters that browsers leave in pasted text; they never carry words.
# U+FFFE and U+FFFF are not characters at all (and not allowed in XML, so not in the feed).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad\ufffe\uffff"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u3000\t\f\v"), " ")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def decode_seed(data: bytes) -> str:
    """Bytes of a seed file as clean text: BOM, line endings and stray controls handled.

    UTF-8 is tried first; anything else is read as Windows-1252, the Latin-1 superset
    that Windows clipboards produce.  Files that are not text are refused.
    """
    if not data.strip():
        raise SeedError(1, "the seed is empty: paste the article text into it, or delete it")
    if b"\x00" in data[:8192] and not _looks_like_utf16(data):
        raise SeedError(1, "this is not a text file (it contains NUL bytes): save the article as plain text (.txt)")
    if _looks_like_utf16(data):
        # A truncated or damaged UTF-16 file still reads; the damage shows as U+FFFD.
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 100):
        raise SeedError(1, "this is not a text file (too many control characters): save the article as plain text (.txt)")
    text = _CONTROL.sub("", text).translate(_INVISIBLE).translate(_SPACES)
    return unicodedata.normalize("NFC", text)


def _looks_like_utf16(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff")


# --- recognisers for single lines -------------------------------------------------------

_READING_TIME = re.compile(r"^(\d{1,3})\s*(?:min|mins|minutes?)\.?\s+read$", re.I)
_BOILERPLATE = re.compile(
    r"""^(?:
        share(?:\s+(?:this|the)\s+(?:article|story|page|post))?(?:\s+on\s+\w+)?
      | (?:tweet|email|print|copy\s+link|facebook|twitter|linkedin|whatsapp|telegram|reddit)
      | (?:related|read\s+more|read\s+also|see\s+also|more\s+on\s+this\s+story|recommended|most\s+read)\b.*
      | subscribe\b.*
      | sign\s+up\b.*newsletter.*
      | (?:get|join)\s+our\s+newsletter.*
      | follow\s+us\s+on\b.*
      | advertisement|skip\s+to\s+(?:main\s+)?content|listen\s+to\s+this\s+article
      | (?:copyright\s*©?|©)\s*\d{4}\b.*
      | \((?:reporting|writing|editing|additional\s+reporting)\s+by\b[^()]*\)
    )[.:!]?$""",
    re.I | re.X,
)
_NAME_WORD = r"(?:(?:al|el|ad|as|ash|an|ar|at|az|abu|bin|ibn|d|l)[-'’])?[A-Z\u00c0-\u024f][\w.'’\-]*"
# Headers of link lists ("Related Topics", "More on this story"): the short lines under
# them are page furniture, not article text.
_LIST_HEADER = re.compile(r"^(?:related(?:\s+\w+)?|more\s+on\s+this\s+(?:story|topic)|read\s+more|see\s+also|recommended|most\s+read|topics)[.:]?$", re.I)
_BARE_NAME = re.compile(rf"^{_NAME_WORD}(?:\s+(?:(?:de|da|van|von|al|el|bin|ibn|le|la)\s+)?{_NAME_WORD}){{1,3}}$")
_BYLINE = re.compile(
    rf"^By\s+(?P<name>{_NAME_WORD}(?:\s+(?:(?:and|&)\s+)?(?:(?:de|da|van|von|al|el|bin|ibn|le|la)\s+)?{_NAME_WORD}){{1,5}})"
    r"(?:\s*(?:[,|•·]|[—–-]\s)\s*[\w .,'’&-]{0,60})?$"
)
_CREDIT = re.compile(
    r"(?:originally\s+(?:published|written|appeared)\s+in\s+(?P<lang>[A-Z][a-z]+)"
    r"|translated\s+from\s+(?:the\s+)?(?P<lang2>[A-Z][a-z]+))"
    r"(?:.*?\btranslated\s+(?:in)?to\s+English)?(?:.*?\bby\s+(?P<name>[^.;]+?))?\.?$",
    re.I,
)
_TRANSLATED_BY = re.compile(r"^(?:this\s+\w+\s+was\s+)?translated\s+(?:into\s+English\s+)?by\s+(?P<name>[^.;]+?)\.?$", re.I)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z’'.\-]+(?:[ \-][A-Z][A-Z’'.\-]+)*)(?:,\s*[A-Z][\w.]+(?:\s[A-Z][\w.]+)?)?"
    r"(?:\s*\([^()]{1,40}\))?\s*(?:—|–|--|-)\s*(?=\S)"
)
_SENTENCE_END = re.compile(r"[.,;:!…\"”’'»)\]]$")


def _is_heading(text: str) -> bool:
    """Short standalone lines such as "Why now?" or "The view from the capital"."""
    words = text.split()
    if not words or len(words) > 12 or len(text) > 90:
        return False
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    return text.endswith("?") or not _SENTENCE_END.search(text)


def _clean(line: str) -> str:
    return re.sub(r" {2,}", " ", line).strip()


# --- the parser -------------------------------------------------------------------------


def parse_seed(text: str, *, day_first: bool = True) -> Article:
    """Read decoded seed text into an :class:`Article`.

    Raises :class:`SeedError` when no headline can be found.
    """
    lines = [(number, _clean(raw)) for number, raw in enumerate(text.split("\n"), start=1)]
    lines = [(number, line) for number, line in lines if line]
    if not lines:
        raise SeedError(1, "the seed has no text: paste the article into it, or delete it")

    reading_time = None
    translator = original_language = None
    kept: list[tuple[int, str]] = []
    in_link_list = False
    for number, line in lines:
        if in_link_list and len(line.split()) <= 10 and not _SENTENCE_END.search(line):
            continue
        in_link_list = bool(_LIST_HEADER.match(line))
        minutes = _READING_TIME.match(line)
        if minutes:
            reading_time = reading_time or int(minutes.group(1))
            continue
        if _BOILERPLATE.match(line) and len(line.split()) <= 20:
            continue
        credit = _read_credit(line)
        if credit:
            original_language, translator = credit
            continue
        kept.append((number, line))
    if not kept:
        raise SeedError(lines[0][0], "the seed has only boilerplate and no headline: paste the whole article")

    title_line, title = kept[0]
    rest = kept[1:]
    header, body, article_date, author = _split_header(rest, day_first)
    dek = header[0][1] if header else None
    body = header[1:] + body  # nothing is lost: extra header lines stay as paragraphs

    dateline = None
    blocks: list[Block] = []
    for index, (number, line) in enumerate(body):
        if not blocks and dateline is None:
            match = _DATELINE.match(line)
            if match and len(match["place"]) >= 2:
                dateline = match["place"].strip()
                line = line[match.end():]
        is_last = index == len(body) - 1
        kind = "heading" if not is_last and blocks and _is_heading(line) else "paragraph"
        if kind == "heading" and blocks and blocks[-1].kind == "heading":
            kind = "paragraph"
        blocks.append(Block(kind, line, number))

    if reading_time is None:
        words = sum(len(t.split()) for t in [title, dek or ""] + [b.text for b in blocks])
        reading_time = max(1, math.ceil(words / WORDS_PER_MINUTE))
    notes = []
    if article_date is None:
        notes.append("no date line found: add `date: YYYY-MM-DD` to the front matter")
    return Article(
        title=title,
        dek=dek,
        date=article_date,
        dateline=dateline,
        reading_time=reading_time,
        author=author,
        translator=translator,
        original_language=original_language,
        blocks=tuple(blocks),
        notes=tuple(notes),
    )


def _read_credit(line: str) -> tuple[str | None, str | None] | None:
    if len(line) > 300:
        return None
    match = _CREDIT.search(line)
    if match and (match["lang"] or match["lang2"]):
        language = (match["lang"] or match["lang2"]).capitalize()
        name = match["name"].strip() if match["name"] else None
        return language, name
    match = _TRANSLATED_BY.match(line)
    if match:
        return None, match["name"].strip()
    return None


def _bare_byline(
    header: list[tuple[int, str]], author: str | None
) -> tuple[list[tuple[int, str]], str | None]:
    """A byline without "By" (a name line, perhaps a role line under it) after the dek."""
    for position, (_, line) in enumerate(header[1:], start=1):
        if author is None and _BARE_NAME.match(line) and len(line) <= 40:
            role = header[position + 1][1] if position + 1 < len(header) else ""
            drop = 2 if role and len(role.split()) <= 4 and not _SENTENCE_END.search(role) else 1
            return header[:position] + header[position + drop:], line
    return header, author


def _split_header(
    rest: list[tuple[int, str]], day_first: bool
) -> tuple[list[tuple[int, str]], list[tuple[int, str]], date | None, str | None]:
    """Split the lines after the headline into header (dek...) and body.

    The header ends at the date line (a byline right after it still belongs to the
    header) or, when there is no date line, at the first paragraph with a dateline.
    """
    header: list[tuple[int, str]] = []
    author = None
    for index, (number, line) in enumerate(rest[:8]):
        byline = _BYLINE.match(line)
        if byline and len(line) < 120:
            author = byline["name"].strip()
            continue
        found = parse_date(line, day_first=day_first)
        if found:
            header, author = _bare_byline(header, author)
            body_start = index + 1
            if body_start < len(rest):
                after = _BYLINE.match(rest[body_start][1])
                if after and len(rest[body_start][1]) < 120:
                    author = author or after["name"].strip()
                    body_start += 1
            return header, rest[body_start:], found, author
        if _DATELINE.match(line) and index > 0:
            return header, rest[index:], None, author
        header.append((number, line))
    # No date line and no dateline: the line under the headline is the dek when the
    # article goes on after it.
    unbylined = [(n, t) for n, t in rest if not (_BYLINE.match(t) and len(t) < 120)]
    if len(unbylined) >= 2:
        return unbylined[:1], unbylined[1:], None, author
    return [], unbylined, None, author
