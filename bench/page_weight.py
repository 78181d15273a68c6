#!/usr/bin/env python3
"""Page weights and search-index cost of built sites.

Builds the shipped sample site and the real seed (``../shared/seeds``, when present) into
temporary folders and prints, for one page of each type, the bytes a reader downloads to
read it: the HTML, the stylesheets it links and any scripts (only the search page has one).
The budget is a briefing page under 40 KB of HTML + CSS for the real seed (issue 5).

It then prints the size of each site's search index (``search/*.json``; its build time is
measured by ``bench/search_speed.py``). ``--generated N`` adds a generated N-briefing site
(bench/generate.py's short shape, as in serve_latency.py).

    python bench/page_weight.py
    python bench/page_weight.py --generated 1000
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
BUDGET = 40 * 1024
sys.path.insert(0, str(REPO))

from briefing.cli import main as briefing_main  # noqa: E402  (after the path insert)


def build(project: Path, *options: str) -> Path:
    """Build with the real command line from copies of the repo's layouts and config."""
    shutil.copytree(REPO / "layouts", project / "layouts", dirs_exist_ok=True)
    shutil.copy(REPO / "config.yaml", project / "config.yaml")
    output = project / "output"
    if briefing_main(["build", "--config", str(project / "config.yaml"), "--output", str(output), "-q", *options]):
        raise SystemExit(f"build failed in {project}")
    return output


def page_types(site: Path) -> dict[str, str]:
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    link = home.select_one(".briefing-list a")
    speakers = sorted(site.glob("speakers/*/index.html"))
    pages = {"home": "index.html", "briefing": f"{link['href']}index.html" if link else None,
             "quote index": "quotes/index.html", "source list": "sources/index.html",
             "speaker": speakers[0].relative_to(site).as_posix() if speakers else None,
             "search": "search/index.html", "404": "404.html"}
    return {kind: page for kind, page in pages.items() if page}


def weight(site: Path, page: str) -> dict[str, int]:
    """HTML, CSS and JS bytes of one page, uncompressed, and the total gzipped."""
    path = site / page
    document = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    css = [_local(site, path.parent, link["href"]) for link in document.find_all("link", rel="stylesheet")]
    js = [_local(site, path.parent, script["src"]) for script in document.find_all("script", src=True)]
    files = [path, *css, *js]
    return {"html": path.stat().st_size, "css": sum(f.stat().st_size for f in css),
            "js": sum(f.stat().st_size for f in js),
            "gzip": sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)}


def _local(site: Path, folder: Path, href: str) -> Path:
    # The 404 page links from the site root ("/static/..."; base_url's path is "/" here).
    return site / href.lstrip("/") if href.startswith("/") else (folder / href).resolve()


def report(name: str, site: Path) -> None:
    html_pages = sum(1 for _ in site.rglob("*.html"))
    print(f"\n{name}: {html_pages} pages")
    print(f"  {'page':<12} {'HTML':>9} {'CSS':>8} {'HTML+CSS':>9} {'JS':>9} {'gzip all':>9}")
    for kind, page in page_types(site).items():
        w = weight(site, page)
        note = "" if kind != "briefing" else ("  (under 40 KB)" if w["html"] + w["css"] < BUDGET else "  OVER 40 KB")
        print(f"  {kind:<12} {w['html']:>9,} {w['css']:>8,} {w['html'] + w['css']:>9,} {w['js']:>9,} {w['gzip']:>9,}{note}")
    files = [f for f in (site / "search").rglob("*.json") if f.is_file()]
    size = sum(f.stat().st_size for f in files)
    print(f"  search index: {len(files):,} files, {size / 1024:,.0f} KB (build time: bench/search_speed.py)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generated", type=int, metavar="N", help="also a generated N-briefing site")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefing-weight-") as folder:
        sample = Path(folder) / "sample"
        for part in ("seeds", "content"):
            shutil.copytree(REPO / part, sample / part)
        report("sample site", build(sample))
        if SHARED_SEEDS.is_dir():
            real = Path(folder) / "real"
            report("real seed", build(real, "--seeds", str(SHARED_SEEDS), "--content", str(real / "content")))
        else:
            print(f"\nreal seed: skipped ({SHARED_SEEDS} is absent)")
        if arguments.generated:
            sys.path.insert(0, str(REPO / "bench"))
            from generate import generate_site  # bench/generate.py, beside this file

            generated = generate_site(Path(folder) / "generated", arguments.generated)
            report(f"generated site ({arguments.generated} briefings)", build(generated))
    return 0


if __name__ == "__main__":
    sys.exit(main())
