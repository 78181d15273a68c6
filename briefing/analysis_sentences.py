"""A masked paragraph's tokens cut into sentences, by their signature (see analysis_tokens)."""

from __future__ import annotations

from briefing.analysis_words import SPEECH_VERBS
from briefing.names import Tok

MAX_SENTENCE = 300


def sentences(toks: list[Tok], sig: str, starts: dict[int, int], ends: dict[int, bool]) -> list[tuple[int, int]]:
    """[(first token, end token)] of each sentence, in order. A sentence mark ends one before
    a capitalised word, a digit, a quotation or the end; so does a quotation whose words end
    a sentence (`ends`, by its offset in `starts`), unless a speech verb follows it."""
    out, start, n = [], 0, len(toks)
    # visit just the tokens that can end a sentence: quotations only when one ends a sentence
    for i in _positions(sig, starts, ends):
        if sig[i] == "Q" and not (ends.get(starts[i], False) and not _cue_follows(toks, i + 1)):
            continue
        k = i + 1
        if k == n or sig[k] == "Q":
            out.append((start, k))
            start = k
            continue
        first = toks[k].text[0]
        if first.isupper() or first.isdigit():
            out.append((start, k))
            start = k
    if start < n:
        out.append((start, n))
    if n <= MAX_SENTENCE:
        return out
    # a run-on "sentence" of thousands of tokens (fuzzing, lists) is cut into bounded pieces
    # so per-sentence cue matching stays linear
    return [(a, min(a + MAX_SENTENCE, b)) for a, b in out for a in range(a, b, MAX_SENTENCE)]


def _positions(sig: str, starts: dict[int, int], ends: dict[int, bool]) -> list[int]:
    """Indices of the sentence marks, and of the quotations if any quotation ends a sentence."""
    out = []
    i = sig.find("S")
    while i >= 0:
        out.append(i)
        i = sig.find("S", i + 1)
    if ends:
        # the quotations are the keys of `starts`: no scan for them
        out += starts
        out.sort()
    return out


def _cue_follows(toks: list[Tok], i: int) -> bool:
    """“Why?” Jana Holm asked: a speech verb before any punctuation keeps the sentence going."""
    for t in toks[i:i + 6]:
        if t.kind != "W":
            return False
        if t.text in SPEECH_VERBS:
            return True
    return False
