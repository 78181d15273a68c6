"""Command line: arguments, messages and exit codes (0 ok, 1 content/build error, 2 usage)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .check import check
from .config import Config, load_config
from .problems import BuildError, display_path
from .site import build

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
    commands.add_parser("build", parents=[paths], help="ingest new seeds into content/, then build the site (default)")
    serve = commands.add_parser("serve", parents=[paths], help="build, serve on 127.0.0.1 and rebuild on every change")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--poll", action="store_true", help="poll for changes instead of inotify (network and container mounts)")
    commands.add_parser("check", parents=[paths], help="validate content and check the built site's links")
    return parser


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
    report, problems = check(config)
    for item in report.warnings + problems:
        print(item, file=sys.stderr)
    if not arguments.quiet:
        print(f"checked {report.briefings} briefing(s): {len(problems)} problem(s) in the built site")
    return 1 if problems else 0


def run_build(config: Config, arguments: argparse.Namespace) -> int:
    report = build(config, drafts=arguments.drafts)
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    if not arguments.quiet:
        for message in report.messages:
            print(message)
        hidden = f", {report.drafts_hidden} draft(s) hidden" if report.drafts_hidden else ""
        print(f"built {report.briefings} briefing(s), {report.quotes} quotes, {report.sources} sources{hidden} "
              f"into {display_path(config.output)}/ in {report.seconds:.2f} s")
    return 0
