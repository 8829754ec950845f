"""The data model's valid example (tests/data/valid.ttl), the nodes it names, and
:data:`BROKEN`: ways to break it once, each with the focus node and the path a report must name;
:data:`MALFORMED_LINKS`: the malformed link values among them, with the one message each gets."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS

from support.paths import TEST_DATA

ATLAS = Namespace("https://w3id.org/atlas-coop/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
WGS84 = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
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
POITOU_CHARENTES = B["id/organization/region-poitou-charentes"]
DEUX_SEVRES = B["id/department/79"]
NOUVELLE_AQUITAINE = B["id/region/75"]
KPALIME_POINT = B["id/collectivity/tg/kpalime/geometry"]
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


def decimal(text: str) -> Literal:
    return Literal(text, datatype=DECIMAL)


def wkt(text: str) -> Literal:
    return Literal(text, datatype=GEO.wktLiteral)


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


INSEE_CODE = ("An INSEE code is at most one well-formed code of the Code officiel géographique: a commune's, "
              "five characters (\"79049\", \"2A004\", \"97411\"), a département's (\"79\", \"2A\", \"971\") "
              "or a région's (\"75\").")
DEPARTMENT_CODE = ("A département has a département's INSEE code: two digits (\"79\"), 2A, 2B, or three digits "
                   "overseas (\"971\").")
REGION_CODE = ("A région has a région's INSEE code: two digits (\"75\"), or three for an overseas collectivity "
               "that is its own région (\"975\").")
SIREN = "A SIREN is at most one number of nine digits (\"217900497\")."
LATITUDE = "The latitude is at most one xsd:decimal from -90 to 90 (WGS 84 degrees)."
LONGITUDE = "The longitude is at most one xsd:decimal from -180 to 180 (WGS 84 degrees)."
POINT = ("A geometry has exactly one WKT point \"POINT(longitude latitude)\" (geo:wktLiteral, longitude "
         "from -180 to 180, latitude from -90 to 90).")
GEONAMES = ("A local authority matches at most one GeoNames feature, a URI "
            "https://sws.geonames.org/{geonameid}/.")
DEPARTMENT_LINK = ("The département is at most one node …/id/department/{lower-case INSEE code}, "
                   "an atlas:FrenchCollectivity.")
COUNTRY_MATCH = ("A country matches an entry of the EU Publications Office country table or a GeoNames country "
                 "(https://sws.geonames.org/{geonameid}/).")

# Each: how to break the valid example once, the focus node, the path, and the English message
# of the one violation it gives.
MALFORMED_LINKS = {
    "commune code of four digits": (lambda g: replaced(g, BRESSUIRE, ATLAS.inseeCode, Literal("7904")),
                                    BRESSUIRE, ATLAS.inseeCode, INSEE_CODE),
    "commune code in no département": (lambda g: replaced(g, BRESSUIRE, ATLAS.inseeCode, Literal("2C049")),
                                       BRESSUIRE, ATLAS.inseeCode, INSEE_CODE),
    "commune code overseas past 98": (lambda g: replaced(g, BRESSUIRE, ATLAS.inseeCode, Literal("99101")),
                                      BRESSUIRE, ATLAS.inseeCode, INSEE_CODE),
    "commune code as an integer": (lambda g: replaced(g, BRESSUIRE, ATLAS.inseeCode, Literal(79049)),
                                   BRESSUIRE, ATLAS.inseeCode, INSEE_CODE),
    "two commune codes": (lambda g: added(g, BRESSUIRE, ATLAS.inseeCode, Literal("79050")),
                          BRESSUIRE, ATLAS.inseeCode, INSEE_CODE),
    "département node with a commune's code": (
        lambda g: replaced(g, DEUX_SEVRES, ATLAS.inseeCode, Literal("79049")),
        DEUX_SEVRES, ATLAS.inseeCode, DEPARTMENT_CODE),
    "département node coded 20": (lambda g: replaced(g, DEUX_SEVRES, ATLAS.inseeCode, Literal("20")),
                                  DEUX_SEVRES, ATLAS.inseeCode, DEPARTMENT_CODE),
    "département node without a code": (lambda g: without(g, DEUX_SEVRES, ATLAS.inseeCode),
                                        DEUX_SEVRES, ATLAS.inseeCode, DEPARTMENT_CODE),
    "région node with a département's code": (
        lambda g: replaced(g, NOUVELLE_AQUITAINE, ATLAS.inseeCode, Literal("2A")),
        NOUVELLE_AQUITAINE, ATLAS.inseeCode, REGION_CODE),
    "former région with a département's code": (
        lambda g: replaced(g, POITOU_CHARENTES, ATLAS.inseeCode, Literal("971")),
        POITOU_CHARENTES, ATLAS.inseeCode, REGION_CODE),
    "SIREN of eight digits": (lambda g: replaced(g, BRESSUIRE, ATLAS.siren, Literal("21790049")),
                              BRESSUIRE, ATLAS.siren, SIREN),
    "SIREN with a letter": (lambda g: replaced(g, BRESSUIRE, ATLAS.siren, Literal("21790049A")),
                            BRESSUIRE, ATLAS.siren, SIREN),
    "SIREN with spaces": (lambda g: replaced(g, BRESSUIRE, ATLAS.siren, Literal("217 900 497")),
                          BRESSUIRE, ATLAS.siren, SIREN),
    "latitude above 90": (lambda g: replaced(g, KPALIME, WGS84.lat, decimal("90.5")),
                          KPALIME, WGS84.lat, LATITUDE),
    "latitude below -90": (lambda g: replaced(g, KPALIME, WGS84.lat, decimal("-91")),
                           KPALIME, WGS84.lat, LATITUDE),
    "latitude as text": (lambda g: replaced(g, KPALIME, WGS84.lat, Literal("6.9")),
                         KPALIME, WGS84.lat, LATITUDE),
    "longitude above 180": (lambda g: replaced(g, KPALIME, WGS84.long, decimal("180.1")),
                            KPALIME, WGS84.long, LONGITUDE),
    "longitude below -180": (lambda g: replaced(g, KPALIME, WGS84.long, decimal("-200")),
                             KPALIME, WGS84.long, LONGITUDE),
    "longitude as text": (lambda g: replaced(g, KPALIME, WGS84.long, Literal("0° 38′ E")),
                          KPALIME, WGS84.long, LONGITUDE),
    "WKT with one number": (lambda g: replaced(g, KPALIME_POINT, GEO.asWKT, wkt("POINT(0.63333)")),
                            KPALIME_POINT, GEO.asWKT, POINT),
    "WKT with a comma": (lambda g: replaced(g, KPALIME_POINT, GEO.asWKT, wkt("POINT(0.63333, 6.9)")),
                         KPALIME_POINT, GEO.asWKT, POINT),
    "WKT that is a line": (lambda g: replaced(g, KPALIME_POINT, GEO.asWKT, wkt("LINESTRING(0 0, 1 1)")),
                           KPALIME_POINT, GEO.asWKT, POINT),
    "WKT latitude out of range": (lambda g: replaced(g, KPALIME_POINT, GEO.asWKT, wkt("POINT(0.63333 96.9)")),
                                  KPALIME_POINT, GEO.asWKT, POINT),
    "WKT as a plain string": (lambda g: replaced(g, KPALIME_POINT, GEO.asWKT, Literal("POINT(0.63333 6.9)")),
                              KPALIME_POINT, GEO.asWKT, POINT),
    "no WKT": (lambda g: without(g, KPALIME_POINT, GEO.asWKT), KPALIME_POINT, GEO.asWKT, POINT),
    "GeoNames over http": (lambda g: replaced(g, KPALIME, SKOS.exactMatch, URIRef("http://sws.geonames.org/2365560/")),
                           KPALIME, SKOS.exactMatch, GEONAMES),
    "GeoNames without the final slash": (
        lambda g: replaced(g, KPALIME, SKOS.exactMatch, URIRef("https://sws.geonames.org/2365560")),
        KPALIME, SKOS.exactMatch, GEONAMES),
    "GeoNames page, not feature": (
        lambda g: replaced(g, KPALIME, SKOS.exactMatch, URIRef("https://www.geonames.org/2365560/")),
        KPALIME, SKOS.exactMatch, GEONAMES),
    "GeoNames id as text": (lambda g: replaced(g, KPALIME, SKOS.exactMatch, Literal("2365560")),
                            KPALIME, SKOS.exactMatch, GEONAMES),
    "two GeoNames features": (lambda g: added(g, KPALIME, SKOS.exactMatch, URIRef("https://sws.geonames.org/2365561/")),
                              KPALIME, SKOS.exactMatch, GEONAMES),
    "département link to a région": (lambda g: replaced(g, BRESSUIRE, ATLAS.department, NOUVELLE_AQUITAINE),
                                     BRESSUIRE, ATLAS.department, DEPARTMENT_LINK),
    "country GeoNames id that is a code": (
        lambda g: added(g, TOGO, SKOS.exactMatch, URIRef("https://sws.geonames.org/TG/")),
        TOGO, SKOS.exactMatch, COUNTRY_MATCH),
}
BROKEN.update({name: (break_it, focus, path) for name, (break_it, focus, path, _) in MALFORMED_LINKS.items()})
