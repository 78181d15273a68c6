"""Find quotation spans in article paragraphs (marks only; attribution lives in analysis).

Everything here is a single left-to-right pass over each paragraph, so the cost is linear in
the input whatever mix of marks it holds: the fuzzer feeds arbitrary Unicode and megabytes of
text, and a regex with nested quantifiers over quote marks would not survive that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Private-use filler that replaces quoted regions in the masked text: it is neither a word
# character nor punctuation, so cue patterns see a quotation as one opaque token.
FILLER = "\ue000"

DOUBLE_OPEN = {"\u201c": "\u201d", "\u201e": "\u201c\u201d", "\u00ab": "\u00bb", '"': '"\u201d'}
DOUBLE_CLOSE = "\u201d\u00bb\u201c"
SINGLE_OPEN = "\u2018'"
SINGLE_CLOSE = "\u2019'"
OPEN_CONTEXT = " \t\n([{\u2014\u2013-/\u201c\u201e\u00ab\u2018\"'\u00a0"
STRONG_BEFORE = ",.!?;:\u2026\u2014\u2013-"
# Contractions and dates whose leading apostrophe sits where an opening mark would.
ELISIONS = ("n'", "n\u2019", "em ", "em.", "em,", "tis ", "til ", "twas ", "cause ", "bout ")


MARK_RE = re.compile("[\"'\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019]")
# The marks that are never an apostrophe inside a word, and the two that can be ("Syria’s",
# "don't": with a word character before and a letter or digit after, such a mark neither
# opens, the character before not being in OPEN_CONTEXT, nor closes, _single_close_strength
# being 0, so _events would drop it anyway).
_NOT_APOSTROPHES = "\"\u201c\u201d\u201e\u00ab\u00bb\u2018"
_APOSTROPHES = "'\u2019"


@dataclass(slots=True)
class RawQuote:
    """A quotation as found: pieces per paragraph plus the regions its marks cover."""

    pieces: list[tuple[int, int, int]] = field(default_factory=list)  # content, trimmed
    regions: list[tuple[int, int, int]] = field(default_factory=list)  # marks included
    family: str = "d"  # "d" double, "s" single
    closed: bool = True
    ends_sentence: bool = False  # the quoted words end with . ! ? or an ellipsis


def _prev(s: str, i: int) -> str:
    return s[i - 1] if i > 0 else " "


def _next(s: str, i: int) -> str:
    return s[i + 1] if i + 1 < len(s) else " "


def _straight_double_role(s: str, i: int) -> str:
    """Guess whether a straight " opens or closes from its neighbours ("a" = either)."""
    before, after = _prev(s, i), _next(s, i)
    opens = before in OPEN_CONTEXT and not after.isspace()
    closes = not before.isspace() and (after.isspace() or not after.isalnum())
    if opens and not closes:
        return "o"
    if closes and not opens:
        return "c"
    return "a"


def _single_opens(s: str, i: int) -> bool:
    if _prev(s, i) not in OPEN_CONTEXT:
        return False
    after = _next(s, i)
    if not (after.isalpha() or after in "[\u2026"):
        return False  # '90s, ' alone
    return not s.startswith(ELISIONS, i + 1)


def _single_close_strength(s: str, i: int) -> int:
    """0 = not a closing mark, 1 = weak (plural possessive look), 2 = plain, 3 = strong."""
    before, after = _prev(s, i), _next(s, i)
    if before.isspace() or after.isalnum():
        return 0  # Syria's, don't, or an opening mark
    if before in STRONG_BEFORE or after in ",.;:!?)\u2014\u2013\u201d\"" or i + 1 >= len(s):
        return 3
    if before in "sSzZ" and after.isspace() and s[i + 2:i + 3].islower():
        return 1  # forces' advance
    return 2


def _events(s: str) -> list[tuple[int, str]]:
    """Candidate marks in order: (offset, kind) with kind in o/c/a (double) or S/E (single)."""
    out: list[tuple[int, str]] = []
    for i in _mark_offsets(s):
        ch = s[i]
        if ch in "\u201c\u201e\u00ab":
            out.append((i, "o"))
        elif ch in "\u201d\u00bb":
            out.append((i, "c"))
        elif ch == '"':
            out.append((i, _straight_double_role(s, i)))
        elif ch in SINGLE_OPEN and _single_opens(s, i):
            out.append((i, "S"))
        if ch in SINGLE_CLOSE:
            strength = _single_close_strength(s, i)
            if strength:
                out.append((i, f"E{strength}"))
    return out


def _mark_offsets(s: str) -> list[int]:
    """Offsets of MARK_RE's marks in order, less the apostrophes inside a word. A str.find per
    mark skips to the next one far faster than a regex's character class, which tests every
    character."""
    out = []
    ascii_only = s.isascii()  # a flag of the string, no scan: then only the straight marks
    for ch in '"' if ascii_only else _NOT_APOSTROPHES:
        i = s.find(ch)
        while i >= 0:
            out.append(i)
            i = s.find(ch, i + 1)
    for ch in "'" if ascii_only else _APOSTROPHES:
        i = s.find(ch)
        while i >= 0:
            # inside a word: \w before it (str.isalnum() or "_"), a letter or digit after it
            if not (i and (s[i - 1].isalnum() or s[i - 1] == "_") and s[i + 1:i + 2].isalnum()):
                out.append(i)
            i = s.find(ch, i + 1)
    out.sort()
    return out


