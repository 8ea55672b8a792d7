"""``python -m plainpress``: the same command line as ``plainpress``."""

import sys

from .cli import main

sys.exit(main())
