"""``python -m atlas_graph``: the same as the ``atlas-graph`` command."""

import sys

from atlas_graph.cli import main

if __name__ == "__main__":  # not when a spawned child process imports this module again
    sys.exit(main())
