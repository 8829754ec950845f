"""/.well-known/void: the VoID description's counts are the store's and the dumps' counts."""

from __future__ import annotations

import gzip

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, VOID

from support.publication_site import FORMATS, negotiated_graph

ATLAS = Namespace("https://w3id.org/atlas-coop/ontology#")


@pytest.fixture(scope="module")
def void(site) -> Graph:
    reply = site.get(".well-known/void")
    assert reply.status == 200
    assert reply.header("Content-Type").startswith("text/turtle")  # the default
    return Graph().parse(data=reply.body, format="turtle")


@pytest.fixture(scope="module")
def dataset(site) -> URIRef:
    return URIRef(site.url + "id/dataset")


def count(graph: Graph, subject, predicate) -> int:
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return int(values[0])


def test_the_dataset_is_a_void_dataset(void, dataset):
    assert (dataset, RDF.type, VOID.Dataset) in void


def test_triples_is_the_dumps_line_count_and_the_stores_distinct_triples(site, void, dataset):
    lines = gzip.decompress(site.get("dumps/atlas.nt.gz").body).count(b"\n")
    assert count(void, dataset, VOID.triples) == lines == len(site.store_triples())


def test_distinct_subjects_objects_and_entities_match_the_store(site, void, dataset):
    triples = site.store_triples()
    assert count(void, dataset, VOID.distinctSubjects) == len({t.subject for t in triples})
    assert count(void, dataset, VOID.distinctObjects) == len({t.object for t in triples})
    iri_subjects = {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}
    assert count(void, dataset, VOID.entities) == len(iri_subjects)


def partitions(void: Graph, dataset, link, key, value) -> dict[URIRef, int]:
    result = {}
    for partition in void.objects(dataset, link):
        result[void.value(partition, key)] = int(void.value(partition, value))
    return result


def test_class_partitions_count_the_instances(site, void, dataset):
    classes = partitions(void, dataset, VOID.classPartition, VOID["class"], VOID.entities)
    partnerships = {t.subject for t in site.store_triples()
                    if t.predicate.value == str(RDF.type) and t.object.value == str(ATLAS.Partnership)}
    assert classes[ATLAS.Partnership] == len(partnerships) == site.stats()["partnerships"] > 1
    assert count(void, dataset, VOID.classes) == len(classes)
    assert classes[ATLAS.Collectivity] == classes[ATLAS.FrenchCollectivity] + classes[ATLAS.ForeignCollectivity]


def test_property_partitions_add_up_to_the_triples(void, dataset):
    properties = partitions(void, dataset, VOID.propertyPartition, VOID.property, VOID.triples)
    assert sum(properties.values()) == count(void, dataset, VOID.triples)
    assert count(void, dataset, VOID.properties) == len(properties)
    assert properties[ATLAS.funding] == count_class(void, dataset, ATLAS.Funding)


def count_class(void: Graph, dataset, class_iri) -> int:
    return partitions(void, dataset, VOID.classPartition, VOID["class"], VOID.entities)[class_iri]


def test_access_points(site, void, dataset):
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(site.url + "sparql")
    assert void.value(dataset, VOID.uriSpace) == Literal(site.url + "id/")
    dumps = set(void.objects(dataset, VOID.dataDump))
    assert dumps == {URIRef(site.url + f"dumps/atlas.{ext}.gz") for ext in ("nt", "ttl", "nq")}
    for dump in dumps:
        assert site.get(str(dump), method="HEAD").status == 200


def test_example_resources_are_in_the_data_and_dereferenceable_uris(site, void, dataset):
    examples = list(void.objects(dataset, VOID.exampleResource))
    assert examples
    subjects = {t.subject.value for t in site.store_triples()}
    for example in examples:
        assert str(example) in subjects and str(example).startswith(site.url + "id/")


def test_vocabularies_titles_licence_modified(void, dataset):
    vocabularies = set(void.objects(dataset, VOID.vocabulary))
    assert {URIRef(str(ATLAS)), URIRef("http://www.w3.org/2004/02/skos/core#"),
            URIRef("http://www.w3.org/ns/org#"), URIRef("http://purl.org/dc/terms/")} <= vocabularies
    assert {title.language for title in void.objects(dataset, DCTERMS.title)} == {"fr", "en"}
    assert void.value(dataset, DCTERMS.license) is not None
    assert void.value(dataset, DCTERMS.modified).datatype == URIRef("http://www.w3.org/2001/XMLSchema#dateTime")


@pytest.mark.parametrize("media_type", list(FORMATS))
def test_every_format_says_the_same(site, void, media_type):
    reply, served = negotiated_graph(site, ".well-known/void", media_type)
    assert reply.header("Access-Control-Allow-Origin") == "*"
    assert isomorphic(served, void)


def test_unacceptable_type_is_406(site):
    reply = site.get(".well-known/void", Accept="image/png")
    assert reply.status == 406
    assert b"text/turtle" in reply.body
