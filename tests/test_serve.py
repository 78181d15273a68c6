"""`python build.py serve`: the real server in a subprocess, driven by headless Chromium.

Every wait is on a condition with a timeout; nothing sleeps to make a point. The server
prints one "built ..." line per build, which the tests count to prove one build per burst.
"""

from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from briefing.serve import Preview, current_asset
from briefing.watch import Target, is_noise, relevant
from conftest import REPO, tree_digest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
WAIT = 8.0  # seconds: every condition below is met in well under one on a laptop
FLOOD = "floodwaters-swamp-varn-as-the-orrin-river-bursts-its-banks"
DAM = "halden-dam-under-scrutiny-who-opened-the-floodgates"

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (bash .ci/run installs it)")


# --- a real server ------------------------------------------------------------------------

@dataclass
class Server:
    process: subprocess.Popen
    root: Path
    url: str = ""
    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    arrived: queue.Queue = field(default_factory=queue.Queue)

    def read(self, stream, into: list[str]) -> None:
        for line in stream:
            into.append(line.rstrip("\n"))
            self.arrived.put(None)

    def wait_for_line(self, pattern: str, start: int = 0, stream: str = "out") -> re.Match:
        lines = self.lines if stream == "out" else self.errors
        deadline = time.monotonic() + WAIT
        while True:
            for line in lines[start:]:
                if found := re.search(pattern, line):
                    return found
            if self.process.poll() is not None and self.arrived.empty():
                raise AssertionError(f"server exited ({self.process.returncode}): {self.errors}")
            try:
                self.arrived.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r}; out={lines[start:]} err={self.errors}") from None

    def builds(self, start: int = 0) -> int:
        return sum(1 for line in self.lines[start:] if line.startswith("built "))

    def content(self, slug: str) -> Path:
        return self.root / "content" / f"{slug}.md"

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=WAIT)
        return self.process.returncode


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small project: the repo's layouts and config, two sample briefings, no seeds."""
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "seeds").mkdir()
    shutil.copytree(REPO / "layouts", root / "layouts")
    shutil.copy(REPO / "config.yaml", root / "config.yaml")
    for slug in (FLOOD, DAM):
        shutil.copy(REPO / "content" / f"{slug}.md", root / "content")
    (tmp_path / "tmp").mkdir()
    return root


