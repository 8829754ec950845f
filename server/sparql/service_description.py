"""The SPARQL 1.1 Service Description of the endpoint (what ``GET /sparql`` answers).

:func:`build_service_description` is plain data in, an rdflib graph out, so other code (the
VoID or DCAT routes, a static dump) can call it too.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID

from atlas_graph.formats import RESULTS_FORMATS, SERVED_SERIALIZATIONS, W3C_FORMATS

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace(W3C_FORMATS)
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")

#: How many named graphs the description lists at most; the rest are only counted.
MAX_LISTED_GRAPHS = 1000

#: What the endpoint writes results in: SELECT and ASK results, then CONSTRUCT and DESCRIBE graphs.
RESULT_FORMATS = tuple(f.w3c_name for f in (*RESULTS_FORMATS, *SERVED_SERIALIZATIONS))


def build_service_description(
    endpoint_url: str,
    *,
    base_uri: str,
    named_graphs: Iterable[str],
    update_enabled: bool,
    max_listed_graphs: int = MAX_LISTED_GRAPHS,
) -> Graph:
    """Describe the endpoint at ``endpoint_url`` serving the store whose graphs are ``named_graphs``.

    The dataset links to its VoID description (``{base_uri}.well-known/void``) with
    ``rdfs:seeAlso``, as SPARQL endpoints commonly do, and is also typed ``void:Dataset``.
    """
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    graph.bind("void", VOID)
    graph.bind("dct", DCTERMS)

    service = URIRef(endpoint_url + "#service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint_url)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if update_enabled:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for name in RESULT_FORMATS:
        graph.add((service, SD.resultFormat, FORMATS[name]))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    graph.add((service, DCTERMS.title, Literal("atlas-graph SPARQL endpoint", lang="en")))

    void_description = URIRef(base_uri + ".well-known/void")
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDFS.seeAlso, void_description))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint_url)))

    default_graph = BNode("defaultGraph")
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, RDFS.comment, Literal("The union of all the named graphs.", lang="en")))

    names = sorted(named_graphs)
    for name in names[:max_listed_graphs]:
        named_graph = BNode()
        graph.add((dataset, SD.namedGraph, named_graph))
        graph.add((named_graph, RDF.type, SD.NamedGraph))
        graph.add((named_graph, SD.name, URIRef(name)))
    if len(names) > max_listed_graphs:
        graph.add((dataset, RDFS.comment, Literal(
            f"Lists the first {max_listed_graphs} of the {len(names)} named graphs, in IRI order; "
            f"query SELECT DISTINCT ?g {{ GRAPH ?g {{}} }} for all of them.", lang="en")))
    return graph
