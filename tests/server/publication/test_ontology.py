"""/ontology: HTML documentation for browsers, the ontology itself in every RDF format."""

from __future__ import annotations

import html

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from atlas_graph.resources import ontology_graph
from support.publication_site import FORMATS, negotiated_graph

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
EXTENSIONS = {"ttl": "text/turtle", "nt": "application/n-triples", "rdf": "application/rdf+xml",
              "jsonld": "application/ld+json", "html": "text/html"}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def classes(ontology) -> set:
    found = set(ontology.subjects(RDF.type, OWL.Class))
    assert len(found) >= 5
    return found


def test_browsers_get_html_documentation_naming_every_class(site, ontology, classes):
    reply = site.get("ontology", Accept=BROWSER)
    assert reply.status == 200
    assert reply.header("Content-Type").startswith("text/html")
    page = html.unescape(reply.body.decode("utf-8"))
    for class_iri in classes:
        assert str(class_iri) in page, class_iri
        for label in ontology.objects(class_iri, RDFS.label):
            assert str(label) in page, (class_iri, label)


def test_turtle_is_the_default_for_clients_without_a_preference(site):
    for accept in ("*/*", None):
        reply = site.get("ontology", **({"Accept": accept} if accept else {}))
        assert reply.header("Content-Type").startswith("text/turtle")


@pytest.mark.parametrize("media_type", list(FORMATS))
def test_every_rdf_format_holds_the_ontology(site, ontology, classes, media_type):
    reply, served = negotiated_graph(site, "ontology", media_type)
    assert reply.header("Access-Control-Allow-Origin") == "*"
    assert set(served.subjects(RDF.type, OWL.Class)) == classes
    assert isomorphic(served, ontology)


@pytest.mark.parametrize("extension", list(EXTENSIONS))
def test_one_url_per_format(site, extension):
    reply = site.get(f"ontology.{extension}", Accept="image/png")  # the extension decides
    assert reply.status == 200
    assert reply.header("Content-Type").split(";")[0] == EXTENSIONS[extension]
    negotiated = site.get("ontology", Accept=EXTENSIONS[extension])
    assert negotiated.body == reply.body
    assert negotiated.header("Content-Location") == f"/ontology.{extension}"


def test_trailing_slash_and_format_parameter(site):
    assert site.get("ontology/", Accept="text/turtle").status == 200
    reply = site.get("ontology?format=jsonld", Accept="text/html")
    assert reply.header("Content-Type").startswith("application/ld+json")


def test_unacceptable_type_is_406_and_unknown_extension_404(site):
    reply = site.get("ontology", Accept="image/png")
    assert reply.status == 406
    assert reply.header("Vary") == "Accept"
    assert site.get("ontology.xlsx").status == 404


def test_conditional_get(site):
    etag = site.get("ontology", Accept="text/html").header("ETag")
    assert site.get("ontology", Accept="text/html", **{"If-None-Match": etag}).status == 304
