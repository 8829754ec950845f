"""Record → triples and mentions → the shared entities graph (CONTRACT §1–2, docs/data-model.md)."""

from __future__ import annotations

import itertools
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from atlas_graph.ingest.mapping import canonical_label, entity_triples, map_record
from atlas_graph.ingest.parse import parse_file
from atlas_graph.ingest.pipeline import map_results
from atlas_graph.model import Contact, Funding, Record
from atlas_graph.uris import URIs

B = "https://data.example.org/atlas/"
URIS = URIs(B)
ATLAS = Namespace("https://w3id.org/atlas-coop/ontology#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def graph_of(paths: list[Path], include_contacts: bool = False):
    batch = map_results([parse_file(p) for p in paths], URIS, include_contacts)
    graph = Graph()
    for record in batch.records:
        for triple in record.triples:
            graph.add(triple)
    for triple in entity_triples(batch.mentions(), URIS):
        graph.add(triple)
    return graph, batch


def labels(graph: Graph, node: str, prop=SKOS.prefLabel) -> set[str]:
    return {str(o) for o in graph.objects(URIRef(B + node), prop)}


def me(name: str) -> URIRef:
    return URIRef(B + "id/partnership/" + name)


# canonical names --------------------------------------------------------------------------------


@pytest.mark.parametrize("spellings, expected", [
    (["KPALIME", "Kpalime", "Kpalimé"], "Kpalimé"),         # not all capitals, then most accents
    (["KPALIMÉ", "Kpalime"], "Kpalime"),                    # all capitals lose even with accents
    (["kpalimé", "Kpalime"], "kpalimé"),                    # accents before capitalisation
    (["Saint-Louis", "Saint Louis", "Saint Louis"], "Saint Louis"),  # then the most frequent
    (["Saint Louis", "Saint-Louis"], "Saint Louis"),        # then code-point order (' ' < '-')
    (["ÉVRY"], "ÉVRY"),                                     # the only spelling, even in capitals
])
def test_canonical_label_rule(spellings, expected):
    for order in itertools.permutations(spellings):
        assert canonical_label(Counter(order)) == expected


def test_spelling_variants_are_one_entity(test_records):
    files = [test_records / f"spelling_variants_{x}.txt" for x in "abc"]
    for order in itertools.permutations(files):
        graph, _ = graph_of(list(order))
        partners = set(graph.objects(None, ATLAS.foreignPartner))
        assert partners == {URIRef(B + "id/collectivity/tg/kpalime")}
        assert labels(graph, "id/collectivity/tg/kpalime") == {"Kpalimé"}
        assert labels(graph, "id/collectivity/tg/kpalime", SKOS.altLabel) == {"KPALIME", "Kpalime"}


# countries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, iso2, alpha3", [
    ("everyday_countries.txt", "vn", "VNM"), ("everyday_countries.txt", "ps", "PSE"),
    ("everyday_countries.txt", "ru", "RUS"), ("curly_apostrophes.txt", "ci", "CIV"),
    ("multi_row_tables.txt", "bj", "BEN"),
])
def test_countries_from_their_french_names(test_records, name, iso2, alpha3):
    graph, batch = graph_of([test_records / name])
    assert batch.problems == []
    country = URIRef(f"{B}id/country/{iso2}")
    assert (country, ATLAS.isoCode, Literal(iso2.upper())) in graph
    assert (country, SKOS.exactMatch,
            URIRef(f"http://publications.europa.eu/resource/authority/country/{alpha3}")) in graph
    assert any(graph.objects(None, ATLAS.country)) and country in set(graph.objects(None, ATLAS.country))


def test_unknown_country_reported_and_partner_left_out(test_records):
    graph, batch = graph_of([test_records / "broken_values.txt"])
    assert [str(o) for o in graph.objects(me("broken_values"), ATLAS.foreignPartner)] == [
        B + "id/collectivity/tg/kpalime"]
    unknown = [p for p in batch.problems if p.value == "Atlantide"]
    assert len(unknown) == 1 and unknown[0].line == 13 and "unknown country" in unknown[0].message
    assert "Cité perdue" not in graph.serialize(format="nt")