@pytest.fixture
def serve(site: Path) -> Iterator[Callable[..., Server]]:
    """Start `python build.py serve` in ``site``; always stopped (and killed if need be)."""
    started: list[Server] = []

    def start(*extra: str, port: int | None = None) -> Server:
        environment = dict(os.environ, PYTHONUNBUFFERED="1", TMPDIR=str(site.parent / "tmp"))
        process = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--port", str(port or free_port()), *extra],
            cwd=site, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        server = Server(process, site)
        started.append(server)
        for stream, into in ((process.stdout, server.lines), (process.stderr, server.errors)):
            threading.Thread(target=server.read, args=(stream, into), daemon=True).start()
        server.url = server.wait_for_line(r"Preview at (http://\S+)").group(1)
        return server

    yield start
    for server in started:
        server.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(server: Server, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    """A raw request: http.client sends the path exactly as given (no `..` clean-up)."""
    host, port = server.url.split("//")[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=WAIT)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def replace_in(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def atomic_write(path: Path, text: str) -> None:
    """How most editors save: a temporary file beside it, then rename over."""
    temporary = path.with_name(f".{path.name}.tmp-save")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# --- in the browser -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium (bash .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    page: object
    loads: list[str]


@pytest.fixture
def open_page(browser):
    """Open a URL and wait until its live-reload connection is up; counts every (re)load."""
    contexts = []

    def open_(url: str) -> Tab:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT * 1000)
        loads: list[str] = []
        page.on("load", lambda p: loads.append(p.url))
        page.goto(url)
        wait_connected(page)
        return Tab(page, loads)

    yield open_
    for context in contexts:
        context.close()


def wait_connected(page) -> None:
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol > 0")


def loads_so_far(tab: Tab) -> int:
    """Page loads counted so far, once the current document has finished loading: the text
    of a reloaded page shows before its load event reaches Playwright's event queue."""
    tab.page.wait_for_load_state("load", timeout=WAIT * 1000)
    tab.page.evaluate("() => document.readyState")  # a round trip flushes queued events
    return len(tab.loads)


def expect_text(page, text: str, present: bool = True) -> None:
    from playwright.sync_api import expect

    assertion = expect(page.locator("body"))
    if present:
        assertion.to_contain_text(text, timeout=WAIT * 1000)
    else:
        assertion.not_to_contain_text(text, timeout=WAIT * 1000)


@needs_chromium
def test_edit_in_place_updates_the_open_page(serve, open_page):
    server = serve()
    tab = open_page(server.url + FLOOD + "/")
    path = server.content(FLOOD)
    path.write_text(replace_in(path, "Floodwaters surged", "Edited in place, floodwaters surged"), encoding="utf-8")
    expect_text(tab.page, "Edited in place, floodwaters surged")
    assert tab.page.url == server.url + FLOOD + "/"


@needs_chromium
def test_atomic_rename_save_updates_the_open_page(serve, open_page):
    server = serve()
    tab = open_page(server.url + FLOOD + "/")
    path = server.content(FLOOD)
    atomic_write(path, replace_in(path, "Floodwaters surged", "Renamed into place, floodwaters surged"))
    expect_text(tab.page, "Renamed into place, floodwaters surged")


@needs_chromium
def test_vim_backup_and_rename_save_is_one_build_and_one_reload(serve, open_page):
    server = serve()
    tab = open_page(server.url + FLOOD + "/")
    path = server.content(FLOOD)
    before = len(server.lines)
    text = replace_in(path, "Floodwaters surged", "Saved by vim, floodwaters surged")
    # vim with `backupcopy=no`: probe file, swap file, rename to backup, write anew, drop backup.
    (path.parent / "4913").write_text("")
    (path.parent / "4913").unlink()
    (path.parent / f".{path.name}.swp").write_bytes(b"vim swap")
    os.replace(path, path.with_name(path.name + "~"))
    path.write_text(text, encoding="utf-8")
    path.with_name(path.name + "~").unlink()
    expect_text(tab.page, "Saved by vim, floodwaters surged")
    assert_settled(server, tab, before, builds=1, reloads=1)


def assert_settled(server: Server, tab: Tab, since: int, builds: int, reloads: int) -> None:
    """Exactly ``builds`` builds and ``reloads`` page loads since line ``since``.

    A sentinel edit is made and awaited first: builds run one at a time and events arrive in
    order, so any late build or reload from the burst would have happened before the
    sentinel's, and is counted.
    """
    loads_before_sentinel = loads_so_far(tab)
    sentinel = server.content(DAM)
    sentinel.write_text(sentinel.read_text(encoding="utf-8") + "\nSentinel paragraph.\n", encoding="utf-8")
    server.wait_for_line(r"^built .*halden-dam", since)
    assert server.builds(since) == builds + 1, server.lines[since:]
    assert loads_before_sentinel == 1 + reloads, tab.loads
    # The sentinel changes another briefing, so this page is not reloaded for it.
    assert loads_so_far(tab) == loads_before_sentinel


@needs_chromium
def test_a_burst_of_saves_is_one_build_and_one_reload(serve, open_page):
    server = serve()
    tab = open_page(server.url)
    before = len(server.lines)
    # Like a `git checkout`: every file rewritten and new ones added, within milliseconds.
    source = server.content(FLOOD).read_text(encoding="utf-8")
    texts = {server.content(FLOOD): source.replace("Floodwaters swamp Varn", "Burst, floodwaters swamp Varn", 1)}
    for number in range(12):
        body = source.replace(f"slug: {FLOOD}", f"slug: burst-{number}").replace("title: ", f"title: Burst {number} ", 1)
        texts[server.content(f"burst-{number}")] = body
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    expect_text(tab.page, "Burst 11")
    expect_text(tab.page, "Burst, floodwaters swamp Varn")
    assert_index_settled(server, tab, before)


def assert_index_settled(server: Server, tab: Tab, since: int) -> None:
    """For a tab on the home page, whose content every briefing edit changes."""
    loads = loads_so_far(tab)
    server.wait_for_line(r"^built ", since)
    config = server.root / "config.yaml"
    atomic_write(config, config.read_text(encoding="utf-8").replace("title: Briefing samples", "title: Sentinel site"))
    expect_text(tab.page, "Sentinel site")
    assert server.builds(since) == 2, server.lines[since:]
    assert (loads, loads_so_far(tab)) == (2, 3), tab.loads


@needs_chromium
def test_editor_temp_and_swap_files_do_not_build(serve, open_page):
    server = serve()
    tab = open_page(server.url + FLOOD + "/")
    before = len(server.lines)
    content = server.root / "content"
    for name in (f".{FLOOD}.md.swp", f"{FLOOD}.md~", f".#{FLOOD}.md", "4913", f".{FLOOD}.md.swx"):
        (content / name).write_text("noise", encoding="utf-8")
    (server.root / "layouts" / "static" / ".style.css.swp").write_text("noise", encoding="utf-8")
    assert_settled(server, tab, before, builds=0, reloads=0)


@needs_chromium
def test_a_change_before_any_browser_connects_is_built(serve, open_page):
    server = serve()
    path = server.content(FLOOD)
    before = len(server.lines)
    path.write_text(replace_in(path, "Floodwaters surged", "Nobody watching, floodwaters surged"), encoding="utf-8")
    server.wait_for_line(r"^built .*floodwaters", before)
    tab = open_page(server.url + FLOOD + "/")
    expect_text(tab.page, "Nobody watching, floodwaters surged")


@needs_chromium
def test_broken_yaml_is_shown_and_the_page_recovers_when_fixed(serve, open_page):
    server = serve()
    tab = open_page(server.url + FLOOD + "/")
    path = server.content(FLOOD)
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("dateline: VARN", "dateline: [VARN", 1), encoding="utf-8")
    overlay = tab.page.locator("#briefing-build-error")
    from playwright.sync_api import expect

    expect(overlay).to_be_visible(timeout=WAIT * 1000)
    expect(overlay).to_contain_text(re.compile(rf"content/{FLOOD}\.md:\d+: "))
    server.wait_for_line(rf"content/{FLOOD}\.md:\d+: ", stream="err")
    expect_text(tab.page, "Floodwaters surged")  # the last good page stays under the overlay
    path.write_text(good.replace("Floodwaters surged", "Fixed, floodwaters surged", 1), encoding="utf-8")
    expect(overlay).to_have_count(0, timeout=WAIT * 1000)
    expect_text(tab.page, "Fixed, floodwaters surged")
    assert server.process.poll() is None


