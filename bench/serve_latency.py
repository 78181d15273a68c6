#!/usr/bin/env python3
"""Edit-to-updated-page latency of `python build.py serve`, measured in headless Chromium.

For each site (the shipped sample, and a generated 1,000-briefing site) the script starts the
real preview server, opens a briefing, then 20 times: rewrites one paragraph of its Markdown
and times how long until the new words are on the open page (no navigation by the script).
It prints the median and the spread; the targets are < 300 ms (sample) and < 1 s (1,000).
It also prints the rebuild time inside `serve`, as the server reports each rebuild (its own
target: < 50 ms, without the file watcher's and the browser's parts).

    python bench/serve_latency.py                 # both sites, 20 edits each
    python bench/serve_latency.py --briefings 200 --edits 10
    python bench/serve_latency.py --generate DIR  # only write the generated site into DIR

Only loopback traffic; Debian's Chromium, never a downloaded browser.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from generate import generate_site, make_project  # bench/generate.py, beside this file

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

# --- measuring ----------------------------------------------------------------------------

def start_server(root: Path, port: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--port", str(port)],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    assert process.stdout is not None
    for line in process.stdout:  # the first build can take seconds on a big site
        if found := re.search(r"Preview at (http://\S+)", line):
            return process, found.group(1)
    raise RuntimeError(f"the server exited ({process.wait()}) before printing its URL")


class RebuildTimes(threading.Thread):
    """The server's own account of each rebuild ("built 4 briefing(s) in 22 ms after a change
    to ..."): the time inside `serve`, without the file watcher's and the browser's parts."""

    def __init__(self, process: subprocess.Popen) -> None:
        super().__init__(daemon=True)
        self.process, self.milliseconds = process, []

    def run(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if found := re.search(r"built .* in ([\d.]+) (ms|s) after a change", line):
                value = float(found.group(1))
                self.milliseconds.append(value if found.group(2) == "ms" else value * 1000)


def stop_server(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure(root: Path, slug: str, edits: int, browser) -> tuple[list[float], list[float]]:
    """Milliseconds from the save (an atomic rename, like most editors) to the new words shown,
    and of each rebuild inside the server."""
    process, url = start_server(root, free_port())
    rebuilds = RebuildTimes(process)
    rebuilds.start()
    try:
        page = browser.new_page()
        page.goto(f"{url}{slug}/")
        page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol > 0")
        path = next(p for p in (root / "content").glob("*.md") if f"slug: {slug}\n" in p.read_text(encoding="utf-8"))
        original = path.read_text(encoding="utf-8")
        anchor = original.split("\n---\n", 1)[1].strip().split("\n", 1)[0][:30]
        timings = []
        for number in range(1, edits + 1):
            marker = f"Bench edit {number}."
            temporary = path.with_name(f".{path.name}.bench")
            temporary.write_text(original.replace(anchor, f"{marker} {anchor}", 1), encoding="utf-8")
            started = time.perf_counter()
            os.replace(temporary, path)
            page.wait_for_function("m => document.body.textContent.includes(m)", arg=marker, timeout=60_000)
            timings.append((time.perf_counter() - started) * 1000)
            page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol > 0")
        path.write_text(original, encoding="utf-8")
        page.close()
        return timings, rebuilds.milliseconds[:edits]
    finally:
        stop_server(process)


def report(name: str, measured: tuple[list[float], list[float]], target_ms: float, rebuild_target_ms: float) -> None:
    timings, rebuilds = measured
    median = statistics.median(timings)
    verdict = "meets" if median < target_ms else "MISSES"
    print(f"{name}: median {median:.0f} ms over {len(timings)} edits "
          f"(min {min(timings):.0f}, max {max(timings):.0f}); {verdict} the {target_ms:.0f} ms target", flush=True)
    if rebuilds:
        median = statistics.median(rebuilds)
        verdict = "meets" if median < rebuild_target_ms else "MISSES"
        print(f"  of which the rebuild inside serve: median {median:.0f} ms (min {min(rebuilds):.0f}, "
              f"max {max(rebuilds):.0f}); {verdict} the {rebuild_target_ms:.0f} ms target", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--briefings", type=int, default=1000, help="size of the generated site (default 1000)")
    parser.add_argument("--generate", type=Path, metavar="DIR", help="only write the generated site into DIR")
    arguments = parser.parse_args()
    if arguments.generate:
        generate_site(arguments.generate, arguments.briefings)
        print(f"wrote {arguments.briefings} briefings into {arguments.generate}/content/")
        return 0
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        sample = make_project(Path(folder) / "sample", sample_content=True)
        slug = "floodwaters-swamp-varn-as-the-orrin-river-bursts-its-banks"
        report("sample site (4 briefings)", measure(sample, slug, arguments.edits, browser), 300, 50)
        generated = generate_site(Path(folder) / "generated", arguments.briefings)
        report(f"generated site ({arguments.briefings} briefings)",
               measure(generated, f"generated-{max(1, arguments.briefings // 2):04d}", arguments.edits, browser), 1000,
               50)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
