"""Noun phrases and descriptions read off the tokens around a cue or a name: where a phrase
starts or ends, an appositive (", a researcher at X,"), the comma-bounded subject of a verb.
Pure functions of the tokens (and indices into them)."""

from __future__ import annotations

import re
from operator import itemgetter

from briefing.analysis_words import FORWARD_STOP, NP_INNER, SENTENCE_OPENERS, SPEECH_VERBS, STOP
from briefing.names import ROLE_NOUNS, Tok, fold, is_acronym, is_name_word
from briefing.sources import Mention, read_np

_DETERMINERS = frozenset(("the", "a", "an", "its", "their", "his", "her"))
# Words with a rule of their own in np_backward / np_forward: one look-up rules out the rest.
_BACKWARD_RULED = _DETERMINERS | NP_INNER | STOP | {"and"}
_FORWARD_RULED = FORWARD_STOP | STOP


def np_backward(toks: list[Tok], j: int, lo: int) -> int:
    """Start index of the noun phrase ending at token j (inclusive), or j + 1 if none."""
    i = j
    count = 0
    while i >= lo and count < 12:
        t = toks[i]
        if t.kind != "W":
            if t.text == ")" and i - 2 >= lo and toks[i - 2].text == "(" and is_acronym(toks[i - 1].text):
                i -= 3
                count += 1
                continue
            break  # other punctuation, or a quotation
        low = t.low
        if low in _BACKWARD_RULED:
            if low in _DETERMINERS:
                if i + 1 <= j and i - 1 >= lo and toks[i - 1].low in NP_INNER and i - 2 >= lo and toks[i - 2].kind == "W":
                    i -= 2
                    count += 2
                    continue
                i -= 1
                break
            if low in NP_INNER or (low == "and" and not t.text[0].isupper()):
                left = toks[i - 1] if i - 1 >= lo else None
                right = toks[i + 1] if i + 1 <= j else None
                if left is None or left.kind != "W" or left.low in STOP or right is None:
                    break
                if low == "and" and not (is_name_word(left.text) and is_name_word(right.text)):
                    break
                i -= 1
                count += 1
                continue
            if low in STOP:
                break
        if low.endswith("ly") and not is_name_word(t.text):
            break
        if i == lo and low in SENTENCE_OPENERS and is_name_word(t.text):
            break
        i -= 1
        count += 1
    return i + 1


def np_forward(toks: list[Tok], i: int, hi: int) -> int:
    """End index (exclusive) of the noun phrase starting at token i."""
    k = i
    while k < hi and k - i < 14:
        t = toks[k]
        if t.kind != "W":
            if t.text == "(" and k + 2 < hi and toks[k + 2].text == ")" and is_acronym(toks[k + 1].text):
                k += 3
                continue
            break  # other punctuation, or a quotation
        low = t.low
        if low in _FORWARD_RULED:
            if k > i and low not in NP_INNER:
                if not (low == "and" and k + 1 < hi and is_name_word(toks[k + 1].text) and is_name_word(toks[k - 1].text)):
                    break
            if k == i and low in STOP and low not in ("the", "a", "an"):
                break
        k += 1
    return k


def appositive_forward(toks: list[Tok], k: int, hi: int) -> tuple[str, int]:
    """", a spokesperson for the airline," after a name: (text, index after it)."""
    if k >= hi or toks[k].text != ",":
        return "", k
    # A quote's attribution reads the same appositive twice (introducing the speaker, then
    # as the inverted subject): the last answer is kept, for these very tokens.
    last = _LAST_APPOSITIVE
    if last[0] is toks and last[1] == k and last[2] == hi:
        return last[3]
    found = _appositive(toks, k, hi)
    last[:] = toks, k, hi, found
    return found


_LAST_APPOSITIVE: list = [None, 0, 0, ("", 0)]


def _appositive(toks: list[Tok], k: int, hi: int) -> tuple[str, int]:
    m = k + 1
    while m < hi and m - k < 25:
        t = toks[m]
        if t.kind == "W":
            m += 1
        elif t.text == "(" and m + 2 < hi and toks[m + 2].text == ")":
            m += 3
        else:
            break
    if m == k + 1 or m - k >= 25:
        return "", k
    first = toks[k + 1].low
    if first in STOP and first not in ("a", "an", "the"):
        return "", k
    for t in toks[k + 1:m]:
        if t.low in SPEECH_VERBS:
            return "", k
    return words(toks, k + 1, m), m


def words(toks: list[Tok], a: int, b: int) -> str:
    """The tokens' text as written: spaced, but not inside brackets nor before punctuation."""
    text = " ".join(map(_TEXT, toks[a:b]))
    if _SPACED_MARKS.isdisjoint(text):
        return text  # the usual case: the regex could not match
    return _SPACING_RE.sub(lambda m: m.group(1) or m.group(2) or m.group(3), text)


