"""Cool URIs and their data, over a real server: ``/id`` 303s, ``/data`` formats and headers.

The negotiation cases follow the Vapour recipes (https://github.com/berrueta/vapour).
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS, VOID

from atlas_graph.server.app import create_app
from atlas_graph.server.linked_data.describe import Document, describe, document_triples, entity_uri
from atlas_graph.server.service import AtlasConfig
from atlas_graph.store.generations import StoreDir
from support.http_fetch import fetch

ATLAS = Namespace("https://w3id.org/atlas-coop/ontology#")
KPALIME = "collectivity/tg/kpalime"
PARTNERSHIP = "partnership/000_907021ef8160d5c3"
RDF_PARSERS = {
    "application/rdf+xml": "xml",
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}


def media_type(reply) -> str:
    return (reply.header("Content-Type") or "").split(";")[0].strip()


def parse(reply, base: str) -> Graph:
    return Graph().parse(data=reply.body, format=RDF_PARSERS[media_type(reply)], publicID=base)


# Vapour recipes -------------------------------------------------------------------------------

VAPOUR = [
    # Accept header, where /id sends the client, the media type it finally gets
    ("application/rdf+xml", "data", "application/rdf+xml"),
    ("text/html", "page", "text/html"),
    ("*/*", "page", "text/html"),
    (None, "page", "text/html"),
    ("application/rdf+xml;q=0.5,text/html;q=.3", "data", "application/rdf+xml"),
    ("text/html,application/rdf+xml", "page", "text/html"),
    ("text/html;q=0.5,application/rdf+xml", "data", "application/rdf+xml"),
    ("text/turtle", "data", "text/turtle"),
    ("application/ld+json", "data", "application/ld+json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "page", "text/html"),  # a browser
]


@pytest.mark.parametrize("accept, route, final_type", VAPOUR)
def test_id_redirects_by_accept(atlas_server, accept, route, final_type):
    headers = {"Accept": accept} if accept is not None else {}
    see_other = fetch(atlas_server.url(f"id/{KPALIME}"), headers=headers)
    assert see_other.status == 303
    assert "accept" in see_other.vary()
    assert see_other.header("Location") == atlas_server.url(f"{route}/{KPALIME}")  # absolute
    assert see_other.header("Access-Control-Allow-Origin") == "*"

    final = fetch(see_other.header("Location"), headers=headers)
    assert final.status == 200
    assert media_type(final) == final_type
    assert "accept" in final.vary()
    if route == "data":
        graph = parse(final, final.header("Location") or atlas_server.url(f"data/{KPALIME}"))
        entity = URIRef(atlas_server.url(f"id/{KPALIME}"))
        assert (entity, SKOS.prefLabel, Literal("Kpalimé", lang="fr")) in graph
    else:
        assert "Kpalimé" in final.text


def test_head_on_id_is_the_same_303(atlas_server):
    get = fetch(atlas_server.url(f"id/{KPALIME}"), headers={"Accept": "text/turtle"})
    head = fetch(atlas_server.url(f"id/{KPALIME}"), "HEAD", headers={"Accept": "text/turtle"})
    assert head.status == 303 and head.body == b""
    assert head.header("Location") == get.header("Location")


@pytest.mark.parametrize("route", ["id", "data", "page"])
def test_unknown_entity_is_404_with_cors(atlas_server, route):
    reply = fetch(atlas_server.url(f"{route}/collectivity/tg/atlantis"), headers={"Accept": "text/turtle"})
    assert reply.status == 404
    assert reply.header("Access-Control-Allow-Origin") == "*"
    assert "collectivity/tg/atlantis" in reply.text


@pytest.mark.parametrize("path", ["id/%3Cscript%3E", "id/a%20b", "data/%22quoted%22.ttl", "id/", "data/collectivity"])
def test_paths_that_name_no_entity_are_404_not_500(atlas_server, path):
    assert fetch(atlas_server.url(path)).status == 404


# /data ----------------------------------------------------------------------------------------

EXTENSIONS = {
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
}


@pytest.mark.parametrize("extension, content_type", EXTENSIONS.items())
def test_data_with_extension_has_the_exact_type_and_links_the_others(atlas_server, extension, content_type):
    reply = fetch(atlas_server.url(f"data/{PARTNERSHIP}.{extension}"))
    assert reply.status == 200
    assert reply.header("Content-Type") == content_type
    links = reply.header("Link")
    for other, other_type in EXTENSIONS.items():
        media_type = other_type.split(";")[0]
        alternate = f'<{atlas_server.url(f"data/{PARTNERSHIP}.{other}")}>; rel="alternate"; type="{media_type}"'
        assert (alternate in links) == (other != extension)
    assert f'<{atlas_server.url(f"page/{PARTNERSHIP}")}>; rel="alternate"; type="text/html"' in links
    graph = parse(reply, atlas_server.url(f"data/{PARTNERSHIP}.{extension}"))
    assert len(graph) > 40


def test_every_format_says_the_same(atlas_server):
    graphs = [parse(fetch(atlas_server.url(f"data/{PARTNERSHIP}.{ext}")), atlas_server.base) for ext in EXTENSIONS]
    assert all(len(g) == len(graphs[0]) for g in graphs)
    assert all(g.isomorphic(graphs[0]) for g in graphs[1:])


def test_negotiated_data_names_its_variant(atlas_server):
    reply = fetch(atlas_server.url(f"data/{KPALIME}"), headers={"Accept": "application/n-triples"})
    assert reply.status == 200
    assert media_type(reply) == "application/n-triples"
    assert "accept" in reply.vary()
    assert reply.header("Content-Location") == atlas_server.url(f"data/{KPALIME}.nt")


@pytest.mark.parametrize("accept, served", [
    ("application/json", "application/ld+json"),
    ("text/n3", "text/turtle"),
    ("text/plain, */*;q=0.1", "application/n-triples"),  # rdflib asking for N-Triples
    ("*/*", "text/turtle"),
    ("text/*;q=0.2, application/rdf+xml;q=0.1", "text/turtle"),
])
def test_broader_types_get_a_format_that_satisfies_them(atlas_server, accept, served):
    reply = fetch(atlas_server.url(f"data/{KPALIME}"), headers={"Accept": accept})
    assert reply.status == 200 and media_type(reply) == served


def test_unacceptable_accept_is_406_listing_the_formats(atlas_server):
    reply = fetch(atlas_server.url(f"data/{KPALIME}"), headers={"Accept": "image/png"})
    assert reply.status == 406
    assert "accept" in reply.vary()
    assert reply.header("Access-Control-Allow-Origin") == "*"
    for offered in ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"):
        assert offered in reply.text


def test_description_holds_incoming_links_labels_and_document_metadata(atlas_server):
    reply = fetch(atlas_server.url(f"data/{KPALIME}.ttl"))
    graph = parse(reply, atlas_server.base)
    kpalime = URIRef(atlas_server.url(f"id/{KPALIME}"))
    partnership = URIRef(atlas_server.url(f"id/{PARTNERSHIP}"))
    document = URIRef(atlas_server.url(f"data/{KPALIME}"))
    assert (partnership, ATLAS.foreignPartner, kpalime) in graph
    assert graph.value(partnership, DCTERMS.title) == Literal(
        "Développement urbain économique et social de kpalimé (final)", lang="fr")
    assert graph.value(URIRef(atlas_server.url("id/country/tg")), SKOS.prefLabel, any=True) is not None
    assert (document, FOAF.primaryTopic, kpalime) in graph
    assert (document, VOID.inDataset, URIRef(atlas_server.url("id/dataset"))) in graph
    assert graph.value(document, DCTERMS.modified) is not None
    assert (document, DCTERMS.hasFormat, URIRef(atlas_server.url(f"data/{KPALIME}.jsonld"))) in graph
    assert graph.value(document, RDFS.comment) is None  # nothing was left out


def test_partnership_description_carries_its_funding_rows(atlas_server):
    graph = parse(fetch(atlas_server.url(f"data/{PARTNERSHIP}.nt")), atlas_server.base)
    partnership = URIRef(atlas_server.url(f"id/{PARTNERSHIP}"))
    rows = list(graph.objects(partnership, ATLAS.funding))
    assert len(rows) == 6
    assert sum(graph.value(row, ATLAS.amount).toPython() for row in rows) == 114200
    funders = {graph.value(row, ATLAS.funder) for row in rows}
    assert all(graph.value(funder, SKOS.prefLabel) is not None for funder in funders)


# Caching --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [f"data/{KPALIME}.ttl", f"data/{KPALIME}", f"page/{KPALIME}"])
def test_etag_and_if_none_match(atlas_server, path):
    first = fetch(atlas_server.url(path))
    etag = first.header("ETag")
    assert first.status == 200 and etag
    again = fetch(atlas_server.url(path), headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    assert again.header("ETag") == etag
    other = fetch(atlas_server.url(path), headers={"If-None-Match": '"something-else"'})
    assert other.status == 200 and other.body == first.body


def test_etag_differs_by_format_and_entity(atlas_server):
    etags = {fetch(atlas_server.url(p)).header("ETag")
             for p in (f"data/{KPALIME}.ttl", f"data/{KPALIME}.nt", f"data/{PARTNERSHIP}.ttl", f"page/{KPALIME}")}
    assert len(etags) == 4


def test_last_modified_and_if_modified_since(atlas_server):
    first = fetch(atlas_server.url(f"data/{KPALIME}.rdf"))
    last_modified = first.header("Last-Modified")
    assert last_modified
    unchanged = fetch(atlas_server.url(f"data/{KPALIME}.rdf"), headers={"If-Modified-Since": last_modified})
    assert unchanged.status == 304 and unchanged.body == b""
    earlier = format_datetime(parsedate_to_datetime(last_modified) - timedelta(days=1), usegmt=True)
    changed = fetch(atlas_server.url(f"data/{KPALIME}.rdf"), headers={"If-Modified-Since": earlier})
    assert changed.status == 200 and changed.body == first.body


@pytest.mark.parametrize("path, accept", [(f"data/{KPALIME}.jsonld", None), (f"data/{KPALIME}", "text/turtle"),
                                          (f"page/{KPALIME}", None)])
def test_head_has_no_body_and_the_same_headers(atlas_server, path, accept):
    headers = {"Accept": accept} if accept else {}
    get = fetch(atlas_server.url(path), headers=headers)
    head = fetch(atlas_server.url(path), "HEAD", headers=headers)
    assert head.status == 200 and head.body == b""
    for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified", "Link", "Vary",
                 "Access-Control-Allow-Origin"):
        assert head.header(name) == get.header(name), name


def test_cors_preflight(atlas_server):
    reply = fetch(atlas_server.url(f"data/{KPALIME}"), "OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match"})
    assert reply.status == 204
    assert reply.header("Access-Control-Allow-Origin") == "*"
    assert "GET" in reply.header("Access-Control-Allow-Methods")
    assert "ETag" in fetch(atlas_server.url(f"data/{KPALIME}")).header("Access-Control-Expose-Headers")


# The description, without HTTP ---------------------------------------------------------------


@pytest.fixture(scope="module")
def store(atlas_server):
    return StoreDir(atlas_server.store).reader().store


def test_incoming_links_are_capped_and_the_document_says_so(atlas_server, store):
    kpalime = entity_uri(atlas_server.base, KPALIME)
    full = describe(store, kpalime, atlas_server.base)
    assert full.incoming_total >= 7 and not full.incoming_truncated
    capped = describe(store, kpalime, atlas_server.base, incoming_cap=3)
    assert len(capped.incoming) == 3 and capped.incoming_total == full.incoming_total
    assert capped.incoming_truncated
    assert set(capped.incoming) <= set(full.incoming)
    document = Document(atlas_server.url(f"data/{KPALIME}"), (), atlas_server.url("id/dataset"), None)
    comments = [t for t in document_triples(document, capped, "http://example.org/sparql")
                if t.predicate.value == str(RDFS.comment)]
    assert len(comments) == 1
    assert f"3 of the {full.incoming_total}" in comments[0].object.value


def test_describe_an_unknown_entity_is_none(atlas_server, store):
    assert describe(store, entity_uri(atlas_server.base, "country/zz"), atlas_server.base) is None
    assert entity_uri(atlas_server.base, "a b") is None


def test_the_dataset_uri_leads_to_its_void_description(atlas_server):
    see_other = fetch(atlas_server.url("id/dataset"), headers={"Accept": "text/turtle"})
    assert see_other.status == 303 and "accept" in see_other.vary()
    assert see_other.header("Location") == atlas_server.url(".well-known/void")
    void = fetch(see_other.header("Location"), headers={"Accept": "text/turtle"})
    graph = parse(void, atlas_server.base)
    assert (URIRef(atlas_server.url("id/dataset")), None, None) in graph


@pytest.mark.parametrize("path", [f"id/{KPALIME}", f"data/{KPALIME}.ttl", f"page/{KPALIME}"])
def test_no_store_is_a_503_with_a_message(tmp_path, path):
    app = create_app(AtlasConfig(store=tmp_path / "nothing-here", base_uri="http://127.0.0.1:1/"))
    reply = app.test_client().get(f"/{path}", headers={"Accept": "text/plain"})
    assert reply.status_code == 503
    assert "not an atlas-graph store" in reply.get_data(as_text=True)
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
