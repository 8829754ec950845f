"""``python -m atlas_graph``: the same as the ``atlas-graph`` command."""

import sys

from .cli import main

sys.exit(main())
