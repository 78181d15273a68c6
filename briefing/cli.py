"""Command line: arguments, messages and exit codes (0 ok, 1 content/build error, 2 usage)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .config import Config, load_config
from .problems import BuildError, display_path
from .report import BuildReport
from .stamp import up_to_date

COMMANDS = ("build", "serve", "check")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python build.py",
        description="Briefing: turn pasted article text (seeds/) into editable Markdown (content/) "
        "and a static briefing site (output/).",
        epilog="With no command, `build` runs. Exit status: 0 success, 1 content or build error, 2 usage error.",
    )
    commands = parser.add_subparsers(dest="command", metavar="{build,serve,check}")
    paths = argparse.ArgumentParser(add_help=False)
    paths.add_argument("--config", type=Path, help="config file (default: config.yaml here, if present)")
    paths.add_argument("--seeds", type=Path, help="folder of raw seed .txt files (default from config: seeds)")
    paths.add_argument("--content", type=Path, help="folder of Markdown content files (default from config: content)")
    paths.add_argument("--output", type=Path, help="folder the site is built into (default from config: output)")
    paths.add_argument("--layouts", type=Path, help="folder of Jinja2 layouts and static/ assets (default from config: layouts)")
    paths.add_argument("--base-url", help="URL the site will be published at, e.g. https://example.org/briefings/")
    paths.add_argument("--drafts", action="store_true", help="include briefings marked `draft: true`")
    paths.add_argument("-q", "--quiet", action="store_true", help="print errors and warnings only")
    paths.add_argument("-j", "--jobs", type=positive, default=os.cpu_count() or 1, metavar="N",
                       help="analyse briefings in N processes (default: this machine's cores); output is the same")
    commands.add_parser("build", parents=[paths], help="ingest new seeds into content/, then build the site (default)")
    serve = commands.add_parser("serve", parents=[paths], help="build, serve on 127.0.0.1 and rebuild on every change")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--poll", action="store_true", help="poll for changes instead of inotify (network and container mounts)")
    commands.add_parser("check", parents=[paths], help="validate content and check the built site's links")
    return parser


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    argv = list(argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    return make_parser().parse_args(argv)


def config_from(arguments: argparse.Namespace) -> tuple[Config, list]:
    path = arguments.config
    if path is None and Path("config.yaml").exists():
        path = Path("config.yaml")
    overrides = {
        "seeds": arguments.seeds,
        "content": arguments.content,
        "output": arguments.output,
        "layouts": arguments.layouts,
        "base_url": arguments.base_url,
    }
    return load_config(path, overrides)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        config, warnings = config_from(arguments)
        for warning in warnings:
            print(warning, file=sys.stderr)
        if arguments.command == "build":
            return run_build(config, arguments)
        if arguments.command == "serve":
            from .serve import run_serve  # tornado and livereload load only when serving

            return run_serve(config, arguments, lambda: config_from(arguments))
        if arguments.command == "check":
            return run_check(config, arguments)
        print(f"`{arguments.command}` is not available yet: use `python build.py build`", file=sys.stderr)
        return 1
    except BuildError as error:
        for item in error.problems:
            print(item, file=sys.stderr)
        errors = sum(1 for p in error.problems if not p.warning)
        print(f"build failed: {errors} error(s); output/ was left as it was", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run_check(config: Config, arguments: argparse.Namespace) -> int:
    from .check import check  # BeautifulSoup loads only when checking

    report, problems = check(config)
    for item in report.warnings + problems:
        print(item, file=sys.stderr)
    if not arguments.quiet:
        print(f"checked {report.briefings} briefing(s): {len(problems)} problem(s) in the built site")
    return 1 if problems else 0


def run_build(config: Config, arguments: argparse.Namespace) -> int:
    # Checked before the full build is even imported: an up-to-date site costs milliseconds.
    report = up_to_date(config, arguments.drafts)
    if report is None:
        from .site import build

        # The command ends with the build: collecting its million objects' cycles (on the way
        # out of the build, and again at interpreter exit) would cost half a second at 10,000
        # briefings for memory the process is about to give back anyway.
        gc.disable()

        bar = ProgressBar() if not arguments.quiet and ProgressBar.wanted() else None
        try:
            report = build(config, drafts=arguments.drafts, jobs=arguments.jobs, progress=bar)
        finally:
            if bar:
                bar.close()
            gc.freeze()  # nor at exit: frozen objects are left to the operating system
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    if not arguments.quiet:
        for message in report.messages:
            print(message)
        print(summary(report, config))
    return 0


def summary(report: BuildReport, config: Config) -> str:
    """One line, always the same shape: "built 1,000 briefings, 3 changed, in 0.84 s"."""
    noun = "briefing" if report.briefings == 1 else "briefings"
    changed = "nothing changed" if report.unchanged else f"{report.changed:,} changed"
    hidden = f", {report.drafts_hidden:,} draft(s) hidden" if report.drafts_hidden else ""
    return (f"built {report.briefings:,} {noun}, {changed}, {report.quotes:,} quotes, {report.sources:,} sources"
            f"{hidden}, into {display_path(config.output)}/ in {report.seconds:.2f} s")


class ProgressBar:
    """A one-line bar on a terminal, for builds long enough to wonder about."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.shown = False

    @staticmethod
    def wanted() -> bool:
        return sys.stderr.isatty() and not os.environ.get("CI")

    def __call__(self, done: int, total: int) -> None:
        if time.perf_counter() - self.started < 0.5 or (done % 10 and done != total):
            return  # short builds need no bar, and redrawing every item costs time
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\ranalysing [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
