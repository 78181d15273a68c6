"""Briefing: raw pasted article text to a publishable briefing microsite."""

__version__ = "0.1.0"
