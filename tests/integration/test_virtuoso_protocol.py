"""The W3C SPARQL 1.1 Protocol query tests against the front serving a real Virtuoso 7.

The same runner and manifest as tests/server/sparql/test_protocol.py; each test's data goes into
Virtuoso (Graph Store Protocol) and its requests go to ``/sparql`` of the application, which
sends the queries on to Virtuoso.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas_graph.remote.store import Credentials
from atlas_graph.server import service
from support.paths import SHARED
from support.sparql_server import LiveServer, make_app
from support.virtuoso import PASSWORD, USER, start_virtuoso
from support.w3c_protocol import check_response, load_protocol_manifest, send

QUERY_TESTS = [test for test in load_protocol_manifest(SHARED / "w3c" / "sparql11-protocol" / "manifest.ttl")
               if test.is_query_test]


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


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    virtuoso = start_virtuoso(tmp_path_factory.mktemp("virtuoso-protocol"))
    atlas = RemoteAtlas(tmp_path_factory.mktemp("no-local-store"), virtuoso.sparql_url)
    try:
        with LiveServer(make_app(atlas)) as server:
            yield atlas, server
    finally:
        virtuoso.stop()


@pytest.mark.parametrize("test", QUERY_TESTS, ids=lambda test: test.id)
def test_w3c_protocol_over_virtuoso(test, front):
    atlas, server = front
    atlas.reset(test.graph_data)
    problems = []
    for request in test.requests:
        problems += check_response(request, send(server.url, "/sparql", request, {}))
    assert not problems, f"{test.id} ({test.name}):\n" + "\n".join(problems)
