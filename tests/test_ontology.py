"""The ontology: every term of the contract, described in French and English, and renderable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from atlas_graph.resources import ontology_graph, ontology_html
from atlas_graph.vocabulary import ONTOLOGY_IRI

ATLAS = Namespace("https://w3id.org/atlas-coop/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
VANN = Namespace("http://purl.org/vocab/vann/")
DCT = Namespace("http://purl.org/dc/terms/")

CONTRACT_CLASSES = {"Partnership", "Collectivity", "FrenchCollectivity", "ForeignCollectivity",
                    "Country", "Funding"}
CONTRACT_OBJECT_PROPERTIES = {"status", "form", "theme", "otherTheme", "foreignPartner",
                              "frenchPartner", "otherFrenchPartner", "funding", "funder",
                              "country", "contact", "volunteer", "department", "region"}
CONTRACT_DATATYPE_PROPERTIES = {"signatureYear", "startYear", "endDate", "context", "history",
                                "objective", "triennial", "amount", "waterAmount", "year",
                                "isoCode", "synthetic", "inseeCode", "siren"}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


def atlas_terms_in(path: Path) -> set[str]:
    return set(re.findall(r"`atlas:([A-Za-z]+)`", path.read_text(encoding="utf-8")))


def test_every_atlas_term_of_the_contract_is_defined(ontology: Graph, shared: Path) -> None:
    contract_terms = atlas_terms_in(shared / "CONTRACT.md")
    assert contract_terms  # the contract names its terms in backquotes
    defined = {str(s).removeprefix(str(ATLAS)) for s in ontology.subjects()
               if str(s).startswith(str(ATLAS))}
    assert contract_terms <= defined, contract_terms - defined
    assert CONTRACT_CLASSES | CONTRACT_OBJECT_PROPERTIES | CONTRACT_DATATYPE_PROPERTIES <= defined


def test_terms_have_their_owl_kind(ontology: Graph) -> None:
    for name in CONTRACT_CLASSES:
        assert (ATLAS[name], RDF.type, OWL.Class) in ontology, name
    for name in CONTRACT_OBJECT_PROPERTIES:
        assert (ATLAS[name], RDF.type, OWL.ObjectProperty) in ontology, name
    for name in CONTRACT_DATATYPE_PROPERTIES:
        assert (ATLAS[name], RDF.type, OWL.DatatypeProperty) in ontology, name


def test_every_term_is_labelled_and_defined_in_french_and_english(ontology: Graph) -> None:
    for term in CONTRACT_CLASSES | CONTRACT_OBJECT_PROPERTIES | CONTRACT_DATATYPE_PROPERTIES:
        for predicate in (RDFS.label, RDFS.comment):
            languages = {o.language for o in ontology.objects(ATLAS[term], predicate)}
            assert {"fr", "en"} <= languages, (term, predicate, languages)


def test_every_property_has_a_domain_and_a_range(ontology: Graph) -> None:
    for name in CONTRACT_OBJECT_PROPERTIES | CONTRACT_DATATYPE_PROPERTIES:
        assert ontology.value(ATLAS[name], RDFS.domain) is not None, name
        assert ontology.value(ATLAS[name], RDFS.range) is not None, name


@pytest.mark.parametrize("subject, predicate, obj", [
    (ATLAS.Collectivity, RDFS.subClassOf, ORG.Organization),
    (ATLAS.FrenchCollectivity, RDFS.subClassOf, ATLAS.Collectivity),
    (ATLAS.ForeignCollectivity, RDFS.subClassOf, ATLAS.Collectivity),
    (ATLAS.foreignPartner, RDFS.range, ATLAS.ForeignCollectivity),
    (ATLAS.frenchPartner, RDFS.range, ATLAS.FrenchCollectivity),
    (ATLAS.funder, RDFS.range, ORG.Organization),
    (ATLAS.funding, RDFS.range, ATLAS.Funding),
    (ATLAS.country, RDFS.range, ATLAS.Country),
    (ATLAS.status, RDFS.range, SKOS.Concept),
    (ATLAS.endDate, RDFS.range, URIRef("http://www.w3.org/2001/XMLSchema#date")),
    (ATLAS.signatureYear, RDFS.range, URIRef("http://www.w3.org/2001/XMLSchema#gYear")),
    (ATLAS.amount, RDFS.range, URIRef("http://www.w3.org/2001/XMLSchema#decimal")),
])
def test_contract_domains_ranges_and_hierarchy(ontology: Graph, subject, predicate, obj) -> None:
    assert (subject, predicate, obj) in ontology


def test_ontology_metadata(ontology: Graph) -> None:
    ont = URIRef(ONTOLOGY_IRI)
    assert (ont, RDF.type, OWL.Ontology) in ontology
    for predicate in (DCT.title, DCT.description):
        assert {o.language for o in ontology.objects(ont, predicate)} >= {"fr", "en"}
    assert ontology.value(ont, DCT.license) is not None
    assert ontology.value(ont, OWL.versionInfo) is not None
    assert str(ontology.value(ont, VANN.preferredNamespacePrefix)) == "atlas"
    assert str(ontology.value(ont, VANN.preferredNamespaceUri)) == str(ATLAS)


def test_pylode_documents_every_class_and_property(ontology: Graph) -> None:
    html = ontology_html()
    assert html.lstrip().lower().startswith("<!doctype html>")
    for term in CONTRACT_CLASSES | CONTRACT_OBJECT_PROPERTIES | CONTRACT_DATATYPE_PROPERTIES:
        assert str(ATLAS[term]) in html, term
    for name in CONTRACT_CLASSES:
        english = next(o for o in ontology.objects(ATLAS[name], RDFS.label) if o.language == "en")
        assert str(english) in html, english
