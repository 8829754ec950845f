"""The data model's valid example (tests/data/valid.ttl), the nodes it names, and
:data:`BROKEN`: ways to break it once, each with the focus node and the path a report must name."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS

from support.paths import TEST_DATA

ATLAS = Namespace("https://w3id.org/atlas-coop/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
B = Namespace("http://localhost:8000/")
DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")
RECORD_ID = "000_907021ef8160d5c3"
PARTNERSHIP = B[f"id/partnership/{RECORD_ID}"]
FUNDING_1 = B[f"id/partnership/{RECORD_ID}/funding/1"]
BRESSUIRE = B["id/collectivity/fr/bressuire"]
KPALIME = B["id/collectivity/tg/kpalime"]
TOGO = B["id/country/tg"]
SANTE = B["id/theme/education-social-et-recherche/sante"]


def valid_graph() -> Graph:
    return Graph().parse(TEST_DATA / "valid.ttl")


def without(graph: Graph, s=None, p=None, o=None) -> Graph:
    graph.remove((s, p, o))
    return graph


def replaced(graph: Graph, s, p, o) -> Graph:
    graph.set((s, p, o))
    return graph


def added(graph: Graph, s, p, o) -> Graph:
    graph.add((s, p, o))
    return graph


def gyear(text: str) -> Literal:
    return Literal(text, datatype=GYEAR)


BROKEN = {
    "no title": (lambda g: without(g, PARTNERSHIP, DCTERMS.title), PARTNERSHIP, DCTERMS.title),
    "English title": (lambda g: replaced(g, PARTNERSHIP, DCTERMS.title, Literal("Urban", lang="en")),
                      PARTNERSHIP, DCTERMS.title),
    "plain title": (lambda g: replaced(g, PARTNERSHIP, DCTERMS.title, Literal("Titre")),
                    PARTNERSHIP, DCTERMS.title),
    "two-digit year": (lambda g: replaced(g, PARTNERSHIP, ATLAS.signatureYear, gyear("91")),
                       PARTNERSHIP, ATLAS.signatureYear),
    "year as integer": (lambda g: replaced(g, PARTNERSHIP, ATLAS.startYear, Literal(1991)),
                        PARTNERSHIP, ATLAS.startYear),
    "end date as text": (lambda g: replaced(g, PARTNERSHIP, ATLAS.endDate, Literal("15/09/2015")),
                         PARTNERSHIP, ATLAS.endDate),
    "status not a concept": (lambda g: replaced(g, PARTNERSHIP, ATLAS.status, Literal("En cours")),
                             PARTNERSHIP, ATLAS.status),
    "theme in the status scheme": (lambda g: replaced(g, PARTNERSHIP, ATLAS.theme, B["id/status/en-cours"]),
                                   PARTNERSHIP, ATLAS.theme),
    "triennial missing": (lambda g: without(g, PARTNERSHIP, ATLAS.triennial),
                          PARTNERSHIP, ATLAS.triennial),
    "triennial as text": (lambda g: replaced(g, PARTNERSHIP, ATLAS.triennial, Literal("oui")),
                          PARTNERSHIP, ATLAS.triennial),
    "two contexts": (lambda g: added(g, PARTNERSHIP, ATLAS.context, Literal("encore", lang="fr")),
                     PARTNERSHIP, ATLAS.context),
    "no source": (lambda g: without(g, PARTNERSHIP, PROV.wasDerivedFrom),
                  PARTNERSHIP, PROV.wasDerivedFrom),
    "foreign partner that is French": (lambda g: replaced(g, PARTNERSHIP, ATLAS.foreignPartner, BRESSUIRE),
                                       PARTNERSHIP, ATLAS.foreignPartner),
    "contact as text": (lambda g: added(g, PARTNERSHIP, ATLAS.contact, Literal("M. X")),
                        PARTNERSHIP, ATLAS.contact),
    "negative amount": (lambda g: replaced(g, FUNDING_1, ATLAS.amount, Literal("-1", datatype=DECIMAL)),
                        FUNDING_1, ATLAS.amount),
    "negative water amount": (lambda g: added(g, FUNDING_1, ATLAS.waterAmount, Literal("-1", datatype=DECIMAL)),
                              FUNDING_1, ATLAS.waterAmount),
    "no funder": (lambda g: without(g, FUNDING_1, ATLAS.funder), FUNDING_1, ATLAS.funder),
    "funder that is a concept": (lambda g: replaced(g, FUNDING_1, ATLAS.funder, SANTE),
                                 FUNDING_1, ATLAS.funder),
    "two-digit funding year": (lambda g: replaced(g, FUNDING_1, ATLAS.year, gyear("10")),
                               FUNDING_1, ATLAS.year),
    "French collectivity in Togo": (lambda g: replaced(g, BRESSUIRE, ATLAS.country, TOGO),
                                    BRESSUIRE, ATLAS.country),
    "collectivity without a country": (lambda g: without(g, KPALIME, ATLAS.country),
                                       KPALIME, ATLAS.country),
    "collectivity with two names": (lambda g: added(g, KPALIME, SKOS.prefLabel, Literal("Kpalime", lang="fr")),
                                    KPALIME, SKOS.prefLabel),
    "collectivity not typed org:Organization": (lambda g: without(g, KPALIME, RDF.type, ORG.Organization),
                                                KPALIME, RDF.type),
    "lower-case ISO code": (lambda g: replaced(g, TOGO, ATLAS.isoCode, Literal("tg")), TOGO, ATLAS.isoCode),
    "exactMatch elsewhere": (lambda g: replaced(g, TOGO, SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q945")),
                             TOGO, SKOS.exactMatch),
    "country named only in English": (lambda g: without(g, TOGO, SKOS.prefLabel, Literal("Togo", lang="fr")),
                                      TOGO, SKOS.prefLabel),
    "concept in no scheme": (lambda g: without(g, SANTE, SKOS.inScheme), SANTE, SKOS.inScheme),
    "concept with two parents": (lambda g: added(g, SANTE, SKOS.broader, B["id/status/en-cours"]),
                                 SANTE, SKOS.broader),
}
