"""``atlas-graph load`` with linking off, for the side-by-side of :mod:`benchmarks.linking`:
``python -m benchmarks.load_unlinked CORPUS STORE``.

The verb always links; this is the same load (the loader's ``linker=None``), so the two runs
differ by linking alone.
"""

from __future__ import annotations

import sys

from atlas_graph.ingest.pipeline import record_files
from atlas_graph.store.generations import StoreDir
from atlas_graph.store.loader import load
from atlas_graph.uris import DEFAULT_BASE, URIs


def main(argv: list[str]) -> int:
    corpus, store = argv
    summary = load(record_files([corpus]), StoreDir(store), URIs(DEFAULT_BASE), linker=None)
    return 1 if summary.rejected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
