"""Curated decisions (``--links FILE``): they win, and a bad row is an error with file, line, reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas_graph.link.authorities import GEONAMES, INSEE, Authorities, load_authorities
from atlas_graph.link.curation import CurationError, parse_curation, read_curation
from atlas_graph.link.names import Kind
from atlas_graph.link.reconcile import Entity, Status, link_entities

HEADER = "country,name,authority,identifier\n"


@pytest.fixture(scope="module")
def authorities() -> Authorities:
    return load_authorities()


def curation_file(tmp_path: Path, rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "decisions.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


def problems(path: Path, authorities: Authorities) -> list[str]:
    with pytest.raises(CurationError) as caught:
        read_curation(path, authorities)
    return [str(problem) for problem in caught.value.problems]


def test_a_curated_decision_fixes_an_ambiguous_name_and_an_empty_one_blocks_a_wrong_one(tmp_path, authorities):
    saint_denis, kpalime = Entity("FR", "Saint-Denis", Kind.COMMUNE), Entity("TG", "Kpalime", Kind.PLACE)
    automatic = {link.entity: link for link in link_entities([saint_denis, kpalime], authorities)}
    assert automatic[saint_denis].status is Status.AMBIGUOUS
    assert automatic[kpalime].status is Status.AUTOMATIC

    path = curation_file(tmp_path, "FR,SAINT DENIS,insee,93066\nTG,Kpalimé,geonames,\n")
    curated = {link.entity: link for link in link_entities([saint_denis, kpalime], authorities,
                                                           read_curation(path, authorities))}
    assert curated[saint_denis].status is Status.CURATED
    assert (curated[saint_denis].target.code, curated[saint_denis].target.name) == ("93066", "Saint-Denis")
    assert curated[kpalime].status is Status.BLOCKED and curated[kpalime].target is None


def test_decisions_of_every_kind_of_identifier(tmp_path, authorities):
    path = curation_file(tmp_path, "\n".join([
        "FR,Ville de Cherbourg,insee,50129",
        "FR,Agglomération du Bocage,insee,200040244",  # an EPCI's SIREN
        "FR,Mairie de Bressuire,insee,217900497",  # a commune's SIREN
        "FR,Conseil général 79,insee,79",  # a département's code
        "FR,Conseil régional Poitou-Charentes,insee,54",  # a former région's code
        "FR,Région Paris,insee,11",  # 11: Île-de-France, as the name says it is a région
        "FR,Aude,insee,11",  # 11: the département Aude
        "FR,Bressuire,geonames,3029974",  # a French commune's GeoNames place
        "fr,Corse du Sud,INSEE,2a",
        "ML,Tombouctou,geonames,2449067",
        "",
    ]) + "\n")
    curation = read_curation(path, authorities)
    targets = {d.name: (type(d.target).__name__, d.target.identifier) for d in curation.decisions.values()}
    assert targets == {
        "Ville de Cherbourg": ("Commune", "50129"), "Agglomération du Bocage": ("Epci", "200040244"),
        "Mairie de Bressuire": ("Commune", "79049"), "Conseil général 79": ("Department", "79"),
        "Conseil régional Poitou-Charentes": ("Region", "54"), "Région Paris": ("Region", "11"),
        "Aude": ("Department", "11"),
        "Bressuire": ("Place", "3029974"), "Corse du Sud": ("Department", "2A"), "Tombouctou": ("Place", "2449067"),
    }


def test_a_french_collectivity_can_have_a_geonames_decision_besides_its_insee_link(tmp_path, authorities):
    path = curation_file(tmp_path, "FR,Bressuire,geonames,3029974\n")
    links = link_entities([Entity("FR", "Bressuire", Kind.COMMUNE)], authorities, read_curation(path, authorities))
    assert [(link.authority, link.status, link.target.identifier) for link in links] == [
        (INSEE, Status.AUTOMATIC, "79049"), (GEONAMES, Status.CURATED, "3029974")]


@pytest.mark.parametrize("row, reason", [
    ("FR,Bressuire,insee", "expected 4 fields (country,name,authority,identifier), found 3"),
    ("FR;Bressuire;insee;79049", "found 1; the file seems to use ';'"),
    ("FR,Bressuire,insee,79049,extra", "found 5"),
    ("XX,Bressuire,insee,79049", "unknown country 'XX'"),
    ("France,Bressuire,insee,79049", "unknown country 'France'"),
    ("FR,,insee,79049", "no name"),
    ("FR,Bressuire,wikidata,Q210512", "unknown authority 'wikidata': use insee or geonames"),
    ("TG,Kpalime,insee,79049", "the insee authority is for French collectivities (country FR), not TG"),
    ("FR,Bressuire,insee,99999", "unknown identifier '99999': no commune has this INSEE code"),
    ("FR,Bressuire,insee,999999999", "unknown identifier '999999999': no EPCI nor commune has this SIREN"),
    ("FR,Département du Nord,insee,20", "unknown identifier '20': no département has this code"),
    ("FR,Région Bretagne,insee,79", "no région (current or before 2016) has this code"),
    ("FR,Bressuire,insee,B79", "not an INSEE identifier: 'B79'"),
    ("TG,Kpalime,geonames,kpalime", "not a geonameid: 'kpalime'"),
    ("TG,Kpalime,geonames,1", "unknown identifier '1': no GeoNames place has this geonameid"),
    ("BJ,Kpalime,geonames,2365560", "geonameid 2365560 is Kpalimé in TG, not in BJ"),
])
def test_a_malformed_row_is_rejected_with_file_line_and_reason(row, reason, tmp_path, authorities):
    path = curation_file(tmp_path, f"FR,Saint-Denis,insee,93066\n\n{row}\n")
    [problem] = problems(path, authorities)
    assert problem.startswith(f"{path}:4: ")
    assert reason in problem


def test_every_problem_is_reported_at_once(tmp_path, authorities):
    path = curation_file(tmp_path, "XX,Bressuire,insee,79049\nFR,Saint-Denis,insee,93066\nFR,SAINT DENIS,insee,97411\n")
    assert problems(path, authorities) == [
        f"{path}:2: unknown country 'XX': give its ISO 3166-1 alpha-2 code (FR, TG, …)",
        f"{path}:4: a second decision for FR 'SAINT DENIS' (insee); the first is on line 3",
    ]


@pytest.mark.parametrize("header", ["", "name,country,authority,identifier\n", "FR,Bressuire,insee,79049\n"])
def test_the_header_row_is_required(header, tmp_path, authorities):
    path = curation_file(tmp_path, "FR,Bressuire,insee,79049\n" if header else "", header=header)
    [problem] = problems(path, authorities)
    assert problem.startswith(f"{path}:1: expected the header row country,name,authority,identifier")


def test_an_unreadable_file_is_an_error_naming_it(tmp_path, authorities):
    assert problems(tmp_path / "missing.csv", authorities) == [
        f"{tmp_path / 'missing.csv'}: cannot read the file: No such file or directory"]
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(HEADER.encode() + "FR,Sèvremoine,insee,49301\n".encode("latin-1"))
    assert problems(latin1, authorities) == [f"{latin1}:2: not UTF-8 text"]


def test_a_spreadsheet_export_reads_the_same(authorities):
    text = "\ufeffCountry , Name ,Authority,Identifier\r\n" '"FR","Saint-Denis, Seine-Saint-Denis",insee,93066\r\n'
    curation = parse_curation(text.lstrip("\ufeff"), "export.csv", authorities)
    assert curation.decision("FR", "saint denis seine saint denis", INSEE).target.code == "93066"
