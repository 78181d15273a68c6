"""The seed parser on our own fictional fixtures: one test per rule."""

from __future__ import annotations

from datetime import date

import pytest

from briefing.dates import parse_date
from briefing.seed import SeedError, decode_seed, parse_seed

# A fictional article in the raw pasted format, with the usual noise.
SEED = """4 min read

Floodgates open at the Varn dam: What changed?

Engineers in the invented republic of Ostrava released water from the Varn dam on Monday, easing pressure on the riverbank towns.\u00a0


3 November 2031

By Lena Sorel

VARN — Engineers opened two of the dam’s five floodgates before dawn, the river authority said, after a week of rain.\u00a0

“We had no choice [but to open them] tonight,” said Ilse Marek, director of the authority.\x20

Why now?

Rain gauges upstream recorded the highest readings since the ’90s — a “once-in-a-century” event, according to the Ostrava Weather Office (OWO).

The view from the capital

Ministers met in Lumen City, where <script>alert(1)</script> & other oddities were not discussed.\u00a0 \u00a0

This report was originally published in French and translated into English by Tomas Weir.

Share this article

Related: Dams across Ostrava under review

Subscribe to our newsletter
"""


def parse(text: str = SEED, **options):
    return parse_seed(decode_seed(text.encode("utf-8")), **options)


def test_front_matter_fields_are_read():
    article = parse()
    assert article.title == "Floodgates open at the Varn dam: What changed?"
    assert article.dek.startswith("Engineers in the invented republic")
    assert article.dek.endswith("towns.")  # trailing non-breaking space removed
    assert article.date == date(2031, 11, 3)
    assert article.dateline == "VARN"
    assert article.reading_time == 4
    assert article.author == "Lena Sorel"
    assert article.translator == "Tomas Weir"
    assert article.original_language == "French"


def test_dateline_is_removed_from_the_first_paragraph_only():
    article = parse()
    first = article.blocks[0]
    assert first.text.startswith("Engineers opened two of the dam’s five floodgates")
    assert all("VARN" not in block.text for block in article.blocks)


def test_subheadings_become_headings_question_or_not():
    article = parse()
    headings = [b.text for b in article.blocks if b.kind == "heading"]
    assert headings == ["Why now?", "The view from the capital"]


def test_boilerplate_and_credit_leave_the_body():
    texts = [b.text for b in parse().blocks]
    body = "\n".join(texts)
    for noise in ("4 min read", "Share this article", "Related:", "Subscribe", "translated into English", "\u00a0"):
        assert noise not in body
    assert all(text == text.strip() for text in texts)


def test_words_quotes_brackets_dashes_and_html_are_kept_verbatim():
    body = "\n".join(b.text for b in parse().blocks)
    assert "“We had no choice [but to open them] tonight,” said Ilse Marek" in body
    assert "since the ’90s — a “once-in-a-century” event" in body
    assert "<script>alert(1)</script> & other oddities" in body


@pytest.mark.parametrize(
    "line, expected",
    [
        ("29 November 2024", date(2024, 11, 29)),
        ("Nov. 29, 2024", date(2024, 11, 29)),
        ("November 29, 2024", date(2024, 11, 29)),
        ("2024-11-29", date(2024, 11, 29)),
        ("29/11/2024", date(2024, 11, 29)),
        ("Published 3 November 2031 10:32 GMT", date(2031, 11, 3)),
        ("Friday, November 29, 2024", date(2024, 11, 29)),
        ("Updated: Nov 4, 2031 at 3:15 pm", date(2031, 11, 4)),
    ],
)
def test_date_formats(line, expected):
    assert parse_date(line) == expected


def test_numeric_dates_follow_the_configured_order():
    assert parse_date("03/11/2031", day_first=True) == date(2031, 11, 3)
    assert parse_date("03/11/2031", day_first=False) == date(2031, 3, 11)
    article = parse(SEED.replace("3 November 2031", "11/03/2031"), day_first=False)
    assert article.date == date(2031, 11, 3)


