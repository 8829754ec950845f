"""What the routes need from the data: the store, its statistics and dumps, the settings.

One :class:`AtlasService` per application, at ``current_app.extensions["atlas"]``. It opens the
store lazily (after the server has forked its workers) and follows the store's current
generation, so a ``load`` run beside a live server is picked up on the next request.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from atlas_graph.load import finalize
from atlas_graph.store import Generation, StoreDir

from .query_pool import QueryPool
from .sparql_execution import Dataset, FormatWish, Limits


@dataclass(frozen=True)
class AtlasConfig:
    store: Path
    base_uri: str
    update_token: str | None = None
    query_timeout: float = 30.0
    max_rows: int = 100_000
    endpoint_url: str | None = None  # /sparql as clients see it; None: from each request
    query_processes: int = 4  # concurrent SPARQL queries per server worker


_pools: dict[tuple[int, int], QueryPool] = {}


def _query_pool(size: int) -> QueryPool:
    """The query processes of this server worker (one pool per process, made after the fork)."""
    key = (os.getpid(), size)
    if key not in _pools:
        _pools[key] = QueryPool(size)
    return _pools[key]


class AtlasService:
    def __init__(self, config: AtlasConfig):
        self.config = config
        self.store_dir = StoreDir(config.store)

    def query(self, query: str, dataset: Dataset, wish: FormatWish, limits: Limits, base_iri: str):
        """Run a SPARQL query in a killable query process: (outcome, spool file to send)."""
        store_path = str(self.generation().path / "oxigraph")
        return _query_pool(self.config.query_processes).run(store_path, query, dataset, wish, limits, base_iri)

    def generation(self) -> Generation:
        """The current generation (read-only), reopened when a writer has switched it."""
        return self.store_dir.reader()

    def store(self) -> pyoxigraph.Store:
        return self.generation().store

    def stats(self) -> dict:
        return self.generation().stats()

    def dump_path(self, name: str) -> Path | None:
        path = self.generation().dumps_dir / name
        return path if path.is_file() else None

    def update(self, sparql_update: str) -> None:
        """Apply a SPARQL Update atomically: a new generation, made current once complete.

        Raises SyntaxError for an update that does not parse (nothing is changed)."""
        with self.store_dir.writer(finish=finalize) as generation:
            generation.store.update(sparql_update, base_iri=self.config.base_uri)
