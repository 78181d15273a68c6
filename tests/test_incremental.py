"""Incremental and parallel builds give exactly the site a clean build gives."""

from __future__ import annotations

import os
import random
import shutil

from conftest import REPO, tree_digest

SPEAKERS = [("Ilse Marek", "director of the river authority"), ("Tomas Arvel", "the interior minister"),
            ("Hana Petrisk", "a hydrologist at Lumen Polytechnic"), ("Oren Sallis", "mayor of Varn")]
WORDS = "river dam flood town bridge council water level rain gates engineers valley road night".split()


def briefing_text(number: int, rng: random.Random) -> str:
    paragraphs = []
    for section in ("Why now?", "What comes next?"):
        paragraphs.append(f"## {section}")
        for _ in range(4):
            name, role = rng.choice(SPEAKERS)
            words = " ".join(rng.choice(WORDS) for _ in range(12))
            paragraphs.append(f"The {words} rose again. “The {words} will hold,” said {name}, {role}.")
    return (f"---\ntitle: Generated briefing {number}\ndek: A generated dek {number}.\n"
            f"date: 2031-{1 + number % 12:02d}-{1 + number % 28:02d}\nslug: generated-{number}\n---\n\n"
            + "\n\n".join(paragraphs) + "\n")


def make_site(project, count: int = 40) -> None:
    rng = random.Random(7)
    project.content.mkdir(exist_ok=True)
    for number in range(count):
        (project.content / f"generated-{number}.md").write_text(briefing_text(number, rng), encoding="utf-8")


def clean_build(project, run, *options: str) -> dict[str, str]:
    shutil.rmtree(project.output, ignore_errors=True)
    shutil.rmtree(project.root / ".briefing-cache", ignore_errors=True)
    result = run("build", "-q", *options)
    assert result.code == 0, result.err
    return tree_digest(project.output)


def test_a_build_with_nothing_changed_does_nothing(project, run):
    make_site(project)
    assert run("build", "-j", "1").code == 0
    before = {p: p.stat().st_mtime_ns for p in project.output.rglob("*")}
    result = run("build", "-j", "1")
    assert "40 briefings, nothing changed" in result.out
    assert {p: p.stat().st_mtime_ns for p in project.output.rglob("*")} == before


def test_one_edit_reanalyses_one_briefing_and_matches_a_clean_build(project, run):
    make_site(project)
    assert run("build", "-j", "1").code == 0
    edited = project.content / "generated-3.md"
    edited.write_text(edited.read_text().replace("## What comes next?", "A new paragraph, said nobody.\n\n"
                                                 "## What comes next?"), encoding="utf-8")
    result = run("build", "-j", "1")
    assert "1 changed" in result.out, result.out
    incremental = tree_digest(project.output)
    assert incremental == clean_build(project, run, "-j", "1")


def test_edits_renames_deletions_and_layout_changes_match_clean_builds(project, run):
    make_site(project)
    assert run("build", "-q").code == 0
    # A speaker's description changes in one briefing: pages of other briefings show it too.
    first = project.content / "generated-0.md"
    first.write_text(first.read_text().replace("director of the river authority",
                                               "director general of the river authority"), encoding="utf-8")
    (project.content / "generated-5.md").unlink()
    (project.content / "generated-6.md").rename(project.content / "renamed-6.md")
    layout = project.root / "layouts" / "briefing.html"
    layout.write_text(layout.read_text().replace("Who said what", "Who said what, in order"), encoding="utf-8")
    assert run("build", "-q").code == 0
    incremental = tree_digest(project.output)
    assert not (project.output / "generated-5").exists()
    assert "Who said what, in order" in project.page("generated-9/index.html")
    assert incremental == clean_build(project, run)


def test_parallel_output_is_identical_to_serial(project, run):
    make_site(project, count=60)
    serial = clean_build(project, run, "-j", "1")
    assert clean_build(project, run, "-j", "2") == serial


