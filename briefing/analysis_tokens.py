"""A masked paragraph as tokens plus a signature: one class letter per token.

Every token gets one class letter, so a paragraph's tokens read as one string (its
signature) and the few tokens a pass can act on are found by a regex in C, not by a Python
loop over every token. The class is a pure function of the token's text:
  Q quotation, S sentence mark (. ! ? …), "," "(" ")" themselves, p other punctuation;
  words: w plain, v plain and verb-like (see verbish), N name word, t "the", T "The",
  c cue word, C capitalised cue word, r role noun, R capitalised role noun,
  O capitalised sentence opener ("However"), a lower-case name particle ("al", "de").
So the name words (is_name_word) are exactly N T C R O, and of the words that are neither
name words nor cue words only the v words are verbish.
"""

from __future__ import annotations

from itertools import chain, repeat

from briefing.analysis_words import AUX, CUE_WORDS, RUN_PARTICLES, SENTENCE_OPENERS, SPEECH_VERBS
from briefing.names import (
    ABBREVIATIONS,
    ROLE_NOUNS,
    TOKEN_MERGED_RE,
    Tok,
    chunk_tokens,
    is_abbreviation,
    is_name_word,
    new_tok,
)
from briefing.quotes import FILLER


def token_class(text: str) -> str:
    """The class letter of one token (see the module's docstring)."""
    first = text[0]
    if first == FILLER:
        return "Q"
    if not (first.isalnum() or first == "_"):
        return _punct_class(text)
    if len(text) == 2 and text[1] == "." and not is_abbreviation(text[0]):
        return "!"  # "a." from TOKEN_MERGED_RE: two tokens really (see _learn_generic)
    low = text.lower()  # a merged "Mr." never equals "the" nor a cue word, as wanted
    classes = _WORD_CLASSES.get(low, _PLAIN)
    if is_name_word(text):
        return classes[0]
    if classes[1] == "w" and verbish(new_tok(text)):
        return "v"
    return classes[1]


def verbish(t: Tok) -> bool:
    """A lower-case verb form ("is", "said", "revealed", "argues"): the word before acts."""
    if t.kind != "W" or not t.text.islower():
        return False
    low = t.low
    return low in AUX or low in SPEECH_VERBS or (low.endswith(_VERB_ENDINGS) and len(low) > 4)


_VERB_ENDINGS = ("ed", "es")


def _punct_class(text: str) -> str:
    return "S" if text in (".", "!", "?", "\u2026") else text if text in ",()" else "p"


def _word_classes(low: str) -> tuple[str, str]:
    """(class as a name word, class otherwise) of a word by its lower-case form."""
    if low == "the":
        return "T", "t"
    if low in CUE_WORDS:
        return "C", "c"
    if low in ROLE_NOUNS:  # a merged "Gen." is never one: no abbreviation is a role noun
        return "R", "r"
    return ("O" if low in SENTENCE_OPENERS else "N"), ("a" if low in RUN_PARTICLES else "w")


# Only these words have classes of their own; any other word is N, or w (v when verbish). A
# table built once, so that classing an unseen word is a dictionary look-up, not a chain of
# set tests.
_PLAIN = ("N", "w")
_WORD_CLASSES = {
    low: _word_classes(low)
    for low in {"the", *CUE_WORDS, *ROLE_NOUNS, *SENTENCE_OPENERS, *RUN_PARTICLES}
}


def tokenise(paragraphs: list[str]) -> list[tuple[list[Tok], str, dict[int, int]]]:
    """Per masked paragraph of an article: tokens, signature and {token index: offset} of
    the quotation tokens.

    No token spans whitespace, so a paragraph's tokens are its whitespace-free chunks'
    tokens in order. Chunks ("said", "Mr.", "officials,") recur, so each chunk's tokens and
    class letters are kept, and a paragraph is tokenised by C-level look-ups. Unseen chunks
    are learnt once, most of them (a plain word, a word and a comma or period, a quotation)
    without the tokenising regex, and all the article's at the first miss: one batch instead
    of one per paragraph."""
    split = list(map(str.split, paragraphs))
    try:
        sigs, toks = _look_up(split)
    except KeyError:
        chunks = set().union(*split)
        if len(chunks) <= _CHUNK_LIMIT:
            _learn_chunks(chunks)
            sigs, toks = _look_up(split)
        else:
            # hostile input: the tables may be emptied while learning, so a paragraph at a time
            sigs, toks = [], []
            for part in split:
                _learn_chunks(set(part))
                sig, tok = _look_up([part])
                sigs += sig
                toks += tok
    out = []
    for masked, tok, sig in zip(paragraphs, toks, sigs, strict=True):
        starts = {}
        qi = sig.find("Q")
        if qi >= 0:
            # each quotation token is one maximal run of FILLER, in order
            at = 0
            while qi >= 0:
                at = masked.find(FILLER, at)
                starts[qi] = at
                at += len(tok[qi].text)
                qi = sig.find("Q", qi + 1)
        out.append((tok, sig, starts))
    return out


