"""Linking measured on a synthetic corpus: the manifest's expected links against the report of
``atlas-graph links`` (run as the user runs it), and the expected links themselves against facts
known from the authorities."""

from __future__ import annotations

import csv
import json
import random
import re
from collections import Counter

import pytest

from atlas_graph.link.authorities import Authorities, AuthoritiesError, load_authorities
from atlas_graph.link.names import Kind, key
from atlas_graph.synth.collectivities import (
    ABSENT,
    AMBIGUOUS,
    INVENTED_SHARE,
    LINKED,
    Form,
    epci_spelled_out,
    epci_without_connector,
    expected_link,
    from_key,
    of_area,
    of_commune,
    saint_abbreviated,
)
from atlas_graph.synth.corpus import MANIFEST_NAME, build_pools, write_corpus
from atlas_graph.synth.link_quality import measure
from atlas_graph.uris import slug
from support.commands import run_atlas_graph

RECORDS = 400


@pytest.fixture(scope="module")
def authorities() -> Authorities:
    return load_authorities()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[dict, list[dict]]:
    """A corpus written by ``atlas-graph synth`` and its report by ``atlas-graph links``."""
    folder = tmp_path_factory.mktemp("links")
    synth = run_atlas_graph("synth", "--count", RECORDS, "--seed", 21, "-o", folder / "pages", "-q")
    assert synth.returncode == 0, synth.stderr
    result = run_atlas_graph("links", folder / "pages", "-o", folder / "report.csv")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((folder / "pages" / MANIFEST_NAME).read_text("utf-8"))
    with (folder / "report.csv").open(encoding="utf-8", newline="") as report:
        rows = list(csv.DictReader(report))
    manifest["summary"] = result.stderr
    return manifest, rows


@pytest.fixture(scope="module")
def pools(authorities):
    return build_pools(random.Random(5), 2000, authorities)


@pytest.fixture(scope="module")
def quality(corpus):
    manifest, rows = corpus
    return measure(rows, manifest["collectivities"])


def _entities(manifest: dict) -> dict[tuple[str, str], dict]:
    return {(c["country"], slug(c["written"])): c for c in manifest["collectivities"]}


# --- the reconciliation against the manifest -----------------------------------------------------


def test_no_link_differs_from_the_manifest(quality):
    assert quality.wrong == []
    assert quality.correct > 300 and quality.statuses["automatic"] == quality.correct
    assert quality.precision == 1.0


def _row(country: str, name: str, kind: str, status: str, identifier: str = "") -> dict[str, str]:
    authority = "insee" if country == "FR" and kind != "country" else "geonames"
    return {"country": country, "name": name, "kind": kind, "status": status, "authority": authority,
            "identifier": identifier, "candidates": ""}


def test_the_measure_finds_wrong_missed_repeated_unknown_and_unreported_names():
    def expected(country, written, kind, status, identifier=None, candidates=()):
        return {"country": country, "written": written, "kind": kind, "expected": status, "identifier": identifier,
                "candidates": list(candidates)}

    manifest = [expected("FR", "Bressuire", "commune", LINKED, "79049"),
                expected("FR", "Saint-Denis", "commune", AMBIGUOUS, candidates=("93066", "97411")),
                expected("TG", "Kpalimé", "place", LINKED, "2365560"), expected("TG", "Ailleurs", "place", ABSENT)]
    rows = [_row("FR", "BRESSUIRE", "commune", "automatic", "79049"),
            _row("FR", "Saint-Denis", "commune", "automatic", "93066"),
            _row("TG", "Kpalime", "place", "ambiguous"), _row("TG", "KPALIME", "place", "ambiguous"),
            _row("TG", "Togo", "country", "automatic", "2363686"), _row("FR", "Inconnu", "commune", "not found")]
    quality = measure(rows, manifest)
    assert (quality.correct, quality.expected_linked, quality.precision, quality.recall) == (1, 2, 0.5, 0.5)
    assert quality.wrong == ["FR 'Saint-Denis': linked to 93066, expected ambiguous 93066, 97411"]
    assert [m.split(":")[0] for m in quality.missed] == ["TG 'Kpalime'"]
    assert quality.repeated == ["TG 'KPALIME'"] and quality.unknown == ["FR 'Inconnu'"]
    assert quality.unreported == ["TG ailleurs"]
    assert quality.per_kind() == {"commune": (1, 1), "place": (0, 1)}


def test_recall_is_at_least_95_percent_of_the_names_with_one_candidate(quality):
    assert quality.recall >= 0.95, quality.missed
    for kind, (linked, total) in quality.per_kind().items():
        assert total and linked / total >= 0.9, (kind, linked, total)


