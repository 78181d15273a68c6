"""Shared helpers for names, titles and mentions: tokenising masked text and splitting a noun
phrase into description and name. Word lists are lower-case, without trailing periods."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from briefing.quotes import FILLER

# Words joined by hyphens or apostrophes stay one token ("al-Farhat's", "Turkey-based");
# dotted initialisms ("U.S.") are one token too. All alternatives are anchored on a first
# character class and consume at least one character, so tokenising is linear.
_W = r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
TOKEN_RE = re.compile(
    FILLER + r"+|(?:[^\W\d_]\.){2,}|\w" + _W + r"*(?:[\u2019'\-\u2010\u2011]" + _W + r"+)*[\u2019']?|[^\w\s" + FILLER + "]"
)

ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen col lt sgt capt maj adm gov sen rep rev st jr sr no inc corp co ltd "
    "brig cmdr cpl pvt supt det insp fr mt ft vol jan feb mar apr aug sept sep oct nov dec".split()
)


def _any_case(word: str) -> str:
    return "".join(f"[{c}{c.upper()}]" for c in word)


# TOKEN_RE with the periods abbreviations absorb (see chunk_tokens) already attached, so that
# tokenising needs no Python per token: "Mr." (any case of an abbreviation, then a period)
# and a single word character then a period ("J.", but also "a.", which the caller must split
# again: isupper() has no regex form). Only ASCII letters lower-case to an abbreviation's
# letters (apart from the Kelvin sign, to a "k" no abbreviation has), so the case classes
# are exact; each alternative sits where the plain word would have matched.
def _any_case_trie(words: list[str]) -> str:
    """One regex for the words, any case, shared prefixes factored (sre has no trie)."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[:1], []).append(word[1:])
    ends = by_first.pop("", None) is not None
    alts = [_any_case(first) + _any_case_trie(rest) for first, rest in sorted(by_first.items())]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if ends else body


_LONG_ABBREVIATIONS = sorted(w for w in ABBREVIATIONS if len(w) > 1)
TOKEN_MERGED_RE = re.compile(
    FILLER + r"+|(?:[^\W\d_]\.){2,}"
    # the look-ahead only lets a short ASCII word then a period try the abbreviations
    + f"|(?=[A-Za-z]{{{min(map(len, _LONG_ABBREVIATIONS))},{max(map(len, _LONG_ABBREVIATIONS))}}}\\.)"
    + _any_case_trie(_LONG_ABBREVIATIONS)
    + r"\.|\w\.|\w" + _W + r"*(?:[\u2019'\-\u2010\u2011]" + _W + r"+)*[\u2019']?|[^\w\s" + FILLER + "]"
)
TITLE_WORDS = frozenset(
    "mr mrs ms miss mx dr prof professor sir dame lord lady baroness baron gen general lt lieutenant "
    "col colonel brig brigadier maj major capt captain cmdr commander adm admiral sgt sergeant cpl "
    "corporal marshal field air vice rear president prime minister chancellor premier secretary "
    "secretary-general under-secretary ambassador senator sen rep representative congressman "
    "congresswoman governor gov mayor judge justice king queen prince princess crown sheikh sheik "
    "emir sultan pope cardinal bishop archbishop rev reverend father rabbi imam ayatollah chief "
    "deputy director inspector detective det officer constable superintendent supt chairman "
    "chairwoman chair speaker councillor councilor mp mep attorney foreign defence defense interior "
    "finance health justice home state acting former retired defected late staff "
    "commissioner envoy spokesman spokeswoman spokesperson".split()
)
# Nouns that name a person's role; "the commander" resolves through them.
ROLE_NOUNS = frozenset(
    "commander minister spokesperson spokesman spokeswoman researcher analyst official officer "
    "director president chairman chairwoman chair chief head secretary ambassador envoy expert "
    "professor lecturer scientist economist lawyer attorney prosecutor judge mayor governor "
    "senator lawmaker legislator mp activist resident witness doctor nurse surgeon physician "
    "teacher student farmer worker leader founder manager executive ceo owner editor journalist "
    "reporter correspondent author writer historian fellow adviser advisor consultant "
    "coordinator representative negotiator diplomat general colonel captain soldier fighter "
    "militant rebel candidate member politician campaigner organiser organizer volunteer "
    "engineer pilot driver father mother son daughter wife husband brother sister survivor "
    "victim owner investigator inspector detective police officer medic paramedic economist "
    "strategist pollster deputy premier chancellor king queen prince cleric imam priest bishop "
    "pastor rabbi coach player striker manager captain".split()
)
ORG_WORDS = frozenset(
    "ministry department office observatory council group command army forces agency "
    "organization organisation association committee institute union party company corporation "
    "corp inc ltd plc llc bank university court government police network center centre "
    "foundation commission authority authorities service services coalition front movement "
    "federation bureau board fund programme program alliance league society watch trust "
    "initiative project campaign church school college hospital embassy parliament assembly "
    "senate congress cabinet military navy guard brigade battalion regiment division corps "
    "administration secretariat mission unit airline airlines airways holdings media news times "
    "post press radio television channel monitor directorate kremlin pentagon nations "
    "council consortium institution tribunal ngo charity cross crescent fund firm regime "
    "prosecutors ministry's".split()
)
# Capital cities and buildings that stand for governments ("Damascus said").
METONYMS = frozenset(
    "damascus moscow tehran ankara washington beijing kyiv kiev london paris berlin riyadh cairo "
    "jerusalem baghdad beirut kremlin pentagon whitehall brussels tokyo seoul pyongyang delhi "
    "islamabad kabul doha amman abu".split()
)
PARTICLES = frozenset("al el bin ibn bint abu de da del della di du van von der den la le dos das ben ter y".split())
PRONOUNS = {"he": "m", "she": "f", "they": "p", "it": "o", "we": "p", "i": "s"}
PREFIX_PARTICLE_RE = re.compile(r"^(?:al|el|ad|ar|as|at|an|ash|az|ad|bin|ibn|abu|ben|de|d|l)[-\u2019'][^\W\d_]")