def test_broken_values_are_left_out(test_records):
    graph, _ = graph_of([test_records / "broken_values.txt"])
    subject = me("broken_values")
    assert not list(graph.objects(subject, ATLAS.signatureYear))
    assert not list(graph.objects(subject, ATLAS.endDate))
    first = URIRef(f"{subject}/funding/1")
    assert not list(graph.objects(first, ATLAS.amount))
    assert (first, ATLAS.year, Literal("2012", datatype=XSD.gYear)) in graph


# partners, funders ------------------------------------------------------------------------------


def test_funder_is_the_partner_node_when_the_name_is_a_partner(test_records):
    graph, _ = graph_of([test_records / "multi_row_tables.txt"])
    def funder(n):
        return str(graph.value(URIRef(f"{me('multi_row_tables')}/funding/{n}"), ATLAS.funder))

    assert funder(1) == B + "id/collectivity/fr/lyon"
    assert funder(2) == B + "id/collectivity/fr/metropole-de-lyon"
    assert funder(3) == B + "id/organization/agence-de-l-eau-rhone-mediterranee-corse"  # the other partner
    assert funder(4) == B + "id/collectivity/bj/porto-novo"  # a foreign partner funds too


def test_autre_is_an_organisation_not_a_collectivity(real_page):
    graph, _ = graph_of([real_page])
    autre = URIRef(B + "id/organization/autre")
    types = set(graph.objects(autre, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")))
    assert types == {URIRef("http://www.w3.org/ns/org#Organization")}


def test_a_funders_other_spelling_becomes_an_alt_label(test_records):
    graph, _ = graph_of([test_records / "curly_apostrophes.txt"])
    node = "id/organization/agence-de-l-eau"
    assert labels(graph, node) == {"Agence de l'eau"}
    assert labels(graph, node, SKOS.altLabel) == {"Agence de l’eau"}


# themes -------------------------------------------------------------------------------------------


def test_three_level_theme_chain(test_records):
    graph, _ = graph_of([test_records / "three_level_theme.txt"])
    leaf = graph.value(me("three_level_theme"), ATLAS.theme)
    assert str(leaf) == B + "id/theme/developpement-economique/agriculture-et-securite-alimentaire/filieres-agricoles"
    middle = graph.value(leaf, SKOS.broader)
    top = graph.value(middle, SKOS.broader)
    assert str(top) == B + "id/theme/developpement-economique"
    assert graph.value(top, SKOS.broader) is None
    assert (top, SKOS.topConceptOf, URIRef(B + "id/theme")) in graph
    assert [str(graph.value(n, SKOS.prefLabel)) for n in (leaf, middle, top)] == [
        "Filières agricoles", "Agriculture et sécurité alimentaire", "Développement économique"]


def test_other_themes(test_records):
    graph, _ = graph_of([test_records / "other_themes.txt"])
    assert {str(o) for o in graph.objects(me("other_themes"), ATLAS.otherTheme)} == {
        B + "id/theme/education-social-et-recherche/sante",
        B + "id/theme/developpement-economique/agriculture-et-securite-alimentaire/filieres-agricoles",
        B + "id/theme/culture",
    }


# ids, contacts, absent values ---------------------------------------------------------------------


def test_atlas_id_makes_the_uri(test_records):
    graph, _ = graph_of([test_records / "atlas_id.txt"])
    assert (me("ATL-2012-0042"), ATLAS.triennial, Literal(False)) in graph
    assert not list(graph.triples((me("atlas_id"), None, None)))


def test_end_date_is_an_xsd_date(test_records):
    graph, _ = graph_of([test_records / "end_date.txt"])
    assert (me("end_date"), ATLAS.endDate, Literal("2015-09-15", datatype=XSD.date)) in graph


def test_decimal_amounts(test_records):
    graph, _ = graph_of([test_records / "decimal_commas.txt"])
    amounts = sorted(o.toPython() for o in graph.objects(None, ATLAS.amount))
    assert amounts == [Decimal("1500.50"), Decimal("3250"), Decimal("12000"), Decimal("1234567.89")]


PERSONAL_TEST = ["Dossou", "awa.dossou@example.org", "Martin", "Léa", "Lefèvre", "claire.lefevre"]


def test_personal_data_only_on_opt_in(test_records):
    files = [test_records / "multi_row_tables.txt", test_records / "diplomatic_contacts.txt"]
    without = graph_of(files)[0].serialize(format="nt")
    with_contacts = graph_of(files, include_contacts=True)[0].serialize(format="nt")
    for value in PERSONAL_TEST:
        assert value not in without
        assert value in with_contacts


def test_contacts_and_volunteers_have_their_own_uris(test_records):
    graph, _ = graph_of([test_records / "multi_row_tables.txt"], include_contacts=True)
    subject = me("multi_row_tables")
    assert {str(o) for o in graph.objects(subject, ATLAS.contact)} == {f"{subject}/contact/1", f"{subject}/contact/2"}
    assert {str(o) for o in graph.objects(subject, ATLAS.volunteer)} == {f"{subject}/volunteer/1"}


def test_absent_values_produce_no_triple(test_records, real_page):
    graph, _ = graph_of(sorted(test_records.glob("*.txt")) + [real_page], include_contacts=True)
    for _, _, o in graph:
        if isinstance(o, Literal):
            assert str(o).strip() != ""
            if o.datatype == XSD.gYear:
                assert str(o) != "0" and len(str(o)) == 4
    # a record with almost nothing still states triennial, and nothing else it does not have
    subject = me("label_variant")
    local_names = {str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for p in graph.predicates(subject)}
    assert local_names == {"type", "identifier", "title", "signatureYear", "status", "triennial", "wasDerivedFrom"}


def test_every_uri_is_under_the_base_or_a_known_authority(test_records, real_page):
    graph, _ = graph_of(sorted(test_records.glob("*.txt")) + [real_page], include_contacts=True)
    allowed = (B, "https://w3id.org/atlas-coop/ontology#", "http://www.w3.org/", "http://purl.org/dc/terms/",
               "http://publications.europa.eu/resource/authority/country/", "urn:sha256:", "mailto:")
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef):
                assert str(term).startswith(allowed), term
                assert not str(term).endswith("/"), term  # no empty slug


def test_a_name_with_no_letter_or_digit_is_reported_not_given_an_empty_uri():
    record = Record(source="x.txt", record_id="x", content_hash="0" * 64, title="T", status="???",
                    french_partners=("—",), funding=(Funding("***", Decimal(5), (), 2001, 9),))
    mapped = map_record(record, URIS)
    assert [(p.field, p.value, p.line) for p in mapped.problems] == [
        ("status", "???", None), ("frenchPartner", "—", None), ("funder", "***", 9)]
    assert all(not str(t).endswith("/") for triple in mapped.triples for t in triple)
    graph = Graph()
    for triple in mapped.triples:
        graph.add(triple)
    row = URIRef(B + "id/partnership/x/funding/1")
    assert graph.value(row, ATLAS.amount).toPython() == 5 and graph.value(row, ATLAS.funder) is None


def test_contact_email_becomes_a_mailto_iri():
    record = Record(source="x.txt", record_id="x", content_hash="0" * 64, title="T",
                    contacts=(Contact("Lomé", "A", "B", "", "a.b@lome.tg", "foreign-partner"),))
    mapped = map_record(record, URIS, include_contacts=True)
    assert URIRef("mailto:a.b@lome.tg") in {o for _, _, o in mapped.triples}
