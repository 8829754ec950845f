"""The service description (``GET /sparql`` without a query): the W3C tests, the builder, the
formats it is offered in and the HTML query page."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, VOID

from atlas_graph.server.sparql.service_description import SD, build_service_description
from support.paths import SHARED
from support.sparql_server import TOKEN, AtlasConfig, LiveServer, StoreAtlas, make_app
from support.w3c_protocol import (
    SERVICE_DESCRIPTION_CHECKS,
    fetch_service_description,
    load_service_description_manifest,
)

SD_TESTS = load_service_description_manifest(SHARED / "w3c" / "sparql11-service-description" / "manifest.ttl")
ENDPOINT = "http://data.example/sparql"
BASE = "http://data.example/"


def _store(tmp_path, **config):
    atlas = StoreAtlas(tmp_path / "store", AtlasConfig(**config))
    atlas.update("INSERT DATA { GRAPH <http://g/1> { <http://s> <http://p> 1 } "
                 "GRAPH <http://g/2> { <http://s> <http://p> 2 } }")
    return atlas


def test_every_manifest_test_has_a_check():
    assert len(SD_TESTS) == 3
    assert {test.id for test in SD_TESTS} == set(SERVICE_DESCRIPTION_CHECKS)


@pytest.mark.parametrize("test", SD_TESTS, ids=lambda test: test.id)
def test_w3c_service_description(test, tmp_path):
    with LiveServer(make_app(_store(tmp_path, update_token=TOKEN))) as server:
        endpoint_url = server.url + "/sparql"
        response, graph = fetch_service_description(endpoint_url)
    problems = SERVICE_DESCRIPTION_CHECKS[test.id](endpoint_url, response, graph)
    assert not problems, f"{test.id} ({test.name}): {problems}"


def _service(graph: Graph) -> URIRef:
    (service,) = graph.subjects(RDF.type, SD.Service)
    return service


def test_builder_describes_endpoint_languages_formats_and_dataset():
    graph = build_service_description(
        ENDPOINT, base_uri=BASE, named_graphs=["http://g/2", "http://g/1"], update_enabled=False
    )
    service = _service(graph)
    assert (service, SD.endpoint, URIRef(ENDPOINT)) in graph
    assert set(graph.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_CSV", "Turtle", "JSON-LD"} <= formats
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, RDFS.seeAlso, URIRef(BASE + ".well-known/void")) in graph
    assert (dataset, RDF.type, VOID.Dataset) in graph
    names = {graph.value(g, SD.name) for g in graph.objects(dataset, SD.namedGraph)}
    assert names == {URIRef("http://g/1"), URIRef("http://g/2")}


def test_builder_announces_update_only_when_enabled():
    graph = build_service_description(ENDPOINT, base_uri=BASE, named_graphs=[], update_enabled=True)
    assert (_service(graph), SD.supportedLanguage, SD.SPARQL11Update) in graph


def test_builder_caps_the_named_graph_list_and_says_so():
    names = [f"http://g/{n:03}" for n in range(12)]
    graph = build_service_description(ENDPOINT, base_uri=BASE, named_graphs=names, update_enabled=False,
                                      max_listed_graphs=5)
    dataset = graph.value(_service(graph), SD.defaultDataset)
    listed = sorted(str(graph.value(g, SD.name)) for g in graph.objects(dataset, SD.namedGraph))
    assert listed == names[:5]
    comment = graph.value(dataset, RDFS.comment)
    assert isinstance(comment, Literal) and "first 5 of the 12" in str(comment)


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("*/*", "text/turtle", "turtle"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples, text/turtle;q=0.5", "application/n-triples", "nt"),
    ],
)
def test_description_formats(tmp_path, accept, media_type, rdflib_format):
    client = make_app(_store(tmp_path, endpoint_url=ENDPOINT)).test_client()
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    assert response.headers["Vary"] == "Accept"
    graph = Graph().parse(data=response.data, format=rdflib_format)
    assert (None, SD.endpoint, URIRef(ENDPOINT)) in graph  # the configured endpoint URL wins
    assert len(list(graph.objects(None, SD.namedGraph))) == 2


def test_description_format_parameter_and_406(tmp_path):
    client = make_app(_store(tmp_path)).test_client()
    response = client.get("/sparql?format=jsonld", headers={"Accept": "text/html"})
    assert response.headers["Content-Type"] == "application/ld+json; charset=utf-8"
    refused = client.get("/sparql", headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert "text/turtle" in refused.text


def test_browser_gets_the_query_page_escaped(tmp_path):
    tricky = 'http://data.example/sparql?x="><script>alert(1)</script>'
    client = make_app(_store(tmp_path, endpoint_url=tricky)).test_client()
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    page = response.text
    assert "<form" in page and 'name="query"' in page and "atlas:Partnership" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
