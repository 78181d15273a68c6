"""Every page type is valid HTML and accessible, in real browsers' terms.

The sample site and the real seed are built into temporary folders; then

- the Nu HTML Checker (vnu, from npm's vnu-jar, run with the machine's Java) reads every page,
  in one JVM run since the JVM is slow to start;
- axe-core (from npm) runs in headless Chromium on every page type, in light and dark colour
  schemes and at a phone's 375 px width, and no page scrolls sideways even at 320 px;
- the keyboard: Tab from the top reaches the skip link first, it is visible with a focus
  outline that contrasts with the page, and it moves focus into the main content;
- weight: a briefing page, HTML plus CSS, stays under 40 KB, and no page but the search
  page loads a script or a web font.

`bash .ci/run` installs vnu-jar and axe-core into .ci/node/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from conftest import REAL_SEED, REPO, SHARED, static_host

NODE_MODULES = REPO / ".ci" / "node" / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
WAIT_MS = 10_000  # every browser wait is bounded by this
PAGE_TYPES = ("home", "briefing", "quotes", "sources", "speaker", "search", "404")
BRIEFING_BUDGET = 40 * 1024  # bytes of HTML + CSS for one briefing page (issue 5)

# --- sites ---------------------------------------------------------------------------------

@dataclass
class Site:
    name: str
    root: Path  # the built output folder
    pages: dict[str, str]  # page type -> file in root


def build(project: Path, *options: str) -> Path:
    """Build with the real command line, in a project folder of copies (the repo is never written)."""
    from briefing.cli import main

    shutil.copytree(REPO / "layouts", project / "layouts")
    shutil.copy(REPO / "config.yaml", project / "config.yaml")
    output = project / "output"
    code = main(["build", "--config", str(project / "config.yaml"), "--output", str(output), "-q", *options])
    assert code == 0, f"build of {project} failed"
    return output


def page_types(root: Path) -> dict[str, str]:
    """One page of each type: the first briefing on the home page, the first speaker."""
    home = BeautifulSoup((root / "index.html").read_text(encoding="utf-8"), "html.parser")
    briefing = home.select_one(".briefing-list a")["href"]
    speaker = sorted(root.glob("speakers/*/index.html"))[0].relative_to(root).as_posix()
    return {"home": "index.html", "briefing": f"{briefing}index.html", "quotes": "quotes/index.html",
            "sources": "sources/index.html", "speaker": speaker, "search": "search/index.html", "404": "404.html"}


def make_sample(folder: Path) -> Site:
    shutil.copytree(REPO / "seeds", folder / "seeds")
    shutil.copytree(REPO / "content", folder / "content")
    root = build(folder)
    return Site("sample", root, page_types(root))


def make_real(folder: Path) -> Site:
    root = build(folder, "--seeds", str(SHARED / "seeds"), "--content", str(folder / "content"))
    return Site("real seed", root, page_types(root))


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return make_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    if not REAL_SEED.exists():
        pytest.skip("needs ../shared/seeds beside the repo (CI always has it)")
    return make_real(tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="module", params=["sample", "real"])
def site(request: pytest.FixtureRequest) -> Site:
    return request.getfixturevalue(f"{request.param}_site")


def needs_tool(path: Path, what: str) -> None:
    """Skip on a developer machine without the npm tools; fail in CI, where .ci/run installs them."""
    if path.is_file():
        return
    message = f"{what} is missing ({path}): run `bash .ci/run`, which installs it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


# --- Nu HTML Checker -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def vnu_errors(request: pytest.FixtureRequest) -> dict[str, list[str]]:
    """Every error vnu finds in every page of every site built here, by file: one JVM run."""
    needs_tool(VNU_JAR, "the Nu HTML Checker (npm vnu-jar)")
    java = shutil.which("java")
    if java is None:
        needs_tool(Path("/usr/bin/java"), "Java")
    sites = [request.getfixturevalue("sample_site")]
    if REAL_SEED.exists():
        sites.append(request.getfixturevalue("real_site"))
    files = [str(p) for s in sites for p in sorted(s.root.rglob("*.html"))]
    result = subprocess.run([java or "java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--stdout",
                             *files], capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode in (0, 1), result.stderr[-2000:]  # 1: some page has errors
    errors: dict[str, list[str]] = {f: [] for f in files}
    for message in json.loads(result.stdout)["messages"]:
        path = unquote(message.get("url", "").removeprefix("file:"))
        assert path in errors, message  # never drop a message we cannot place
        errors[path].append(f"{message.get('lastLine', '?')}: {message['message']}")
    return errors


def test_every_page_is_valid_html(site: Site, vnu_errors: dict[str, list[str]]) -> None:
    pages = sorted(site.root.rglob("*.html"))
    assert {site.root / p for p in site.pages.values()} <= set(pages)
    found = {
        p.relative_to(site.root).as_posix(): vnu_errors[str(p)]
        for p in pages
    }
    assert {page: errors for page, errors in found.items() if errors} == {}


def test_quotation_ids_are_unique(sample_site: Site, vnu_errors: dict[str, list[str]]) -> None:
    repeated = [e for p in sample_site.root.rglob("*.html") for e in vnu_errors[str(p)] if "Duplicate ID" in e]
    assert repeated == []


# --- axe-core, light and dark, desktop and phone ------------------------------------------

@pytest.fixture(scope="module")
def base_url(site: Site) -> Iterator[str]:
    with static_host(site.root) as url:
        yield url


def search_term(site: Site) -> str:
    """A word of the first briefing's title, so the search page is checked with results shown."""
    title = BeautifulSoup((site.root / site.pages["briefing"]).read_text(encoding="utf-8"), "html.parser").h1
    return max(title.get_text().split(), key=len).strip("?:,.“”\"'")


