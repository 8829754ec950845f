"""The VoID description of the dataset: the statistics of a store generation as RDF.

Pure: the generation's stats (see :mod:`atlas_graph.store.stats`) and where it is published in, an
rdflib graph out; serialising it is the HTTP route's job.

The links to the authorities are one ``void:Linkset`` per authority (a subset of the dataset),
with the link predicates and the number of link triples of the generation
(:data:`atlas_graph.store.stats.LINK_PREDICATES`), and as its ``void:objectsTarget`` the
authority: its licence, its home page, and the package and version the links came from.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD

from atlas_graph.publication.dataset_info import (
    AUTHORITIES,
    DESCRIPTION,
    DUMP_FORMATS,
    LICENCE,
    TITLE,
    VOCABULARIES,
    Site,
    authority_versions,
)
from atlas_graph.vocabulary import ATLAS

LINKSET_TITLE = {
    "fr": "Liens vers {}",
    "en": "Links to {}",
}


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
    _add_linksets(graph, stats, site)
    return graph


def _add_linksets(graph: Graph, stats: dict, site: Site) -> None:
    versions = authority_versions(stats.get("link_authorities", {}))
    for key, by_predicate in sorted(stats.get("links", {}).items()):
        if key not in versions and not any(by_predicate.values()):
            continue  # a generation loaded without linking has no linkset
        authority = AUTHORITIES[key]
        linkset, target = site.linkset(key), site.authority(key)
        graph.add((site.dataset, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        for lang, text in LINKSET_TITLE.items():
            graph.add((linkset, DCTERMS.title, Literal(text.format(authority.title[lang]), lang=lang)))
        graph.add((linkset, VOID.subjectsTarget, site.dataset))
        graph.add((linkset, VOID.objectsTarget, target))
        for predicate in sorted(by_predicate):
            graph.add((linkset, VOID.linkPredicate, URIRef(predicate)))
        graph.add((linkset, VOID.triples, _count(sum(by_predicate.values()))))
        if len(by_predicate) > 1:  # one subset per predicate, each with its count
            for predicate, triples in sorted(by_predicate.items()):
                subset = BNode(f"linkset-{key}-{predicate.rsplit('#', 1)[-1].rsplit('/', 1)[-1]}")
                graph.add((linkset, VOID.subset, subset))
                graph.add((subset, RDF.type, VOID.Linkset))
                graph.add((subset, VOID.subjectsTarget, site.dataset))
                graph.add((subset, VOID.objectsTarget, target))
                graph.add((subset, VOID.linkPredicate, URIRef(predicate)))
                graph.add((subset, VOID.triples, _count(triples)))

        graph.add((target, RDF.type, VOID.Dataset))
        for lang, text in authority.title.items():
            graph.add((target, DCTERMS.title, Literal(text, lang=lang)))
        graph.add((target, FOAF.homepage, authority.homepage))
        graph.add((target, DCTERMS.license, authority.licence))
        for lang, text in authority.rights.items():
            graph.add((target, DCTERMS.rights, Literal(text, lang=lang)))
        if authority.uri_space:
            graph.add((target, VOID.uriSpace, Literal(authority.uri_space)))
        graph.add((target, DCTERMS.source, authority.source))
        version = versions.get(key)
        if version is not None:  # the release of the package the links of this generation came from
            graph.add((target, OWL.versionInfo, Literal(f"{version.package} {version.version}")))
            graph.add((target, RDFS.comment, Literal(f"Links computed offline from {version}.", lang="en")))


def _count(value: int) -> Literal:
    return Literal(int(value), datatype=XSD.integer)


def _vocabularies_used(terms: list[str]) -> list[str]:
    return [namespace for namespace in VOCABULARIES if any(term.startswith(namespace) for term in terms)]