def _match_double(ev: list[tuple[int, str]], k: int) -> tuple[int, bool]:
    """Index of the closing event for the double opener at k; (stop, False) if unclosed."""
    m = k + 1
    while m < len(ev):
        kind = ev[m][1]
        if kind in ("c", "a"):
            return m, True
        if kind == "o":
            return m, False  # a fresh opener: the previous quote lost its closing mark
        m += 1
    return m, False


def _match_single(ev: list[tuple[int, str]], k: int) -> int:
    """Index of the best closing mark for the single opener at k, or -1."""
    best, best_strength = -1, 0
    m = k + 1
    while m < len(ev):
        kind = ev[m][1]
        if kind == "S" and ev[m][0] > ev[k][0] + 1:
            break
        if kind.startswith("E") and ev[m][0] > ev[k][0]:
            strength = int(kind[1])
            if strength == 3:
                return m
            if strength > best_strength:
                best, best_strength = m, strength
        m += 1
    return best


def _piece(s: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace (incl. no-break spaces) off the content range."""
    while start < end and s[start].isspace():
        start += 1
    while end > start and s[end - 1].isspace():
        end -= 1
    return start, end


def _scan_paragraph(p: int, s: str) -> list[RawQuote]:
    ev = _events(s)
    if not ev:
        return []  # most paragraphs of reported text have no quotation mark at all
    found: list[RawQuote] = []
    k = 0
    while k < len(ev):
        pos, kind = ev[k]
        if kind in ("o", "a"):
            m, closed = _match_double(ev, k)
            end = ev[m][0] if m < len(ev) else len(s)
            region_end = end + 1 if closed else end
            found.append(_make(p, s, pos, end, region_end, "d", closed))
            k = m + 1 if closed else m
        elif kind == "S":
            m = _match_single(ev, k)
            if m < 0:
                k += 1
                continue
            end = ev[m][0]
            found.append(_make(p, s, pos, end, end + 1, "s", True))
            k = m + 1
        else:
            k += 1
    return [q for q in found if q.pieces] if found else found


def _make(p: int, s: str, pos: int, end: int, region_end: int, family: str, closed: bool) -> RawQuote:
    start, stop = _piece(s, pos + 1, end)
    q = RawQuote(family=family, closed=closed)
    q.regions.append((p, pos, region_end))
    if stop > start:
        q.pieces.append((p, start, stop))
        q.ends_sentence = s[stop - 1] in ".!?\u2026" or s[max(start, stop - 2):stop] == ".,"
    return q


def _opens_paragraph(q: RawQuote, s: str) -> bool:
    p, pos, _ = q.regions[0]
    return not s[:pos].strip()


def find_quotes(paragraphs: list[str]) -> list[RawQuote]:
    """All quotations, with a quote left open at a paragraph's end continued into the next
    paragraph when that one opens with a mark of the same family (the multi-paragraph
    convention). An open quote that is not continued stops at its paragraph's end, so a
    stray mark never swallows the rest of the article."""
    result: list[RawQuote] = []
    open_q: RawQuote | None = None
    for p, s in enumerate(paragraphs):
        quotes = _scan_paragraph(p, s)
        if open_q is not None and quotes and quotes[0].family == open_q.family and _opens_paragraph(quotes[0], s):
            first = quotes.pop(0)
            open_q.pieces.extend(first.pieces)
            open_q.regions.extend(first.regions)
            open_q.closed, open_q.ends_sentence = first.closed, first.ends_sentence
            quotes.insert(0, open_q)
            result.pop()
        open_q = quotes[-1] if quotes and not quotes[-1].closed and _runs_to_end(quotes[-1], s) else None
        result.extend(quotes)
    return result


def _runs_to_end(q: RawQuote, s: str) -> bool:
    return q.regions[-1][2] >= len(s.rstrip())


def mask(paragraph: str, regions: list[tuple[int, int]]) -> str:
    """The paragraph with each quoted region (marks included) replaced by FILLER characters,
    keeping offsets, so cue patterns never match words inside quotations."""
    if not regions:
        return paragraph
    parts, last = [], 0
    for start, end in sorted(regions):
        if start < last:
            continue
        parts.append(paragraph[last:start])
        parts.append(FILLER * (end - start))
        last = end
    parts.append(paragraph[last:])
    return "".join(parts)


def quote_text(paragraphs: list[str], q: RawQuote) -> tuple[str, tuple[tuple[int, int, int], ...]]:
    """Text and spans of a quotation; spans cover exactly the characters of `text` (the
    trailing comma is dropped from both)."""
    spans = list(q.pieces)
    p, start, end = spans[-1]
    s = paragraphs[p]
    if s[end - 1] == ",":
        start, end = _piece(s, start, end - 1)
        if end > start:
            spans[-1] = (p, start, end)
        else:
            spans.pop()
    if len(spans) == 1:  # the usual quotation, within one paragraph
        p, a, b = spans[0]
        return paragraphs[p][a:b], tuple(spans)
    text = "\n".join(paragraphs[p][a:b] for p, a, b in spans)
    return text, tuple(spans)


def is_partial(text: str) -> bool:
    """A fragment embedded in a sentence rather than a quoted sentence: it starts in lower
    case, or it neither ends a sentence nor is handed off with a comma."""
    first = text.lstrip("[(\u2026. ")[:1]
    if not first or not (first.isupper() or first.isdigit()):
        return True
    return len(text.split(maxsplit=3)) < 4 and text[-1:] not in ".!?\u2026"  # three words at most
