"""Quotations, their speakers and the sources an article cites, by rule.

analyse() walks the paragraphs in order. Quoted regions are masked out first, so the cue
patterns (speech verbs, "according to", "in X's view", "in a statement by") only ever see the
reporter's words. Each sentence's cues are resolved to entities in reading order, so pronouns
and role nouns ("he", "the commander") resolve to the most recent fitting person.

The steps live in their own modules: analysis_tokens (tokens and their class signature),
analysis_sentences, analysis_phrases (noun phrases around a cue), analysis_cues (speech
cues and their subjects), attribution_intros (people introduced without a cue),
attribution_resolve (mentions to entities), attribution_state (what is remembered while
reading) and analysis_naming (quoted names and titles); analysis_words holds the word lists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from briefing.analysis_cues import Cue, cue_offsets, find_cues
from briefing.analysis_naming import looks_like_title, naming_cue
from briefing.analysis_sentences import sentences
from briefing.analysis_tokens import tokenise
from briefing.attribution_intros import IntroStep, intro_steps, register_intros
from briefing.attribution_resolve import Speaker, resolve_cues
from briefing.attribution_state import State, cite
from briefing.names import Tok
from briefing.quotes import RawQuote, find_quotes, is_partial, mask, quote_text
from briefing.records import pickled_by_fields
from briefing.sources import Source, build_sources

__all__ = ["Analysis", "Quote", "Source", "analyse"]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Quote:
    text: str
    speaker: str
    paragraph: int
    # Spans cover exactly the characters of `text` in each paragraph (the trailing comma
    # inside the closing mark is dropped from both).
    spans: tuple[tuple[int, int, int], ...]
    partial: bool


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Analysis:
    quotes: tuple[Quote, ...]
    sources: tuple[Source, ...]
    outlets: tuple[str, ...]


def _pick_cue(q: int, cues: list[Cue]) -> Cue | None:
    """An override; else the first cue after the quote whose subject is right after it; else
    the nearest cue before it; else the first after it."""
    before = first_after = None
    for c in cues:
        if c.override:
            return c
    for c in cues:
        if c.index > q:
            if first_after is None:
                first_after = c
            if c.subject_start <= q + 2 and not c.participle and c.mention is not None:
                return c
        elif c.index < q:
            before = c
    return before if before is not None else first_after


def _participle_owner(c: Cue, cues: list[Cue]) -> Cue | None:
    """A participle ("urging", "adding") speaks with the subject of the nearest finite cue."""
    owner = None
    for d in cues:
        if d.index < c.index and not d.participle:
            owner = d
    return owner


class _Found:
    """A quotation being attributed."""

    __slots__ = ("raw", "text", "spans", "speaker", "opens", "closes")

    def __init__(self, raw: RawQuote, text: str, spans: tuple[tuple[int, int, int], ...]) -> None:
        self.raw = raw
        self.text = text
        self.spans = spans
        self.speaker: Speaker | None = None
        # (paragraph, offset) of the regions where it opens and where it closes
        self.opens = raw.regions[0][:2]
        self.closes = raw.regions[-1][:2]


def analyse(paragraphs: Sequence[str]) -> Analysis:
    """Quotes with canonical speakers, cited sources and outlets of one article's paragraphs."""
    paras = [p if isinstance(p, str) else "" for p in paragraphs]
    by_region: dict[tuple[int, int], _Found] = {}
    regions: dict[int, list[tuple[int, int]]] = {}
    ends: dict[int, dict[int, bool]] = {}  # per paragraph: region offset -> its quote ends a sentence
    found: list[_Found] = []
    for raw in find_quotes(paras):
        text, spans = quote_text(paras, raw)
        if not _ALNUM_RE.search(text):
            continue
        f = _Found(raw, text, spans)
        found.append(f)
        for p, a, b in raw.regions:
            by_region[(p, a)] = f
            regions.setdefault(p, []).append((a, b))
            ends.setdefault(p, {})[a] = raw.ends_sentence
    state = State()
    masked = [mask(para, regions[p]) if p in regions else para for p, para in enumerate(paras)]
    for p, tokenised in enumerate(tokenise(masked)):
        _paragraph(p, masked[p], tokenised, ends.get(p, _NO_ENDS), by_region, state)
    quotes = []
    for f in found:
        if f.speaker is None:
            continue
        ent, label = f.speaker
        name = ent.name if ent is not None else label
        if not name:
            continue
        quotes.append(Quote(f.text, name, f.raw.pieces[0][0], f.spans, is_partial(f.text)))
    return Analysis(tuple(quotes), build_sources(state.cited), tuple(state.outlets))


