"""Sources, descriptions, acronyms and outlets (invented text)."""

from briefing.analysis import analyse


def sources(paragraphs):
    return {s.name: s for s in analyse(paragraphs).sources}


def test_rank_dropped_from_name_and_kept_in_description():
    src = sources(["“We advance at dawn,” Brigadier General Tove Lund, commander of the Eastern Corps, said."])
    assert src["Tove Lund"].kind == "person"
    assert src["Tove Lund"].description == "Brigadier General, commander of the Eastern Corps"


def test_honorifics_dropped():
    src = sources(["“It is late,” said Dr. Ilse Varga.", "“It is very late,” Sir Colm Reddy said."])
    assert set(src) == {"Ilse Varga", "Colm Reddy"}


def test_descriptor_before_name():
    src = sources(["Iranian foreign ministry spokesperson Esra Kamali said the raid was “unlawful.”"])
    assert src["Esra Kamali"].description == "Iranian foreign ministry spokesperson"


def test_descriptor_and_appositive_combined():
    src = sources(["“The front is wide,” retired Colonel Ivan Petrov, a military analyst, said."])
    assert src["Ivan Petrov"].description == "retired Colonel, military analyst"


def test_fullest_name_and_aliases():
    paras = [
        "“Stocks are low,” said Hassan Abdel Rahim, a pharmacist.",
        "“We ration insulin,” Abdel Rahim said. The pharmacist added that “prices doubled.”",
    ]
    result = analyse(paras)
    assert {q.speaker for q in result.quotes} == {"Hassan Abdel Rahim"}
    (src,) = result.sources
    assert "Abdel Rahim" in src.aliases


def test_acronym_defined_and_used():
    paras = [
        "At least 40 people were killed, the Coastal Monitoring Network (CMN) reported.",
        "According to CMN, 200 more were injured.",
    ]
    src = sources(paras)
    assert src["Coastal Monitoring Network"].kind == "organization"
    assert src["Coastal Monitoring Network"].acronym == "CMN"
    assert "CMN" in src["Coastal Monitoring Network"].aliases


def test_according_to_figures_cites_the_organization():
    src = sources(["The population is 2 million, according to the latest figures from the Relief Coordination Group."])
    assert "Relief Coordination Group" in src


def test_possessive_owner_goes_to_description():
    src = sources(["Some 9,000 people fled, according to the United Nations’ Office for Refugee Affairs (ORA)."])
    assert src["Office for Refugee Affairs"].acronym == "ORA"
    assert src["Office for Refugee Affairs"].description == "United Nations"


def test_outlets_are_not_sources():
    result = analyse(["“We are ready,” Pia Holt told Harbour Radio.", "“We are waiting,” Jon Arne told the Daily Ledger."])
    assert result.outlets == ("Harbour Radio", "Daily Ledger")
    assert {s.name for s in result.sources} == {"Pia Holt", "Jon Arne"}


def test_speakers_are_sources_with_description():
    result = analyse(["Nadia Roux, a researcher at the Tidewater Institute, was cautious. “It is early,” she said."])
    (src,) = result.sources
    assert (src.name, src.description) == ("Nadia Roux", "researcher at the Tidewater Institute")


def test_organization_speaker_kind():
    src = sources(["The Interior Ministry said the march was “illegal.”"])
    assert src["Interior Ministry"].kind == "organization"


def test_empty_and_odd_input():
    assert analyse([]).quotes == ()
    assert analyse(["", "   ", "\u00a0"]).sources == ()


def test_registry_moves_the_first_equal_entity_as_list_remove_does():
    from briefing.sources import Entity, Registry

    reg = Registry()
    twin, ent, other = Entity("Delta Port", "organization"), Entity("Delta Port", "organization"), Entity("Delta Port", "person")
    reg.entities[:] = [twin, ent, other]
    reg.touch(ent)  # ent == twin (same fields): list.remove() drops twin, the first equal one
    assert [id(e) for e in reg.entities] == [id(ent), id(other), id(ent)]
    newcomer = Entity("Delta Port", "organization", ["new"])
    reg.touch(newcomer)  # equal to none of them: nothing dropped
    assert [id(e) for e in reg.entities] == [id(ent), id(other), id(ent), id(newcomer)]
