"""The engine adapter and the remote client's pure parts, without a running store."""

from __future__ import annotations

import pyoxigraph as ox

from atlas_graph.remote.engines import ENGINES, detect
from atlas_graph.remote.store import _chunks
from atlas_graph.server.backend import query_kind

VIRTUOSO = ENGINES["virtuoso"]
ASK_HEAD = (b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="__ASK_RETVAL"/>'
            b'</head><results distinct="false" ordered="true">')


def test_virtuoso_is_recognised_by_its_server_header():
    assert detect("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu").name == "virtuoso"
    assert detect("Apache Jena Fuseki").name == "generic"
    assert detect(None).name == "generic"


def test_virtuoso_authenticated_endpoints_sit_beside_sparql():
    assert VIRTUOSO.update_url("http://h:8890/sparql", authenticated=True) == "http://h:8890/sparql-auth"
    assert VIRTUOSO.update_url("http://h:8890/sparql", authenticated=False) == "http://h:8890/sparql"
    assert VIRTUOSO.graph_store_url("http://h:8890/sparql/", True) == "http://h:8890/sparql-graph-crud-auth"
    assert ENGINES["generic"].graph_store_url("http://h/sparql", True) is None


def test_virtuoso_ask_answers_become_standard_booleans():
    true = ASK_HEAD + b'<result><binding name="__ASK_RETVAL"><literal>1</literal></binding></result></results></sparql>'
    false = ASK_HEAD + b"</results></sparql>"
    def parse(data):
        return ox.parse_query_results(VIRTUOSO.standard_results(data), ox.QueryResultsFormat.XML)
    assert bool(parse(true)) is True
    assert bool(parse(false)) is False


def test_virtuoso_blank_nodes_lose_their_scheme():
    data = (b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="b"/></head>'
            b'<results><result><binding name="b"><bnode>nodeID://b1000</bnode></binding></result></results></sparql>')
    rows = list(ox.parse_query_results(VIRTUOSO.standard_results(data), ox.QueryResultsFormat.XML))
    assert rows[0]["b"] == ox.BlankNode("b1000")


def test_virtuoso_geometries_are_wkt_literals_again():
    virtrdf = "http://www.openlinksw.com/schemas/virtrdf#Geometry"
    data = (b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="w"/></head>'
            b'<results><result><binding name="w"><literal datatype="' + virtrdf.encode() + b'">'
            b'POINT(0.63332998752594 6.9000000953674)</literal></binding></result></results></sparql>')
    (row,) = ox.parse_query_results(VIRTUOSO.standard_results(data), ox.QueryResultsFormat.XML)
    assert row["w"].datatype == ox.NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral")
    triples = b'<http://e/g> <http://www.opengis.net/ont/geosparql#asWKT> "POINT(1 2)"^^<' + virtrdf.encode() + b"> .\n"
    (triple,) = ox.parse(VIRTUOSO.standard_triples(triples), ox.RdfFormat.N_TRIPLES)
    assert triple.object == ox.Literal("POINT(1 2)", datatype=ox.NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral"))


def test_virtuoso_own_graphs_are_left_out_only_without_graph_patterns():
    assert VIRTUOSO.query_text("SELECT * { ?s ?p ?o }").startswith("define input:default-graph-exclude")
    assert VIRTUOSO.query_text("SELECT * { GRAPH ?g { ?s ?p ?o } }") == "SELECT * { GRAPH ?g { ?s ?p ?o } }"


def test_chunks_cut_at_line_ends_and_lose_nothing(monkeypatch):
    monkeypatch.setattr("atlas_graph.remote.store.CHUNK_BYTES", 100)
    lines = [f'<http://ex/s{n}> <http://ex/p> "{"é" * (n % 40)}" .\n'.encode() for n in range(200)]
    data = b"".join(lines)
    chunks = _chunks(data)
    assert len(chunks) > 10
    assert b"".join(chunks) == data
    assert all(chunk.endswith(b"\n") for chunk in chunks)


def test_query_form_is_read_past_prefixes_and_comments():
    assert query_kind("# ASK\nPREFIX a: <http://x/select#> SELECT * {}") == "solutions"
    assert query_kind("BASE <http://x/> ASK {}") == "boolean"
    assert query_kind("CONSTRUCT WHERE { ?s ?p ?o }") == "graph"
    assert query_kind("DESCRIBE <http://x/>") == "graph"
    assert query_kind("INSERT DATA {}") is None
