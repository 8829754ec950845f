"""The ``/sparql`` endpoint: the W3C SPARQL 1.1 Protocol tests over a real socket (the query
tests over both stores: the embedded one and a real Virtuoso 7), plus what the suite leaves out
(negotiation, row cap, time limit, update rights, CORS, bad input)."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from rdflib import Graph
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from atlas_graph.server.sparql.text import DatasetConflict, add_using_clauses, uses_service
from support.paths import SHARED
from support.sparql_server import TOKEN, AtlasConfig, LiveServer, MemoryAtlas, RemoteAtlas, StoreAtlas, make_app
from support.virtuoso import start_virtuoso
from support.w3c_protocol import check_response, load_protocol_manifest, send

W3C_TESTS = load_protocol_manifest(SHARED / "w3c" / "sparql11-protocol" / "manifest.ttl")
QUERY_TESTS = [test for test in W3C_TESTS if test.is_query_test]
DATA = {
    f"http://kasei.us/2009/09/sparql/data/data{n}.rdf": SHARED / "w3c" / "sparql11-protocol" / f"data{n}.nt"
    for n in (1, 2, 3)
}
EX = "http://example.org/"


def test_the_manifest_is_read_whole():
    assert len(W3C_TESTS) == 34
    assert len(QUERY_TESTS) == 20
    assert all(test.requests and test.requests[0].expected.status_classes for test in W3C_TESTS)


@pytest.fixture(scope="module")
def update_server(tmp_path_factory):
    atlas = StoreAtlas(tmp_path_factory.mktemp("update-store"), AtlasConfig(update_token=TOKEN))
    with LiveServer(make_app(atlas)) as server:
        yield atlas, server


@pytest.fixture(scope="module", params=["oxigraph", "oxigraph-in-memory", "virtuoso"])
def read_only_server(request, tmp_path_factory):
    """The front without an update token, over the embedded store (on disk, or its union graph
    held in memory) or over a real Virtuoso 7 that it sends the queries on to (skipped, with the
    reason, where Virtuoso is not installed)."""
    if request.param.startswith("oxigraph"):
        kind = MemoryAtlas if request.param == "oxigraph-in-memory" else StoreAtlas
        atlas = kind(tmp_path_factory.mktemp("read-only-store"), AtlasConfig(update_token=None))
        with LiveServer(make_app(atlas)) as server:
            yield atlas, server
        return
    virtuoso = start_virtuoso(tmp_path_factory.mktemp("virtuoso-protocol"))
    try:
        atlas = RemoteAtlas(tmp_path_factory.mktemp("no-local-store"), virtuoso.sparql_url)
        with LiveServer(make_app(atlas)) as server:
            yield atlas, server
    finally:
        virtuoso.stop()


def _run_w3c_test(test, atlas, server, headers):
    atlas.reset(test.graph_data)
    problems = []
    for request in test.requests:
        problems += check_response(request, send(server.url, "/sparql", request, headers))
    assert not problems, f"{test.id} ({test.name}):\n" + "\n".join(problems)


@pytest.mark.parametrize("test", W3C_TESTS, ids=lambda test: test.id)
def test_w3c_protocol(test, update_server):
    _run_w3c_test(test, *update_server, {"Authorization": f"Bearer {TOKEN}"})


@pytest.mark.parametrize("test", QUERY_TESTS, ids=lambda test: test.id)
def test_w3c_protocol_read_only(test, read_only_server):
    _run_w3c_test(test, *read_only_server, {})


# --- SPARQLWrapper as a client -------------------------------------------------------------------


@pytest.fixture
def live(update_server):
    atlas, server = update_server
    atlas.reset(DATA)
    return atlas, server


def test_sparqlwrapper_select_json(live):
    _, server = live
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery("SELECT ?doc WHERE { ?doc a <http://xmlns.com/foaf/0.1/Document> } ORDER BY ?doc")
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    assert [b["doc"]["value"] for b in result["results"]["bindings"]] == sorted(DATA)


def test_sparqlwrapper_construct_turtle(live):
    _, server = live
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery("CONSTRUCT { ?doc <http://example.org/seen> true } WHERE { ?doc a ?type }")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert len(graph) == 3


def test_sparqlwrapper_ask(live):
    _, server = live
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery("ASK { GRAPH <http://kasei.us/2009/09/sparql/data/data2.rdf> { ?s ?p ?o } }")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is True


def test_sparqlwrapper_update_with_token(live):
    atlas, server = live
    client = SPARQLWrapper(server.url + "/sparql")
    client.setMethod(POST)
    client.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    client.setQuery(f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}s> <{EX}p> 'o' }} }}")
    client.query()
    assert bool(atlas.store().query(f"ASK {{ GRAPH <{EX}g> {{ <{EX}s> <{EX}p> 'o' }} }}"))


# --- Test-client checks of the endpoint ------------------------------------------------------------


def _client(tmp_path, graphs=None, **config):
    atlas = StoreAtlas(tmp_path / "store", AtlasConfig(**config))
    atlas.reset(graphs if graphs is not None else DATA)
    return atlas, make_app(atlas).test_client()


SELECT_DOCS = "SELECT ?doc WHERE { ?doc a <http://xmlns.com/foaf/0.1/Document> } ORDER BY ?doc"
CONSTRUCT_DOCS = "CONSTRUCT WHERE { ?doc a <http://xmlns.com/foaf/0.1/Document> }"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.4", "text/csv"),
        ("text/*", "text/csv"),
        ("text/*, text/csv;q=0", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+json"),
    ],
)
def test_select_format_follows_accept(tmp_path, accept, expected):
    _, client = _client(tmp_path)
    response = client.get("/sparql", query_string={"query": SELECT_DOCS}, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{expected}; charset=utf-8"
    assert response.headers["Vary"] == "Accept"


@pytest.mark.parametrize(
    ("format_param", "expected"),
    [
        ("ttl", "text/turtle"),
        ("turtle", "text/turtle"),
        ("nt", "application/n-triples"),
        ("rdfxml", "application/rdf+xml"),
        ("jsonld", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
    ],
)
def test_construct_format_parameter_overrides_accept(tmp_path, format_param, expected):
    _, client = _client(tmp_path)
    response = client.get(
        "/sparql", query_string={"query": CONSTRUCT_DOCS, "format": format_param}, headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{expected}; charset=utf-8"
    rdflib_format = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
                     "application/ld+json": "json-ld"}[expected]
    assert len(Graph().parse(data=response.data, format=rdflib_format)) == 3


def test_construct_for_a_browser_is_turtle(tmp_path):
    _, client = _client(tmp_path)
    response = client.get("/sparql", query_string={"query": CONSTRUCT_DOCS}, headers={"Accept": "text/html"})
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"


def test_unacceptable_accept_is_406_listing_offers(tmp_path):
    _, client = _client(tmp_path)
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_csv_for_ask_is_406_and_unknown_format_is_400(tmp_path):
    _, client = _client(tmp_path)
    assert client.get("/sparql", query_string={"query": "ASK {}", "format": "csv"}).status_code == 406
    response = client.get("/sparql", query_string={"query": "ASK {}", "format": "yaml"})
    assert response.status_code == 400
    assert "unknown format 'yaml'" in response.text


TRICKY = f"""
INSERT DATA {{ GRAPH <{EX}g> {{
  <{EX}a> <{EX}p> "comma, \\"quote\\"\\nnewline\\ttab"@fr , "<b>&amp;</b>" , 42 , _:blank .
  <{EX}b> <{EX}p> "3.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .
}} }}"""
TRICKY_SELECT = f"SELECT ?s ?o ?missing WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}none> ?missing }} }}"


def _expected_rows(atlas):
    result = atlas.store().query(TRICKY_SELECT, use_default_graph_as_union=True)
    return sorted((str(row["s"]), str(row["o"]), row["missing"])
                  for row in result if not isinstance(row["o"], ox.BlankNode))


@pytest.mark.parametrize(
    ("format_param", "parse_format"),
    [("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML), ("tsv", ox.QueryResultsFormat.TSV)],
)
def test_streamed_results_round_trip(tmp_path, format_param, parse_format):
    atlas, client = _client(tmp_path, graphs={})
    atlas.update(TRICKY)
    response = client.get("/sparql", query_string={"query": TRICKY_SELECT, "format": format_param})
    assert response.status_code == 200
    parsed = ox.parse_query_results(response.data, parse_format)
    assert [v.value for v in parsed.variables] == ["s", "o", "missing"]
    rows = list(parsed)
    assert len(rows) == 5
    assert sum(isinstance(row["o"], ox.BlankNode) for row in rows) == 1
    got = sorted((str(row["s"]), str(row["o"]), row["missing"])
                 for row in rows if not isinstance(row["o"], ox.BlankNode))
    assert got == _expected_rows(atlas)


def test_csv_quotes_and_plain_values(tmp_path):
    atlas, client = _client(tmp_path, graphs={})
    atlas.update(TRICKY)
    response = client.get("/sparql", query_string={"query": TRICKY_SELECT, "format": "csv"})
    assert response.data.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(response.text, newline="")))
    assert rows[0] == ["s", "o", "missing"]
    values = {row[1] for row in rows[1:]}
    assert 'comma, "quote"\nnewline\ttab' in values
    assert "42" in values and "3.5" in values
    assert any(value.startswith("_:") for value in values)
    assert all(row[2] == "" for row in rows[1:])


def test_row_cap_truncates_and_says_so(tmp_path):
    _, client = _client(tmp_path, max_rows=2)
    response = client.get("/sparql", query_string={"query": SELECT_DOCS})
    assert response.headers["X-Atlas-Row-Cap"] == "2"
    assert response.headers["X-Atlas-Truncated"].startswith("true")
    assert len(response.json["results"]["bindings"]) == 2
    graph = client.get("/sparql", query_string={"query": CONSTRUCT_DOCS, "format": "nt"})
    assert graph.headers["X-Atlas-Truncated"].startswith("true")
    assert len(graph.text.strip().splitlines()) == 2


def test_result_at_the_cap_is_not_truncated(tmp_path):
    _, client = _client(tmp_path, max_rows=3)
    response = client.get("/sparql", query_string={"query": SELECT_DOCS})
    assert response.headers["X-Atlas-Row-Cap"] == "3"
    assert "X-Atlas-Truncated" not in response.headers
    assert len(response.json["results"]["bindings"]) == 3
    assert int(response.headers["Content-Length"]) == len(response.data)


def test_query_past_its_time_limit_is_503(tmp_path):
    _, client = _client(tmp_path, query_timeout=1e-9)
    response = client.get("/sparql", query_string={"query": SELECT_DOCS})
    assert response.status_code == 503
    assert "time limit" in response.text


def test_default_graph_is_the_union_of_named_graphs(tmp_path):
    _, client = _client(tmp_path)
    response = client.get("/sparql", query_string={"query": SELECT_DOCS})
    assert [b["doc"]["value"] for b in response.json["results"]["bindings"]] == sorted(DATA)


def test_protocol_dataset_overrides_from(tmp_path):
    _, client = _client(tmp_path)
    data1, data2, data3 = sorted(DATA)
    response = client.get(
        "/sparql",
        query_string={"query": f"SELECT ?doc FROM <{data3}> WHERE {{ ?doc a ?t }}", "default-graph-uri": data1},
    )
    assert [b["doc"]["value"] for b in response.json["results"]["bindings"]] == [data1]


def test_bad_query_is_400_with_position(tmp_path):
    _, client = _client(tmp_path)
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "1:" in response.text and "syntax error" in response.text
    as_json = client.get("/sparql", query_string={"query": "ASK {"}, headers={"Accept": "application/json"})
    assert as_json.status_code == 400
    assert as_json.json["status"] == 400 and "syntax error" in as_json.json["message"]


@pytest.mark.parametrize(
    "query_string",
    [b"query=ASK%20%7B%7D%zz", b"query=ASK%20%7B%7D%FF", b"query=\xff",
     b"query=ASK%20{}&default-graph-uri=not%20an%20iri"],
)
def test_malformed_query_strings_are_400(tmp_path, query_string):
    _, client = _client(tmp_path)
    response = client.get("/sparql?" + query_string.decode("latin-1"))
    assert response.status_code == 400, response.text


def test_malformed_form_body_is_400(tmp_path):
    _, client = _client(tmp_path)
    response = client.post(
        "/sparql", data=b"query=ASK%20%7B%7D%C3%28", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 400
    response = client.post("/sparql", data=b"ASK {} \xff", headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400


def test_wrong_method_and_media_type(tmp_path):
    _, client = _client(tmp_path)
    put = client.put("/sparql", query_string={"query": "ASK {}"})
    assert put.status_code == 405
    assert "POST" in put.headers["Allow"]
    assert client.post("/sparql", data="ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415
    both = client.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"})
    assert both.status_code == 400


def test_federated_query_is_refused(tmp_path):
    _, client = _client(tmp_path)
    service = "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": service})
    assert response.status_code == 400
    assert "SERVICE" in response.text


# --- Update rights -------------------------------------------------------------------------------

INSERT = f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}s> <{EX}p> 1 }} }}"


def _inserted(atlas) -> bool:
    return bool(atlas.store().query(f"ASK {{ GRAPH <{EX}g> {{ ?s ?p ?o }} }}"))


def test_update_without_credentials_is_401(tmp_path):
    atlas, client = _client(tmp_path, update_token=TOKEN)
    response = client.post("/sparql", data=INSERT, headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert not _inserted(atlas)


def test_update_with_wrong_token_is_403(tmp_path):
    atlas, client = _client(tmp_path, update_token=TOKEN)
    response = client.post(
        "/sparql", data=INSERT, headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer nope"}
    )
    assert response.status_code == 403
    assert not _inserted(atlas)


def test_update_on_read_only_endpoint_is_403(tmp_path):
    atlas, client = _client(tmp_path)
    response = client.post(
        "/sparql", data={"update": INSERT}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 403
    assert "read-only" in response.text
    assert not _inserted(atlas)


def test_update_with_token_applies(tmp_path):
    atlas, client = _client(tmp_path, update_token=TOKEN)
    response = client.post(
        "/sparql", data={"update": INSERT}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 204
    assert _inserted(atlas)


# --- CORS ----------------------------------------------------------------------------------------


def test_preflight_allows_any_origin(tmp_path):
    _, client = _client(tmp_path)
    response = client.options(
        "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type, authorization"},
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "authorization" in response.headers["Access-Control-Allow-Headers"]


def test_cors_headers_on_results_and_errors(tmp_path):
    _, client = _client(tmp_path, max_rows=1)
    ok = client.get("/sparql", query_string={"query": SELECT_DOCS})
    error = client.get("/sparql", query_string={"query": "ASK {"})
    for response in (ok, error):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "X-Atlas-Truncated" in response.headers["Access-Control-Expose-Headers"]


# --- Update text rewriting -----------------------------------------------------------------------


def test_using_clauses_go_before_each_where():
    update = (
        "PREFIX where: <http://example.org/where#>\n"
        "INSERT { ?s a where:x } WHERE { ?s ?p \"WHERE\" } ;\n"
        "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o FILTER EXISTS { ?s ?q ?r } }"
    )
    rewritten = add_using_clauses(update, ["http://g/1"], ["http://g/2"])
    assert rewritten.count("USING <http://g/1> USING NAMED <http://g/2> WHERE") == 2
    assert '"WHERE"' in rewritten


def test_delete_where_is_expanded_to_take_using():
    rewritten = add_using_clauses("DELETE WHERE { ?s ?p ?o }", ["http://g/1"], [])
    assert rewritten == "DELETE { ?s ?p ?o } USING <http://g/1> WHERE { ?s ?p ?o }"
    store = ox.Store()
    store.update(rewritten)  # the engine accepts the long form


def test_using_clauses_conflict_with_with():
    with pytest.raises(DatasetConflict):
        add_using_clauses("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["http://g/1"], [])
    assert add_using_clauses("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", [], []).startswith("WITH")


def test_service_detection_ignores_strings_iris_and_names():
    assert uses_service("SELECT * { service <http://x> { ?s ?p ?o } }")
    assert not uses_service("SELECT * { ?service <http://x/SERVICE> 'SERVICE' . ?s ex:service ?o } # SERVICE")


def test_update_with_using_graph_uri_over_http(tmp_path):
    atlas, client = _client(tmp_path, update_token=TOKEN)
    data1 = sorted(DATA)[0]
    response = client.post(
        f"/sparql?using-graph-uri={data1}",
        data=f"INSERT {{ GRAPH <{EX}copy> {{ ?s a <{EX}Seen> }} }} WHERE {{ ?s a ?t }}",
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 204, response.text
    seen = atlas.store().query(f"SELECT ?s {{ GRAPH <{EX}copy> {{ ?s a <{EX}Seen> }} }}")
    assert [row["s"].value for row in seen] == [data1]


def test_error_bodies_are_json_when_asked(tmp_path):
    _, client = _client(tmp_path)
    response = client.put("/sparql", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert json.loads(response.data)["status"] == 405


def test_update_syntax_error_points_into_the_clients_text(tmp_path):
    _, client = _client(tmp_path, update_token=TOKEN)
    response = client.post("/sparql", data={"update": "CLEAR XYZ"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400
    with pytest.raises(SyntaxError) as engine:
        ox.Store().update("CLEAR XYZ")
    assert str(engine.value) in response.text  # same line:column as on the client's own text
    assert "Content-Type" not in client.post(
        "/sparql", data={"update": "CLEAR ALL"}, headers={"Authorization": f"Bearer {TOKEN}"}
    ).headers


def test_errors_install_gives_every_route_short_bodies_and_cors(tmp_path):
    from flask import Flask

    from atlas_graph.server.http import errors

    app = Flask("errors_test")
    errors.install(app)

    @app.route("/teapot")
    def teapot():
        raise errors.HttpError(418, "short and stout", {"X-Hint": "tip me over"})

    client = app.test_client()
    missing = client.get("/nowhere")
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert missing.headers["Access-Control-Allow-Origin"] == "*"
    teapot_response = client.get("/teapot", headers={"Accept": "application/json"})
    assert teapot_response.status_code == 418
    assert teapot_response.json["message"] == "short and stout"
    assert teapot_response.headers["X-Hint"] == "tip me over"
