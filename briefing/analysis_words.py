"""Word lists the attribution rules read: speech verbs, stop words, sentence openers.

Lower-case words; a token is looked up by its lower-case form (``Tok.low``)."""

from __future__ import annotations


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
# Words a cue can start with: a speech verb, "according (to)", a view noun, "by"/"from".
CUE_WORDS = frozenset(SPEECH_VERBS) | VIEW_NOUNS | {"according", "by", "from"}
# Capitalised words that open a sentence rather than a name ("However", "The").
SENTENCE_OPENERS = frozenset(
    "the in on at but and as however meanwhile also then similarly accordingly notably so yet "
    "still since after before when while although though if by for with from according "
    "instead indeed besides moreover furthermore later earlier separately elsewhere".split()
)
# Lower-case words that continue a name ("Ahmad al Hassan").
RUN_PARTICLES = ("al", "bin", "de", "van", "von")
# Verbs that show the word before them is acting, so a name there is worth registering.
AUX = frozenset(
    "is was has had does did will would can could may might says said told runs ran took takes "
    "works worked lives lived stands stood sits sat went goes came comes thinks thought knows "
    "knew wants wanted looks looked spent spends".split()
)
# Speech verbs that still report speech before "to" (others, as in "agreed to the talks" or
# "promised to act", do not).
TO_OK = frozenset("said says say told tells tell wrote writes added adds explained explains replied replies".split())
