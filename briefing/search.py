"""Full-text search: a Pagefind index added to the finished site, before it is published.

Pagefind reads the built HTML and writes a static index plus its search UI into
``pagefind/``; the browser downloads only the index fragments a query needs, so search
works on any static host with no server. Only the pages whose layouts mark their
``<main>`` with ``data-pagefind-body`` (briefings, quote index, speaker pages, source
list) are indexed, and ``data-pagefind-ignore`` keeps in-page navigation out.

The binary comes from the ``pagefind[bin]`` wheel (``pagefind_bin``): nothing is
downloaded at build time. ``PAGEFIND_BINARY_PATH`` points at another binary.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from .problems import BuildError, problem

BUNDLE = "pagefind"
# The sample site indexes in about 0.1 s and 1,000 briefings in about 2.3 s (README,
# "Publishing"); a run this long is stuck, not slow.
TIMEOUT_SECONDS = 300
REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"
_STAGING = re.compile(r"^\.(?P<name>.+)\.staging-\d+$")


def index_site(site: Path) -> None:
    """Add the search index to a complete site folder; raises BuildError when it cannot."""
    public = published_path(site)
    binary = pagefind_binary()
    command = [str(binary), "--site", str(site), "--output-subdir", BUNDLE, "--silent"]
    try:
        # cwd=site: Pagefind reads a pagefind.yml/.toml/.json from its working folder, and
        # the site holds none, so a stray config beside the project cannot change the index.
        result = subprocess.run(command, cwd=site, env=_environment(), capture_output=True,
                                text=True, errors="replace", timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise BuildError([problem(public, 1, f"search index: Pagefind did not finish in {TIMEOUT_SECONDS} s")]) from None
    except OSError as error:
        path, line = _requirements_line()
        raise BuildError([problem(path, line, f"search index: cannot run Pagefind ({binary}: "
                                              f"{error.strerror or error}); reinstall it with "
                                              "`pip install -r requirements.txt`")]) from None
    if result.returncode != 0:
        detail = _error_text(result.stdout + "\n" + result.stderr, site, public)
        raise BuildError([problem(public, 1, f"search index: Pagefind failed (exit {result.returncode}): {detail}")])
    if not (site / BUNDLE / "pagefind-entry.json").is_file():
        raise BuildError([problem(public, 1, "search index: Pagefind wrote no index (no pagefind/pagefind-entry.json)")])


def pagefind_binary() -> Path:
    """The Pagefind executable shipped by the ``pagefind[bin]`` package."""
    try:
        from pagefind.service import get_executable

        binary = get_executable()  # honours PAGEFIND_BINARY_PATH, then the pagefind_bin wheel
    except ImportError:
        binary = None
    if binary is None:
        path, line = _requirements_line()
        raise BuildError([problem(path, line, "search index: the `pagefind[bin]` package is not installed; "
                                              "run `pip install -r requirements.txt`")])
    return binary


def published_path(site: Path) -> Path:
    """Where a staging folder (``.output.staging-<pid>``) will be published: messages name
    that folder, since the staging one is gone by the time an editor reads them."""
    match = _STAGING.match(site.name)
    return site.with_name(match["name"]) if match else site


def _environment() -> dict[str, str]:
    # Pagefind reads PAGEFIND_* variables as options (another --site, say): keep them out.
    return {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}


def _error_text(output: str, site: Path, public: Path) -> str:
    """Pagefind's own error lines, with staging paths replaced by the published ones."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error")] or lines[-3:] or ["no message"]
    text = " ".join(dict.fromkeys(errors))  # Pagefind may print the same line on both streams
    return text.replace(str(site), str(public))


def _requirements_line() -> tuple[Path, int]:
    """The requirements.txt line that installs Pagefind, to point an editor at the fix."""
    try:
        for number, line in enumerate(REQUIREMENTS.read_text(encoding="utf-8").splitlines(), start=1):
            if line.lower().startswith("pagefind"):
                return REQUIREMENTS, number
    except OSError:
        pass
    return Path(__file__), 1