@needs_chromium
def test_a_template_edit_updates_the_open_page(serve, open_page):
    server = serve()
    tab = open_page(server.url + FLOOD + "/")
    layout = server.root / "layouts" / "base.html"
    atomic_write(layout, replace_in(layout, "<main", '<p id="template-marker">Template edited</p>\n<main'))
    expect_text(tab.page, "Template edited")


@needs_chromium
def test_a_stylesheet_edit_refreshes_styles_without_reloading(serve, open_page):
    server = serve()
    tab = open_page(server.url + FLOOD + "/")
    tab.page.evaluate("() => { window.stillTheSamePage = true; }")
    stylesheet = server.root / "layouts" / "static" / "style.css"
    with stylesheet.open("a", encoding="utf-8") as css:
        css.write("\nbody { outline: 3px solid rgb(1, 2, 3); }\n")
    tab.page.wait_for_function("() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'")
    assert tab.page.evaluate("() => window.stillTheSamePage") is True
    assert len(tab.loads) == 1


@needs_chromium
def test_a_new_seed_is_ingested_once_without_a_reload_loop(serve, open_page):
    server = serve()
    tab = open_page(server.url)
    before = len(server.lines)
    shutil.copy(REPO / "seeds" / "orrin-03-mud-and-missing.txt", server.root / "seeds")
    expect_text(tab.page, "In Varn, the mud")
    assert (server.root / "content" / "in-varn-the-mud-the-missing-and-a-long-wait-for-answers.md").exists()
    # Ingest writes into content/, which is watched: at most one more build, and no reload.
    server.wait_for_line(r"^built .*in-varn-the-mud", before)
    loads = loads_so_far(tab)
    config = server.root / "config.yaml"
    atomic_write(config, config.read_text(encoding="utf-8").replace("title: Briefing samples", "title: Sentinel site"))
    expect_text(tab.page, "Sentinel site")
    assert loads == 2 and loads_so_far(tab) == 3, tab.loads


@needs_chromium
def test_polling_fallback_sees_changes(serve, open_page):
    server = serve("--poll")
    assert "--poll" in server.lines[-1]
    tab = open_page(server.url + FLOOD + "/")
    path = server.content(FLOOD)
    atomic_write(path, replace_in(path, "Floodwaters surged", "Polled, floodwaters surged"))
    expect_text(tab.page, "Polled, floodwaters surged")


# --- over plain HTTP ----------------------------------------------------------------------

