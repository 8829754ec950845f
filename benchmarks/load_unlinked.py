"""``atlas-graph load`` with linking off, for the side-by-side of :mod:`benchmarks.linking`:
``python -m benchmarks.load_unlinked CORPUS STORE``.

The verb always links; this runs the same verb, through the same entry point and its imports,
with no linker (the loader's ``linker=None``), so that the two runs differ by linking alone.
"""

from __future__ import annotations

import sys

from atlas_graph.cli import load as load_verb
from atlas_graph.cli.main import main as atlas_graph


def main(argv: list[str]) -> int:
    corpus, store = argv
    load_verb.make_linker = lambda authorities, links_file: None
    return atlas_graph(["load", corpus, "--store", store, "-q"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