def _look_up(split: list[list[str]]) -> tuple[list[str], list[list[Tok]]]:
    """Signatures and token lists of the paragraphs' chunks, in C (KeyError for a chunk not
    in the tables)."""
    sigs = list(map("".join, map(map, repeat(_SIGS.__getitem__), split)))
    toks = list(map(list, map(chain.from_iterable, map(map, repeat(_TOKS.__getitem__), split))))
    return sigs, toks


# Each chunk's tokens and their class letters, in two tables so that a paragraph's signature
# and its token list are each one pass of look-ups.
_TOKS: dict[str, tuple[Tok, ...]] = {}
_SIGS: dict[str, str] = {}
_CHUNK_LIMIT = 100_000


def _learn_chunks(chunks: set[str]) -> None:
    """Add the chunks missing from the tables: what TOKEN_MERGED_RE (with _learn_generic's
    repairs) gives, read off directly for the common shapes, so that unseen text costs
    little more than seen text."""
    missing = chunks.difference(_SIGS)  # in C; the order of learning does not matter
    if len(_SIGS) + len(missing) > _CHUNK_LIMIT:
        # hostile input cannot grow the tables without bound; the chunks asked for must all
        # be there afterwards
        _SIGS.clear()
        _TOKS.clear()
        missing = chunks
    classes_of = _WORD_CLASSES.get
    for chunk in missing:
        if chunk.isalnum():
            # \w is isalnum() or "_": one word token, and no hyphen or apostrophe, so a name
            # word only if capitalised
            low = chunk.lower()
            classes = classes_of(low, _PLAIN)
            _TOKS[chunk] = (_tok(Tok, (chunk, "W", low)),)
            if chunk[0].isupper():
                _SIGS[chunk] = classes[0]
            elif classes[1] == "w" and (low in AUX or (len(low) > 4 and low.endswith(_VERB_ENDINGS))) and chunk.islower():
                _SIGS[chunk] = "v"  # verbish (a w word is no speech verb: those are cue words)
            else:
                _SIGS[chunk] = classes[1]
            continue
        mark = chunk[-1]
        tail = _TAILS.get(mark)
        if tail is not None:
            head = chunk[:-1]
            if head.isalnum():
                low = head.lower()
                if mark != "." or (len(head) > 1 and low not in ABBREVIATIONS):
                    # "officials," or "Sarro.": a word, then a mark that joins neither it
                    # nor (being the last character) anything after; a period joins only an
                    # abbreviation or a single character
                    classes = classes_of(low, _PLAIN)
                    tok = _tok(Tok, (head, "W", low))
                    _TOKS[chunk] = (tok, tail[0])
                    _SIGS[chunk] = (classes[0] if head[0].isupper() else _lower_class(classes[1], tok)) + tail[1]
                    continue
            elif head and not head.strip(FILLER):
                # a quotation, then a mark ("“...”."): FILLER+ is one token
                _TOKS[chunk] = (_tok(Tok, (head, "Q", "")), tail[0])
                _SIGS[chunk] = "Q" + tail[1]
                continue
        elif not chunk.strip(FILLER):
            _TOKS[chunk] = (_tok(Tok, (chunk, "Q", "")),)
            _SIGS[chunk] = "Q"
            continue
        _TOKS[chunk], _SIGS[chunk] = _learn_generic(chunk)


def _lower_class(cls: str, tok: Tok) -> str:
    """The class of a word that is no name word, given its table class (w becomes v when
    verbish)."""
    return "v" if cls == "w" and verbish(tok) else cls


_tok = tuple.__new__  # Tok's fields in order, without namedtuple's Python-level constructor
# Marks that end a word without being part of it (not an apostrophe or hyphen: they join
# words; nor a combining mark): their token and class.
_TAILS = {mark: (_tok(Tok, (mark, "P", mark)), _punct_class(mark)) for mark in ",.;:!?)]\u2026\"\u201d\u00bb"}


def _learn_generic(chunk: str) -> tuple[tuple[Tok, ...], str]:
    texts = TOKEN_MERGED_RE.findall(chunk)
    sig = "".join(map(token_class, texts))
    if "!" in sig:
        # "a." or "5.": a period after a single character it does not join, so split again
        exact = chunk_tokens(chunk)
        return exact, "".join(token_class(t.text) for t in exact)
    return tuple(map(new_tok, texts)), sig
