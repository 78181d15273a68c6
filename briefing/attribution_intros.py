"""People and acronyms a sentence introduces without a speech verb ("Jane Doe, a researcher
at X, sees ..."; "researcher Jane Doe"; "Syrian Observatory for Human Rights (SOHR)"), so
that a later "she", "the researcher" or "SOHR" finds them."""

from __future__ import annotations

import re

from briefing.analysis_phrases import (
    appositive_forward,
    describes_person,
    np_backward,
    np_forward,
    strip_article,
    word_list,
)
from briefing.analysis_tokens import verbish
from briefing.analysis_words import SENTENCE_OPENERS
from briefing.attribution_state import State
from briefing.names import ROLE_NOUNS, Tok, is_acronym
from briefing.sources import Entity, read_np

# Over one sentence's slice of the signature (see analysis_tokens for the class letters), so
# that the lookbehinds cannot see the previous sentence: a name opening a sentence is a run
# start, and a "(" or "," opening it acts on nothing. The tokens that can act: "(" before
# "X)", "," after a name word, "the" before a role noun, and a name's first word (after no
# other name word, or opening the sentence, where a lone "The" or "However" is an opener
# with nothing to do). Each alternative starts with its own literal class letter, so the
# regex engine skips to candidate letters in C and tests only that letter's conditions;
# (?<!..) after the letter means it opens the sentence.
_INTRO_RE = re.compile(
    r"\((?<=.\()(?=.\))"
    r"|,(?<=[NTCRO],)"
    r"|t(?=[rR])"
    r"|T(?:(?=[rR])|(?<=[^NTCRO]T)|(?<!..)(?=[NTCROa]))"
    # a one-word name is skipped when _person_mention would do nothing with it: nothing
    # after it in the sentence, or a token that cannot make it act (w, t and r words are
    # never verbish; nor is punctuation but a comma, nor a quotation), and no lower-case
    # role noun before it
    r"|N(?:(?<=[^NTCRO]N)|(?<!..))(?![wtrSQ()p]|$)|N(?<=rN)"
    r"|C(?:(?<=[^NTCRO]C)|(?<!..))"
    r"|R(?:(?<=[^NTCRO]R)|(?<!..))"
    r"|O(?:(?<=[^NTCRO]O)|(?<!..)(?=[NTCROa]))"
)
# a name: name words and particles, as _person_mention reads it
_RUN_RE = re.compile("[NTCROa]*")
# (offset, what, end of the name run, after a role noun): see intro_steps
IntroStep = tuple[int, str, int, bool]


def register_intros(toks: list[Tok], steps: tuple[IntroStep, ...], lo: int, hi: int, state: State) -> Entity | None:
    """Register the sentence [lo, hi)'s introductions (`steps`: intro_steps() of its
    signature); the person acting at its start, if any."""
    actor = None
    if toks[lo].low in ("a", "an"):
        end = np_forward(toks, lo, min(hi, lo + 8))
        roles = [k for k in range(lo + 1, end) if toks[k].low in ROLE_NOUNS and toks[k].text.islower()]
        end = roles[0] + 1 if roles else end
        mention = read_np(word_list(toks, lo, end)) if end > lo + 1 else None
        if mention is not None and mention.kind == "unnamed" and mention.description:
            state.registry.unnamed(mention.name, mention.description)
    for at, what, run_end, after_role in steps:
        i = lo + at
        if what == "(":
            _acronym_intro(toks, i, lo, hi, state)
        elif what == ",":
            _appositive_intro(toks, i, lo, hi, state)
        else:
            if what != "n":  # "the" before a role noun
                ent = state.registry.by_role(toks[i + 1].low)
                if ent is not None:
                    state.registry.touch(ent)
            if what != "r":  # a name's first word
                ent = _person_mention(toks, i, lo + run_end, lo, hi, after_role, state)
                if ent is not None and at <= 1:
                    actor = ent
    return actor


