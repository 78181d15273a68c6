"""Speech cues in a sentence and the phrase each names as its speaker: a speech verb and its
subject ("X said", "said X"), "according to X", "in X's view", "in a statement by X"."""

from __future__ import annotations

from dataclasses import dataclass

from briefing.analysis_phrases import (
    appositive_forward,
    comma_subject,
    np_backward,
    np_forward,
    strip_article,
    word_list,
    words,
)
from briefing.analysis_words import OUTLET_EXCLUDE, SKIP_LEFT, SPEECH_VERBS, STATEMENT_NOUNS, STOP, TO_OK, VIEW_NOUNS
from briefing.attribution_state import State
from briefing.names import PRONOUNS, Tok, fold, is_name_word
from briefing.sources import Entity, Mention, read_np


@dataclass(slots=True)
class Cue:
    index: int  # token index of the verb or cue word
    subject_start: int  # first token index of the cue phrase, to test adjacency
    mention: Mention | None
    participle: bool = False
    override: bool = False  # "in a statement by X" names the speaker whatever the verb says
    entity: Entity | None = None
    label: str = ""


def find_cues(toks: list[Tok], sent: str, offsets: tuple[int, ...], lo: int, hi: int, state: State) -> list[Cue]:
    """The cues of the sentence [lo, hi), in order (`sent`: its signature; `offsets`:
    cue_offsets(sent))."""
    found: list[Cue] = []
    for at in offsets:
        v = lo + at
        # a cue word has no period to drop, so its low is text.lower(); being ASCII, it
        # starts with a lower-case letter exactly when it is no name word (class "c")
        low = toks[v].low
        if low in SPEECH_VERBS and sent[at] == "c" and not (v + 1 < hi and toks[v + 1].low == "to" and low not in TO_OK):
            # a speech verb, not used before "to" ("agreed to the talks", "promised to act")
            if low in ("told", "telling", "tells", "tell"):
                _outlet(toks, v + 1, hi, state)
            if SPEECH_VERBS[low]:
                found.append(Cue(v, v, None, participle=True))
                continue
            mention, start = _subject(toks, v, lo, hi)
            if mention is not None:
                found.append(Cue(v, start, mention))
        elif low == "according" and v + 1 < hi and toks[v + 1].low == "to":
            end = np_forward(toks, v + 2, hi)
            mention = read_np(word_list(toks, v + 2, end)) if end > v + 2 else None
            if mention:
                found.append(Cue(v, v, mention))
        elif low in VIEW_NOUNS and v - 1 >= lo and toks[v - 1].text.endswith(("\u2019s", "'s", "\u2019")):
            found.extend(_possessive_cue(toks, v, lo))
        elif (low == "by" or low == "from") and _after_statement(toks, v, lo):
            end = np_forward(toks, v + 1, hi)
            mention = read_np(word_list(toks, v + 1, end)) if end > v + 1 else None
            if mention and mention.kind in ("org", "person"):
                found.append(Cue(v, v, mention, override=True))
    return found


def cue_offsets(sent: str) -> tuple[int, ...]:
    """Offsets of the words that can start a cue in a sentence's signature, in order: the
    words of CUE_WORDS, class letters c and C (see analysis_tokens). A str.find per letter,
    as a regex's character class would test every character."""
    out = []
    for letter in "cC":
        i = sent.find(letter)
        while i >= 0:
            out.append(i)
            i = sent.find(letter, i + 1)
    out.sort()
    return tuple(out)


def _subject(toks: list[Tok], v: int, lo: int, hi: int) -> tuple[Mention | None, int]:
    """The speaker of the verb at v: to its left, or after it when inverted."""
    j = v - 1
    while j >= lo and toks[j].low in SKIP_LEFT:
        j -= 1
    if j < lo:
        # inversion opening the sentence
        return _inverted(toks, v, hi), v
    text, kind, low = toks[j]
    if text == ",":
        found = comma_subject(toks, j, lo)
        if found is not None:
            return found
    if kind == "W" and low in PRONOUNS:
        return Mention("pronoun", low), j
    if kind == "W" and low not in STOP or text == ")":
        start = np_backward(toks, j, lo)
        if start <= j:
            return read_np(word_list(toks, start, j + 1)), start
    if low == "who":
        return Mention("pronoun", "who"), j
    # Inversion ("..., said the minister") follows a quotation or opens the sentence;
    # elsewhere "said the ministry had ..." is reported speech with its subject to the left.
    if kind == "Q" or (text in ",;:\u2014\u2013-(" and j - 1 >= lo and toks[j - 1].kind == "Q"):
        return _inverted(toks, v, hi), v
    return None, v


def _inverted(toks: list[Tok], v: int, hi: int) -> Mention | None:
    """"said the minister", "said Jane Doe, a spokesperson for the airline"."""
    end = np_forward(toks, v + 1, hi)
    if end <= v + 1 or toks[v].low in ("told", "tells", "tell", "telling"):
        return None  # "told Syria Direct": the object is an outlet, not the speaker
    mention = read_np(word_list(toks, v + 1, end))
    appos, _ = appositive_forward(toks, end, hi)
    if mention and appos:
        mention.description.append(strip_article(appos))
    return mention


def _possessive_cue(toks: list[Tok], v: int, lo: int) -> list[Cue]:
    j = v - 1
    start = np_backward(toks, j, lo)
    if start > j:
        return []
    mention = read_np(word_list(toks, start, j + 1))
    return [Cue(v, start, mention)] if mention else []


def _after_statement(toks: list[Tok], v: int, lo: int) -> bool:
    """"in a statement by X", "a statement issued by X"."""
    for k in range(v - 1, max(lo - 1, v - 4), -1):
        if toks[k].low in STATEMENT_NOUNS:
            return True
    return False


def _outlet(toks: list[Tok], i: int, hi: int, state: State) -> None:
    """"told the Harbour Gazette": the outlet the speaker talked to."""
    if i < hi and toks[i].low == "the" and i + 1 < hi and is_name_word(toks[i + 1].text):
        i += 1
    k = i
    while k < hi and toks[k].kind == "W" and (is_name_word(toks[k].text) or (k > i and toks[k].low in ("of", "and"))):
        k += 1
    while k > i and not is_name_word(toks[k - 1].text):
        k -= 1
    if k == i or toks[i].low in OUTLET_EXCLUDE or toks[i].low in PRONOUNS:
        return
    name = words(toks, i, k)
    if state.registry.acronyms.get(name) or any(fold(e.name) == fold(name) for e in state.registry.entities):
        return
    if name not in state.outlets:
        state.outlets.append(name)