def test_paths_outside_the_site_are_refused(serve):
    server = serve()
    secret = (server.root / "config.yaml").read_bytes()
    for path in ("/../config.yaml", "/%2e%2e/config.yaml", "/%2E%2E%2Fconfig.yaml", "/static/..%2f..%2fconfig.yaml",
                 "/static/%2e%2e/%2e%2e/config.yaml", "//etc/passwd", "/..\\config.yaml"):
        response = get(server, path)
        assert response.status in (403, 404), path
        assert secret not in response.body and b"root:" not in response.body, path


def test_preview_responses_are_never_cached(serve):
    server = serve()
    response = get(server, "/")
    assert response.status == 200
    assert "no-store" in response.getheader("Cache-Control", "")
    assert response.getheader("ETag") is None and response.getheader("Last-Modified") is None
    again = get(server, "/", {"If-None-Match": "*", "If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"})
    assert again.status == 200 and b"<html" in again.body


def test_live_script_is_served_but_never_written(serve, site: Path):
    (site / "output").mkdir()
    (site / "output" / ".briefing-output").write_text("")
    subprocess.run([sys.executable, str(REPO / "build.py"), "build", "-q"], cwd=site, check=True)
    published = tree_digest(site / "output")
    assert not any(b"livereload" in (site / "output" / p).read_bytes() for p in published)
    server = serve()
    assert b"livereload.js" in get(server, f"/{FLOOD}/").body
    before = len(server.lines)
    server.content(FLOOD).write_text(replace_in(server.content(FLOOD), "Floodwaters", "Changed"), encoding="utf-8")
    server.wait_for_line(r"^built ", before)
    assert tree_digest(site / "output") == published  # serving never touches output/


def test_a_first_build_that_fails_serves_the_error_then_the_site(serve, site: Path):
    path = site / "content" / f"{FLOOD}.md"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("title: ", "titel: ", 1), encoding="utf-8")
    server = serve()
    response = get(server, "/")
    assert response.status == 500
    assert re.search(rf"content/{FLOOD}\.md:\d+: ".encode(), response.body)
    assert b"livereload.js" in response.body  # so the page comes back by itself
    path.write_text(good, encoding="utf-8")
    wait_until(lambda: get(server, "/").status == 200)
    assert b"briefing-build-error" not in get(server, "/").body


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)  # polling interval, not an assertion


def test_port_in_use_moves_to_the_next_port_and_says_so(serve):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = serve(port=port)
        assert server.wait_for_line(rf"port {port} is in use", stream="err")
        assert f":{port}/" not in server.url
        assert get(server, "/").status == 200


def test_ctrl_c_stops_cleanly_and_removes_the_preview(serve, site: Path):
    server = serve()
    temporary = site.parent / "tmp"
    assert any(temporary.iterdir())  # the preview folder lives here, not in output/
    assert children_of(server.process.pid) == []
    assert server.stop() in (0, 130)
    assert not any("Traceback" in line for line in server.errors), server.errors
    assert list(temporary.iterdir()) == []
    assert not (site / "output").exists()


def children_of(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [int(c) for t in tasks.iterdir() for c in (t / "children").read_text().split()]


# --- small pure pieces --------------------------------------------------------------------

@pytest.mark.parametrize("name", [".x.md.swp", "x.md.swo", "x.md~", ".#x.md", "4913", ".x.md.123.tmp",
                                  "x.md___jb_tmp___", ".ingest.json", ".DS_Store"])
def test_editor_noise_is_ignored(name: str):
    assert is_noise(Path("/site/content") / name)


def test_watch_targets_cover_their_files_only(tmp_path: Path):
    targets = [Target(tmp_path / "content", True), Target(tmp_path / "config.yaml", False)]
    assert relevant(tmp_path / "content" / "a.md", targets)
    assert relevant(tmp_path / "config.yaml", targets)
    assert not relevant(tmp_path / "config.yaml.tmp123", targets)
    assert not relevant(tmp_path / "content" / ".git" / "index", targets)
    assert not relevant(tmp_path / "output" / "index.html", targets)


def test_a_stale_asset_name_serves_the_current_asset(tmp_path: Path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "style.0123456789.css").write_text("new")
    assert current_asset(static / "style.abcdefabcd.css") == static / "style.0123456789.css"
    assert current_asset(static / "other.abcdefabcd.css") is None
    preview = Preview(tmp_path, "/")
    preview.state.built_once = True
    assert preview.page("/static/style.abcdefabcd.css").body == b"new"
