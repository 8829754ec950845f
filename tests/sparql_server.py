"""A minimal app around the ``/sparql`` blueprint, over a real on-disk store, for tests.

:class:`StoreAtlas` has exactly the interface the blueprint expects in
``current_app.extensions["atlas"]`` (``store()``, ``update(text)``, ``config``); the app
factory's real object replaces it in production.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import Flask
from werkzeug.serving import make_server

from atlas_graph.server.sparql import blueprint

SHARED = Path(__file__).parents[1].parent / "shared"
TOKEN = "test-update-token"


@dataclass
class AtlasConfig:
    base_uri: str = "http://localhost:8000/"
    update_token: str | None = None
    query_timeout: float = 30.0
    max_rows: int = 100000
    endpoint_url: str | None = None


class StoreAtlas:
    def __init__(self, path: Path, config: AtlasConfig):
        self._store = ox.Store(str(path))
        self.config = config

    def store(self) -> ox.Store:
        return self._store

    def update(self, sparql_update: str) -> None:
        self._store.update(sparql_update)

    def reset(self, graphs: dict[str, Path] | None = None) -> None:
        """Empty the store, then load each N-Triples file into the named graph it is keyed by."""
        self._store.clear()
        for graph, path in (graphs or {}).items():
            self._store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))


def make_app(atlas: StoreAtlas) -> Flask:
    app = Flask("atlas_graph_test")
    app.extensions["atlas"] = atlas
    app.register_blueprint(blueprint)
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