def test_a_damaged_cache_only_costs_a_cold_build(project, run):
    make_site(project, count=5)
    assert run("build", "-q").code == 0
    caches = [p for p in (project.root / ".briefing-cache").iterdir() if p.suffix in (".pickle", ".stamp", ".sqlite")]
    assert {p.suffix for p in caches} == {".pickle", ".stamp", ".sqlite"}
    for cache in caches:
        cache.write_bytes(b"not a pickle, not a database")
    result = run("build")
    assert result.code == 0, result.err
    assert "5 changed" in result.out
    # Damaged again, the analyses' store alone: each edit still matches a clean build.
    published = tree_digest(project.output)
    for cache in caches:
        if cache.suffix == ".sqlite":
            cache.write_bytes(cache.read_bytes()[:2000] + b"\0" * 3000)
    path = sorted(project.content.glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = run("build")
    assert result.code == 0, result.err
    assert tree_digest(project.output) != published
    assert tree_digest(project.output) == clean_build(project, run)


def test_an_untouched_site_is_up_to_date_without_reading_content(project, run):
    make_site(project, count=5)
    assert run("build", "-q").code == 0
    published = tree_digest(project.output)
    path = sorted(project.content.glob("*.md"))[0]
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    # Same size, same modification time, same inode: only reading the file could tell.
    path.write_text(text.replace("said", "sayd", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    result = run("build")
    assert result.code == 0 and "nothing changed" in result.out, result.out + result.err
    assert tree_digest(project.output) == published
    os.utime(path)  # now touched: the build reads it and re-analyses its new bytes
    result = run("build")
    assert result.code == 0 and "1 changed" in result.out, result.out + result.err
    assert "sayd" in (project.output / path.stem / "index.html").read_text(encoding="utf-8")


def test_the_sample_site_rebuilds_identically(tmp_path, run, monkeypatch):
    site = tmp_path / "site"
    for folder in ("seeds", "content", "layouts"):
        shutil.copytree(REPO / folder, site / folder)
    shutil.copy(REPO / "config.yaml", site)
    monkeypatch.chdir(site)
    assert run("build", "-q").code == 0
    first = tree_digest(site / "output")
    shutil.rmtree(site / ".briefing-cache")
    assert run("build", "-q").code == 0
    assert tree_digest(site / "output") == first


def test_a_draft_shown_later_is_analysed_from_its_file(project, run):
    """Builds keep analyses, not texts: a draft first shown with --drafts is read again."""
    make_site(project, count=4)
    draft = project.content / "generated-2.md"
    draft.write_text(draft.read_text(encoding="utf-8").replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    assert run("build", "-q").code == 0
    assert not (project.output / "generated-2").exists()
    assert run("build", "-q", "--drafts").code == 0
    assert tree_digest(project.output) == clean_build(project, run, "--drafts")
    assert "<q " in (project.output / "generated-2" / "index.html").read_text(encoding="utf-8")


def test_an_edit_updates_the_previous_site_in_place_of_a_new_tree(project, run):
    """After a swap the replaced site is kept beside output/ and brought up to date next
    time: an edit touches a handful of files, and the result is still a clean build's."""
    make_site(project, count=30)
    assert run("build", "-q").code == 0
    spare = project.root / ".output.spare"
    for number in (3, 7, 3):
        path = project.content / f"generated-{number}.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        before = {p: p.stat().st_ino for p in project.output.rglob("*") if p.is_file()}
        assert run("build", "-q").code == 0
        assert (spare / ".briefing-files").is_file()
        after = {p: p.stat().st_ino for p in project.output.rglob("*") if p.is_file()}
        # New files: the page, the lists that show it, search shards. Everything else is the
        # very same file as before (the same inode), not a copy.
        assert sum(1 for p, inode in after.items() if before.get(p) != inode) < len(after) // 3
    incremental = tree_digest(project.output)
    (spare / ".briefing-files").unlink()  # a spare that no longer knows its files is not reused
    path = project.content / "generated-9.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nAnd another.\n", encoding="utf-8")
    assert run("build", "-q").code == 0
    assert incremental != tree_digest(project.output)
    assert run("build", "-q").code == 0  # and again, to have a spare to update
    (project.content / "generated-5.md").unlink()
    (project.content / "generated-6.md").rename(project.content / "renamed-6.md")
    assert run("build", "-q").code == 0
    assert not (project.output / "generated-5").exists()
    assert tree_digest(project.output) == clean_build(project, run)


def _inodes(folder) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def _rewritten(project, edit) -> set[str]:
    """The published files a build after ``edit()`` wrote anew (the others are the very same
    files, hard-linked from the site before)."""
    assert run_quiet(project) == 0
    assert run_quiet(project) == 0  # a second build, so that the spare tree is in place
    before = _inodes(project.output)
    edit()
    assert run_quiet(project) == 0
    after = _inodes(project.output)
    return {path for path, inode in after.items() if before.get(path) != inode and not path.startswith("search/")}


def run_quiet(project) -> int:
    from briefing.cli import main

    return main(["build", "-q", "-j", "1"])


def test_an_edit_to_a_body_rewrites_that_page_and_no_listing(project, run):
    make_site(project, count=30)
    path = project.content / "generated-4.md"

    def edit() -> None:
        path.write_text(path.read_text(encoding="utf-8").replace("rose again", "rose once more", 1), encoding="utf-8")

    assert _rewritten(project, edit) == {"generated-4/index.html", ".briefing-files", ".briefing-output"}
    assert "rose once more" in project.page("generated-4/index.html")
    assert tree_digest(project.output) == clean_build(project, run)


def test_an_edit_to_a_quotation_or_a_title_rewrites_the_pages_that_show_it(project, run):
    make_site(project, count=30)
    path = project.content / "generated-4.md"

    def edit() -> None:
        text = path.read_text(encoding="utf-8").replace("Generated briefing 4", "Renamed briefing 4")
        path.write_text(text.replace("will hold,”", "will surely hold,”", 1), encoding="utf-8")

    rewritten = _rewritten(project, edit)
    assert {"generated-4/index.html", "index.html", "feed.xml", "quotes.json", "quotes/index.html"} <= rewritten
    assert any(p.startswith("speakers/") for p in rewritten)
    assert "Renamed briefing 4" in project.page("index.html")
    assert tree_digest(project.output) == clean_build(project, run)


def test_a_listing_layout_that_shows_bodies_is_rewritten_on_a_body_edit(project, run):
    make_site(project, count=30)
    layout = project.root / "layouts" / "index.html"
    layout.write_text(layout.read_text(encoding="utf-8").replace(
        "<h2><a", "<p class=\"size\">{{ item.body.html | length }}</p><h2><a"), encoding="utf-8")
    path = project.content / "generated-4.md"

    def edit() -> None:
        path.write_text(path.read_text(encoding="utf-8").replace("rose again", "rose once more", 1), encoding="utf-8")

    assert {"generated-4/index.html", "index.html"} <= _rewritten(project, edit)
    assert tree_digest(project.output) == clean_build(project, run)


def test_a_body_read_again_is_the_body_read_first_unless_the_file_changed(tmp_path):
    import pytest

    from briefing.catalog import drop_body, read_catalog, with_body
    from briefing.problems import BuildError

    path = tmp_path / "a.md"
    path.write_bytes("---\r\ntitle: A\r\ndek: “Quoted” dek\r\n---\r\n\r\nFirst line.\r\n\r\n## Why now?\r\n\r\nMore.\r\n".encode())
    catalog = read_catalog(tmp_path, None)
    briefing = catalog.briefings[0]
    body = briefing.body
    drop_body(briefing)
    again = with_body(briefing, catalog.hashes[path])
    assert again.body == body and again.meta == briefing.meta and not again.body_dropped
    path.write_text(path.read_text(encoding="utf-8") + "Saved again.\n", encoding="utf-8")
    with pytest.raises(BuildError, match="changed while the site was being built"):
        with_body(briefing, catalog.hashes[path])