def test_every_name_is_reported_once_and_nothing_else(quality):
    assert quality.repeated == [] and quality.unknown == [] and quality.unreported == []


def test_ambiguous_and_absent_names_are_reported_unlinked_with_their_candidates(corpus):
    manifest, rows = corpus
    expected = _entities(manifest)
    seen = Counter()
    for row in rows:
        wanted = expected.get((row["country"], slug(row["name"])))
        if wanted is None or wanted["expected"] == LINKED:
            continue
        seen[wanted["expected"]] += 1
        assert row["identifier"] == "" and row["status"] in ("ambiguous", "not found", "wrong kind"), row
        if wanted["expected"] == AMBIGUOUS:
            assert row["status"] == "ambiguous", row
            listed = {candidate.split(" ", 1)[0] for candidate in row["candidates"].split("; ")}
            assert listed == set(wanted["candidates"]), row
        else:
            assert row["status"] == "not found", row
    assert seen[AMBIGUOUS] >= 10 and seen[ABSENT] >= 10


def test_the_summary_line_counts_the_report(corpus):
    manifest, rows = corpus
    statuses = Counter(row["status"] for row in rows)
    match = re.search(r"(\d+) entities: (\d+) linked \((\d+) automatic", manifest["summary"])
    assert match and int(match[1]) == len(rows) and int(match[3]) == statuses["automatic"]


# --- the corpus is realistic ---------------------------------------------------------------------


def test_the_corpus_has_every_kind_homonyms_and_about_five_percent_absent(corpus):
    manifest, _ = corpus
    entities = _entities(manifest)
    kinds = Counter(c["kind"] for c in entities.values())
    assert set(kinds) == {"commune", "department", "region", "epci", "place"}
    assert kinds["place"] > kinds["commune"] > kinds["epci"] + kinds["department"] + kinds["region"]
    statuses = Counter(c["expected"] for c in entities.values())
    assert 0.02 < statuses[ABSENT] / len(entities) < 0.09
    assert 0.02 < statuses[AMBIGUOUS] / len(entities) < 0.2
    totals = manifest["totals"]["links"]
    assert totals["entities"] == len(entities) and totals["per_status"] == dict(sorted(statuses.items()))


def test_names_are_written_the_ways_real_pages_write_them(corpus):
    manifest, _ = corpus
    written = [c["written"] for c in manifest["collectivities"]]
    for pattern in (r"^Conseil (départemental|général) ", r"^Département ", r"^(Région|Conseil régional) ",
                    r"^CA ", r"^CC ", r"^Communauté (d'agglomération|de communes) ", r"^St[e]?[- ]",
                    r"[a-z] \(\w+\)$", r"^(Ville|Commune|Mairie) (de |d'|du |des )", r"^[A-Z' -]{4,}$",
                    r"^Saint [A-Z]"):
        assert any(re.search(pattern, name) for name in written), pattern
    former = [c for c in manifest["collectivities"] if c["kind"] == "region" and c["identifier"]
              and int(c["identifier"]) in range(21, 75) and c["identifier"] not in ("24", "27", "28", "32", "44",
                                                                                    "52", "53")]
    assert former, "no région before 2016"


def test_some_foreign_places_are_written_under_an_alternate_name(pools, authorities):
    alternates = [(place, form) for place in pools.foreign if place.identifier for form in place.forms
                  if key(form.proper) != key(place.forms[0].proper)]
    assert len(alternates) > 20
    for place, form in alternates[:20]:
        assert int(place.identifier) in {p.geonameid for p in authorities.places(place.alpha2, key(form.proper))}


