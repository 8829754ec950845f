"""No egress: whatever a client sends, the server opens no connection anywhere.

A TCP listener on 127.0.0.1 counts the connections it receives while queries and updates name
it in SERVICE, LOAD, FROM, FROM NAMED and the protocol's dataset parameters — by GET and POST,
with and without the update token. It must receive none.

SERVICE and LOAD are refused with 400 before evaluation. FROM / FROM NAMED (and
``default-graph-uri`` / ``named-graph-uri``) are *not* refused: the engine reads them as names
of the store's own graphs, never as documents to fetch, so a name that is not a graph of the
store is an empty graph (the W3C protocol tests require that a dataset naming a graph the
store does not hold is answered, not refused).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from urllib.parse import urlencode

import pytest

from atlas_graph.server.sparql.execution import Dataset
from atlas_graph.server.sparql.query_dataset import query_dataset
from support.hardening import TOKEN

JSON_RESULTS = {"Accept": "application/sparql-results+json"}
WITH_TOKEN = {"Authorization": f"Bearer {TOKEN}"}


class Listener:
    """A TCP server on a loopback port that only counts the connections it accepts."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/"
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.socket.close()


@pytest.fixture(scope="module")
def server(token_server):
    """The shared server with the update token: every update sent here is refused."""
    return token_server


@pytest.fixture
def listener():
    listener = Listener()
    yield listener
    listener.close()


def test_the_listener_counts_connections(listener):
    """The instrument works: one connection is counted."""
    socket.create_connection(("127.0.0.1", int(listener.url.rsplit(":", 1)[1].strip("/")))).close()
    deadline = time.monotonic() + 5
    while listener.accepted == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.accepted == 1


def _query_ways(server, query: str, headers: dict[str, str], params: dict[str, str] | None = None):
    """The query sent by GET, by form POST and by a sparql-query POST."""
    extra = urlencode(params or {})
    yield server.get("/sparql?" + urlencode({"query": query}) + (f"&{extra}" if extra else ""), headers)
    yield server.request("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded", **headers},
                         urlencode({"query": query, **(params or {})}).encode())
    yield server.request("POST", "/sparql" + (f"?{extra}" if extra else ""),
                         {"Content-Type": "application/sparql-query", **headers}, query.encode())


def _update_ways(server, update: str, headers: dict[str, str]):
    yield server.request("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded", **headers},
                         urlencode({"update": update}).encode())
    yield server.request("POST", "/sparql", {"Content-Type": "application/sparql-update", **headers},
                         update.encode())


@pytest.mark.parametrize("headers", [{**JSON_RESULTS}, {**JSON_RESULTS, **WITH_TOKEN}], ids=["anonymous", "token"])
def test_service_and_load_are_refused_and_nothing_is_fetched(server, listener, headers):
    url = listener.url
    queries = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z . {{ SELECT ?s WHERE {{ service <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?endpoint) SERVICE ?endpoint {{ ?s ?p ?o }} }}",
    ]
    updates = [
        f"LOAD <{url}x>",
        f"LOAD SILENT <{url}x> INTO GRAPH <{url}g>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ; LOAD <{url}y>",
    ]
    for query in queries:
        for reply in _query_ways(server, query, headers):
            assert reply.status == 400, (query, reply.status, reply.text)
            assert "SERVICE" in reply.text
    for update in updates:
        for reply in _update_ways(server, update, headers):
            if "Authorization" in headers:
                assert reply.status == 400, (update, reply.status, reply.text)
                assert "SERVICE" in reply.text or "LOAD" in reply.text
            else:
                assert reply.status == 401, (update, reply.status, reply.text)
    time.sleep(0.5)
    assert listener.accepted == 0


@pytest.mark.parametrize("headers", [{**JSON_RESULTS}, {**JSON_RESULTS, **WITH_TOKEN}], ids=["anonymous", "token"])
def test_from_a_remote_address_is_an_empty_graph_and_nothing_is_fetched(server, listener, headers):
    url = listener.url
    cases = [
        (f"SELECT * FROM <{url}g> WHERE {{ ?s ?p ?o }}", None),
        (f"SELECT * FROM NAMED <{url}g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", None),
        (f"PREFIX remote: <{url}> SELECT * FROM remote:g FROM NAMED remote:h WHERE {{ ?s ?p ?o }}", None),
        ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": f"{url}g"}),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {"named-graph-uri": f"{url}g"}),
    ]
    for query, params in cases:
        for reply in _query_ways(server, query, headers, params):
            assert reply.status == 200, (query, params, reply.status, reply.text)
            assert json.loads(reply.body)["results"]["bindings"] == [], (query, params)
    time.sleep(0.5)
    assert listener.accepted == 0


def test_from_a_graph_of_the_store_reads_it(server):
    """FROM is how a client picks one of the store's own graphs."""
    graph = server.select("SELECT ?g WHERE { GRAPH ?g { ?s a <https://w3id.org/atlas-coop/ontology#Partnership> } } "
                          "LIMIT 1")[0]["g"]["value"]
    in_graph = int(server.select(f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")[0]["n"]["value"])
    everywhere = int(server.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"])
    assert 0 < in_graph < everywhere
    named_only = server.select(f"SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> WHERE {{ ?s ?p ?o }}")
    assert named_only[0]["n"]["value"] == "0"  # FROM NAMED alone: an empty default graph


def test_from_clauses_are_read_with_prefixes_and_base():
    query = """BASE <http://example.org/base/>
    PREFIX ex: <http://example.org/ns#>
    PREFIX : <rel/>
    SELECT * FROM <g1> FROM ex:g2 FROM NAMED <http://example.org/n1> from named :n2
    WHERE { ?s ?p "FROM <not-a-graph>" } # FROM <nor-this>"""
    assert query_dataset(query, "http://localhost/sparql") == Dataset(
        ("http://example.org/base/g1", "http://example.org/ns#g2"),
        ("http://example.org/n1", "http://example.org/base/rel/n2"))
    assert query_dataset("SELECT * FROM <g> WHERE {}", "http://localhost/sparql") \
        == Dataset(("http://localhost/g",), ())
    assert not query_dataset("SELECT * WHERE { ?s ?p ?o }", "http://localhost/sparql").is_given()
