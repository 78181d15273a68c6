"""Quotations, their speakers and the sources an article cites, by rule.

analyse() walks the paragraphs in order. Quoted regions are masked out first, so the cue
patterns (speech verbs, "according to", "in X's view", "in a statement by") only ever see the
reporter's words. Each sentence's cues are resolved to entities in reading order, so pronouns
and role nouns ("he", "the commander") resolve to the most recent fitting person.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, compress, repeat
from operator import is_, itemgetter

from briefing.names import (
    PRONOUNS,
    ROLE_NOUNS,
    TOKEN_MERGED_RE,
    TOKS,
    Memo,
    Tok,
    chunk_tokens,
    filler_starts,
    fold,
    is_abbreviation,
    is_acronym,
    is_alias,
    is_name_word,
)
from briefing.quotes import FILLER, RawQuote, find_quotes, is_partial, mask, quote_text
from briefing.sources import PLURAL_PEOPLE, Entity, Mention, Registry, Source, build_sources, read_np

__all__ = ["Analysis", "Quote", "Source", "analyse"]


@dataclass(frozen=True)
class Quote:
    text: str
    speaker: str
    paragraph: int
    # Spans cover exactly the characters of `text` in each paragraph (the trailing comma
    # inside the closing mark is dropped from both).
    spans: tuple[tuple[int, int, int], ...]
    partial: bool


@dataclass(frozen=True)
class Analysis:
    quotes: tuple[Quote, ...]
    sources: tuple[Source, ...]
    outlets: tuple[str, ...]


def _forms(spec: str) -> dict[str, bool]:
    """Verb forms -> whether the form is a participle (its subject is the clause's)."""
    out: dict[str, bool] = {}
    for word in spec.split():
        out[word] = word.endswith("ing")
    return out


SPEECH_VERBS = _forms(
    "say says said saying tell tells told telling add adds added adding noted notes noting "
    "explain explains explained explaining emphasize emphasizes emphasized emphasizing emphasise "
    "emphasises emphasised emphasising warn warns warned warning urge urges urged urging posted "
    "posting write writes wrote writing accuse accuses accused accusing insist insists insisted "
    "insisting argue argues argued arguing stressed stresses stressing claimed claims claiming "
    "ask asks asked asking replied replies replying declared declares declaring stated stating "
    "announced announces announcing acknowledge acknowledges acknowledged acknowledging admit "
    "admits admitted admitting confirmed confirms confirming concluded concludes commented "
    "comments commenting remarked recalled recalls recalling observed observes predicted "
    "predicts tweeted tweets tweeting suggested suggests suggesting pointed pointing condemned "
    "condemns condemning described describes describing called calls calling reads believes "
    "believed thinks estimated estimates cautioned cautions vowed vows vowing promised pledged "
    "threatened demanded demands demanding countered responded answered testified whispered "
    "shouted yelled cried complained complains lamented conceded concedes agreed agrees denied "
    "denies dismissed boasted joked quipped recounted recounts reflected mused wondered "
    "mentioned maintained maintains asserted asserts affirmed alleged alleges blamed criticized "
    "criticised praised welcomed hailed rejected denounced slammed labelled labeled branded "
    "characterized characterised referred cited cites highlighted underlined underscored "
    "reiterated repeated clarified indicated reported reports informed appealed pleaded begged "
    "advised recommended proposed continued continues went explains adds says "
    "documented recorded expects expected hoped hopes feared fears objected protested began "
    "begins interjected interrupted"
)
# Words that may sit between a subject and its verb ("he also said", "she has repeatedly warned").
SKIP_LEFT = frozenset(
    "also later then has had have would will previously further recently again repeatedly "
    "earlier once subsequently reportedly separately simply just even still only first last "
    "had already often publicly privately frequently since has long never".split()
)
STOP = frozenset(
    "that which who whom whose as but when while if because since after before so to by than "
    "though although whether where and or not nor was were is are be been being did does do "
    "can could should may might must shall it's there here this these those such what how why "
    "on in into during over under about against between through across without within".split()
) | set(SPEECH_VERBS)
NP_INNER = frozenset("of for at from".split())
FORWARD_STOP = frozenset(
    "in on at during when who which that after before as while last this yesterday today "
    "tonight monday tuesday wednesday thursday friday saturday sunday earlier later and".split()
)
NAMING_CUES = (
    "dubbed", "so-called", "so called", "called", "named", "nicknamed", "known as", "titled",
    "entitled", "codenamed", "code-named", "termed", "hashtag", "slogan", "the word", "the words",
    "the term", "the phrase", "the motto", "the title", "operation", "marked", "labelled",
    "labeled", "branded", "reading", "read", "chanting", "chanted", "chants of", "banner",
    "sign", "signs",
)
VIEW_NOUNS = frozenset("view opinion words assessment estimation analysis reading judgment judgement account".split())
STATEMENT_NOUNS = frozenset("statement communique communiqué post tweet letter message release report".split())
OUTLET_EXCLUDE = frozenset("parliament congress senate house court council lawmakers".split())


@dataclass
class Cue:
    index: int  # token index of the verb or cue word
    subject_start: int  # first token index of the cue phrase, to test adjacency
    mention: Mention | None
    participle: bool = False
    override: bool = False  # "in a statement by X" names the speaker whatever the verb says
    entity: Entity | None = None
    label: str = ""


@dataclass
class _State:
    registry: Registry = field(default_factory=Registry)
    outlets: list[str] = field(default_factory=list)
    cited: list[Entity] = field(default_factory=list)
    last_speaker: tuple[Entity | None, str] = (None, "")
    last_speaker_para: int = -10


# ---------------------------------------------------------------- token classes

# Every token gets one class letter, so a paragraph's tokens read as one string (its
# signature) and the few tokens a pass can act on are found by a regex in C, not by a Python
# loop over every token. The class is a pure function of the token's text:
#   Q quotation, S sentence mark (. ! ? …), "," "(" ")" themselves, p other punctuation;
#   words: w plain, N name word, t "the", T "The", c cue word, C capitalised cue word,
#   r role noun, R capitalised role noun, O capitalised sentence opener ("However"),
#   a lower-case name particle ("al", "de").
# So the name words (is_name_word) are exactly N T C R O.
CUE_WORDS = frozenset(SPEECH_VERBS) | VIEW_NOUNS | {"according", "by", "from"}


def _token_class(text: str) -> str:
    first = text[0]
    if first == FILLER:
        return "Q"
    if not (first.isalnum() or first == "_"):
        return "S" if text in (".", "!", "?", "\u2026") else text if text in ",()" else "p"
    if len(text) == 2 and text[1] == "." and not is_abbreviation(text[0]):
        return "!"  # "a." from TOKEN_MERGED_RE: two tokens really (see _learn_chunks)
    name = is_name_word(text)
    low = text.lower()  # a merged "Mr." never equals "the" nor a cue word, as wanted
    if low == "the":
        return "T" if name else "t"
    if low in CUE_WORDS:
        return "C" if name else "c"
    if low in ROLE_NOUNS:  # a merged "Gen." is never one: no abbreviation is a role noun
        return "R" if name else "r"
    if name:
        return "O" if low in _SENTENCE_OPENERS else "N"
    return "a" if low in _RUN_PARTICLES else "w"


# lower-case words that continue a name ("Ahmad al Hassan")
_RUN_PARTICLES = ("al", "bin", "de", "van", "von")
# a name: name words and particles, as _person_mention reads it
_RUN_RE = re.compile("[NTCROa]*")


def _tokens(masked: str) -> tuple[list[Tok], str, dict[int, int]]:
    """Tokens, signature and {token index: offset} of the quotation tokens.

    No token spans whitespace, so a paragraph's tokens are its whitespace-free chunks'
    tokens in order. Chunks ("said", "Mr.", "officials,") recur through an article and a
    site, so each chunk's tokens and class letters are kept, and a paragraph is tokenised by
    C-level look-ups; unseen chunks are learnt in one batch, also without Python per token."""
    chunks = masked.split()
    found = list(map(_CHUNKS.get, chunks))
    if not all(found):
        # the learnt entries fill the gaps (a look-up in the cache again could miss: it may
        # have been emptied meanwhile)
        found = list(map(_learn_chunks(chunks, found).get, chunks, found))
    toks = list(chain.from_iterable(map(_FIRST, found)))
    sig = "".join(map(_SECOND, found))
    starts = {}
    if FILLER in masked:
        starts = dict(zip((m.start() for m in _QUOTE_TOKEN_RE.finditer(sig)), filler_starts(masked), strict=True))
    return toks, sig, starts


def _learn_chunks(chunks: list[str], found: list[_ChunkInfo | None]) -> dict[str, _ChunkInfo]:
    """Tokens and classes of the chunks not found, added to the cache and returned."""
    missing = list(compress(chunks, map(is_, found, repeat(None))))
    texts = list(map(TOKEN_MERGED_RE.findall, missing))
    toks = map(tuple, map(partial(map, TOKS.__getitem__), texts))
    sigs = list(map("".join, map(partial(map, _CLASSES.__getitem__), texts)))
    learnt = dict(zip(missing, zip(toks, sigs, strict=True), strict=True))
    if "!" in "".join(sigs):
        # "a." or "5.": a period after a single character it does not join, so split again
        for chunk, sig in zip(missing, sigs, strict=True):
            if "!" in sig:
                exact = chunk_tokens(chunk)
                learnt[chunk] = (exact, "".join(map(_CLASSES.__getitem__, map(_FIRST, exact))))
    if len(_CHUNKS) + len(learnt) > _CHUNK_LIMIT:
        _CHUNKS.clear()  # hostile input cannot grow it without bound
    _CHUNKS.update(learnt)
    return learnt


_ChunkInfo = tuple[tuple[Tok, ...], str]  # a chunk's tokens and their class letters
_CHUNKS: dict[str, _ChunkInfo] = {}
_CHUNK_LIMIT = 100_000
_CLASSES = Memo(_token_class)  # token text -> class letter
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


_QUOTE_TOKEN_RE = re.compile("Q")
_ENDERS_RE = re.compile("[SQ]")
_CUE_RE = re.compile("[cC]")


# ---------------------------------------------------------------- sentence segmentation


def _cue_follows(toks: list[Tok], i: int) -> bool:
    """“Why?” Jana Holm asked: a speech verb before any punctuation keeps the sentence going."""
    for t in toks[i:i + 6]:
        if t.kind != "W":
            return False
        if t.text in SPEECH_VERBS:
            return True
    return False


def _sentences(toks: list[Tok], sig: str, starts: dict[int, int], ends: dict[int, bool]) -> list[tuple[int, int]]:
    out, start, n = [], 0, len(toks)
    # only a sentence mark (S) or a quotation (Q) can end a sentence: visit just those tokens
    for m in _ENDERS_RE.finditer(sig):
        i = m.start()
        if m.group() == "Q" and not (ends.get(starts[i], False) and not _cue_follows(toks, i + 1)):
            continue
        if i + 1 == n or sig[i + 1] == "Q" or toks[i + 1].text[0].isupper() or toks[i + 1].text[0].isdigit():
            out.append((start, i + 1))
            start = i + 1
    if start < n:
        out.append((start, n))
    if n <= MAX_SENTENCE:
        return out
    # a run-on "sentence" of thousands of tokens (fuzzing, lists) is cut into bounded pieces
    # so per-sentence cue matching stays linear
    return [(a, min(a + MAX_SENTENCE, b)) for a, b in out for a in range(a, b, MAX_SENTENCE)]


MAX_SENTENCE = 300


# ---------------------------------------------------------------- noun phrases around cues


def _np_backward(toks: list[Tok], j: int, lo: int) -> int:
    """Start index of the noun phrase ending at token j (inclusive), or j + 1 if none."""
    i = j
    count = 0
    while i >= lo and count < 12:
        t = toks[i]
        low = t.low
        if t.kind == "P":
            if t.text == ")" and i - 2 >= lo and toks[i - 2].text == "(" and is_acronym(toks[i - 1].text):
                i -= 3
                count += 1
                continue
            break
        if t.kind == "Q":
            break
        if low in ("the", "a", "an", "its", "their", "his", "her"):
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
        if low in STOP or low.endswith("ly") and not is_name_word(t.text):
            break
        if is_name_word(t.text) and i == lo and low in _SENTENCE_OPENERS:
            break
        i -= 1
        count += 1
    return i + 1


_SENTENCE_OPENERS = frozenset(
    "the in on at but and as however meanwhile also then similarly accordingly notably so yet "
    "still since after before when while although though if by for with from according "
    "instead indeed besides moreover furthermore later earlier separately elsewhere".split()
)


def _np_forward(toks: list[Tok], i: int, hi: int) -> int:
    """End index (exclusive) of the noun phrase starting at token i."""
    k = i
    while k < hi and k - i < 14:
        t = toks[k]
        if t.kind == "P":
            if t.text == "(" and k + 2 < hi and toks[k + 2].text == ")" and is_acronym(toks[k + 1].text):
                k += 3
                continue
            break
        if t.kind == "Q":
            break
        low = t.low
        if k > i and (low in FORWARD_STOP or low in STOP) and low not in NP_INNER:
            if not (low == "and" and k + 1 < hi and is_name_word(toks[k + 1].text) and is_name_word(toks[k - 1].text)):
                break
        if k == i and low in STOP and low not in ("the", "a", "an"):
            break
        k += 1
    return k


def _appositive_forward(toks: list[Tok], k: int, hi: int) -> tuple[str, int]:
    """", a spokesperson for the airline," after a name: (text, index after it)."""
    if k >= hi or toks[k].text != ",":
        return "", k
    m = k + 1
    while m < hi and m - k < 25:
        if toks[m].text == "(" and m + 2 < hi and toks[m + 2].text == ")":
            m += 3
        elif toks[m].kind == "W":
            m += 1
        else:
            break
    if m == k + 1 or m - k >= 25:
        return "", k
    first = toks[k + 1].low
    if first in STOP and first not in ("a", "an", "the"):
        return "", k
    if toks[m - 1].low in SPEECH_VERBS or any(t.low in SPEECH_VERBS for t in toks[k + 1:m]):
        return "", k
    return _words(toks, k + 1, m), m


def _words(toks: list[Tok], a: int, b: int) -> str:
    text = " ".join(t.text for t in toks[a:b])
    return _SPACING_RE.sub(lambda m: m.group(1) or m.group(2) or m.group(3), text)


# undo the spaces joining tokens put inside brackets and before punctuation
_SPACING_RE = re.compile(r"(\()\s|\s(\))|\s([,.;:])")


def _word_list(toks: list[Tok], a: int, b: int) -> list[str]:
    return [t.text for t in toks[a:b]]


def _subject(toks: list[Tok], v: int, lo: int, hi: int) -> tuple[Mention | None, int]:
    """The speaker of the verb at v: to its left, or after it when inverted."""
    j = v - 1
    while j >= lo and toks[j].low in SKIP_LEFT:
        j -= 1
    if j >= lo and toks[j].text == ",":
        found = _comma_subject(toks, j, lo)
        if found is not None:
            return found
    if j >= lo and toks[j].kind == "W" and toks[j].low in PRONOUNS:
        return Mention("pronoun", toks[j].low), j
    if j >= lo and (toks[j].kind == "W" and toks[j].low not in STOP or toks[j].text == ")"):
        start = _np_backward(toks, j, lo)
        if start <= j:
            return read_np(_word_list(toks, start, j + 1)), start
    if j >= lo and toks[j].low == "who":
        return Mention("pronoun", "who"), j
    # Inversion ("..., said the minister") follows a quotation or opens the sentence;
    # elsewhere "said the ministry had ..." is reported speech with its subject to the left.
    if j < lo or toks[j].kind == "Q" or (toks[j].text in ",;:\u2014\u2013-(" and j - 1 >= lo and toks[j - 1].kind == "Q"):
        return _inverted(toks, v, hi), v
    return None, v


def _inverted(toks: list[Tok], v: int, hi: int) -> Mention | None:
    """"said the minister", "said Jane Doe, a spokesperson for the airline"."""
    end = _np_forward(toks, v + 1, hi)
    if end <= v + 1 or toks[v].low in ("told", "tells", "tell", "telling"):
        return None  # "told Syria Direct": the object is an outlet, not the speaker
    mention = read_np(_word_list(toks, v + 1, end))
    appos, _ = _appositive_forward(toks, end, hi)
    if mention and appos:
        mention.description.append(_strip_article(appos))
    return mention


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


def _comma_subject(toks: list[Tok], j: int, lo: int) -> tuple[Mention, int] | None:
    """Subjects set off by commas before the verb: "Name, a researcher at X, 17, said";
    "Its founder, Priya Lodhi, says"; "Its owner, a man who gave his name as Abu Hassan, said"."""
    chunks = _comma_chunks(toks, j, lo)
    descs: list[str] = []
    for n, (a, b) in enumerate(chunks):
        if a >= b:
            return None
        words = _word_list(toks, a, b)
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
            start = _np_backward(toks, b - 1, a)
            if start <= b - 1:
                mention = read_np(_word_list(toks, start, b))
                if mention and mention.kind in ("person", "org"):
                    mention.description.extend(descs)
                    return mention, start
        descs.insert(0, _strip_article(" ".join(words)))
    return None


def _named_as(words: list[str]) -> str:
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
    words = [w for w in _word_list(toks, a, b) if w.lower() not in ("its", "their", "his", "her", "the", "a", "an")]
    words = [w for w in words if not w.lower().endswith(("\u2019s", "'s")) or is_name_word(w)]
    return [" ".join(words)] if words and len(words) <= 8 else []


def _strip_article(text: str) -> str:
    words = text.split()
    if words and words[0].lower() in ("a", "an", "the"):
        words = words[1:]
    return _trim_clause(" ".join(words))


def _trim_clause(text: str) -> str:
    """Cut a description before a trailing participle clause after a capitalised name
    ("... Department overseeing the battles") or a relative clause."""
    words = text.split()
    for i in range(1, len(words)):
        w = words[i]
        if w.lower() in ("who", "which", "whose") or (w.endswith("ing") and w.islower() and words[i - 1][:1].isupper()):
            return " ".join(words[:i])
    return text


# ---------------------------------------------------------------- cue finding


def _cues(toks: list[Tok], sent: str, lo: int, hi: int, state: _State) -> list[Cue]:
    cues: list[Cue] = []
    # only words of CUE_WORDS can start a cue
    for m in _CUE_RE.finditer(sent):
        v = lo + m.start()
        t = toks[v]
        low = t.text.lower()
        if low in SPEECH_VERBS and t.text[0].islower() and not _infinitive_use(toks, v, hi):
            cue = _verb_cue(toks, v, lo, hi, state)
            if cue:
                cues.append(cue)
        elif low == "according" and v + 1 < hi and toks[v + 1].low == "to":
            end = _np_forward(toks, v + 2, hi)
            mention = read_np(_word_list(toks, v + 2, end)) if end > v + 2 else None
            if mention:
                cues.append(Cue(v, v, mention))
        elif low in VIEW_NOUNS and v - 1 >= lo and toks[v - 1].text.endswith(("\u2019s", "'s", "\u2019")):
            cues.extend(_possessive_cue(toks, v, lo))
        elif low in ("by", "from") and _after_statement(toks, v, lo):
            end = _np_forward(toks, v + 1, hi)
            mention = read_np(_word_list(toks, v + 1, end)) if end > v + 1 else None
            if mention and mention.kind in ("org", "person"):
                cues.append(Cue(v, v, mention, override=True))
    return cues


_TO_OK = frozenset("said says say told tells tell wrote writes added adds explained explains replied replies".split())


def _infinitive_use(toks: list[Tok], v: int, hi: int) -> bool:
    """"agreed to the talks", "promised to act": the verb is not reporting speech here."""
    return v + 1 < hi and toks[v + 1].low == "to" and toks[v].low not in _TO_OK


def _verb_cue(toks: list[Tok], v: int, lo: int, hi: int, state: _State) -> Cue | None:
    low = toks[v].text.lower()
    if low in ("told", "telling", "tells", "tell"):
        _outlet(toks, v + 1, hi, state)
    if SPEECH_VERBS[low]:
        return Cue(v, v, None, participle=True)
    mention, start = _subject(toks, v, lo, hi)
    if mention is None:
        return None
    return Cue(v, start, mention)


def _possessive_cue(toks: list[Tok], v: int, lo: int) -> list[Cue]:
    j = v - 1
    start = _np_backward(toks, j, lo)
    if start > j:
        return []
    mention = read_np(_word_list(toks, start, j + 1))
    return [Cue(v, start, mention)] if mention else []


def _after_statement(toks: list[Tok], v: int, lo: int) -> bool:
    """"in a statement by X", "a statement issued by X"."""
    for k in range(v - 1, max(lo - 1, v - 4), -1):
        if toks[k].low in STATEMENT_NOUNS:
            return True
    return False


def _outlet(toks: list[Tok], i: int, hi: int, state: _State) -> None:
    if i < hi and toks[i].low == "the" and i + 1 < hi and is_name_word(toks[i + 1].text):
        i += 1
    k = i
    while k < hi and toks[k].kind == "W" and (is_name_word(toks[k].text) or (k > i and toks[k].low in ("of", "and"))):
        k += 1
    while k > i and not is_name_word(toks[k - 1].text):
        k -= 1
    if k == i or toks[i].low in OUTLET_EXCLUDE or toks[i].low in PRONOUNS:
        return
    name = _words(toks, i, k)
    if state.registry.acronyms.get(name) or any(fold(e.name) == fold(name) for e in state.registry.entities):
        return
    if name not in state.outlets:
        state.outlets.append(name)


# ---------------------------------------------------------------- resolution


def _resolve(m: Mention, state: _State) -> tuple[Entity | None, str]:
    """Entity (or None) and the speaker label for a cue's mention."""
    reg = state.registry
    if m.kind == "pronoun":
        return _resolve_pronoun(m.name, state)
    if m.kind == "person":
        ent = _known_org_alias(m.name, reg) or _org_prefix(m.name, reg) or reg.person(m.name, m.description)
        return ent, ent.name
    if m.kind == "org":
        ent = _org_from_words(m, reg)
        return ent, ent.name
    if m.kind == "role":
        ent = reg.by_role(m.name)
        if ent is not None:
            reg.touch(ent)
            return ent, ent.name
        return None, "the " + m.name
    if m.kind == "data":
        # "the report said": whoever issued it, the last organization to speak or be named
        ent = state.last_speaker[0] or reg.last("organization")
        return (reg.touch(ent), ent.name) if ent is not None else (None, "the " + m.name)
    if m.description and m.name.lower() not in PLURAL_PEOPLE:
        ent = reg.unnamed(m.name, m.description)
        return ent, ent.name
    return None, m.name


def _org_prefix(name: str, reg: Registry) -> Entity | None:
    """"Meridian Quay" after "Meridian Quay Holdings": a short form of a known organization."""
    key = fold(name) + " "
    for ent in reversed(reg.entities):
        if ent.kind == "organization" and fold(ent.name).startswith(key):
            ent.add_alias(name)
            return reg.touch(ent)
    return None


def _known_org_alias(name: str, reg: Registry) -> Entity | None:
    full = reg.acronyms.get(name)
    if full:
        return reg.org(full)
    for ent in reversed(reg.entities):
        if ent.kind == "organization" and (name == ent.acronym or name in ent.aliases):
            return reg.touch(ent)
    return None


def _org_from_words(m: Mention, reg: Registry) -> Entity:
    words = fold(m.name).split()
    if words and words[0] in ("the", "a", "an") and len(words) <= 3 and not is_name_word(m.name.split()[-1]):
        ent = reg.by_org_word(words[-1])
        if ent is not None:
            return reg.touch(ent)
    return reg.org(m.name, m.description, m.acronym)


def _resolve_pronoun(word: str, state: _State) -> tuple[Entity | None, str]:
    reg = state.registry
    gender = PRONOUNS.get(word, "")
    if gender in ("m", "f"):
        ent = reg.last("person", gender)
        if ent is not None:
            if not ent.gender:
                ent.gender = gender
            return reg.touch(ent), ent.name
        return None, word
    if word == "who":
        return state.last_speaker
    if word == "it" or gender == "p":
        ent = reg.last("organization")
        if ent is not None:
            return reg.touch(ent), ent.name
    return state.last_speaker if state.last_speaker[1] else (None, word)


def _cite(ent: Entity | None, state: _State) -> None:
    if ent is not None and not ent.cited:
        ent.cited = True
        state.cited.append(ent)


def _register_intros(toks: list[Tok], sent: str, lo: int, hi: int, state: _State) -> Entity | None:
    """People introduced without a speech verb ("Jane Doe, a researcher at X, sees ...";
    "researcher Jane Doe") and acronym definitions ("Syrian Observatory for Human Rights (SOHR)")."""
    actor = None
    if toks[lo].low in ("a", "an"):
        end = _np_forward(toks, lo, min(hi, lo + 8))
        roles = [k for k in range(lo + 1, end) if toks[k].low in ROLE_NOUNS and toks[k].text.islower()]
        end = roles[0] + 1 if roles else end
        mention = read_np(_word_list(toks, lo, end)) if end > lo + 1 else None
        if mention is not None and mention.kind == "unnamed" and mention.description:
            state.registry.unnamed(mention.name, mention.description)
    # only "(" before "X)", "," after a name, "the" before a role noun and a name's first word
    # can act (a "The" opening a name may match for either reason: both checks run on it)
    for m in _INTRO_RE.finditer(sent):
        i = lo + m.start()
        cls = sent[i - lo]
        if cls == "(":
            _acronym_intro(toks, i, lo, hi, state)
        elif cls == ",":
            _appositive_intro(toks, i, lo, hi, state)
        else:
            if cls in "tT" and i + 1 < hi and toks[i + 1].low in ROLE_NOUNS:
                ent = state.registry.by_role(toks[i + 1].low)
                if ent is not None:
                    state.registry.touch(ent)
            if cls != "t" and (i == lo or not is_name_word(toks[i - 1].text)):
                ent = _person_mention(toks, sent, i, lo, hi, state)
                if ent is not None and i <= lo + 1:
                    actor = ent
    return actor


def _acronym_intro(toks: list[Tok], i: int, lo: int, hi: int, state: _State) -> None:
    """"Syrian Observatory for Human Rights (SOHR)" defines SOHR."""
    if i + 2 < hi and toks[i + 2].text == ")" and is_acronym(toks[i + 1].text) and i > lo:
        start = _np_backward(toks, i - 1, lo)
        mention = read_np(_word_list(toks, start, i)) if start < i else None
        if mention and mention.kind in ("org", "person"):
            full = mention.name
            state.registry.define_acronym(toks[i + 1].text, full)


def _appositive_intro(toks: list[Tok], i: int, lo: int, hi: int, state: _State) -> None:
    """"Jane Doe, a researcher at X," introduces Jane Doe with her description."""
    if i > lo and toks[i - 1].kind == "W" and is_name_word(toks[i - 1].text):
        appos, _ = _appositive_forward(toks, i, hi)
        if appos and _describes_person(appos):
            start = _np_backward(toks, i - 1, lo)
            mention = read_np(_word_list(toks, start, i)) if start < i else None
            if mention and mention.kind == "person" and len(mention.name.split()) >= 2:
                state.registry.person(mention.name, mention.description + [_strip_article(appos)])


# Over one sentence's slice of the signature, so that the lookbehinds cannot see the previous
# sentence (a name opening a sentence is a run start, a "(" or "," opening it acts on nothing).
_INTRO_RE = re.compile(
    r"(?<=.)\((?=.\))|(?<=[NTCRO]),|[tT](?=[rR])|(?<=.)(?<![NTCRO])[NTCRO]"
    # a lone "The" or "However" opening the sentence is dropped as an opener: nothing to do
    r"|^(?:[NCR]|[TO](?=[NTCROa]))"
)


def _person_mention(toks: list[Tok], sent: str, i: int, lo: int, hi: int, state: _State) -> Entity | None:
    """A named person acting in the text ("Doreen Smith, now 79, was ...", "the music writer
    Ines Carrick's history", "Carrick, who ..."), so that a later "she" finds them."""
    k = lo + _RUN_RE.match(sent, i - lo).end()
    words = [t.text for t in toks[i:k]]
    if not words or k - i > 5:
        return
    if i == lo and words[0].lower() in _SENTENCE_OPENERS:
        words = words[1:]
    if not words:
        return
    reg = state.registry
    role = i - 1 >= lo and toks[i - 1].low in ROLE_NOUNS
    acting = k < hi and (_verbish(toks[k]) or (toks[k].text == "," and k + 1 < hi and _appositive_start(toks[k + 1])))
    if len(words) == 1:
        # the look-up has no side effects: skip it when its answer would not be used
        if not (acting or role or (i == lo and k < hi and toks[k].text == ",")):
            return None
        ent = _known_person(words[0], reg)
        return reg.touch(ent) if ent is not None else None
    mention = read_np(words)
    if mention is not None and mention.kind == "org" and acting:
        reg.org(mention.name, mention.description, mention.acronym)
    if mention is None or mention.kind != "person":
        return None
    if role:
        start = _np_backward(toks, i - 1, lo)
        desc = [w for w in _word_list(toks, start, i) if w.lower() not in ("the", "a", "an")]
        return reg.person(mention.name, mention.description + [" ".join(desc)])
    if acting or mention.description:
        return reg.person(mention.name, mention.description)
    return None


def _appositive_start(t: Tok) -> bool:
    return t.low in ("who", "now", "aged", "a", "an", "the", "his", "her", "their") or t.text[0].isdigit()


def _known_person(word: str, reg: Registry) -> Entity | None:
    word = word.rstrip("\u2019s").rstrip("'s") if word.endswith(("\u2019s", "'s")) else word
    for ent in reversed(reg.entities):
        if ent.kind == "person" and is_alias(word, ent.name):
            return ent
    return None


def _verbish(t: Tok) -> bool:
    low = t.low
    if t.kind != "W" or not t.text.islower():
        return False
    return low in _AUX or low in SPEECH_VERBS or (low.endswith(("ed", "es")) and len(low) > 4)


_AUX = frozenset(
    "is was has had does did will would can could may might says said told runs ran took takes "
    "works worked lives lived stands stood sits sat went goes came comes thinks thought knows "
    "knew wants wanted looks looked spent spends".split()
)


def _describes_person(appos: str) -> bool:
    words = fold(appos).split()
    return any(w in ROLE_NOUNS for w in words[:8])


# ---------------------------------------------------------------- quotes per sentence


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


def _naming_cue(masked: str, start: int, text: str) -> bool:
    """Quoted names and titles: "dubbed “X”", "known as “X”", "called the flat “X”"."""
    before = masked[max(0, start - 40):start]
    low = before.lower()
    if "called" in low and _CALLED_RE.search(before):
        return True
    if _has_any(low, _CALLED_OBJ_KEYS) and _CALLED_OBJ_RE.search(before) and _looks_like_title(text):
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
    return len(words) <= 4 or _looks_like_title(text)


def _looks_like_title(text: str) -> bool:
    words = text.rstrip(",.!?").split()
    if not words or len(words) > _TITLE_LIMIT:
        return False
    signif = [w for w in words if len(w) > 3 and w[0].isalpha()]
    return bool(signif) and all(w[0].isupper() for w in signif) and len(signif) * 2 >= len(words) - 1 and (
        len(words) >= 2 or words[0][0].isupper()
    )


_TITLE_LIMIT = 14


def _pick_cue(q: int, cues: list[Cue]) -> Cue | None:
    for c in cues:
        if c.override:
            return c
    after = [c for c in cues if c.index > q]
    for c in after:
        if c.subject_start <= q + 2 and not c.participle and c.mention is not None:
            return c
    before = [c for c in cues if c.index < q]
    if before:
        return before[-1]
    return after[0] if after else None


def _participle_owner(c: Cue, cues: list[Cue]) -> Cue | None:
    """A participle ("urging", "adding") speaks with the subject of the nearest finite cue."""
    prior = [d for d in cues if d.index < c.index and not d.participle]
    return prior[-1] if prior else None


@dataclass
class _Found:
    raw: RawQuote
    text: str
    spans: tuple[tuple[int, int, int], ...]
    speaker: tuple[Entity | None, str] | None = None


def analyse(paragraphs: Sequence[str]) -> Analysis:
    """Quotes with canonical speakers, cited sources and outlets of one article's paragraphs."""
    paras = [p if isinstance(p, str) else "" for p in paragraphs]
    raws = find_quotes(paras)
    by_region: dict[tuple[int, int], _Found] = {}
    regions: dict[int, list[tuple[int, int]]] = {}
    found: list[_Found] = []
    for raw in raws:
        text, spans = quote_text(paras, raw)
        if not _ALNUM_RE.search(text):
            continue
        f = _Found(raw, text, spans)
        found.append(f)
        for p, a, b in raw.regions:
            by_region[(p, a)] = f
            regions.setdefault(p, []).append((a, b))
    state = _State()
    for p, para in enumerate(paras):
        _paragraph(p, para, regions.get(p, []), by_region, state)
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


def _paragraph(p: int, para: str, regs: list[tuple[int, int]], by_region: dict, state: _State) -> None:
    masked = mask(para, regs)
    toks, sig, starts = _tokens(masked)
    ends = {a: by_region[(p, a)].raw.ends_sentence for a, _ in regs if (p, a) in by_region}
    para_speaker: tuple[Entity | None, str] | None = None
    last_cue_speaker: tuple[Entity | None, str] | None = None
    for lo, hi in _sentences(toks, sig, starts, ends):
        sent = sig[lo:hi]
        actor = _register_intros(toks, sent, lo, hi, state)
        if actor is not None:
            last_cue_speaker = (actor, actor.name)
        # most sentences have no cue word at all
        cues = _cues(toks, sent, lo, hi, state) if "c" in sent or "C" in sent else []
        if cues:
            resolved = _resolve_cues(cues, state)
            if resolved:
                last_cue_speaker = resolved[-1]
        if "Q" not in sent:
            # a statement or figures reported without quotation marks still cite their source
            for c in cues:
                if c.mention is not None and c.mention.kind in ("person", "org"):
                    _cite(c.entity, state)
            continue
        for qi in _positions(sig, "Q", sig.find("Q", lo, hi), hi):
            f = by_region.get((p, starts[qi]))
            if f is None or f.speaker is not None:
                continue
            first = f.raw.regions[0][:2] == (p, starts[qi])
            last = f.raw.regions[-1][:2] == (p, starts[qi])
            if not first and not last:
                continue
            # a quote running over paragraphs may be attributed where it opens or where it closes
            cue_only = first and not last
            speaker = _attribute(f, qi, starts[qi], cues, masked, para_speaker, last_cue_speaker, p, state, cue_only)
            if speaker is not None:
                f.speaker = speaker
                para_speaker = last_cue_speaker = speaker
                state.last_speaker, state.last_speaker_para = speaker, p
                _cite(speaker[0], state)
    if last_cue_speaker is not None and para_speaker is None:
        # "X said the timing mattered less." then a paragraph that is only a quotation: X's
        state.last_speaker, state.last_speaker_para = last_cue_speaker, p


def _positions(sig: str, cls: str, i: int, hi: int) -> list[int]:
    """Indices of the tokens of class `cls` in [i, hi), starting from a known first one (or -1)."""
    out = []
    while i >= 0:
        out.append(i)
        i = sig.find(cls, i + 1, hi)
    return out


def _resolve_cues(cues: list[Cue], state: _State) -> list[tuple[Entity | None, str]]:
    out = []
    for c in cues:
        if c.participle or c.mention is None:
            continue
        ent, label = _resolve(c.mention, state)
        c.entity, c.label = ent, label
        out.append((ent, label))
    return out


def _attribute(
    f: _Found,
    qi: int,
    start: int,
    cues: list[Cue],
    masked: str,
    para_speaker: tuple[Entity | None, str] | None,
    last_cue_speaker: tuple[Entity | None, str] | None,
    p: int,
    state: _State,
    cue_only: bool = False,
) -> tuple[Entity | None, str] | None:
    if len(f.raw.regions) == 1 and (
        _naming_cue(masked, start, f.text) or (_looks_like_title(f.text) and not _adjacent_cue(qi, cues))
    ):
        return None
    cue = _pick_cue(qi, cues)
    if cue is not None and cue.override:
        _metonym_alias(cue, cues)
    if cue is not None and cue.participle:
        cue = _participle_owner(cue, cues)
    if cue is not None and (cue.entity is not None or cue.label):
        return cue.entity, cue.label
    if len(f.text.split()) <= 3 or cue_only:
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
    return any(abs(c.index - qi) <= 3 for c in cues)
