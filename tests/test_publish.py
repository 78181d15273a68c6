"""Discovery files built for real: feed, sitemap, robots, canonical links and JSON-LD."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

from bs4 import BeautifulSoup

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def make_site(project, run, *extra: str):
    project.seed("one.txt", "Dam opens & <b>floods</b>\n\nThe dek </script> here.\n\n1 May 2030\n\nBy Ann Lee\n\n"
                            "“We opened the gates,” said Ilse Marek, director of the authority.\n")
    project.seed("two.txt", "Dam closes\n\nAnother dek.\n\n2 May 2030\n\nThe gates closed.\n")
    result = run("build", "--base-url", "https://example.org/briefings/", *extra)
    assert result.code == 0, result.err


def test_atom_feed_lists_briefings_newest_first_with_summaries(project, run):
    make_site(project, run)
    feed = ElementTree.fromstring((project.output / "feed.xml").read_bytes())
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Dam closes", "Dam opens & <b>floods</b>"]
    assert entries[1].findtext(f"{ATOM}summary") == "The dek </script> here."
    assert entries[1].findtext(f"{ATOM}updated") == "2030-05-01T00:00:00Z"
    assert entries[1].findtext(f"{ATOM}id") == "https://example.org/briefings/dam-opens-b-floods-b/"
    assert feed.findtext(f"{ATOM}updated") == "2030-05-02T00:00:00Z"


def test_sitemap_robots_and_canonical_links_follow_the_base_url(project, run):
    make_site(project, run)
    sitemap = ElementTree.fromstring((project.output / "sitemap.xml").read_bytes())
    locations = [u.findtext(f"{SITEMAP}loc") for u in sitemap.findall(f"{SITEMAP}url")]
    assert "https://example.org/briefings/" in locations
    assert "https://example.org/briefings/dam-closes/" in locations
    assert "https://example.org/briefings/speakers/ilse-marek/" in locations
    assert (project.output / "robots.txt").read_text().endswith("Sitemap: https://example.org/briefings/sitemap.xml\n")
    page = BeautifulSoup(project.page("dam-closes/index.html"), "html.parser")
    assert page.find("link", rel="canonical")["href"] == "https://example.org/briefings/dam-closes/"
    assert page.find("meta", property="og:type")["content"] == "article"
    assert page.find("link", rel="alternate", type="application/atom+xml")["href"] == "../feed.xml"
    not_found = BeautifulSoup(project.page("404.html"), "html.parser")
    assert not_found.find("link", rel="stylesheet")["href"].startswith("/briefings/static/style.")


def test_json_ld_describes_the_news_article_and_cannot_break_out(project, run):
    make_site(project, run)
    html = project.page("dam-opens-b-floods-b/index.html")
    assert "</script> here" not in html.split("application/ld+json")[1].split("</script>")[0]
    script = BeautifulSoup(html, "html.parser").find("script", type="application/ld+json")
    data = json.loads(script.string)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Dam opens & <b>floods</b>"
    assert data["description"] == "The dek </script> here."
    assert data["datePublished"] == "2030-05-01" and data["dateModified"] == "2030-05-01"
    assert data["author"] == {"@type": "Person", "name": "Ann Lee"}
    assert data["mainEntityOfPage"]["@id"] == "https://example.org/briefings/dam-opens-b-floods-b/"


def test_the_feed_holds_the_newest_fifty_briefings(project, run):
    project.content.mkdir()
    for number in range(55):
        (project.content / f"note-{number:02d}.md").write_text(
            f"---\ntitle: Note {number}\ndate: 2031-{1 + number // 28:02d}-{1 + number % 28:02d}\n---\n\nText {number}.\n",
            encoding="utf-8")
    assert run("build", "-q").code == 0
    entries = ElementTree.fromstring((project.output / "feed.xml").read_bytes()).findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles == [f"Note {number}" for number in range(54, 4, -1)]
