"""Issue 2, done when: every fact of the one real Atlas page is in the output of
``atlas-graph convert ../shared/atlas/records -o out.ttl``, read back with rdflib and SPARQL."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from support.commands import run_atlas_graph

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

B = "http://localhost:8000/"
ME = URIRef(B + "id/partnership/000_907021ef8160d5c3")
PREFIXES = """
PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
PERSONAL = ("Samtou", "Edem", "adjk1991@yahoo.fr")


def convert(inputs: list[Path], output: Path, *options: str):
    return run_atlas_graph("convert", *inputs, "-o", output, *options)


@pytest.fixture(scope="module")
def output(real_page: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("real") / "out.ttl"
    result = convert([real_page.parent], out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def graph(output: Path) -> Graph:
    return Graph().parse(output, format="turtle")


def ask(graph: Graph, query: str) -> list[tuple]:
    return [tuple(row) for row in graph.query(PREFIXES + query, initBindings={"me": ME})]


def one(graph: Graph, query: str):
    rows = ask(graph, query)
    assert len(rows) == 1, rows
    return rows[0] if len(rows[0]) > 1 else rows[0][0]


def test_title(graph):
    assert one(graph, "SELECT ?t { ?me a atlas:Partnership ; dct:title ?t }") == Literal(
        "Développement urbain économique et social de kpalimé (final)", lang="fr")


def test_signature_and_start_year_1991(graph):
    for prop in ("atlas:signatureYear", "atlas:startYear"):
        year = one(graph, f"SELECT ?y {{ ?me {prop} ?y }}")
        assert year == Literal("1991", datatype=XSD.gYear)
        assert year.datatype == XSD.gYear


def test_no_end_date_because_the_page_states_none(graph):
    assert ask(graph, "SELECT ?d { ?me atlas:endDate ?d }") == []


def test_theme_sante_under_its_top_concept(graph):
    theme, label, top, top_label = one(graph, """
        SELECT ?theme ?label ?top ?topLabel {
          ?me atlas:theme ?theme . ?theme a skos:Concept ; skos:prefLabel ?label ;
              skos:broader ?top ; skos:inScheme ?scheme .
          ?top a skos:Concept ; skos:prefLabel ?topLabel ; skos:topConceptOf ?scheme .
          ?scheme a skos:ConceptScheme ; skos:hasTopConcept ?top .
        }""")
    assert str(theme) == B + "id/theme/education-social-et-recherche/sante"
    assert label == Literal("Santé", lang="fr")
    assert str(top) == B + "id/theme/education-social-et-recherche"
    assert top_label == Literal("Education, Social et Recherche", lang="fr")
    assert ask(graph, "SELECT ?t { ?me atlas:otherTheme ?t }") == []  # the table has no rows


@pytest.mark.parametrize("prop, label, uri", [
    ("atlas:status", "En cours", "id/status/en-cours"),
    ("atlas:form", "Projet de coopération décentralisée", "id/form/projet-de-cooperation-decentralisee"),
])
def test_status_and_form_concepts(graph, prop, label, uri):
    concept, pref = one(graph, f"SELECT ?c ?l {{ ?me {prop} ?c . ?c a skos:Concept ; skos:prefLabel ?l }}")
    assert str(concept) == B + uri
    assert pref == Literal(label, lang="fr")


def test_kpalime_in_togo(graph):
    node, label, country, iso, eu = one(graph, """
        SELECT ?p ?label ?c ?iso ?eu {
          ?me atlas:foreignPartner ?p .
          ?p a atlas:ForeignCollectivity, atlas:Collectivity, org:Organization ;
             skos:prefLabel ?label ; atlas:country ?c .
          ?c a atlas:Country ; atlas:isoCode ?iso ; skos:exactMatch ?eu .
          FILTER STRSTARTS(STR(?eu), "http://publications.europa.eu/")  # the country's GeoNames link is the other
        }""")
    assert str(node) == B + "id/collectivity/tg/kpalime"
    assert label == Literal("Kpalime", lang="fr")
    assert str(country) == B + "id/country/tg"
    assert iso == Literal("TG")
    assert eu == URIRef("http://publications.europa.eu/resource/authority/country/TGO")


def test_bressuire_french_collectivity_in_france(graph):
    node, label, iso = one(graph, """
        SELECT ?p ?label ?iso {
          ?me atlas:frenchPartner ?p .
          ?p a atlas:FrenchCollectivity, atlas:Collectivity ; skos:prefLabel ?label ; atlas:country ?c .
          ?c atlas:isoCode ?iso .
        }""")
    assert str(node) == B + "id/collectivity/fr/bressuire"
    assert label == Literal("Bressuire", lang="fr")
    assert iso == Literal("FR")


def test_region_is_other_partner_and_funder_as_one_node(graph):
    other = one(graph, "SELECT ?o { ?me atlas:otherFrenchPartner ?o }")
    assert str(other) == B + "id/organization/region-poitou-charentes"
    funders = ask(graph, """SELECT DISTINCT ?o { ?me atlas:funding/atlas:funder ?o .
                            ?o skos:prefLabel "Région Poitou-Charentes"@fr }""")
    assert funders == [(other,)]
    assert ask(graph, 'SELECT ?o { ?o skos:prefLabel "Région Poitou-Charentes"@fr }') == [(other,)]


def test_triennial_true(graph):
    assert one(graph, "SELECT ?t { ?me atlas:triennial ?t }") == Literal(True)


# (funder, amount, year, water amounts), in the page's order
FUNDING = [
    ("id/collectivity/fr/bressuire", 19300, 1991, [0]),
    ("id/organization/ministere-de-l-europe-et-des-affaires-etrangeres", 4666, 1991, []),
    ("id/organization/ministere-de-l-europe-et-des-affaires-etrangeres", 4668, 1993, []),
    ("id/organization/ministere-de-l-europe-et-des-affaires-etrangeres", 4666, 1992, []),
    ("id/organization/region-poitou-charentes", 22600, 1991, []),
    ("id/organization/autre", 58300, 1991, [0]),
]


def test_six_funding_rows(graph):
    rows = ask(graph, "SELECT ?f { ?me atlas:funding ?f . ?f a atlas:Funding }")
    assert sorted(str(r[0]) for r in rows) == [f"{ME}/funding/{n}" for n in range(1, 7)]
    for n, (funder, amount, year, water) in enumerate(FUNDING, start=1):
        row = URIRef(f"{ME}/funding/{n}")
        assert [str(o) for o in graph.objects(row, URIRef("https://w3id.org/atlas-coop/ontology#funder"))] \
            == [B + funder]
        got = one(graph, f"SELECT ?a ?y {{ <{row}> atlas:amount ?a ; atlas:year ?y }}")
        assert got[0].datatype == XSD.decimal and got[0].toPython() == Decimal(amount)
        assert got[1] == Literal(str(year), datatype=XSD.gYear)
        waters = ask(graph, f"SELECT ?w {{ <{row}> atlas:waterAmount ?w }}")
        assert [w[0].toPython() for w in waters] == [Decimal(w) for w in water]
        assert all(w[0].datatype == XSD.decimal for w in waters)


def test_funding_total(graph):
    total = one(graph, "SELECT (SUM(?a) AS ?total) { ?me atlas:funding/atlas:amount ?a }")
    assert total.toPython() == Decimal(114200)


def page_sections(page: Path) -> dict[str, list[str]]:
    """The page's four texts read independently of the parser: the distinct lines under each
    label, in order, up to the next label."""
    labels = {"Contexte": "context", "Historique": "history", "Objectif du partenariat": "objective",
              "Description détaillée du partenariat": "description"}
    sections: dict[str, list[str]] = {}
    current = None
    for line in page.read_text(encoding="utf-8").splitlines():
        if line in labels:
            current = sections.setdefault(labels[line], [])
        elif line == "Votre partenariat prend la forme d'un(e)":
            current = None
        elif current is not None and line.strip() and line not in current:
            current.append(line)
    return sections


@pytest.mark.parametrize("field, prop", [
    ("context", "atlas:context"), ("history", "atlas:history"),
    ("objective", "atlas:objective"), ("description", "dct:description"),
])
def test_each_paragraph_once_in_order(graph, real_page, field, prop):
    expected = page_sections(real_page)[field]
    assert len(expected) >= 2
    text = one(graph, f"SELECT ?t {{ ?me {prop} ?t }}")
    assert text.language == "fr"
    assert text.split("\n") == expected


def test_the_page_really_repeats_paragraphs(real_page):
    """The dedup test above is meaningful only because the page repeats itself."""
    lines = [line for line in real_page.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) - len(set(lines)) > 10


def test_provenance(graph, real_page):
    source, name = one(graph, "SELECT ?s ?n { ?me prov:wasDerivedFrom ?s . ?s a prov:Entity ; dct:identifier ?n }")
    assert str(source) == "urn:sha256:" + hashlib.sha256(real_page.read_bytes()).hexdigest()
    assert name == Literal(real_page.name)


def test_contact_absent_by_default(output):
    text = output.read_text(encoding="utf-8")
    for value in PERSONAL:
        assert value not in text


def test_contact_present_with_include_contacts(real_page, tmp_path):
    out = tmp_path / "with-contacts.ttl"
    result = convert([real_page], out, "--include-contacts")
    assert result.returncode == 0, result.stderr
    g = Graph().parse(out, format="turtle")
    row = one(g, """
        PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
        SELECT ?family ?given ?mail ?org {
          ?me atlas:contact ?c . ?c a vcard:Individual ; vcard:family-name ?family ;
             vcard:given-name ?given ; vcard:hasEmail ?mail ; vcard:organization-name ?org .
        }""")
    assert [str(v) for v in row] == ["Samtou", "Edem", "mailto:adjk1991@yahoo.fr", "Kpalime"]
