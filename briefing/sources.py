"""People and organizations an article cites: reading noun phrases into mentions, and a
registry that merges the forms a name takes ("Abdul Ghani", "the commander", "he") into one
source with the fullest name and the description the text gives."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

from briefing.names import (
    ORG_WORDS,
    PARTICLES,
    PRONOUNS,
    ROLE_NOUNS,
    fold,
    is_acronym,
    is_alias_words,
    is_name_word,
    is_org_name,
    split_title,
    strip_possessive,
)
from briefing.records import pickled_by_fields


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Source:
    name: str
    kind: str  # "person" or "organization"
    description: str
    acronym: str | None
    aliases: tuple[str, ...]


DETERMINERS = frozenset("the a an its their his her our this that these those".split())
PREPOSITIONS = frozenset("of for at from with in on".split())
# Nouns for reports and figures: "figures from the X group" cites the group.
DATA_NOUNS = frozenset(
    "figures data statistics report reports estimates estimate survey count tally study statement "
    "numbers analysis assessment census record records toll findings investigation review".split()
)
PLURAL_PEOPLE = frozenset(
    "officials residents witnesses sources activists analysts experts observers diplomats doctors "
    "medics rescuers critics authorities police protesters villagers locals people organizers "
    "organisers researchers scientists investigators lawyers prosecutors families relatives "
    "survivors soldiers fighters rebels militants leaders members".split()
)


@dataclass(slots=True)
class Mention:
    kind: str  # pronoun, person, org, role, unnamed
    name: str
    description: list[str] = field(default_factory=list)
    acronym: str | None = None
    owner: str = ""  # "United Nations" in "the United Nations' Office for ..."


def read_np(words: Sequence[str]) -> Mention | None:
    """Interpret the words of a noun phrase found next to a speech cue."""
    found = _read_np_frozen(tuple(words))
    if found is None:
        return None
    kind, name, description, acronym, owner = found
    return Mention(kind, name, list(description), acronym, owner)


@lru_cache(maxsize=16384)
def _read_np_frozen(words: tuple[str, ...]) -> tuple[str, str, tuple[str, ...], str | None, str] | None:
    """read_np is a pure function of the words, and the same phrases recur through an article
    and a site; callers change the Mention they get, so the cache keeps a frozen copy."""
    m = _interpret(list(words))
    return None if m is None else (m.kind, m.name, tuple(m.description), m.acronym, m.owner)


def _interpret(words: list[str]) -> Mention | None:
    words, acronym = _take_acronym(words)
    words, owner = _take_owner(words)
    if not words:
        return None
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        return Mention("pronoun", words[0].lower())
    last = strip_possessive(words[-1])
    if last.islower() and last in ROLE_NOUNS and not _cap_run(words[-1:]):
        return _unnamed(words, words, acronym)
    if len(words) <= 3 and words[0].lower() in ("the", "this", "that", "its", "their") and last.lower() in DATA_NOUNS:
        return Mention("data", last.lower())
    head, tail = _split_prep(words)
    if not head:
        return None
    data = _data_source(head, tail)
    if data is not None:
        return data
    caps = _cap_run(head)
    if caps:
        return _named(head, tail, caps, acronym, owner)
    return _unnamed(words, head, acronym)


def _take_acronym(words: list[str]) -> tuple[list[str], str | None]:
    if len(words) >= 3 and words[-1] == ")" and words[-3] == "(" and is_acronym(words[-2]):
        return words[:-3], words[-2]
    if "(" in words or ")" in words or "" in words or "()" in words:
        return [w for w in words if w not in "()"], None  # a substring test: drops those four
    return words, None


def _take_owner(words: list[str]) -> tuple[list[str], str]:
    """Drop "the United Nations'" from "the United Nations' Office for ...": the office is the
    source, the owner goes to the description."""
    for i, w in enumerate(words[:-1]):
        if w.endswith(("\u2019", "'", "\u2019s", "'s")) and is_name_word(w) and is_name_word(words[i + 1]):
            owner = [x for x in words[: i + 1] if x.lower() not in DETERMINERS]
            if not is_org_name([strip_possessive(x) for x in owner]) or len(words) - i < 3:
                continue
            return words[i + 1:], " ".join(owner[:-1] + [strip_possessive(owner[-1])]) if owner else ""
    return words, ""


def _split_prep(words: list[str]) -> tuple[list[str], list[str]]:
    for i, w in enumerate(words):
        if i and w.lower() in PREPOSITIONS:
            return words[:i], words[i:]
    return words, []


def _data_source(head: list[str], tail: list[str]) -> Mention | None:
    if not tail or head[-1].lower() not in DATA_NOUNS or tail[0].lower() not in ("from", "by", "of"):
        return None
    rest = tail[1:]
    caps = _cap_run([w for w in rest if w.lower() not in DETERMINERS][:1] + rest)
    if not caps:
        return None
    inner = read_np([w for w in rest if True])
    return inner if inner and inner.kind in ("org", "person") else None


def _cap_run(head: list[str]) -> list[str]:
    """The trailing run of name words (particles allowed inside)."""
    run: list[str] = []
    for w in reversed(head):
        if is_name_word(w) or (run and w.lower() in PARTICLES):
            run.insert(0, w)
        else:
            break
    while run and (run[0].lower() == "the" or run[0] in PARTICLES):
        run.pop(0)
    return run


def _named(head: list[str], tail: list[str], caps: list[str], acronym: str | None, owner: str) -> Mention:
    pre = [w for w in head[: len(head) - len(caps)] if w.lower() not in DETERMINERS] if len(head) > len(caps) else []
    tail_caps = [w for w in tail if w.lower() not in DETERMINERS] if tail else []
    org_tail = bool(tail_caps) and all(is_name_word(w) or w.lower() in _ORG_TAIL_WORDS for w in tail_caps)
    if is_org_name(caps) or (acronym and not pre):
        name = " ".join(caps + (tail if org_tail else []))
        desc = [owner] if owner else []
        return Mention("org", _clean(name), desc, acronym, owner)
    titles, name = split_title(list(map(strip_possessive, caps)))
    if not name:
        return Mention("role", " ".join(titles).lower())
    desc_first = " ".join(pre + titles)
    desc = [desc_first] if desc_first else []
    if tail:
        desc.append(" ".join(tail))
    return Mention("person", " ".join(name), desc, acronym)


_ORG_TAIL_WORDS = PREPOSITIONS | {"and"}


def _unnamed(words: list[str], head: list[str], acronym: str | None) -> Mention:
    noun = strip_possessive(head[-1]).lower()
    text = " ".join(words)
    if head[0].lower() == "the" and len(head) <= 3 and noun not in ORG_WORDS and len(words) <= 3:
        return Mention("role", noun)
    if noun in ROLE_NOUNS and head[0].lower() in ("a", "an", "one", "another"):
        return Mention("unnamed", text, [text])
    if noun in ORG_WORDS:
        return Mention("org", text, [], acronym)
    return Mention("unnamed", text)


def _clean(name: str) -> str:
    return _SPACES_RE.sub(" ", name).strip(" ,")


_SPACES_RE = re.compile(r"\s+")


@dataclass
class Entity:
    name: str
    kind: str
    description: list[str] = field(default_factory=list)
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)
    gender: str = ""
    cited: bool = False

    def __eq__(self, other: object) -> bool:
        """The dataclass's field-by-field equality, deciding on the name first: the registry
        compares an entity with many others, and names almost always differ."""
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.name == other.name and (
            self.kind, self.description, self.acronym, self.aliases, self.gender, self.cited
        ) == (other.kind, other.description, other.acronym, other.aliases, other.gender, other.cited)

    def add_alias(self, form: str) -> None:
        if form and form != self.name and fold(form) != fold(self.name) and form not in self.aliases:
            self.aliases.append(form)

    def add_description(self, parts: list[str]) -> None:
        if not parts:
            return
        for part in parts:
            if part in self.description:
                continue  # its words are all known (the usual repeat), as the test below finds
            words = set(fold(part).split()).difference(_DESCRIPTION_FILLERS)
            known = set(fold(" ".join(self.description)).split())
            if not words or words <= known:
                continue
            # "retired Colonel" supersedes "Colonel" in place
            for i, old in enumerate(self.description):
                if set(fold(old).split()) < words:
                    self.description[i] = part
                    break
            else:
                self.description.append(part)


_DESCRIPTION_FILLERS = frozenset(("the", "a", "an", "of", "at", "for"))


_NAME = attrgetter("name")


class Registry:
    """Entities in order of last mention, so resolution prefers the most recent."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self.acronyms: dict[str, str] = {}
        self._words: dict[str, list[str]] = {}
        # The first and last folded words of every person's name so far (more, not fewer,
        # once a person is renamed or dropped): a name matches a person only by sharing one
        # (see person()), so a name with neither is new without a scan.
        self._person_ends: set[str] = set()
        # Every folded word of every person's description so far (more, not fewer, once a
        # part is superseded): by_role's noun must be one of them.
        self._role_words: set[str] = set()

    def _person_named(self, ent: Entity) -> None:
        words = self.words(ent.name)
        if words:
            self._person_ends.add(words[0])
            self._person_ends.add(words[-1])

    def _person_described(self, parts: list[str]) -> None:
        for part in parts:
            self._role_words.update(self.words(part))

    def _no_person_shares(self, words: list[str]) -> bool:
        """No person's name can be an alias of `words` nor the other way round."""
        return bool(words) and words[0] not in self._person_ends and words[-1] not in self._person_ends

    def words(self, text: str) -> list[str]:
        """fold(text).split(), kept for the article: it names the same few people again and
        again. Callers must not change the list."""
        words = self._words.get(text)
        if words is None:
            if len(self._words) >= self.WORDS_LIMIT:
                self._words.clear()
            words = self._words[text] = fold(text).split()
        return words

    WORDS_LIMIT = 4096

    # Articles name far fewer; the cap keeps every look-up bounded on hostile input.
    LIMIT = 150

    def touch(self, ent: Entity) -> Entity:
        entities = self.entities
        if entities and entities[-1] is ent:
            return ent
        # Move it to the end. remove() would drop the first entity == ent, comparing in
        # Python; an equal entity has the same name, so the names are searched in C first,
        # and remove() runs only if the first of that name is another entity. A new entity's
        # name is usually no other's: a test, not a ValueError raised and caught.
        names = list(map(_NAME, entities))
        name = ent.name
        if name in names:
            first = names.index(name)
            if entities[first] is ent:
                del entities[first]
            else:
                try:
                    entities.remove(ent)
                except ValueError:
                    pass  # no equal entity to drop
        entities.append(ent)
        if len(entities) > self.LIMIT:
            del entities[0]
        return ent

    def define_acronym(self, acronym: str, name: str) -> None:
        self.acronyms.setdefault(acronym, name)

    def person(self, name: str, description: list[str] | None = None) -> Entity:
        entities = self.entities
        if entities and entities[-1].name == name and entities[-1].kind == "person":
            # the person just named again (a quote's speaker is read several times): the scan
            # below would stop at once on it, its name being an alias of itself
            ent = entities[-1]
            if description:
                ent.add_description(description)
                self._person_described(description)
            return ent
        s = self.words(name)
        known = self._words.get  # a person's name is folded when named (see _person_named)
        for ent in () if self._no_person_shares(s) else reversed(entities):
            if ent.kind != "person":
                continue
            f = known(ent.name) or self.words(ent.name)
            # either way round, an alias shares its first or its last word with the name
            if s and f and s[-1] != f[-1] and s[0] != f[0]:
                continue
            if is_alias_words(s, f):
                ent.add_alias(name)
                break
            if is_alias_words(f, s):
                ent.add_alias(ent.name)
                ent.name = name
                self._person_named(ent)
                break
        else:
            ent = Entity(name, "person")
            self._person_named(ent)
        if description:
            ent.add_description(description)
            self._person_described(description)
        return self.touch(ent)

    def known_person(self, word: str) -> Entity | None:
        """The most recent person `word` can refer to (see is_alias), without touching it."""
        s = self.words(word)
        if self._no_person_shares(s):
            return None
        known = self._words.get
        for ent in reversed(self.entities):
            if ent.kind == "person":
                f = known(ent.name) or self.words(ent.name)
                if not (s and f and s[-1] != f[-1] and s[0] != f[0]) and is_alias_words(s, f):
                    return ent
        return None

    def unnamed(self, text: str, description: list[str]) -> Entity:
        """"a spokeswoman for the port": kept as written, so "she" and "the spokeswoman" can
        find it later."""
        key = self.words(text)  # equal folds, as their words are joined by single spaces
        for ent in reversed(self.entities):
            if ent.kind == "person" and self.words(ent.name) == key:
                return self.touch(ent)
        ent = Entity(text, "person", list(description))
        self._person_named(ent)
        self._person_described(ent.description)
        return self.touch(ent)

    def org(self, name: str, description: list[str] | None = None, acronym: str | None = None) -> Entity:
        name = self.acronyms.get(name, name)
        if acronym:
            self.define_acronym(acronym, name)
        ent = self._find_org(name)
        if ent is None:
            ent = Entity(name, "organization")
        elif len(name) > len(ent.name) and fold(name).startswith(fold(ent.name)):
            ent.add_alias(ent.name)
            ent.name = name
        else:
            ent.add_alias(name)
        if acronym and not ent.acronym:
            ent.acronym = acronym
            ent.add_alias(acronym)
        ent.add_description(description or [])
        return self.touch(ent)

    def _find_org(self, name: str) -> Entity | None:
        key = fold(name)
        for ent in reversed(self.entities):
            if ent.kind != "organization":
                continue
            full = fold(ent.name)
            if key == full or (ent.acronym and name == ent.acronym):
                return ent
            if full.startswith(key + " ") or key.startswith(full + " "):
                return ent
        return None

    def by_role(self, noun: str) -> Entity | None:
        if noun not in self._role_words:
            return None  # no person's description has it
        for ent in reversed(self.entities):
            if ent.kind == "person" and noun in self.words(" ".join(ent.description)):
                return ent
        return None

    def by_org_word(self, noun: str) -> Entity | None:
        for ent in reversed(self.entities):
            if ent.kind == "organization" and noun in self.words(ent.name):
                return ent
        return None

    def last(self, kind: str, gender: str = "") -> Entity | None:
        for ent in reversed(self.entities):
            if ent.kind == kind and (not gender or ent.gender in ("", gender)):
                return ent
        return None


def build_sources(cited: list[Entity]) -> tuple[Source, ...]:
    """Cited entities in order of first citation."""
    out = []
    for ent in cited:
        aliases = tuple(a for a in ent.aliases if fold(a) != fold(ent.name))
        out.append(Source(ent.name, ent.kind, ", ".join(ent.description), ent.acronym, aliases))
    return tuple(out)
