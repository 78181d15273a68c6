"""`python build.py serve`: build into a private preview folder, serve it, rebuild on change.

How the traps of other generators are avoided:

- The site is built into a temporary folder of its own, never into ``output/``, and the
  live-reload script is injected into HTML responses only: nothing on disk carries it.
- The watcher starts before the first build and builds do not wait for a browser, so no
  change is missed; a burst of events (a ``git checkout``, an editor's rename dance) is
  debounced into one build, one build runs at a time, and changes that arrive during a build
  cause exactly one more.
- A browser is told to reload only when the page it shows is no longer what it would be
  served now: each page reports the digest of what it got (a livereload.js plugin), so a
  rebuild that changes nothing reloads nothing, which rules out reload loops, and a page
  loaded in the middle of a build catches up as soon as it connects.
- Builds swap the folder in atomically (briefing/output.py), and reloads are sent after.
- A failed build keeps the last good site and overlays the problems on every page, as
  ``path:line: message``; the next good build clears it.
- Responses carry no-store headers and no ETag, so the browser never shows a stale 304.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import errno
import hashlib
import html
import json
import mimetypes
import re
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httpserver, netutil, web

from .config import Config
from .problems import BuildError, Problem, display_path
from .report import BuildReport
from .site import build
from .watch import Target, Watcher, make_watcher

QUIET_PERIOD = 0.05  # seconds without events before a build starts: one build per burst
MAX_WAIT = 1.0  # ... but never hold a build back longer than this while events keep coming
PORT_TRIES = 10  # port in use: try the next ones, and say so
SWAP_RETRIES = 5  # a request that lands in the instant of a folder swap waits a moment

HASHED_ASSET = re.compile(r"^(?P<stem>.+)\.[0-9a-f]{10}(?P<suffix>\.[^./]+)?$")
NO_CACHE = {"Cache-Control": "no-store, max-age=0", "Pragma": "no-cache", "Expires": "0"}

# The livereload.js client, plus a plugin (its documented extension point: globals named
# LiveReloadPlugin*) that sends the digest of the page it shows along with its URL.
LIVE_SCRIPT = (
    '<script>(function(){{function P(){{}}P.identifier="briefing";P.version="1";'
    'P.prototype.analyze=function(){{return {{page:"{digest}"}};}};window.LiveReloadPluginBriefing=P;'
    'var s=document.createElement("script");'
    's.src="/livereload.js?port="+(location.port||(location.protocol=="https:"?443:80));'
    'document.head.appendChild(s);}})();</script>'
)


@dataclass
class Page:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")


@dataclass
class BuildState:
    """What the last build left: the problems to show, or none."""

    problems: list[Problem] = field(default_factory=list)
    built_once: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.problems)


class Preview:
    """The preview folder and how a URL maps to what the browser gets."""

    def __init__(self, root: Path, base_path: str):
        self.root = root
        self.base_path = base_path
        self.state = BuildState()

    # --- URL to page ---------------------------------------------------------------------

    def page(self, raw_path: str) -> Page:
        """The response for a request path (still percent-encoded), build problems overlaid."""
        page = self.site_page(raw_path)
        if page.is_html and page.status != 403:
            if not self.state.built_once:
                return Page(500, error_page(self.state.problems))
            if self.state.failed:
                page = dataclasses.replace(page, body=with_overlay(page.body, self.state.problems))
        return page

    def site_page(self, raw_path: str) -> Page:
        decoded = unquote(raw_path)
        if decoded in ("", "/") and self.base_path != "/":
            return Page(302, location=self.base_path)
        if not decoded.startswith(self.base_path):
            return self.not_found()
        relative = decoded[len(self.base_path):]
        parts = relative.split("/")
        # Refused outright, before touching the disk: "..", "%2e%2e" (decoded above), NULs
        # and backslashes, which some file systems read as separators.
        if any(part in (".", "..") for part in parts) or "\\" in relative or "\0" in relative:
            return Page(403, b"Forbidden: this path is outside the site.\n", "text/plain; charset=utf-8")
        target = self.root.joinpath(*[p for p in parts if p])
        if target.is_dir():
            if relative and not relative.endswith("/"):
                return Page(301, location=decoded + "/")
            target = target / "index.html"
        if not is_inside(target, self.root):
            return Page(403, b"Forbidden: this path is outside the site.\n", "text/plain; charset=utf-8")
        if not target.is_file():
            target = current_asset(target) or target
        try:
            return Page(200, target.read_bytes(), content_type_of(target))
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return self.not_found()

    def not_found(self) -> Page:
        try:
            return Page(404, (self.root / "404.html").read_bytes())
        except OSError:
            return Page(404, b"<!doctype html><title>Not found</title><h1>Not found</h1>")

    def digest(self, raw_path: str) -> str:
        """What a browser showing this URL should have: compared with what it reports."""
        return page_digest(self.page(raw_path))


def page_digest(page: Page) -> str:
    return hashlib.sha256(page.body + (page.location or "").encode()).hexdigest()[:16]


def is_inside(path: Path, root: Path) -> bool:
    """After following symbolic links, so a link in the site cannot lead out of it."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except OSError:
        return False


