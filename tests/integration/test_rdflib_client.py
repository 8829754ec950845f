"""rdflib as a plain linked-data client: parse an entity's URI, follow the 303, get its data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

ATLAS = Namespace("https://w3id.org/atlas-coop/ontology#")
PARTNERSHIP = "partnership/000_907021ef8160d5c3"


@pytest.fixture(scope="module")
def uri(atlas_server):
    return lambda path: URIRef(atlas_server.url(f"id/{path}"))


def test_collectivity_with_the_partnership_that_links_to_it(uri):
    kpalime = uri("collectivity/tg/kpalime")
    graph = Graph().parse(str(kpalime))
    assert (kpalime, RDF.type, ATLAS.ForeignCollectivity) in graph
    assert (kpalime, SKOS.prefLabel, Literal("Kpalimé", lang="fr")) in graph
    assert (kpalime, ATLAS.country, uri("country/tg")) in graph
    assert (uri(PARTNERSHIP), ATLAS.foreignPartner, kpalime) in graph
    assert (uri(PARTNERSHIP), DCTERMS.title,
            Literal("Développement urbain économique et social de kpalimé (final)", lang="fr")) in graph


def test_partnership_with_its_funding_amounts(uri):
    partnership = uri(PARTNERSHIP)
    graph = Graph().parse(str(partnership))
    rows = set(graph.objects(partnership, ATLAS.funding))
    assert rows == {uri(f"{PARTNERSHIP}/funding/{n}") for n in range(1, 7)}
    amounts = [graph.value(row, ATLAS.amount).toPython() for row in rows]
    assert sum(amounts) == Decimal(114200)
    bressuire = uri("collectivity/fr/bressuire")
    assert (uri(f"{PARTNERSHIP}/funding/1"), ATLAS.funder, bressuire) in graph
    assert (bressuire, SKOS.prefLabel, Literal("Bressuire", lang="fr")) in graph


def test_country_with_its_collectivities(uri):
    togo = uri("country/tg")
    graph = Graph().parse(str(togo))
    assert graph.value(togo, ATLAS.isoCode) == Literal("TG")
    collectivities = set(graph.subjects(ATLAS.country, togo))
    assert uri("collectivity/tg/kpalime") in collectivities
    assert all(graph.value(c, SKOS.prefLabel) is not None for c in collectivities)


@pytest.mark.parametrize("fmt", ["json-ld", "xml", "turtle", "nt"])
def test_each_format_a_client_asks_for(uri, fmt):
    kpalime = uri("collectivity/tg/kpalime")
    graph = Graph().parse(str(kpalime), format=fmt)
    assert (uri(PARTNERSHIP), ATLAS.foreignPartner, kpalime) in graph