def open_page(page: object, url: str, kind: str, site: Site) -> None:
    page.goto(url)
    if kind == "search":
        page.get_by_role("searchbox").fill(search_term(site))
        page.locator("#search-results a").first.wait_for(timeout=WAIT_MS)


# Colours are checked in both schemes; the phone width checks layout (and wrapping) once more.
VIEWS = {
    "light": {"color_scheme": "light", "viewport": {"width": 1280, "height": 800}},
    "dark": {"color_scheme": "dark", "viewport": {"width": 1280, "height": 800}},
    "phone": {"color_scheme": "dark", "viewport": {"width": 375, "height": 740}},
}

@pytest.mark.parametrize("view", list(VIEWS))
def test_no_axe_violations(site: Site, base_url: str, browser: object, view: str) -> None:
    needs_tool(AXE_JS, "axe-core (npm axe-core)")
    context = browser.new_context(**VIEWS[view])
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    problems = {}
    try:
        for kind, path in site.pages.items():
            open_page(page, base_url + path, kind, site)
            page.add_script_tag(path=str(AXE_JS))
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            assert result["passes"], "axe ran no rule: is it loaded?"
            found = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]
            found += sideways(page, VIEWS[view]["viewport"])
            if view == "phone":  # WCAG 1.4.10: content reflows down to 320 px without scrolling sideways
                found += sideways(page, {"width": 320, "height": 740})
                page.set_viewport_size(VIEWS[view]["viewport"])
            if found:
                problems[kind] = found
    finally:
        context.close()
    assert problems == {}


def sideways(page: object, viewport: dict[str, int]) -> list[str]:
    page.set_viewport_size(viewport)
    width = page.evaluate("document.documentElement.scrollWidth")
    return [f"scrolls sideways at {viewport['width']} px: {width} px wide"] if width > viewport["width"] else []


# --- keyboard ------------------------------------------------------------------------------

def rgb(css: str) -> tuple[float, ...]:
    return tuple(float(v) for v in re.findall(r"[\d.]+", css)[:3])


