"""`python build.py check`: a real site built and read back, problems with their lines."""

from __future__ import annotations

import shutil

from conftest import REAL_SEED, needs_shared, tree_digest


def test_a_sound_site_passes_and_output_is_untouched(project, run):
    project.seed("one.txt", "Dam opens\n\nDek.\n\n1 May 2030\n\n“We opened it,” said Ilse Marek, a director.\n")
    assert run("build").code == 0
    before = tree_digest(project.output)
    result = run("check")
    assert result.code == 0, result.err
    assert "0 problem(s)" in result.out
    assert tree_digest(project.output) == before


@needs_shared
def test_the_real_seed_passes_without_writing_content(project, run):
    shutil.copy(REAL_SEED, project.seeds)
    result = run("check")
    assert result.code == 0, result.err
    assert not project.content.exists() or not any(project.content.iterdir())
    assert not project.output.exists()


def test_broken_links_anchors_and_links_to_drafts_are_reported(project, run):
    project.content.mkdir()
    (project.content / "secret.md").write_text("---\ntitle: Secret\ndraft: true\n---\nHidden.\n")
    (project.content / "open.md").write_text(
        "---\ntitle: Open\n---\nSee [the plan](../secret/), [a gap](../missing/) and [here](#nowhere).\n")
    result = run("check")
    assert result.code == 1
    assert "open/index.html:" in result.err
    assert "links to the draft briefing `secret`" in result.err
    assert "broken link `../missing/`" in result.err
    assert "broken anchor `#nowhere`" in result.err


def test_a_page_without_a_description_is_reported(project, run):
    base = project.root / "layouts" / "404.html"
    base.write_text(base.read_text().replace("{% block description %}This page does not exist.{% endblock %}",
                                             "{% block description %}{% endblock %}"))
    (project.root / "config.yaml").write_text("title: T\n")
    project.seed("one.txt", "Dam opens\n\nDek.\n\n1 May 2030\n\nText.\n")
    result = run("check")
    assert result.code == 1
    assert "404.html:1: page has no meta description" in result.err
