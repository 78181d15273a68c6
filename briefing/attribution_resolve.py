"""A cue's mention resolved to the entity (and speaker label) it names: a pronoun or a role
noun to the most recent fitting person, a short form to the known person or organization."""

from __future__ import annotations

from briefing.analysis_cues import Cue
from briefing.attribution_state import State
from briefing.names import PRONOUNS, ROLE_NOUNS, fold, is_name_word
from briefing.sources import PLURAL_PEOPLE, Entity, Mention, Registry

Speaker = tuple[Entity | None, str]


def resolve_cues(cues: list[Cue], state: State) -> list[Speaker]:
    """Resolve the finite cues in order, setting each cue's entity and label."""
    out = []
    for c in cues:
        if c.participle or c.mention is None:
            continue
        ent, label = resolve(c.mention, state)
        c.entity, c.label = ent, label
        out.append((ent, label))
    return out


def resolve(m: Mention, state: State) -> Speaker:
    """Entity (or None) and the speaker label for a cue's mention."""
    reg = state.registry
    kind = m.kind
    if kind == "pronoun":
        return _resolve_pronoun(m.name, state)
    if kind == "person":
        ent = _org_named(m.name, reg) or reg.person(m.name, m.description)
        return ent, ent.name
    if kind == "org":
        ent = _org_from_words(m, reg)
        return ent, ent.name
    if kind == "role":
        ent = reg.by_role(m.name)
        if ent is not None:
            reg.touch(ent)
            return ent, ent.name
        return None, "the " + m.name
    if kind == "data":
        # "the report said": whoever issued it, the last organization to speak or be named
        ent = state.last_speaker[0] or reg.last("organization")
        return (reg.touch(ent), ent.name) if ent is not None else (None, "the " + m.name)
    if m.description and m.name.lower() not in PLURAL_PEOPLE:
        ent = reg.unnamed(m.name, m.description)
        return ent, ent.name
    return None, m.name


def _org_named(name: str, reg: Registry) -> Entity | None:
    """The organization a person-like name stands for: an acronym defined in the text, the
    acronym or an alias of a known organization (the most recent), or else a short form of
    one ("Meridian Quay" after "Meridian Quay Holdings", the most recent), in that order."""
    full = reg.acronyms.get(name)
    if full:
        return reg.org(full)
    key = fold(name) + " "
    short_of = None
    # one scan for both: an alias match anywhere wins over a short form
    for ent in reversed(reg.entities):
        if ent.kind == "organization":
            if name == ent.acronym or name in ent.aliases:
                return reg.touch(ent)
            if short_of is None and fold(ent.name).startswith(key):
                short_of = ent
    if short_of is not None:
        short_of.add_alias(name)
        return reg.touch(short_of)
    return None


def _org_from_words(m: Mention, reg: Registry) -> Entity:
    words = reg.words(m.name)  # fold(m.name).split(), kept for the article
    if words and words[0] in ("the", "a", "an") and len(words) <= 3 and not is_name_word(m.name.split()[-1]):
        ent = reg.by_org_word(words[-1])
        if ent is not None:
            return reg.touch(ent)
    return reg.org(m.name, m.description, m.acronym)


def _last_individual(reg: Registry, gender: str) -> Entity | None:
    """The most recent person "he" or "she" can be: of that gender or none yet, and not a
    group read as a name (see _group_noun)."""
    for ent in reversed(reg.entities):
        if ent.kind == "person" and ent.gender in ("", gender) and not _group_noun(ent):
            return ent
    return None


def _group_noun(ent: Entity) -> bool:
    """A plural common noun for people that a sentence opened with ("Engineers asked ...",
    "Residents said ..."), so it was read as a one-word name: one of PLURAL_PEOPLE, a role
    noun's plural, or a plural agent noun ("Insurers", "Scientists"). A person introduced
    with a description is an individual whatever the name."""
    if ent.description:
        return False
    low = ent.name.lower()
    if " " in low or not low.endswith("s"):
        return False
    return low in PLURAL_PEOPLE or low[:-1] in ROLE_NOUNS or (len(low) > 5 and low.endswith(_AGENT_PLURALS))


_AGENT_PLURALS = ("ers", "ors", "ists", "ians", "ents", "ants")


def _resolve_pronoun(word: str, state: State) -> Speaker:
    reg = state.registry
    gender = PRONOUNS.get(word, "")
    if gender in ("m", "f"):
        ent = _last_individual(reg, gender)
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