# undo the spaces joining tokens put inside brackets and before punctuation
_SPACING_RE = re.compile(r"(\()\s|\s(\))|\s([,.;:])")
_SPACED_MARKS = frozenset("(),.;:")


def word_list(toks: list[Tok], a: int, b: int) -> tuple[str, ...]:
    """The tokens' texts, as a tuple: read_np keys its cache on one, so it need not copy."""
    return tuple(map(_TEXT, toks[a:b]))


_TEXT = itemgetter(0)  # Tok.text, in C (no comprehension frame)


def strip_article(text: str) -> str:
    """The description without its leading article, trimmed (see trim_clause)."""
    words = text.split()
    if words and words[0].lower() in ("a", "an", "the"):
        words = words[1:]
    return trim_clause(" ".join(words))


def trim_clause(text: str) -> str:
    """Cut a description before a trailing participle clause after a capitalised name
    ("... Department overseeing the battles") or a relative clause."""
    if "ing" not in text and "wh" not in text.lower():
        # neither a participle nor who/which/whose (whose only case-insensitive matches are
        # ASCII letters, lower-cased in place)
        return text
    words = text.split()
    for i in range(1, len(words)):
        w = words[i]
        if w.lower() in ("who", "which", "whose") or (w.endswith("ing") and w.islower() and words[i - 1][:1].isupper()):
            return " ".join(words[:i])
    return text


def describes_person(appos: str) -> bool:
    """An appositive naming a role ("a researcher at X")."""
    return not ROLE_NOUNS.isdisjoint(fold(appos).split()[:8])


def comma_subject(toks: list[Tok], j: int, lo: int) -> tuple[Mention, int] | None:
    """Subjects set off by commas before the verb: "Name, a researcher at X, 17, said";
    "Its founder, Priya Lodhi, says"; "Its owner, a man who gave his name as Abu Hassan, said"."""
    chunks = _comma_chunks(toks, j, lo)
    descs: list[str] = []
    for n, (a, b) in enumerate(chunks):
        if a >= b:
            return None
        words = word_list(toks, a, b)
        if n and words and words[0].lower() in ("a", "an") and not words[-1].lower().endswith("ly"):
            # "An official at the ministry, who was not authorised to speak, said": unnamed speaker
            mention = read_np(words)
            if mention and mention.kind == "unnamed":
                return mention, a
        named_as = _named_as(words)
        if named_as:
            return Mention("person", named_as, _desc_before(toks, chunks, n)), a
        if all(is_name_word(w) or w.lower() in ("al", "bin", "de", "van", "von") for w in words) and len(words) <= 5:
            if a - 1 >= lo and toks[a - 1].text == "," and n + 1 < len(chunks):
                mention = read_np(words)
                if mention and mention.kind == "person":
                    mention.description = _desc_before(toks, chunks, n) + mention.description + descs
                    return mention, a
        last = toks[b - 1]
        if n and (is_name_word(last.text) or last.text == ")") and toks[b].text == ",":
            start = np_backward(toks, b - 1, a)
            if start <= b - 1:
                mention = read_np(word_list(toks, start, b))
                if mention and mention.kind in ("person", "org"):
                    mention.description.extend(descs)
                    return mention, start
        descs.insert(0, strip_article(" ".join(words)))
    return None


def _comma_chunks(toks: list[Tok], j: int, lo: int) -> list[tuple[int, int]]:
    """Comma-bounded chunks ending at the comma j, nearest first: [(start, end)]."""
    chunks, end, k = [], j, j - 1
    while k >= lo and j - k < 40 and len(chunks) < 3:
        t = toks[k]
        if t.text == ",":
            chunks.append((k + 1, end))
            end = k
        elif t.kind == "Q" or t.text in ";:.!?":
            break
        k -= 1
    if k < lo or toks[k].text != ",":
        chunks.append((max(k + 1, lo), end))
    return chunks


def _named_as(words: tuple[str, ...]) -> str:
    """"... who gave his name only as Abu Hassan" -> "Abu Hassan"."""
    for i in range(len(words) - 1, 0, -1):
        if words[i - 1].lower() == "as" and is_name_word(words[i]):
            run = words[i:]
            if all(is_name_word(w) for w in run) and any(w.lower() in ("name", "known", "identified") for w in words[:i]):
                return " ".join(run)
    return ""


def _desc_before(toks: list[Tok], chunks: list[tuple[int, int]], n: int) -> list[str]:
    """The descriptor chunk before a comma-bounded name ("Its founder" -> "founder")."""
    if n + 1 >= len(chunks):
        return []
    a, b = chunks[n + 1]
    words = [w for w in word_list(toks, a, b) if w.lower() not in ("its", "their", "his", "her", "the", "a", "an")]
    words = [w for w in words if not w.lower().endswith(("\u2019s", "'s")) or is_name_word(w)]
    return [" ".join(words)] if words and len(words) <= 8 else []
