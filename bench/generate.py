#!/usr/bin/env python3
"""Deterministic generated briefing sites, in Briefing's content format (fiction from word lists).

Two shapes of site, both seeded so the same arguments always write the same bytes:

- ``long`` (default): the benchmark corpus of ``bench/build_bench.py``. About 1,500 words a
  briefing, YAML front matter (title, dek, date, slug, reading_time), 2-3 ``##`` sections and
  about 15 quotations in the conventions news copy uses ("..." said Firstname Lastname, a
  description; pronoun follow-ups; partial quotes; colon introductions; questions), spoken
  by a pool of recurring speakers so the quote index and the source list grow like a real
  site's.
- ``short``: the small briefings ``bench/serve_latency.py`` has always edited (kept byte for
  byte, so its numbers stay comparable).

    python bench/generate.py DIR                        # 1,000 long briefings into DIR/content/
    python bench/generate.py DIR --briefings 100 --shape short

DIR becomes a project folder: ``content/``, an empty ``seeds/``, and copies of the repo's
``layouts/`` and ``config.yaml``. Every word comes from the lists below; nothing is copied
from real articles.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# --- the short shape (serve_latency.py's site; do not change: its output is compared) ------

FIRST = ["Mara", "Tomas", "Hana", "Ilse", "Oren", "Petra", "Jonas", "Leila", "Sami", "Vera",
         "Anton", "Nadia", "Emil", "Rosa", "Kasimir", "Yara", "Dario", "Lene", "Pavel", "Irina"]
LAST = ["Vell", "Arvel", "Petrisk", "Dorran", "Kessely", "Marrow", "Talvik", "Ostrand", "Renn",
        "Lazaro", "Voss", "Hallem", "Strand", "Quill", "Berrin", "Caldo", "Fenn", "Iskar"]
PLACES = ["Varn", "Halden", "Teskara", "Drevania", "Orrin", "Mellick", "Sarro", "Kettle Bay"]
ROLES = ["the mayor of {place}", "a spokesperson for the {place} water board",
         "a hydrologist at the University of {place}", "a shopkeeper in {place}",
         "the head of the {place} fire service"]
NOUNS = ["the river", "the dam", "the council", "the relief effort", "the new levee", "the budget",
         "the evacuation", "the inquiry", "the harvest", "the bridge"]
VERBS = ["would be reviewed", "had been delayed", "was working", "needed more money",
         "had surprised everyone", "would reopen next week", "was not enough"]
SECTIONS = ["What happened?", "Why now?", "Who is responsible?", "What comes next?", "The cost"]


def sentence(rng: random.Random) -> str:
    return f"Officials said {rng.choice(NOUNS)} {rng.choice(VERBS)} in {rng.choice(PLACES)}."


def quotation(rng: random.Random) -> str:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    role = rng.choice(ROLES).format(place=rng.choice(PLACES))
    words = f"{rng.choice(NOUNS).capitalize()} {rng.choice(VERBS)}, and we will say so"
    return f"“{words},” said {name}, {role}."


def paragraph(rng: random.Random) -> str:
    parts = [sentence(rng) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.6:
        parts.insert(rng.randint(0, len(parts)), quotation(rng))
    return " ".join(parts)


def briefing_text(number: int, rng: random.Random) -> str:
    place = rng.choice(PLACES)
    day = date_of(number)
    lines = [
        "---",
        f"title: 'Generated briefing {number}: {rng.choice(NOUNS)} in {place}'",
        f"dek: A generated briefing for measuring the preview server ({number}).",
        f"date: {day}",
        f"dateline: {place.upper()}",
        "reading_time: 3",
        f"slug: generated-{number:04d}",
        "---",
        "",
        f"Opening paragraph {number}. {sentence(rng)}",
        "",
    ]
    for section in rng.sample(SECTIONS, 3):
        lines += [f"## {section}", ""]
        for _ in range(rng.randint(2, 4)):
            lines += [paragraph(rng), ""]
    return "\n".join(lines)


def date_of(number: int) -> str:
    return f"20{30 + number % 5}-{1 + number % 12:02d}-{1 + number % 28:02d}"


def generate_site(root: Path, briefings: int, seed: int = 4) -> Path:
    """A project folder with ``briefings`` short content files (serve_latency.py's site)."""
    rng = random.Random(seed)
    make_project(root)
    for number in range(1, briefings + 1):
        (root / "content" / f"generated-{number:04d}.md").write_text(briefing_text(number, rng), encoding="utf-8")
    return root


def make_project(root: Path, sample_content: bool = False) -> Path:
    """A project folder: copies of the repo's layouts and config, an empty seeds/, a content/."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "layouts", root / "layouts")
    shutil.copy(REPO / "config.yaml", root / "config.yaml")
    (root / "seeds").mkdir()
    if sample_content:
        shutil.copytree(REPO / "content", root / "content")
    else:
        (root / "content").mkdir()
    return root


# --- the long shape (the build benchmark's corpus) ----------------------------------------

LONG_FIRST = {
    "she": ["Mara", "Hana", "Ilse", "Petra", "Leila", "Vera", "Nadia", "Rosa", "Yara", "Lene", "Irina",
            "Odile", "Greta", "Selma", "Tamsin", "Ines", "Maren", "Zofia", "Aurelie", "Dunya"],
    "he": ["Tomas", "Oren", "Jonas", "Sami", "Anton", "Emil", "Kasimir", "Dario", "Pavel", "Bastian",
           "Corin", "Lucan", "Matthis", "Rafe", "Teodor", "Ulrik", "Viktor", "Aldo", "Brennan", "Edvin"],
}
LONG_LAST = ["Vell", "Arvel", "Petrisk", "Dorran", "Kessely", "Marrow", "Talvik", "Ostrand", "Renn",
             "Lazaro", "Voss", "Hallem", "Strand", "Quill", "Berrin", "Caldo", "Fenn", "Iskar", "Moravec",
             "Sundqvist", "Okonne", "Hartvig", "Pellan", "Dresner", "Ambrell", "Toskin", "Varga", "Ferrow"]
LONG_PLACES = ["Varn", "Halden", "Teskara", "Drevania", "Orrin", "Mellick", "Sarro", "Kettle Bay", "Ostvale",
               "Brenmoor", "Calder Cross", "Iskany", "Lowmere", "Penhallow", "Rask", "Tollin"]
ORGANISATIONS = ["the {place} Water Board", "the University of {place}", "the {place} Fire Service",
                 "the Ministry of Infrastructure", "the Regional Health Authority", "the {place} Farmers Union",
                 "the Harbour Authority of {place}", "the National Audit Office", "the {place} Chamber of Commerce",
                 "the Coastal Defence Agency", "the {place} Teachers Association", "the Grain Exchange"]
POSITIONS = ["a spokesperson for {org}", "the chief engineer at {org}", "a senior official at {org}",
             "a researcher at {org}", "the director of {org}", "an adviser to {org}", "the treasurer of {org}",
             "a press officer for {org}"]
PLAIN_ROLES = ["the mayor of {place}", "a shopkeeper in {place}", "a ferry captain from {place}",
               "a retired teacher in {place}", "a nurse at the {place} clinic", "a farmer outside {place}",
               "a councillor in {place}", "a volunteer with the {place} relief kitchen"]
SUBJECTS = ["the council", "the water board", "the ministry", "the regional authority", "the inquiry",
            "local officials", "engineers", "residents", "the harbour master", "the relief agencies",
            "farmers upstream", "the opposition bloc", "shop owners", "the provincial government",
            "the audit team", "emergency crews", "the school board", "insurers"]
PREDICATES = ["approved a revised budget for", "delayed the final report on", "began inspecting",
              "raised fresh concerns about", "published new figures on", "promised to review",
              "quietly dropped plans for", "opened talks about", "set aside emergency funds for",
              "refused to comment on", "called for an independent study of", "announced a timetable for",
              "asked for more time to assess", "ordered repairs to", "questioned the cost of"]
OBJECTS = ["the northern levee", "the pumping station", "the old river bridge", "the harbour wall",
           "the evacuation routes", "the grain stores", "the flood barriers", "the water treatment plant",
           "the coastal road", "the rail crossing", "the reservoir", "the district hospital wing",
           "the temporary shelters", "the drainage canals", "the ferry terminal", "the market square"]
ADJUNCTS = ["on {weekday}", "after weeks of heavy rain", "despite objections from neighbours",
            "ahead of the winter storms", "for the second time this year", "late on {weekday} evening",
            "under pressure from residents", "before the regional elections", "in a closed session",
            "without a public vote", "as water levels kept rising", "in {place}"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DETAILS = ["The figures could not be independently verified.", "Repairs are expected to take several months.",
           "Some families have already left for higher ground.", "The cost has more than doubled since spring.",
           "A similar plan was abandoned three years ago.", "Traffic on the coastal road remains restricted.",
           "Volunteers have been handing out sandbags since dawn.", "The report runs to more than two hundred pages.",
           "No date has been set for a public hearing.", "Insurance claims are still being counted."]
QUOTE_OPENERS = ["We", "The people of {place}", "Families here", "Our teams", "The engineers", "My neighbours",
                 "Our crews", "The farmers", "You and I"]
QUOTE_VERBS = ["have waited far too long for", "were never told the truth about", "cannot keep paying for",
               "will not accept another delay on", "always knew the risks of", "need a proper answer on",
               "have done everything we could for", "were promised a decision on", "are still cleaning up after",
               "will be watching every step of"]
QUOTE_TAILS = ["and that has to change", "and we will say so publicly", "whatever the ministry claims",
               "before the next storm arrives", "and the numbers show it", "because lives depend on it",
               "and I think most people agree", "even if it costs us this year"]
PARTIALS = ["a slow-motion disaster", "the last chance to get this right", "reckless and unfunded",
            "a promise written on water", "entirely predictable", "a shameful waste of time",
            "the best deal available", "a matter of weeks, not months", "deeply worrying"]
QUESTIONS = ["Who is going to pay for", "Why did nobody warn us about", "What happens now to",
             "When will someone finally fix", "How many more years until"]
SAYS = ["said", "told reporters", "added", "warned", "explained", "insisted", "noted", "argued"]
LONG_SECTIONS = ["What happened?", "Why now?", "Who is responsible?", "What comes next?", "The cost",
                 "How residents responded", "The background", "What the inquiry found", "The politics",
                 "Questions that remain"]
HEADLINE_VERBS = ["fights over", "braces for", "counts the cost of", "votes on", "questions", "rebuilds"]

WORDS_PER_BRIEFING = 1500
QUOTES_PER_BRIEFING = 15
SPEAKER_POOL = 160


@dataclass(frozen=True)
class Speaker:
    first: str
    last: str
    pronoun: str  # "she" or "he"
    description: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def speaker_pool(rng: random.Random, size: int = SPEAKER_POOL) -> list[Speaker]:
    """Recurring speakers, each with one fixed description, shared by every briefing."""
    speakers: dict[str, Speaker] = {}
    while len(speakers) < size:
        pronoun = rng.choice(["she", "he"])
        first, last = rng.choice(LONG_FIRST[pronoun]), rng.choice(LONG_LAST)
        place = rng.choice(LONG_PLACES)
        if rng.random() < 0.6:
            org = rng.choice(ORGANISATIONS).format(place=place)
            description = rng.choice(POSITIONS).format(org=org)
        else:
            description = rng.choice(PLAIN_ROLES).format(place=place)
        speakers.setdefault(f"{first} {last}", Speaker(first, last, pronoun, description))
    return list(speakers.values())


def fill(template: str, rng: random.Random) -> str:
    return template.format(place=rng.choice(LONG_PLACES), weekday=rng.choice(WEEKDAYS))


def narrative(rng: random.Random) -> str:
    """One reporter's sentence, about 15 words."""
    subject = rng.choice(SUBJECTS)
    text = f"{subject[0].upper()}{subject[1:]} {rng.choice(PREDICATES)} {rng.choice(OBJECTS)} "
    text += fill(rng.choice(ADJUNCTS), rng)
    if rng.random() < 0.35:
        text += f", and {rng.choice(SUBJECTS)} {rng.choice(PREDICATES)} {rng.choice(OBJECTS)}"
    return text + "."


def spoken(rng: random.Random) -> str:
    """The words of a quotation, without marks or closing punctuation."""
    text = f"{fill(rng.choice(QUOTE_OPENERS), rng)} {rng.choice(QUOTE_VERBS)} {rng.choice(OBJECTS)}"
    if rng.random() < 0.6:
        text += f", {rng.choice(QUOTE_TAILS)}"
    return text


class Quoter:
    """Writes quotations in varied conventions, introducing each speaker fully once."""

    def __init__(self, rng: random.Random, speakers: list[Speaker]) -> None:
        self.rng = rng
        self.speakers = speakers
        self.introduced: set[str] = set()
        self.last: Speaker | None = None

    def __call__(self) -> str:
        rng = self.rng
        if self.last is not None and rng.random() < 0.3:
            return self.follow_up(self.last)
        speaker = rng.choice(self.speakers)
        self.last = speaker
        if speaker.name not in self.introduced:
            self.introduced.add(speaker.name)
            return rng.choice(self.introductions)(self, speaker)
        return rng.choice(self.repeats)(self, speaker)

    def said_after(self, s: Speaker) -> str:
        return f"“{spoken(self.rng)},” said {s.name}, {s.description}."

    def name_said(self, s: Speaker) -> str:
        return f"“{spoken(self.rng)},” {s.name}, {s.description}, {self.rng.choice(SAYS)}."

    def colon(self, s: Speaker) -> str:
        return f"{s.name}, {s.description}, said: “{spoken(self.rng)}.”"

    def two_part(self, s: Speaker) -> str:
        return f"“{spoken(self.rng)},” said {s.name}, {s.description}. “{spoken(self.rng)}.”"

    def question(self, s: Speaker) -> str:
        return f"“{self.rng.choice(QUESTIONS)} {self.rng.choice(OBJECTS)}?” asked {s.name}, {s.description}."

    def last_name(self, s: Speaker) -> str:
        return f"“{spoken(self.rng)},” {s.last} {self.rng.choice(SAYS)}."

    def partial(self, s: Speaker) -> str:
        verb = self.rng.choice(["called the plan", "described the delay as", "said the repairs were"])
        return f"{s.last} {verb} “{self.rng.choice(PARTIALS)}”."

    def according(self, s: Speaker) -> str:
        return f"The work was “{self.rng.choice(PARTIALS)}”, according to {s.last}."

    def follow_up(self, s: Speaker) -> str:
        pronoun = s.pronoun
        if self.rng.random() < 0.5:
            return f"“{spoken(self.rng)},” {pronoun} {self.rng.choice(SAYS)}."
        return f"{pronoun.capitalize()} added: “{spoken(self.rng)}.”"

    introductions: list[Callable[[Quoter, Speaker], str]] = [said_after, name_said, colon, two_part, question]
    repeats: list[Callable[[Quoter, Speaker], str]] = [last_name, partial, according, last_name]


def long_paragraph(rng: random.Random, quote: Callable[[], str] | None) -> str:
    parts = [narrative(rng) for _ in range(rng.randint(2, 4))]
    if rng.random() < 0.3:
        parts.append(rng.choice(DETAILS))
    if quote is not None:
        parts.insert(rng.randint(0, 1), quote())
    return " ".join(parts)


def body(rng: random.Random, speakers: list[Speaker]) -> list[str]:
    """The Markdown body: opening paragraphs, then 2-3 sections, ~1,500 words, ~15 quotations."""
    target_words = rng.randint(WORDS_PER_BRIEFING - 120, WORDS_PER_BRIEFING)  # the last paragraph overshoots
    quotes_left = rng.randint(QUOTES_PER_BRIEFING - 2, QUOTES_PER_BRIEFING + 2)
    paragraphs_expected = 25
    quoter = Quoter(rng, rng.sample(speakers, rng.randint(4, 7)))
    sections = rng.sample(LONG_SECTIONS, rng.randint(2, 3))
    breaks = sorted(rng.sample(range(3, paragraphs_expected - 2), len(sections)))
    lines: list[str] = []
    words = 0
    count = 0
    while words < target_words:
        if sections and count == breaks[0]:
            lines += [f"## {sections.pop(0)}", ""]
            breaks.pop(0)
        paragraphs_left = max(1, paragraphs_expected - count)
        with_quote = quotes_left > 0 and rng.random() < quotes_left / paragraphs_left + 0.1
        text = long_paragraph(rng, quoter if with_quote else None)
        quotes_left -= with_quote
        lines += [text, ""]
        words += len(text.split())
        count += 1
    for section in sections:  # a short briefing still gets every section it drew
        lines += [f"## {section}", "", long_paragraph(rng, None), ""]
    return lines


def long_briefing_text(number: int, rng: random.Random, speakers: list[Speaker]) -> str:
    place = rng.choice(LONG_PLACES)
    lines = body(rng, speakers)
    words = sum(len(line.split()) for line in lines)
    head = [
        "---",
        f"title: '{place} {rng.choice(HEADLINE_VERBS)} {rng.choice(OBJECTS)} (briefing {number})'",
        f"dek: {narrative(rng)}",
        f"date: {date_of(number)}",
        f"reading_time: {math.ceil(words / 230)}",
        f"slug: {slug_of(number)}",
        "---",
        "",
    ]
    return "\n".join(head + lines)


def slug_of(number: int) -> str:
    return f"briefing-{number:05d}"


def generate_corpus(root: Path, briefings: int, seed: int = 6) -> Path:
    """A project folder with ``briefings`` long content files (the build benchmark's corpus)."""
    rng = random.Random(seed)
    speakers = speaker_pool(rng)
    make_project(root)
    for number in range(1, briefings + 1):
        text = long_briefing_text(number, rng, speakers)
        (root / "content" / f"{slug_of(number)}.md").write_text(text, encoding="utf-8")
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="project folder to create (must not exist)")
    parser.add_argument("--briefings", type=int, default=1000, help="how many briefings (default 1000)")
    parser.add_argument("--shape", choices=["long", "short"], default="long")
    arguments = parser.parse_args()
    if arguments.folder.exists():
        parser.error(f"{arguments.folder} already exists")
    make = generate_corpus if arguments.shape == "long" else generate_site
    make(arguments.folder, arguments.briefings)
    print(f"wrote {arguments.briefings} {arguments.shape} briefings into {arguments.folder}/content/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
