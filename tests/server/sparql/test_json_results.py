"""The streaming SPARQL JSON results writer says what the engine's own serializer says."""

from __future__ import annotations

import io
import json
import time

import pyoxigraph as ox
import pytest

from atlas_graph.server.sparql.results import write_solutions

EX = "http://example.org/"
TRICKY = ['plain', 'quote " and backslash \\', "new\nline\ttab\r", "ünïcödé ✓ \u2028 \U0001F600", "\x00\x1f", ""]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    p = ox.NamedNode(EX + "p")
    objects = [ox.NamedNode(EX + "o"), ox.NamedNode("urn:x:é%22q"), ox.BlankNode("b1"),
               ox.Literal("chat", language="fr"), ox.Literal("hello", language="en-GB"),
               ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
               ox.Literal("x", datatype=ox.NamedNode("urn:type:custom")),
               *(ox.Literal(text) for text in TRICKY)]
    for index, obj in enumerate(objects):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{index}"), p, obj, ox.NamedNode(EX + "g")))
    store.add(ox.Quad(ox.BlankNode("b2"), p, ox.Literal("blank subject"), ox.NamedNode(EX + "g")))
    return store


QUERIES = [
    "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o",
    "SELECT ?s ?missing ?o WHERE { ?s ?p ?o OPTIONAL { ?s <urn:none> ?missing } } ORDER BY ?s",
    "SELECT ?x WHERE { VALUES ?x { UNDEF 1 } }",
    "SELECT * WHERE { } ",
    "SELECT ?s WHERE { ?s <urn:none> ?o }",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_writer_matches_the_engine(store, query):
    sink = io.BytesIO()
    written = write_solutions(store.query(query, use_default_graph_as_union=True), "application/sparql-results+json",
                              sink, max_rows=1000, deadline=time.monotonic() + 60, timeout=60)
    ours = json.loads(sink.getvalue().decode("utf-8"))
    solutions = store.query(query, use_default_graph_as_union=True)
    engine = json.loads(solutions.serialize(format=ox.QueryResultsFormat.JSON))
    assert ours == engine
    assert written.rows == len(engine["results"]["bindings"])


def test_the_row_cap_cuts_the_bindings(store):
    sink = io.BytesIO()
    written = write_solutions(store.query(QUERIES[0], use_default_graph_as_union=True),
                              "application/sparql-results+json", sink, max_rows=3,
                              deadline=time.monotonic() + 60, timeout=60)
    assert written.truncated and written.rows == 3
    assert len(json.loads(sink.getvalue())["results"]["bindings"]) == 3
