"""Quotations that name or title something ("dubbed “X”", "known as “X”", a quoted title)
rather than report speech: they get no speaker."""

from __future__ import annotations

import re

_NAMING_RE = re.compile(
    r"(?:\b(?:dubbed|so-called|so called|nicknamed|named|known(?:\s+\w+){0,4}\s+as|titled|entitled|"
    r"code-?named|hashtag|slogans?|mottos?|the (?:words?|term|phrase|title|motto|name)|"
    r"operation|banners?|signs?(?: reading)?|reading|chant(?:ing|ed|s of)?)"
    r")\s*[,:]?\s*$",
    re.IGNORECASE,
)
# "called the flat “the Embassy”": naming an object, when the quote reads like a name
_CALLED_OBJ_RE = re.compile(
    r"\b(?:call(?:ed|s|ing)?|dubb(?:ed|ing)|renam(?:ed|ing)|labell?(?:ed|ing))\s+(?!it\b|this\b|that\b|them\b|him\b|her\b)"
    r"(?:the\s+|a\s+|an\s+|its\s+|their\s+)?[\w\u2019'-]+\s*$",
    re.IGNORECASE,
)
_CALLED_RE = re.compile(r"\b(?:a|an|the|group|campaign|party|organi[sz]ation|movement|film|book|album|song|show|place|club)\s+called\s*$", re.IGNORECASE)


def naming_cue(masked: str, start: int, text: str) -> bool:
    """Quoted names and titles: "dubbed “X”", "known as “X”", "called the flat “X”"."""
    before = masked[max(0, start - 40):start]
    low = before.lower()
    if "called" in low and _CALLED_RE.search(before):
        return True
    if _has_any(low, _CALLED_OBJ_KEYS) and _CALLED_OBJ_RE.search(before) and looks_like_title(text):
        return True
    return _has_any(low, _NAMING_KEYS) and bool(_NAMING_RE.search(before)) and _name_like(text)


def _has_any(text: str, keys: tuple[str, ...]) -> bool:
    for key in keys:
        if key in text:
            return True
    return False


# Each regex search above tries every offset of `before`; a substring test first rules most
# quotes out. Every match of a regex contains one of its keys, in letters whose only
# case-insensitive matches are the ASCII pair (keys avoid i, s and k, which also match
# "İ", "ſ", "ı" and the Kelvin sign), so lower() of the matched text holds the key.
_CALLED_OBJ_KEYS = ("call", "dubb", "renam", "label")
_NAMING_KEYS = (
    "dubbed", "called", "name", "nown", "tle", "htag", "logan", "motto", "word", "term", "phra",
    "operat", "banner", "gn", "read", "chant",
)


def _name_like(text: str) -> bool:
    """Short, or capitalised like a name or title."""
    words = text.rstrip(",.!?").split()
    return len(words) <= 4 or looks_like_title(text)


def looks_like_title(text: str) -> bool:
    # more than _TITLE_LIMIT words are too many, however many more: split no further
    words = text.rstrip(",.!?").split(maxsplit=_TITLE_LIMIT)
    if not words or len(words) > _TITLE_LIMIT:
        return False
    signif = 0  # words of four letters or more: all capitalised, and at least about half
    for w in words:
        if len(w) > 3 and w[0].isalpha():
            if not w[0].isupper():
                return False
            signif += 1
    return signif > 0 and signif * 2 >= len(words) - 1 and (len(words) >= 2 or words[0][0].isupper())


_TITLE_LIMIT = 14