def test_the_draws_follow_population(pools, authorities):
    codes = Counter(place.identifier for place in pools.french)
    assert "75056" in codes and "13055" in codes  # Paris, Marseille: drawn first, nearly always
    populations = sorted((authorities.commune(code).population or 0) for code in codes
                         if code and len(code) == 5 and authorities.commune(code))
    median = populations[len(populations) // 2]
    assert median > 3000  # the median commune of France has about 500 people


def test_invented_names_are_absent_from_the_authorities(pools, authorities):
    invented = [place for place in pools.french + pools.foreign if place.identifier is None]
    share = len(invented) / (len(pools.french) + len(pools.foreign))
    assert INVENTED_SHARE / 2 < share < INVENTED_SHARE * 2
    for place in invented:
        assert expected_link(place.forms[0], place.alpha2, authorities).status == ABSENT


def test_pool_forms_never_share_a_slug(pools):
    forms = [form.written for place in pools.french + pools.foreign for form in place.forms]
    assert len({slug(name) for name in forms}) == len(forms)


def test_a_missing_authorities_file_is_a_clear_error(tmp_path):
    with pytest.raises(AuthoritiesError, match="missing"):
        write_corpus(tmp_path / "out", 5, 1, authorities=Authorities(tmp_path / "none.sqlite"))
    assert not (tmp_path / "out").exists()


# --- the expected links, against what the authorities say ----------------------------------------


@pytest.mark.parametrize("form, country, status, identifier", [
    (Form("Bressuire", Kind.COMMUNE, "Bressuire"), "FR", LINKED, "79049"),
    (Form("St-Denis", Kind.COMMUNE, "Saint-Denis"), "FR", AMBIGUOUS, None),
    (Form("Saint-Denis (93)", Kind.COMMUNE, "Saint-Denis", department="93"), "FR", LINKED, "93066"),
    (Form("Vienne", Kind.COMMUNE, "Vienne"), "FR", AMBIGUOUS, None),  # and the département
    (Form("Ville de Vienne", Kind.COMMUNE, "Vienne", True), "FR", LINKED, "38544"),  # worded: the commune
    (Form("Conseil général de la Savoie", Kind.DEPARTMENT, "Savoie", True), "FR", LINKED, "73"),
    (Form("Région Poitou-Charentes", Kind.REGION, "Poitou-Charentes", True), "FR", LINKED, "54"),
    (Form("Communauté d'agglomération du Bocage Bressuirais", Kind.EPCI, "CA du Bocage Bressuirais", True),
     "FR", LINKED, "200040244"),
    (Form("Palime", Kind.PLACE, "Palime"), "TG", LINKED, "2365560"),
    (Form("Atlantide-sur-Mer", Kind.COMMUNE, "Atlantide-sur-Mer"), "FR", ABSENT, None),
])
def test_expected_links_of_known_names(form, country, status, identifier, authorities):
    expected = expected_link(form, country, authorities)
    assert (expected.status, expected.identifier) == (status, identifier), expected
    if status == AMBIGUOUS:
        assert len(expected.candidates) >= 2


def test_vienne_is_ambiguous_between_the_commune_and_the_departement(authorities):
    candidates = expected_link(Form("Vienne", Kind.COMMUNE, "Vienne"), "FR", authorities).candidates
    assert {"38544", "86"} <= set(candidates)


@pytest.mark.parametrize("function, name, written", [
    (of_commune, "Bressuire", "de Bressuire"), (of_commune, "Le Mans", "du Mans"),
    (of_commune, "Les Abymes", "des Abymes"), (of_commune, "Angers", "d'Angers"),
    (of_commune, "La Rochelle", "de La Rochelle"),
    (lambda name: of_area(name, True), "Savoie", "de la Savoie"),
    (lambda name: of_area(name, True), "Deux-Sèvres", "des Deux-Sèvres"),
    (lambda name: of_area(name, True), "Ain", "de l'Ain"), (lambda name: of_area(name, True), "Nord", "du Nord"),
    (lambda name: of_area(name, True), "Gers", "du Gers"), (lambda name: of_area(name, True), "Paris", "de Paris"),
    (lambda name: of_area(name, False), "Bretagne", "de Bretagne"),
    (lambda name: of_area(name, False), "Occitanie", "d'Occitanie"),
    (lambda name: of_area(name, False), "Hauts-de-France", "des Hauts-de-France"),
    (lambda name: of_area(name, False), "Limousin", "du Limousin"),
    (saint_abbreviated, "Saint-Denis", "St-Denis"), (saint_abbreviated, "Villeneuve-Saint-Georges",
                                                     "Villeneuve-St-Georges"),
    (saint_abbreviated, "Sainte-Marie", "Ste-Marie"), (saint_abbreviated, "Saintes", "Saintes"),
    (epci_spelled_out, "CA du Grand Annecy", "Communauté d'agglomération du Grand Annecy"),
    (epci_spelled_out, "CC Faucigny - Glières", "Communauté de communes Faucigny - Glières"),
    (epci_spelled_out, "Bordeaux Métropole", "Bordeaux Métropole"),
    (epci_without_connector, "CC du Pays de Mirepoix", "CC Pays de Mirepoix"),
    (epci_without_connector, "CA de l'Auxerrois", "CA Auxerrois"), (epci_without_connector, "CC Faucigny - Glières",
                                                                    "CC Faucigny - Glières"),
    (from_key, "agome-palime", "Agome-Palime"),
])
def test_how_names_are_worded(function, name, written):
    assert function(name) == written