class Tok(NamedTuple):
    text: str
    kind: str  # "W" word, "P" punctuation, "Q" masked quotation
    low: str  # lower case without a trailing period, for word-list look-ups


def new_tok(text: str) -> Tok:
    """The token of one TOKEN_MERGED_RE match."""
    first = text[0]
    if first == FILLER:
        return Tok(text, "Q", "")
    if first.isalnum() or first == "_":
        if text[-1] == "." and text.count(".") == 1:  # "Mr." (dotted "U.S." has two or more)
            return Tok(text, "W", text[:-1].lower())
        return Tok(text, "W", text.lower())
    return Tok(text, "P", text)


def chunk_tokens(chunk: str) -> tuple[Tok, ...]:
    """Tokens of one whitespace-free chunk. No token spans or looks past whitespace (str.split
    and the regex's \\s agree on what whitespace is), so a paragraph's tokens are its chunks'
    tokens in order, and a period can only join the word right before it in its chunk."""
    texts = TOKEN_RE.findall(chunk)
    toks = list(map(new_tok, texts))
    if "." in texts[1:]:
        _absorb_periods(toks)
    return tuple(toks)


def _absorb_periods(toks: list[Tok]) -> None:
    i = 1
    while i < len(toks):
        prev = toks[i - 1]
        if toks[i].text == "." and prev.kind == "W" and is_abbreviation(prev.text):
            toks[i - 1] = Tok(prev.text + ".", "W", prev.low)
            del toks[i]
        else:
            i += 1


def is_abbreviation(word: str) -> bool:
    return word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper())


def strip_possessive(word: str) -> str:
    if not word.endswith(_POSSESSIVES):  # most words: one test instead of four
        return word
    for suffix in _POSSESSIVES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)]
    return word


_POSSESSIVES = ("\u2019s", "'s", "\u2019", "'")


def is_name_word(word: str) -> bool:
    """Capitalised word, or a particle-prefixed one ("al-Farhat")."""
    # every prefix particle starts with one of "abdeil" (the test before the regex is cheap)
    return bool(word) and (word[0].isupper() or (word[0] in "abdeil" and bool(PREFIX_PARTICLE_RE.match(word))))


def is_acronym(word: str) -> bool:
    if len(word) > 10 or len(word) < 2:  # the cheap test first: two letters or more, ten characters at most
        return False
    if word.isascii() and not word.isupper():
        return False  # ASCII with a lower-case letter, or with no letter at all
    letters = list(filter(str.isalpha, word))
    return len(letters) >= 2 and all(map(str.isupper, letters))


def split_title(words: list[str]) -> tuple[list[str], list[str]]:
    """Split a capitalised run into (title words, name words): "Lieutenant Colonel Hassan
    Abdul Ghani" -> (["Lieutenant", "Colonel"], ["Hassan", "Abdul", "Ghani"]). The last word is
    never a title, so "Stephen King" stays whole."""
    cut = 0
    for i, w in enumerate(words[:-1]):
        lw = w.lower().rstrip(".")
        if lw in TITLE_WORDS or is_acronym(w) or (i == cut and lw in ROLE_NOUNS and len(words) - i >= 3) or (i < cut + 1 and _nationality(w) and _has_title(words[i + 1:-1])):
            cut = i + 1
        else:
            break
    return words[:cut], words[cut:]


def _nationality(word: str) -> bool:
    return word.endswith(("an", "ian", "ese", "ish", "i", "ch"))


def _has_title(words: list[str]) -> bool:
    for w in words:
        if w.lower().rstrip(".") in TITLE_WORDS:
            return True
    return False


def is_org_name(words: list[str]) -> bool:
    lows = list(map(str.lower, map(strip_possessive, words)))
    if not ORG_WORDS.isdisjoint(lows):
        return True
    return len(words) == 1 and (is_acronym(words[0]) or lows[0] in METONYMS)


@lru_cache(maxsize=8192)  # pure and cheap; entity names are folded again and again in an article
def fold(text: str) -> str:
    """Comparison key: case and diacritics folded, hyphens as spaces."""
    if text.isascii():
        # no decomposition nor combining marks, and casefold() is lower(): one table does it
        return " ".join(text.translate(_ASCII_FOLD).split())
    return _fold_unicode(text)


def _fold_unicode(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(_NOT_WORD_RE.sub(" ", text).split())


_NOT_WORD_RE = re.compile(r"[^\w\s]")
# ASCII: upper case to lower, [^\w\s] to a space (as _fold_unicode does it)
_ASCII_FOLD = {
    i: " " if _NOT_WORD_RE.match(chr(i)) else chr(i).casefold()
    for i in range(128)
    if _NOT_WORD_RE.match(chr(i)) or chr(i).casefold() != chr(i)
}


def is_alias(short: str, full: str) -> bool:
    """Whether `short` can refer to the person `full`: a trailing part of it ("Abdul Ghani",
    "al-Farhat") or the first name alone."""
    return is_alias_words(fold(short).split(), fold(full).split())


def is_alias_words(s: list[str], f: list[str]) -> bool:
    """is_alias on the folded words of both names."""
    if not s or len(s) >= len(f):
        return s == f
    if f[-len(s):] == s:
        return True
    if s[-1] in PARTICLES:
        return False
    # "Al-Farhat" vs "Mustafa al-Farhat": particles fold into separate words
    return len(s) == 1 and f[0] == s[0]