def current_asset(requested: Path) -> Path | None:
    """``static/style.<old hash>.css`` → the current ``style.<hash>.css``.

    Asset names carry a content hash, so after a stylesheet edit the open page still links
    the old name; livereload.js refreshes that link in place, and this is what it gets.
    """
    wanted = HASHED_ASSET.match(requested.name)
    if not wanted or not requested.parent.is_dir():
        return None
    for candidate in sorted(requested.parent.iterdir()):
        found = HASHED_ASSET.match(candidate.name)
        if found and found.group("stem", "suffix") == wanted.group("stem", "suffix"):
            return candidate
    return None


def content_type_of(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith(("json", "javascript")) else kind


# --- error display ----------------------------------------------------------------------

def problem_list(problems: list[Problem]) -> str:
    items = "".join(f"<li>{html.escape(str(p))}</li>" for p in problems)
    return (
        '<h2 style="margin:0 0 .5em;font-size:1.2em">Build failed</h2>'
        f'<ul style="margin:0;padding-left:1.2em;font-family:ui-monospace,monospace;white-space:pre-wrap">{items}</ul>'
        '<p style="margin:.7em 0 0">Fix the file and save: this page comes back by itself.</p>'
    )


def with_overlay(body: bytes, problems: list[Problem]) -> bytes:
    """The last good page with the problems on top, so the editor keeps their place."""
    overlay = (
        '<div id="briefing-build-error" role="alert" style="position:fixed;z-index:2147483647;left:1em;right:1em;'
        "top:1em;max-height:80vh;overflow:auto;padding:1em 1.2em;background:#fff4f4;color:#5c0000;"
        'border:2px solid #b00020;border-radius:6px;box-shadow:0 4px 24px rgba(0,0,0,.3);font:16px/1.45 system-ui,sans-serif">'
        f"{problem_list(problems)}</div>"
    ).encode()
    end = body.rfind(b"</body>")
    return body[:end] + overlay + body[end:] if end >= 0 else body + overlay


def error_page(problems: list[Problem]) -> bytes:
    """No good build yet, so no page to overlay."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build failed</title></head>'
        f'<body style="font:16px/1.45 system-ui,sans-serif;margin:2em"><div id="briefing-build-error" role="alert">'
        f"{problem_list(problems)}</div></body></html>"
    ).encode()


def with_live_script(body: bytes, digest: str) -> bytes:
    script = LIVE_SCRIPT.format(digest=digest).encode()
    end = body.find(b"</head>")
    return body[:end] + script + body[end:] if end >= 0 else script + body


# --- HTTP and WebSocket handlers ----------------------------------------------------------

class PageHandler(web.RequestHandler):
    """Every file is read from the preview folder's path on each request: builds replace
    the folder (a new inode), so a held handle would serve the old site."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def set_default_headers(self) -> None:
        for name, value in NO_CACHE.items():
            self.set_header(name, value)

    def compute_etag(self) -> None:
        return None  # no ETag, no If-None-Match, no 304 with a stale page

    async def get(self, *_: str) -> None:
        await self.respond(include_body=True)

    async def head(self, *_: str) -> None:
        await self.respond(include_body=False)

    async def respond(self, include_body: bool) -> None:
        page = self.preview.page(self.request.path)
        for _ in range(SWAP_RETRIES):
            if page.status != 404 or self.preview.root.is_dir():
                break
            await asyncio.sleep(0.01)  # the instant between retiring the old folder and swapping in the new
            page = self.preview.page(self.request.path)
        self.set_status(page.status)
        if page.location:
            self.set_header("Location", page.location)
            return
        body = with_live_script(page.body, page_digest(page)) if page.is_html else page.body
        self.set_header("Content-Type", page.content_type)
        self.set_header("Content-Length", str(len(body)))
        if include_body:
            self.write(body)

    def log_exception(self, *args: Any) -> None:
        # A broken socket from a browser that navigated away is not news; anything else is.
        if not isinstance(args[1], (ConnectionError, asyncio.CancelledError)):
            super().log_exception(*args)


class ReloadSocket(LiveReloadHandler):
    """livereload's WebSocket handler, plus: which page each browser shows, and its digest."""

    preview: Preview | None = None
    page_path = ""
    shown = ""

    def check_origin(self, origin: str) -> bool:
        # Only our own pages may listen (livereload allows any web site in the browser).
        return urlsplit(origin).netloc == self.request.host

    def on_message(self, message: str | bytes) -> None:
        super().on_message(message)
        data = json.loads(message)
        if data.get("command") == "info" and self.preview is not None:
            self.page_path = urlsplit(data.get("url", "")).path or "/"
            self.shown = ((data.get("plugins") or {}).get("briefing") or {}).get("page", "")
            if self.preview.digest(self.page_path) != self.shown:
                self.reload()  # it loaded during a build, or the site changed since

    def reload(self, path: str | None = None) -> None:
        self.send_message({"command": "reload", "path": path or self.page_path, "liveCSS": True, "liveImg": False})

    def refresh_styles(self) -> None:
        # A path ending in .css makes livereload.js swap the stylesheets in place, no reload.
        self.reload("static/style.css")
        assert self.preview is not None
        self.shown = self.preview.digest(self.page_path)


def waiters() -> list[ReloadSocket]:
    return [w for w in LiveReloadHandler.waiters if isinstance(w, ReloadSocket)]


def make_application(preview: Preview) -> web.Application:
    ReloadSocket.preview = preview
    return web.Application([
        (r"/livereload", ReloadSocket),
        (r"/livereload\.js", LiveReloadJSHandler),
        (r"/.*", PageHandler, {"preview": preview}),
    ])


# --- rebuilding ---------------------------------------------------------------------------

@dataclass
class Outcome:
    report: BuildReport | None
    problems: list[Problem]
    config: Config | None  # a reloaded config, when config.yaml changed
    seconds: float


class Rebuilder:
    """Debounces changes into builds, runs one at a time off the event loop, then reloads."""

    def __init__(self, session: Session):
        self.session = session
        self.pending: set[Path] = set()
        self.first_pending = 0.0
        self.timer: asyncio.TimerHandle | None = None
        self.building = False
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefing-build")
        self.builds = 0

    def changed(self, paths: set[Path]) -> None:
        if not self.pending:
            self.first_pending = time.monotonic()
        self.pending |= paths
        self.schedule()

    def schedule(self) -> None:
        if self.building or not self.pending:
            return  # the running build's completion reschedules
        if self.timer:
            self.timer.cancel()
        left = self.first_pending + MAX_WAIT - time.monotonic()
        self.timer = asyncio.get_running_loop().call_later(max(0.0, min(QUIET_PERIOD, left)), self.start)

    def start(self) -> None:
        self.timer = None
        batch, self.pending = self.pending, set()
        self.building = True
        future = asyncio.get_running_loop().run_in_executor(self.executor, self.session.run_build, batch)
        future.add_done_callback(lambda done: self.finished(batch, done))

    def finished(self, batch: set[Path], done: asyncio.Future) -> None:
        self.building = False
        self.builds += 1
        if not done.cancelled():
            self.session.after_build(batch, done.result())
        if self.pending:
            self.first_pending = time.monotonic()
            self.schedule()

    def close(self) -> None:
        if self.timer:
            self.timer.cancel()
        self.executor.shutdown(wait=True, cancel_futures=True)


class Session:
    """One `serve` run: the config, the preview folder, the watcher and the printing."""

    def __init__(self, config: Config, arguments: argparse.Namespace,
                 reload_config: Callable[[], tuple[Config, list[Problem]]]):
        self.arguments = arguments
        self.reload_config = reload_config
        self.config_file = (arguments.config or Path("config.yaml")).resolve()
        self.folder = Path(tempfile.mkdtemp(prefix="briefing-serve-"))
        self.config = config
        self.preview = Preview(self.folder / "site", config.base_path)
        self.watcher: Watcher | None = None
        self.rebuilder = Rebuilder(self)

    def targets(self) -> list[Target]:
        c = self.config
        return [Target(c.content, True), Target(c.seeds, True), Target(c.layouts, True), Target(self.config_file, False)]

    def watch(self) -> str:
        if self.watcher:
            self.watcher.close()
        self.watcher, how = make_watcher(self.targets(), poll=getattr(self.arguments, "poll", False))
        self.watcher.start(self.rebuilder.changed)
        return how

    def run_build(self, changed: set[Path]) -> Outcome:
        """In the build thread: reload the config if it changed, then build."""
        started = time.perf_counter()
        config = None
        try:
            if self.config_file in changed:
                config, _warnings = self.reload_config()  # its warnings come again with the build's
            preview_config = dataclasses.replace(config or self.config, output=self.preview.root)
            report = build(preview_config, drafts=self.arguments.drafts, preview=True)
            return Outcome(report, [], config, time.perf_counter() - started)
        except BuildError as error:
            return Outcome(None, error.problems, config, time.perf_counter() - started)
        except Exception as error:  # noqa: BLE001 - a bug in the build must not stop the server
            traceback.print_exc()
            crash = Problem(display_path(self.config_file.parent), 1, f"the build crashed: {error!r} (see the terminal)")
            return Outcome(None, [crash], config, time.perf_counter() - started)

    def after_build(self, changed: set[Path], outcome: Outcome) -> None:
        """On the event loop: show the result, re-aim the watcher, reload the browsers."""
        was_failing = self.preview.state.failed or not self.preview.state.built_once
        errors = [p for p in outcome.problems if not p.warning]
        self.preview.state = BuildState(errors, self.preview.state.built_once or outcome.report is not None)
        self.print_outcome(changed, outcome)
        if outcome.config is not None:
            self.config = outcome.config
            self.preview.base_path = outcome.config.base_path
            self.watch()  # the folders may have moved
        if not changed:
            return
        styles_only = not was_failing and not errors and all(self.is_stylesheet(p) for p in changed)
        for waiter in waiters():
            if styles_only:
                waiter.refresh_styles()
            elif self.preview.digest(waiter.page_path) != waiter.shown:
                waiter.reload()

    def is_stylesheet(self, path: Path) -> bool:
        return path.suffix == ".css" and path.is_relative_to(self.config.layouts / "static")

    def print_outcome(self, changed: set[Path], outcome: Outcome) -> None:
        if outcome.problems:
            for item in outcome.problems:
                print(item, file=sys.stderr)
            errors = sum(1 for p in outcome.problems if not p.warning)
            print(f"build failed: {errors} error(s); the preview shows them until the file is fixed",
                  file=sys.stderr, flush=True)
            return
        report = outcome.report
        assert report is not None
        for warning in report.warnings:
            print(warning, file=sys.stderr)
        if self.arguments.quiet:
            return
        for message in report.messages:
            print(message)
        what = ", ".join(sorted(display_path(p) for p in changed)[:3]) + (" ..." if len(changed) > 3 else "")
        took = f"{outcome.seconds * 1000:.0f} ms" if outcome.seconds < 1 else f"{outcome.seconds:.2f} s"
        print(f"built {report.briefings} briefing(s) in {took}" + (f" after a change to {what}" if what else ""),
              flush=True)

    def close(self) -> None:
        if self.watcher:
            self.watcher.close()
        self.rebuilder.close()
        shutil.rmtree(self.folder, ignore_errors=True)


# --- the command --------------------------------------------------------------------------

def bind(host: str, port: int) -> tuple[list[socket.socket], int, str | None]:
    """Listen on ``port``, or the next free one; the note says which when it moved."""
    for candidate in range(port, port + PORT_TRIES):
        try:
            return netutil.bind_sockets(candidate, address=host), candidate, (
                None if candidate == port else f"port {port} is in use, so the preview uses port {candidate} instead"
            )
        except OSError as error:
            if error.errno != errno.EADDRINUSE or port == 0:
                raise
    raise OSError(errno.EADDRINUSE, f"ports {port} to {port + PORT_TRIES - 1} are all in use: pass a free one with --port")


def site_url(host: str, port: int, base_path: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{base_path}"


def run_serve(config: Config, arguments: argparse.Namespace,
              reload_config: Callable[[], tuple[Config, list[Problem]]]) -> int:
    """Serve until Ctrl-C; exit status 0, or 1 if the address cannot be used."""
    try:
        sockets, port, note = bind(arguments.host, arguments.port)
    except OSError as error:
        print(f"cannot listen on {arguments.host}:{arguments.port}: {error.strerror or error}", file=sys.stderr)
        return 1
    if note:
        print(note, file=sys.stderr, flush=True)
    session = Session(config, arguments, reload_config)
    try:
        asyncio.run(serve_until_stopped(session, sockets, port))
    except KeyboardInterrupt:  # a second Ctrl-C during shutdown
        pass
    finally:
        session.close()
    if not arguments.quiet:
        print("stopped", flush=True)
    return 0


async def serve_until_stopped(session: Session, sockets: list[socket.socket], port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    # Watch first, then build: a save during the first build is not missed.
    how = session.watch()
    outcome = await loop.run_in_executor(session.rebuilder.executor, session.run_build, set())
    session.after_build(set(), outcome)
    server = httpserver.HTTPServer(make_application(session.preview))
    server.add_sockets(sockets)
    arguments = session.arguments
    print(f"Preview at {site_url(arguments.host, port, session.preview.base_path)} ({how}; Ctrl-C to stop)", flush=True)
    if arguments.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: {arguments.host} lets other machines see the preview", file=sys.stderr, flush=True)
    try:
        await stop.wait()
    finally:
        server.stop()
        for waiter in waiters():
            waiter.close()