# a letter or digit: \w is str.isalnum() or "_"
_ALNUM_RE = re.compile(r"[^\W_]")
_NO_ENDS: dict[int, bool] = {}


def _paragraph(
    p: int,
    masked: str,
    tokenised: tuple[list[Tok], str, dict[int, int]],
    ends: dict[int, bool],
    by_region: dict[tuple[int, int], _Found],
    state: State,
) -> None:
    toks, sig, starts = tokenised
    para_speaker: Speaker | None = None
    last_cue_speaker: Speaker | None = None
    for lo, hi in sentences(toks, sig, starts, ends):
        sent = sig[lo:hi]
        steps, cue_at, qi = _cached_plan(sent) if len(sent) <= _CACHED_LEN else _plan(sent)
        actor = register_intros(toks, steps, lo, hi, state)
        if actor is not None:
            last_cue_speaker = (actor, actor.name)
        # most sentences have no cue word at all
        cues = find_cues(toks, sent, cue_at, lo, hi, state) if cue_at else []
        if cues:
            resolved = resolve_cues(cues, state)
            if resolved:
                last_cue_speaker = resolved[-1]
        if qi < 0:
            # a statement or figures reported without quotation marks still cite their source
            for c in cues:
                if c.mention is not None and c.mention.kind in ("person", "org"):
                    cite(c.entity, state)
            continue
        qi += lo
        while qi >= 0:
            start = starts[qi]
            at = (p, start)
            f = by_region.get(at)
            if f is not None and f.speaker is None:
                first = f.opens == at
                last = f.closes == at
                if first or last:
                    # a quote running over paragraphs may be attributed where it opens or
                    # where it closes
                    cue_only = first and not last
                    speaker = _attribute(f, qi, start, cues, masked, para_speaker, last_cue_speaker, p, state, cue_only)
                    if speaker is not None:
                        f.speaker = speaker
                        para_speaker = last_cue_speaker = speaker
                        state.last_speaker, state.last_speaker_para = speaker, p
                        cite(speaker[0], state)
            qi = sig.find("Q", qi + 1, hi)
    if last_cue_speaker is not None and para_speaker is None:
        # "X said the timing mattered less." then a paragraph that is only a quotation: X's
        state.last_speaker, state.last_speaker_para = last_cue_speaker, p


def _plan(sent: str) -> tuple[tuple[IntroStep, ...], tuple[int, ...], int]:
    """What a sentence's signature alone decides: its introductions' steps, its cue words'
    offsets, its first quotation's offset (-1 if none)."""
    return intro_steps(sent), cue_offsets(sent), sent.find("Q")


# Signatures recur far more than sentences do, short ones above all: each is read once. Only
# short ones are kept, so that hostile text cannot make the cache large.
_cached_plan = lru_cache(maxsize=8192)(_plan)
_CACHED_LEN = 64


def _attribute(
    f: _Found,
    qi: int,
    start: int,
    cues: list[Cue],
    masked: str,
    para_speaker: Speaker | None,
    last_cue_speaker: Speaker | None,
    p: int,
    state: State,
    cue_only: bool = False,
) -> Speaker | None:
    if len(f.raw.regions) == 1 and (
        # both tests are pure: the cheap one first (most quotes have their cue next to them)
        naming_cue(masked, start, f.text) or (not _adjacent_cue(qi, cues) and looks_like_title(f.text))
    ):
        return None
    cue = _pick_cue(qi, cues)
    if cue is not None and cue.override:
        _metonym_alias(cue, cues)
    if cue is not None and cue.participle:
        cue = _participle_owner(cue, cues)
    if cue is not None and (cue.entity is not None or cue.label):
        return cue.entity, cue.label
    if len(f.text.split(maxsplit=3)) <= 3 or cue_only:  # three words at most
        return None
    if last_cue_speaker is not None:
        return last_cue_speaker
    if para_speaker is not None:
        return para_speaker
    if state.last_speaker[1] and p - state.last_speaker_para <= 2:
        return state.last_speaker
    return None


def _metonym_alias(cue: Cue, cues: list[Cue]) -> None:
    """"Damascus said ... in a statement by the General Command": the capital speaks for it."""
    for c in cues:
        if c is not cue and c.entity is not None and c.entity.kind == "organization" and cue.entity is not None:
            if not c.entity.cited and len(c.entity.name.split()) == 1:
                cue.entity.add_alias(c.entity.name)


def _adjacent_cue(qi: int, cues: list[Cue]) -> bool:
    for c in cues:
        if abs(c.index - qi) <= 3:
            return True
    return False
