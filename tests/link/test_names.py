"""Names as the pages write them → the kind they say and the key they are looked up by."""

from __future__ import annotations

import pytest

from atlas_graph.link.names import Kind, key, read_name
from atlas_graph.uris import slug


@pytest.mark.parametrize("spellings", [
    ("Kpalimé", "KPALIME", "kpalime", "Kpalime"),
    ("Saint-Denis", "St Denis", "ST-DENIS", "saint denis", "St. Denis"),
    ("Sainte-Foy-lès-Lyon", "Ste Foy les Lyon"),
    ("Côte d’Ivoire", "Cote d'Ivoire", "CÔTE D'IVOIRE"),
    ("L'Isle-Adam", "L’Isle Adam"),
])
def test_case_accents_apostrophes_hyphens_and_saint_do_not_count(spellings):
    assert len({key(spelling) for spelling in spellings}) == 1


def test_the_key_is_the_uri_slug_but_for_saint():
    for name in ("Bressuire", "Région Poitou-Charentes", "Côte d’Ivoire", "Œuilly"):
        assert key(name) == slug(name)
    assert key("St-Denis") == "saint-denis" != slug("St-Denis")
    assert key("Stains") == "stains"  # a word, not an abbreviation


@pytest.mark.parametrize("name, kind, proper", [
    ("Bressuire", Kind.COMMUNE, "bressuire"),
    ("Ville de Bressuire", Kind.COMMUNE, "bressuire"),
    ("Mairie de Saint-Denis", Kind.COMMUNE, "saint-denis"),
    ("Ville du Mans", Kind.COMMUNE, "le-mans"),
    ("Commune des Sables-d'Olonne", Kind.COMMUNE, "les-sables-d-olonne"),
    ("Département de la Savoie", Kind.DEPARTMENT, "savoie"),
    ("Département Savoie", Kind.DEPARTMENT, "savoie"),
    ("Conseil départemental des Deux-Sèvres", Kind.DEPARTMENT, "deux-sevres"),
    ("Conseil général du Nord", Kind.DEPARTMENT, "nord"),
    ("Conseil Général de l'Ain", Kind.DEPARTMENT, "ain"),
    ("Région Poitou-Charentes", Kind.REGION, "poitou-charentes"),
    ("Conseil régional d'Aquitaine", Kind.REGION, "aquitaine"),
    ("Région de La Réunion", Kind.REGION, "reunion"),
    ("Collectivité de Corse", Kind.REGION, "corse"),
    ("Communauté d'agglomération du Bocage Bressuirais", Kind.EPCI, "bocage-bressuirais"),
    ("CA du Bocage Bressuirais", Kind.EPCI, "bocage-bressuirais"),
    ("Communauté de communes Faucigny-Glières", Kind.EPCI, "faucigny-glieres"),
    ("CC Faucigny - Glières", Kind.EPCI, "faucigny-glieres"),
    ("Métropole de Lyon", Kind.EPCI, "lyon"),
    ("Bordeaux Métropole", Kind.EPCI, "bordeaux"),
    ("CA Chartres Métropole", Kind.EPCI, "chartres"),
    ("Tours Métropole Val de Loire", Kind.EPCI, "tours-metropole-val-de-loire"),
    ("Eurométropole de Strasbourg", Kind.EPCI, "eurometropole-de-strasbourg"),
])
def test_french_names_say_their_kind(name, kind, proper):
    reading = read_name(name, "FR")
    assert (reading.kind, reading.key) == (kind, proper)
    assert reading.worded == (name != "Bressuire")


@pytest.mark.parametrize("name, kind, proper", [
    ("Kpalime", Kind.PLACE, "kpalime"),
    ("Commune de Kpalimé", Kind.PLACE, "kpalime"),
    ("Commune urbaine de Tombouctou", Kind.PLACE, "tombouctou"),
    ("Région de Kara", Kind.AREA, "kara"),
    ("Préfecture du Kloto", Kind.AREA, "kloto"),
    ("Province du Houet", Kind.AREA, "houet"),
])
def test_foreign_names_say_their_kind(name, kind, proper):
    reading = read_name(name, "TG")
    assert (reading.kind, reading.key) == (kind, proper)


def test_a_department_in_trailing_parentheses_is_a_hint_not_part_of_the_name():
    assert read_name("Saint-Denis (93)", "FR").department == "93"
    assert read_name("Saint-Denis (La Réunion)", "FR").department == "la-reunion"
    assert read_name("Saint-Denis (93)", "FR").key == "saint-denis"
    assert read_name("Kpalimé (Kloto)", "TG").key == "kpalime"
    assert read_name("Kpalimé (Kloto)", "TG").department is None


def test_a_name_that_only_looks_worded_keeps_its_literal_key():
    reading = read_name("Ville-d'Avray", "FR")
    assert reading.literal_key == "ville-d-avray"
    assert read_name("Bressuire", "FR").literal_key == "bressuire"


def test_the_parentheses_are_part_of_the_whole_name():
    assert read_name("Halle (Saale)", "DE", whole=True).key == "halle-saale"
    assert read_name("Saint-Denis (93)", "FR", whole=True).department is None
    assert read_name("CA du Grand Avignon (COGA)", "FR", whole=True).key == "grand-avignon-coga"
