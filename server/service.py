"""What the routes need from the data: the store, its statistics and dumps, the settings.

One :class:`AtlasService` per application, at ``current_app.extensions["atlas"]``. It opens the
store lazily (after the server has forked its workers) and follows the store's current
generation, so a ``load`` run beside a live server is picked up on the next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from atlas_graph.load import finalize
from atlas_graph.store import Generation, StoreDir


@dataclass(frozen=True)
class AtlasConfig:
    store: Path
    base_uri: str
    update_token: str | None = None
    query_timeout: float = 30.0
    max_rows: int = 100_000
    endpoint_url: str | None = None  # /sparql as clients see it; None: from each request


class AtlasService:
    def __init__(self, config: AtlasConfig):
        self.config = config
        self.store_dir = StoreDir(config.store)

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
