"""The example queries that follow the links to the COG (issue 12): "funding by French région" and
"partnerships per département" return, on the linked test server, the rows computed here
from plain triple patterns over the same endpoint."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from urllib.parse import quote

import pytest

from atlas_graph.server.sparql.examples import EXAMPLES
from support.http_fetch import fetch

BY_KEY = {example.key: example for example in EXAMPLES}
PREFIXES = ("PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")
PARTNER = "{ ?p atlas:frenchPartner ?c } UNION { ?p atlas:otherFrenchPartner ?c }"


def rows(atlas_server, query: str) -> list[dict[str, str]]:
    reply = fetch(atlas_server.url(f"sparql?query={quote(query)}"),
                  headers={"Accept": "application/sparql-results+json"})
    assert reply.status == 200, reply.text[:300]
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(reply.text)["results"]["bindings"]]


@pytest.fixture(scope="module")
def nodes(atlas_server) -> dict[str, tuple[str, str]]:
    """Every département and région node: its IRI → (name, code)."""
    return {row["n"]: (row["name"], row["code"]) for row in rows(atlas_server, PREFIXES + """
        SELECT ?n ?name ?code WHERE {
          ?x atlas:department|atlas:region ?n . ?n atlas:inseeCode ?code ; skos:prefLabel ?name }""")}


def test_both_examples_are_offered_in_french_and_english():
    assert BY_KEY["funding-by-french-region"].fr == "Montants des financements par région française"
    assert BY_KEY["funding-by-french-region"].en == "Funding amounts by French région"
    assert BY_KEY["partnerships-by-department"].fr == "Nombre de partenariats par département"
    assert BY_KEY["partnerships-by-department"].en == "Number of partnerships by département"


def test_partnerships_per_departement(atlas_server, nodes):
    expected: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows(atlas_server, PREFIXES + f"SELECT ?p ?d WHERE {{ {PARTNER} ?c atlas:department ?d }}"):
        expected[nodes[row["d"]]].add(row["p"])
    got = {(row["department"], row["code"]): int(row["partnerships"])
           for row in rows(atlas_server, BY_KEY["partnerships-by-department"].query)}
    assert got == {key: len(partnerships) for key, partnerships in expected.items()}
    assert got[("Deux-Sèvres", "79")] >= 1  # Bressuire's partnerships


def test_funding_by_french_region(atlas_server, nodes):
    regions: dict[str, set[str]] = defaultdict(set)  # partnership → the régions of its French partners
    for row in rows(atlas_server, PREFIXES + f"SELECT ?p ?r WHERE {{ {PARTNER} ?c atlas:region ?r }}"):
        regions[row["p"]].add(row["r"])
    funding = rows(atlas_server,
                   PREFIXES + "SELECT ?p ?f ?amount WHERE { ?p atlas:funding ?f . ?f atlas:amount ?amount }")
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    partnerships: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in funding:
        for region in regions.get(row["p"], ()):
            totals[nodes[region]] += Decimal(row["amount"])
            partnerships[nodes[region]].add(row["p"])
    got = rows(atlas_server, BY_KEY["funding-by-french-region"].query)
    assert {(r["region"], r["code"]): (Decimal(r["total"]), int(r["partnerships"])) for r in got} == {
        key: (total, len(partnerships[key])) for key, total in totals.items()}
    assert ("Nouvelle-Aquitaine", "75") in totals  # Bressuire and Poitou-Charentes, both in 75
    assert [Decimal(r["total"]) for r in got] == sorted((Decimal(r["total"]) for r in got), reverse=True)
