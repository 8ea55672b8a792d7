#!/usr/bin/env python3
"""The editors' entry point: ``python build.py --help``.

The stages of a build are in plainpress/commands/build.py; this file only
starts the command line.
"""

import sys

from plainpress.cli import main

if __name__ == "__main__":
    sys.exit(main())
