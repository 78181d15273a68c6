#!/usr/bin/env python3
"""Build the Briefing site: `python build.py --help` lists the commands."""

import sys

from briefing.cli import main

if __name__ == "__main__":
    sys.exit(main())
