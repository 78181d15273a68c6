"""A cue's mention resolved to the entity (and speaker label) it names: a pronoun or a role
noun to the most recent fitting person, a short form to the known person or organization."""

from __future__ import annotations

from briefing.analysis_cues import Cue
from briefing.attribution_state import State
from briefing.names import PRONOUNS, fold, is_name_word
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
        ent = _known_org_alias(m.name, reg) or _org_prefix(m.name, reg) or reg.person(m.name, m.description)
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


def _resolve_pronoun(word: str, state: State) -> Speaker:
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
