"""The VoID description of the dataset: the statistics of a store generation as RDF.

Pure: the generation's stats (see :mod:`atlas_graph.store.stats`) and where it is published in, an
rdflib graph out; serialising it is the HTTP route's job.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, VOID, XSD

from atlas_graph.publication.dataset_info import DESCRIPTION, DUMP_FORMATS, LICENCE, TITLE, VOCABULARIES, Site
from atlas_graph.vocabulary import ATLAS


def build_void(stats: dict, site: Site) -> Graph:
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("atlas", ATLAS)
    dataset = site.dataset

    graph.add((site.void, RDF.type, VOID.DatasetDescription))
    graph.add((site.void, FOAF.primaryTopic, dataset))
    graph.add((site.void, DCTERMS.title, Literal("Description VoID du jeu de données", lang="fr")))
    graph.add((site.void, DCTERMS.title, Literal("VoID description of the dataset", lang="en")))

    graph.add((dataset, RDF.type, VOID.Dataset))
    for lang, text in TITLE.items():
        graph.add((dataset, DCTERMS.title, Literal(text, lang=lang)))
    for lang, text in DESCRIPTION.items():
        graph.add((dataset, DCTERMS.description, Literal(text, lang=lang)))
    graph.add((dataset, DCTERMS.license, LICENCE))
    if "modified" in stats:
        graph.add((dataset, DCTERMS.modified, Literal(stats["modified"], datatype=XSD.dateTime)))
    graph.add((dataset, VOID.sparqlEndpoint, site.endpoint))
    graph.add((dataset, VOID.uriSpace, Literal(site.uri_space)))
    for dump in stats.get("dumps", []):
        graph.add((dataset, VOID.dataDump, site.dump(dump["name"])))
        if dump["name"] in DUMP_FORMATS:
            graph.add((dataset, VOID.feature, DUMP_FORMATS[dump["name"]][1]))
    for example in stats.get("examples", []):
        graph.add((dataset, VOID.exampleResource, URIRef(example)))

    for key, term in (("triples", VOID.triples), ("entities", VOID.entities),
                      ("distinct_subjects", VOID.distinctSubjects), ("distinct_objects", VOID.distinctObjects)):
        if key in stats:
            graph.add((dataset, term, _count(stats[key])))
    classes = stats.get("classes", {})
    properties = stats.get("properties", {})
    graph.add((dataset, VOID.classes, _count(len(classes))))
    graph.add((dataset, VOID.properties, _count(len(properties))))

    for vocabulary in _vocabularies_used([*classes, *properties]):
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for index, (class_iri, entities) in enumerate(sorted(classes.items()), 1):
        partition = BNode(f"class{index}")
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(class_iri)))
        graph.add((partition, VOID.entities, _count(entities)))
    for index, (property_iri, triples) in enumerate(sorted(properties.items()), 1):
        partition = BNode(f"property{index}")
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, URIRef(property_iri)))
        graph.add((partition, VOID.triples, _count(triples)))
    return graph


def _count(value: int) -> Literal:
    return Literal(int(value), datatype=XSD.integer)


def _vocabularies_used(terms: list[str]) -> list[str]:
    return [namespace for namespace in VOCABULARIES if any(term.startswith(namespace) for term in terms)]
