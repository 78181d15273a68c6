"""`serve`'s rebuilds give exactly the site a clean build gives, whatever the edit; an edit
that shows on no other page reuses the last build's site index instead of merging it again."""

from __future__ import annotations

import dataclasses

from test_incremental import clean_build, make_site

from briefing import cache
from briefing.config import load_config
from briefing.site import build
from briefing.stamp import cache_file
from conftest import tree_digest

SHORT_NAME = """---
title: Gates at dawn
date: 2031-02-03
slug: gates-at-dawn
---

Officials met on Monday in Varn.

“The gates will open at dawn,” Marek said.

The river rose again overnight.
"""


def preview(project):
    config, _ = load_config(project.root / "config.yaml")
    return build(dataclasses.replace(config, output=project.root / "preview"), preview=True)


def site_files(folder) -> dict[str, str]:
    return {path: digest for path, digest in tree_digest(folder).items() if not path.startswith(".")}


def stamps(folder) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".")}


def last_index(project):
    """The site index the preview's last build kept for the next: the same object when reused."""
    _, kept = cache._IN_MEMORY[cache_file(project.root, project.root / "preview", ".pickle")]
    return kept.last_build.index


def replace_in(project, name: str, old: str, new: str) -> None:
    path = project.content / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_only_its_page_shows_reuses_the_site_index_and_matches_a_clean_build(project, run):
    make_site(project, count=20)
    (project.content / "gates-at-dawn.md").write_text(SHORT_NAME, encoding="utf-8")
    preview(project)
    index = last_index(project)
    before = stamps(project.root / "preview")
    # Its speaker is "Marek" in its own text and "Ilse Marek" site-wide: the reused renames apply.
    replace_in(project, "gates-at-dawn.md", "rose again", "rose once more")
    replace_in(project, "generated-4.md", "rose again", "rose once more")
    preview(project)
    assert last_index(project) is index
    after = stamps(project.root / "preview")
    rewritten = {path for path in after if after[path] != before.get(path) and not path.startswith("search/")}
    assert rewritten == {"gates-at-dawn/index.html", "generated-4/index.html"}
    page = (project.root / "preview" / "gates-at-dawn" / "index.html").read_text(encoding="utf-8")
    assert "rose once more" in page and "Ilse Marek" in page
    assert site_files(project.root / "preview") == site_files_of_clean_build(project, run)


def site_files_of_clean_build(project, run) -> dict[str, str]:
    clean_build(project, run)
    return site_files(project.output)


EDITS = {
    "a quotation": ("generated-4.md", "will hold,”", "will surely hold,”"),
    "a title": ("generated-5.md", "title: Generated briefing 5", "title: Renamed briefing 5"),
    "a speaker's description": ("generated-0.md", "director of the river authority",
                                "director general of the river authority"),
    "a paragraph before the quotations": ("generated-6.md", "## Why now?\n", "## Why now?\n\nA new first line.\n"),
    "a draft": ("generated-7.md", "slug: generated-7\n", "slug: generated-7\ndraft: true\n"),
}


def test_every_other_edit_rebuilds_the_index_and_matches_a_clean_build(project, run):
    make_site(project, count=20)
    preview(project)
    for what, (name, old, new) in EDITS.items():
        index = last_index(project)
        replace_in(project, name, old, new)
        preview(project)
        assert last_index(project) is not index, what
        assert site_files(project.root / "preview") == site_files_of_clean_build(project, run), what
    (project.content / "generated-8.md").unlink()
    (project.content / "gates-at-dawn.md").write_text(SHORT_NAME, encoding="utf-8")
    preview(project)
    assert site_files(project.root / "preview") == site_files_of_clean_build(project, run)


def test_a_layout_change_after_an_edit_rebuilds_every_page_that_uses_it(project, run):
    make_site(project, count=10)
    preview(project)
    layout = project.root / "layouts" / "briefing.html"
    layout.write_text(layout.read_text(encoding="utf-8").replace("Who said what", "Who said what, in order"),
                      encoding="utf-8")
    replace_in(project, "generated-3.md", "rose again", "rose once more")
    preview(project)
    assert "Who said what, in order" in (project.root / "preview" / "generated-9" / "index.html").read_text()
    assert site_files(project.root / "preview") == site_files_of_clean_build(project, run)
