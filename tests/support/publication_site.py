"""A real store served by the real app over a real socket, for the publication route tests.

:func:`served_store` loads the real Atlas page and the hand-written test records into a fresh
store whose base URI is the server's own address (so the URLs in VoID and the catalog can be
fetched), linked to the authorities as ``atlas-graph load`` links them, then serves it with
:func:`atlas_graph.server.create_app` on 127.0.0.1.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from werkzeug.serving import make_server

from atlas_graph.ingest.pipeline import record_files
from atlas_graph.link.authorities import load_authorities
from atlas_graph.link.reconcile import Linker
from atlas_graph.server import create_app
from atlas_graph.server.service import AtlasConfig
from atlas_graph.store.generations import StoreDir
from atlas_graph.store.loader import load
from atlas_graph.uris import URIs
from support.http_fetch import Reply, fetch
from support.paths import SHARED, TEST_RECORDS

RECORDS = [SHARED / "atlas" / "records", TEST_RECORDS]
#: The RDF media types the negotiated routes offer, and rdflib's parser for each.
FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
           "application/ld+json": "json-ld"}


@dataclass
class Site:
    url: str  # the base URI, ending with '/'
    store_dir: StoreDir

    def get(self, path: str, method: str = "GET", **headers: str) -> Reply:
        """``path`` relative to the base (or an absolute URL), with exactly ``headers``."""
        url = path if path.startswith("http") else self.url + path.lstrip("/")
        return fetch(url, method, headers, timeout=60)

    def store(self) -> ox.Store:
        return self.store_dir.reader().store

    def stats(self) -> dict:
        return self.store_dir.reader().stats()

    def store_triples(self) -> set[ox.Triple]:
        """Every distinct triple of the store, whatever its graph."""
        return {ox.Triple(q.subject, q.predicate, q.object) for q in self.store()}

    def store_quads(self) -> set[ox.Quad]:
        return set(self.store())


class _Dispatch:
    """A WSGI app whose target is set once the server knows its port."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@contextmanager
def served_store(tmp_path: Path) -> Iterator[Site]:
    dispatch = _Dispatch()
    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}/"
    store_dir = StoreDir(tmp_path / "store")
    summary = load(record_files(RECORDS), store_dir, URIs(base), linker=Linker(load_authorities()))
    assert summary.converted > 1, summary
    dispatch.app = create_app(AtlasConfig(store=tmp_path / "store", base_uri=base))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(base, StoreDir(tmp_path / "store"))
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def negotiated_graph(site: Site, path: str, media_type: str) -> tuple[Reply, Graph]:
    """GET ``path`` asking for ``media_type``: checks the 200, the exact Content-Type and
    ``Vary: Accept``; returns the reply and the graph it holds."""
    reply = site.get(path, Accept=media_type)
    assert reply.status == 200
    assert reply.header("Content-Type").split(";")[0] == media_type
    assert reply.header("Vary") == "Accept"
    return reply, Graph().parse(data=reply.body, format=FORMATS[media_type])
