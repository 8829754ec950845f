"""``atlas-graph links INPUT... [-o REPORT.csv] [--links FILE]`` end to end (CONTRACT §3)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from atlas_graph.cli.main import main
from atlas_graph.link.authorities import Authorities
from atlas_graph.link.report import COLUMNS


def rows(text: str) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames) == COLUMNS
    return {row["name"]: row for row in reader}


@pytest.fixture
def homonyms_page(real_page: Path, tmp_path: Path) -> Path:
    """The real page with Saint-Denis (several communes) as its French partner."""
    text = real_page.read_text(encoding="utf-8").replace("Bressuire | ![]() |", "Saint-Denis | ![]() |")
    page = tmp_path / "saint_denis.txt"
    page.write_text(text, encoding="utf-8")
    return page


def test_the_report_of_the_real_page(atlas_graph_cli, real_page):
    done = atlas_graph_cli("links", real_page)
    assert done.returncode == 0, done.stderr
    report = rows(done.stdout)
    assert list(report) == ["France", "Bressuire", "Région Poitou-Charentes", "Togo", "Kpalime"]
    assert {key: report["Bressuire"][key] for key in ("country", "kind", "status", "authority", "identifier", "siren",
                                                      "department", "region")} == {
        "country": "FR", "kind": "commune", "status": "automatic", "authority": "insee", "identifier": "79049",
        "siren": "217900497", "department": "79", "region": "75"}
    poitou_charentes = report["Région Poitou-Charentes"]
    assert (poitou_charentes["identifier"], poitou_charentes["replaced_by"]) == ("54", "75")
    assert (report["Kpalime"]["identifier"], report["Kpalime"]["latitude"], report["Kpalime"]["longitude"]) == (
        "2365560", "6.9", "0.63333")
    assert report["Togo"]["identifier"] == "2363686"
    assert done.stderr.strip() == (
        "5 entities: 5 linked (5 automatic, 0 curated), 0 ambiguous, 0 not found, 0 wrong kind, 0 blocked; "
        "linked per kind: commune 1/1 (100 %), region 1/1 (100 %), place 1/1 (100 %), country 2/2 (100 %)")


def test_curated_decisions_fix_an_ambiguous_name_and_block_a_wrong_one(atlas_graph_cli, homonyms_page, tmp_path):
    report_file = tmp_path / "report.csv"
    done = atlas_graph_cli("links", homonyms_page, "-o", report_file)
    assert done.returncode == 0, done.stderr
    saint_denis = rows(report_file.read_text(encoding="utf-8"))["Saint-Denis"]
    assert (saint_denis["status"], saint_denis["identifier"]) == ("ambiguous", "")
    assert "93066 Saint-Denis (département 93, population " in saint_denis["candidates"]
    assert "97411 Saint-Denis (département 974, population " in saint_denis["candidates"]
    assert "1 ambiguous" in done.stderr and "commune 0/1 (0 %)" in done.stderr

    decisions = tmp_path / "decisions.csv"
    decisions.write_text("country,name,authority,identifier\nFR,Saint-Denis,insee,93066\nTG,KPALIME,geonames,\n",
                         encoding="utf-8")
    done = atlas_graph_cli("links", homonyms_page, "-o", report_file, "--links", decisions)
    assert done.returncode == 0, done.stderr
    report = rows(report_file.read_text(encoding="utf-8"))
    assert (report["Saint-Denis"]["status"], report["Saint-Denis"]["identifier"]) == ("curated", "93066")
    assert (report["Kpalime"]["status"], report["Kpalime"]["identifier"]) == ("blocked", "")
    assert "4 linked (3 automatic, 1 curated)" in done.stderr and "1 blocked" in done.stderr


def test_a_malformed_links_file_is_a_usage_error_with_file_line_and_reason(atlas_graph_cli, real_page, tmp_path):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("country,name,authority,identifier\nFR,Bressuire,insee,99999\nFR,Bressuire\n",
                         encoding="utf-8")
    report_file = tmp_path / "report.csv"
    done = atlas_graph_cli("links", real_page, "-o", report_file, "--links", decisions)
    assert done.returncode == 2
    assert f"{decisions}:2: unknown identifier '99999': no commune has this INSEE code" in done.stderr
    assert f"{decisions}:3: expected 4 fields" in done.stderr
    assert not report_file.exists()


def test_exit_statuses(atlas_graph_cli, real_page, tmp_path):
    assert atlas_graph_cli("links", tmp_path / "missing").returncode == 2
    assert atlas_graph_cli("links", real_page, "-o", tmp_path / "no" / "such" / "folder.csv").returncode == 2
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    done = atlas_graph_cli("links", real_page, tmp_path / "empty.txt", "-q")
    assert done.returncode == 1
    assert "empty capture" in done.stderr
    assert "Bressuire" in done.stdout  # the other records are reconciled


def test_no_authorities_file_is_a_failure_as_a_whole(real_page, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("atlas_graph.cli.links.load_authorities", lambda: Authorities(tmp_path / "missing.sqlite"))
    assert main(["links", str(real_page)]) == 3
    assert "the authorities file is missing" in capsys.readouterr().err


def test_help_teaches(atlas_graph_cli):
    done = atlas_graph_cli("links", "--help")
    assert done.returncode == 0
    for taught in ("country,name,authority,identifier", "Département de la Savoie", "Poitou-Charentes",
                   "KPALIME", "ambiguous", "not", "wrong kind", "blocked", "curated", "Exit status", "examples:"):
        assert taught in done.stdout
    assert "links" in atlas_graph_cli("--help").stdout
