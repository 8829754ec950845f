"""The real application over a real on-disk store, loaded with test data, for the SPARQL tests.

:class:`StoreAtlas` is the production :class:`AtlasService` (store generations, killable query
processes) plus ``reset`` to replace the store's content with some N-Triples files;
:class:`MemoryAtlas` the same, whose queries run on the union graph held in memory (``reset``
waits for its holder); :class:`RemoteAtlas` is the same service over a remote Virtuoso, with the
same ``reset``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import Flask
from werkzeug.serving import make_server

from atlas_graph.remote.store import Credentials
from atlas_graph.server import create_app, service
from atlas_graph.store.finalize import finalize
from support.virtuoso import PASSWORD, USER

TOKEN = "test-update-token"


@dataclass
class AtlasConfig:
    base_uri: str = "http://localhost:8000/"
    update_token: str | None = None
    query_timeout: float = 30.0
    max_rows: int = 100000
    endpoint_url: str | None = None
    query_memory_mib: float = 0.0  # the store on disk, unless a test holds the graph in memory


class StoreAtlas(service.AtlasService):
    def __init__(self, path: Path, config: AtlasConfig):
        super().__init__(service.AtlasConfig(store=Path(path), **asdict(config)))
        self.reset()

    def reset(self, graphs: dict[str, Path] | None = None) -> None:
        """Replace the store's content: each N-Triples file in the named graph it is keyed by."""
        with self.store_dir.writer(finish=finalize) as generation:
            generation.store.clear()
            for graph, path in (graphs or {}).items():
                generation.store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))


class MemoryAtlas(StoreAtlas):
    """A StoreAtlas that holds its union graph in memory for queries: ``reset`` returns once the
    holder of the new generation is ready, so that every query after it takes that path."""

    def __init__(self, path: Path, config: AtlasConfig):
        super().__init__(path, AtlasConfig(**{**asdict(config), "query_memory_mib": 64.0}))

    def reset(self, graphs: dict[str, Path] | None = None) -> None:
        super().reset(graphs)
        generation = self.generation()
        if not generation.stats().get("triples"):
            return  # an empty store is not held: there is nothing to hold
        pool = service._query_pool(self.config.query_processes)
        deadline = time.monotonic() + 60
        while pool.snapshot(str(generation.path / "oxigraph"), self._snapshot_source(generation)) is None:
            if time.monotonic() > deadline or not self._snapshot_source(generation):
                raise RuntimeError(f"{generation.path}: its union graph was not held in memory")
            time.sleep(0.02)


class RemoteAtlas(service.AtlasService):
    """The production service over Virtuoso, plus ``reset`` to replace Virtuoso's graphs."""

    def __init__(self, folder: Path, sparql_url: str):
        super().__init__(service.AtlasConfig(store=folder, base_uri="http://localhost:8000/",
                                             sparql_endpoint=sparql_url,
                                             remote_credentials=Credentials(USER, PASSWORD)))

    def reset(self, graphs: dict[str, Path]) -> None:
        for graph in self.remote.graph_counts():
            self.remote.drop_graph(graph)
        for graph, path in graphs.items():
            self.remote.put_graph(graph, path.read_bytes())
        assert set(self.remote.graph_counts()) == set(graphs)


def make_app(atlas: StoreAtlas | RemoteAtlas) -> Flask:
    app = create_app(atlas.config)
    app.extensions["atlas"] = atlas
    return app


class LiveServer:
    """The app served over a real socket on 127.0.0.1, in a background thread."""

    def __init__(self, app: Flask):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()