def test_sentences_and_impossible_dates_are_not_dates():
    assert parse_date("The army said on 29 November 2024 that it would leave") is None
    assert parse_date("31/02/2024") is None


def test_reading_time_is_computed_at_230_words_a_minute_when_absent():
    words = " ".join(["word"] * 700)
    article = parse(f"A headline\n\nA dek line.\n\n5 May 2030\n\n{words}.\n")
    assert article.reading_time == 4  # 700 + 5 words / 230, rounded up


def test_dateline_forms():
    for line, place in [
        ("BEIRUT, Lebanon — Text.", "BEIRUT"),
        ("GAZA CITY (Reuters) - Text.", "GAZA CITY"),
        ("LUMEN CITY – Text.", "LUMEN CITY"),
    ]:
        article = parse(f"Title\n\nDek.\n\n1 May 2030\n\n{line}\n\nMore.\n")
        assert article.dateline == place
        assert article.blocks[0].text == "Text."


def test_no_date_line_still_finds_dek_and_says_so():
    article = parse("Title here\n\nThe dek.\n\nFirst paragraph.\n\nSecond paragraph.\n")
    assert article.date is None
    assert article.dek == "The dek."
    assert [b.text for b in article.blocks] == ["First paragraph.", "Second paragraph."]
    assert any("no date line" in note for note in article.notes)


def test_a_body_sentence_starting_with_by_is_not_a_byline():
    article = parse("Title\n\nDek.\n\n1 May 2030\n\nBy Friday, the water had gone down.\n\nMore.\n")
    assert article.author is None
    assert article.blocks[0].text == "By Friday, the water had gone down."


def test_line_endings_bom_and_latin1_are_handled():
    crlf = ("\ufeff" + SEED).replace("\n", "\r\n").encode("utf-8")
    assert parse_seed(decode_seed(crlf)).title.startswith("Floodgates")
    mac = SEED.replace("\n", "\r").encode("utf-8")
    assert parse_seed(decode_seed(mac)).dateline == "VARN"
    latin1 = b"Caf\xe9 talks\n\nThe d\xe9k.\n\n1 May 2030\n\n\x93Quoted,\x94 she said.\n"  # Windows-1252
    article = parse_seed(decode_seed(latin1))
    assert article.title == "Café talks"
    assert article.blocks[0].text == "“Quoted,” she said."


def test_stray_control_characters_are_dropped():
    article = parse("Title\x07\n\nDek\x1b.\n\n1 May 2030\n\nBody\x00 text.\n".replace("\x00", "\x0b"))
    assert article.title == "Title"
    assert article.blocks[0].text == "Body text."


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (bytes(range(256)) * 4, "not a text file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    ],
)
def test_files_that_are_not_text_are_refused(data, words):
    with pytest.raises(SeedError) as error:
        decode_seed(data)
    assert words in error.value.message


def test_only_boilerplate_is_refused():
    with pytest.raises(SeedError):
        parse("5 min read\n\nShare this article\n")


def test_a_byline_without_by_and_its_role_line_become_the_author():
    article = parse("Title\n\nThe dek.\n\nEleanor Voss\nHealth correspondent\n\nPublished 14 May 2029\n\nBody.\n")
    assert article.author == "Eleanor Voss"
    assert [b.text for b in article.blocks] == ["Body."]


def test_link_lists_copyright_and_wire_credits_are_furniture():
    article = parse(
        "Title\n\nDek.\n\nMarch 12, 2030 5:47 PM GMT+1 Updated 2 hours ago\n\nBody one.\n\nBody two.\n\n"
        "(Reporting by Ann Example; Editing by Bo Sample)\n\nCopyright 2030 Example Ledger. All rights reserved.\n\n"
        "Related Topics\nFloods\nOstrava politics\n"
    )
    assert article.date == date(2030, 3, 12)
    assert [b.text for b in article.blocks] == ["Body one.", "Body two."]
