"""Full-text search index for the built site (to be built with Pagefind, issue 5)."""

from __future__ import annotations

from pathlib import Path


def index_site(site: Path) -> None:
    """Add the search index to a complete site folder before it is published."""
