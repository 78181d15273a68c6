"""Slugs: the one path segment a briefing gets, safe on every file system and host."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Top-level names the site itself uses; a briefing may never shadow them.
RESERVED = frozenset(
    {"quotes", "sources", "speakers", "search", "static", "feed", "sitemap", "index",
     "404", "robots", "pagefind", "assets", "favicon"}
)
MAX_LENGTH = 80
_VALID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slugify(text: str) -> str:
    """A lowercase ASCII slug for a title; never empty, reserved or path-like."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_LENGTH:
        slug = slug[:MAX_LENGTH].rsplit("-", 1)[0] or slug[:MAX_LENGTH]
    if not slug:
        # A title in a non-Latin script: keep slugs stable by deriving them from the title.
        slug = "briefing-" + hashlib.sha256(text.encode()).hexdigest()[:8]
    if slug in RESERVED:
        slug += "-briefing"
    return slug


def slug_problem(slug: object) -> str | None:
    """Why ``slug`` cannot be used as a URL segment, or None when it can."""
    if not isinstance(slug, str) or not _VALID.fullmatch(slug):
        return "use lowercase letters, digits and single hyphens only (e.g. `aleppo-offensive`)"
    if len(slug) > 100:
        return "is longer than 100 characters: shorten it"
    if slug in RESERVED:
        return f"`{slug}` is used by the site itself: choose another slug"
    return None


def unique_slug(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{number}"
        number += 1
    return candidate