def intro_steps(sent: str) -> tuple[IntroStep, ...]:
    """What register_intros does in a sentence, as far as its signature `sent` alone decides:
    (offset, what, end of the name run, after a role noun) per step, what being "(" an
    acronym, "," an appositive, "r" the role noun after "the", "n" a name, "rn" both."""
    steps = []
    n = len(sent)
    for m in _INTRO_RE.finditer(sent):
        at = m.start()
        cls = sent[at]
        if cls in "(,":
            steps.append((at, cls, 0, False))
            continue
        role_noun = cls in "tT" and at + 1 < n and sent[at + 1] in "rR"  # a role noun's class
        # a name's first word, not one inside a name; a run of more than five words is no name
        run_end = _RUN_RE.match(sent, at).end()
        name = cls != "t" and (at == 0 or sent[at - 1] not in "NTCRO") and run_end - at <= 5
        if role_noun or name:
            what = ("r" if role_noun else "") + ("n" if name else "")
            steps.append((at, what, run_end, at > 0 and sent[at - 1] in "rR"))
    return tuple(steps)


def _acronym_intro(toks: list[Tok], i: int, lo: int, hi: int, state: State) -> None:
    """"Syrian Observatory for Human Rights (SOHR)" defines SOHR."""
    if i + 2 < hi and toks[i + 2].text == ")" and is_acronym(toks[i + 1].text) and i > lo:
        start = np_backward(toks, i - 1, lo)
        mention = read_np(word_list(toks, start, i)) if start < i else None
        if mention and mention.kind in ("org", "person"):
            full = mention.name
            state.registry.define_acronym(toks[i + 1].text, full)


def _appositive_intro(toks: list[Tok], i: int, lo: int, hi: int, state: State) -> None:
    """"Jane Doe, a researcher at X," introduces Jane Doe with her description. (The regex
    found the comma after a name word.)"""
    appos, _ = appositive_forward(toks, i, hi)
    if appos and describes_person(appos):
        start = np_backward(toks, i - 1, lo)
        mention = read_np(word_list(toks, start, i)) if start < i else None
        if mention and mention.kind == "person" and len(mention.name.split()) >= 2:
            state.registry.person(mention.name, mention.description + [strip_article(appos)])


def _person_mention(toks: list[Tok], i: int, k: int, lo: int, hi: int, role: bool, state: State) -> Entity | None:
    """A named person acting in the text ("Doreen Smith, now 79, was ...", "the music writer
    Ines Carrick's history", "Carrick, who ..."), so that a later "she" finds them. The name
    runs over [i, k) (see intro_steps); `role`: a role noun comes right before it."""
    first = i
    if i == lo and toks[i].text.lower() in SENTENCE_OPENERS:
        first += 1
        if first == k:
            return None
    reg = state.registry
    after = toks[k] if k < hi else None
    if k - first == 1:
        # one word: the look-up has no side effects, so skip it when its answer would not be
        # used (not acting, not after a role noun, not "Name," opening the sentence)
        if not (role or (after is not None and (
            verbish(after) or (after.text == "," and (i == lo or (k + 1 < hi and _appositive_start(toks[k + 1]))))
        ))):
            return None
        ent = _known_person(toks[first].text, state)
        return reg.touch(ent) if ent is not None else None
    mention = read_np(word_list(toks, first, k))
    if mention is None:
        return None
    acting = after is not None and (verbish(after) or (after.text == "," and k + 1 < hi and _appositive_start(toks[k + 1])))
    if mention.kind == "org" and acting:
        reg.org(mention.name, mention.description, mention.acronym)
    if mention.kind != "person":
        return None
    if role:
        start = np_backward(toks, i - 1, lo)
        desc = [w for w in word_list(toks, start, i) if w.lower() not in ("the", "a", "an")]
        return reg.person(mention.name, mention.description + [" ".join(desc)])
    if acting or mention.description:
        return reg.person(mention.name, mention.description)
    return None


def _appositive_start(t: Tok) -> bool:
    return t.low in ("who", "now", "aged", "a", "an", "the", "his", "her", "their") or t.text[0].isdigit()


def _known_person(word: str, state: State) -> Entity | None:
    word = word.rstrip("\u2019s").rstrip("'s") if word.endswith(("\u2019s", "'s")) else word
    return state.registry.known_person(word)