def contrast(one: tuple[float, ...], two: tuple[float, ...]) -> float:
    """WCAG contrast ratio of two sRGB colours."""
    def luminance(colour: tuple[float, ...]) -> float:
        channels = [c / 255 for c in colour]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


FOCUS_STYLE = """() => {
  const el = document.activeElement, style = getComputedStyle(el), box = el.getBoundingClientRect();
  return {cls: el.className, id: el.id, tag: el.tagName, inMain: !!el.closest('main'),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: style.outlineColor,
          shadow: style.boxShadow,
          background: getComputedStyle(document.body).backgroundColor,
          visible: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
                   && box.bottom <= innerHeight && box.right <= innerWidth};
}"""


@pytest.fixture(scope="module")
def sample_url(sample_site: Site) -> Iterator[str]:
    with static_host(sample_site.root) as url:
        yield url


# The keyboard path is the layouts' alone, so the sample site is enough here.
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", ["home", "briefing", "search"])
def test_keyboard_skip_link_first_visible_and_focus_is_outlined(
        sample_site: Site, sample_url: str, browser: object, kind: str, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        page.goto(sample_url + sample_site.pages[kind])
        page.keyboard.press("Tab")
        skip = page.evaluate(FOCUS_STYLE)
        assert skip["cls"] == "skip-link" and skip["visible"], skip
        assert_outlined(skip)
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")
        inside = page.evaluate(FOCUS_STYLE)
        assert inside["inMain"] and inside["visible"], inside  # past the header, into the content
        assert_outlined(inside)
    finally:
        context.close()


def test_every_header_link_shows_focus(sample_site: Site, sample_url: str, browser: object) -> None:
    page = browser.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        page.goto(sample_url + sample_site.pages["briefing"])
        links = page.locator(".site-header a").count()
        page.keyboard.press("Tab")  # the skip link
        for _ in range(links):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS_STYLE)
            assert focus["tag"] == "A" and not focus["inMain"], focus
            assert_outlined(focus)
    finally:
        page.close()


def assert_outlined(focus: dict) -> None:
    """A solid ring at least 2 px wide, 3:1 against the page (WCAG 2.4.7, 1.4.11): our outline,
    or a box-shadow ring."""
    if focus["outline"] == "none":
        ring = re.fullmatch(r"(rgba?\([^)]*\)) 0px 0px 0px ([\d.]+)px", focus["shadow"])
        assert ring, focus
        colour, width = ring[1], float(ring[2])
    else:
        assert focus["outline"] == "solid", focus
        colour, width = focus["colour"], focus["width"]
    assert width >= 2, focus
    assert contrast(rgb(colour), rgb(focus["background"])) >= 3, focus


# --- weight --------------------------------------------------------------------------------

def page_weight(root: Path, page: str) -> tuple[int, int]:
    """Bytes of a page's HTML and of the stylesheets it links (what a reader downloads to read it)."""
    path = root / page
    document = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    css = sum((path.parent / link["href"]).stat().st_size for link in document.find_all("link", rel="stylesheet"))
    return path.stat().st_size, css


def test_briefing_pages_html_and_css_under_40_kb(site: Site) -> None:
    briefings = [p.parent.name for p in site.root.glob("*/index.html")
                 if p.parent.name not in {"quotes", "sources", "search", "speakers"}]
    assert briefings
    for slug in briefings:
        html, css = page_weight(site.root, f"{slug}/index.html")
        assert html + css < BRIEFING_BUDGET, f"{slug}: {html} B HTML + {css} B CSS"


def test_reading_needs_no_script_and_no_web_font(site: Site) -> None:
    for path in site.root.rglob("*.html"):
        document = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        scripts = [s for s in document.find_all("script") if s.get("type") != "application/ld+json"]
        if path.relative_to(site.root).as_posix() != "search/index.html":
            assert scripts == [], path
        assert not document.find("link", rel="preload", attrs={"as": "font"}), path
    for css in site.root.glob("static/*.css"):
        assert "@font-face" not in css.read_text(encoding="utf-8"), css
