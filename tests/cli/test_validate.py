"""``atlas-graph validate``: exit codes, readable report lines, the --report file."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SH

from atlas_graph.cli import main
from support.paths import TEST_DATA

VALID = TEST_DATA / "valid.ttl"
ATLAS = Namespace("https://w3id.org/atlas-coop/ontology#")
B = Namespace("http://localhost:8000/")
PARTNERSHIP = B["id/partnership/000_907021ef8160d5c3"]
FUNDING_1 = B["id/partnership/000_907021ef8160d5c3/funding/1"]
DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    """The valid example without its title and with a negative amount."""
    graph = Graph().parse(VALID)
    graph.remove((PARTNERSHIP, DCTERMS.title, None))
    graph.set((FUNDING_1, ATLAS.amount, Literal("-19300", datatype=DECIMAL)))
    path = tmp_path / "broken.ttl"
    graph.serialize(path, format="turtle")
    return path


def test_a_conforming_file_exits_0_with_a_one_line_summary(capsys) -> None:
    assert main(["validate", str(VALID)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "valid.ttl" in out and "conforms" in out


def test_violations_exit_1_naming_focus_path_and_value(broken_file: Path, capsys) -> None:
    assert main(["validate", str(broken_file)]) == 1
    lines = capsys.readouterr().out.splitlines()
    title_line = next(line for line in lines if "dct:title" in line)
    amount_line = next(line for line in lines if "atlas:amount" in line)
    assert str(PARTNERSHIP) in title_line and "title" in title_line.split("dct:title", 1)[1]
    assert str(FUNDING_1) in amount_line and "(value: \"-19300" in amount_line
    assert "2 violations" in lines[-1]
    assert lines.index(title_line) < lines.index(amount_line)  # sorted by focus node IRI


def test_report_file_is_a_parsable_validation_report(broken_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.ttl"
    assert main(["validate", str(broken_file), "--report", str(out)]) == 1
    report = Graph().parse(out)
    (node,) = report.subjects(SH.conforms, None)
    assert report.value(node, SH.conforms) == Literal(False)
    focus_nodes = {report.value(r, SH.focusNode) for r in report.objects(node, SH.result)}
    assert focus_nodes == {PARTNERSHIP, FUNDING_1}


def test_report_format_follows_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "report.jsonld"
    assert main(["validate", str(VALID), "--report", str(out)]) == 0
    report = Graph().parse(out, format="json-ld")
    assert (None, SH.conforms, Literal(True)) in report


def test_quads_are_validated_as_the_union_of_their_graphs(tmp_path: Path, capsys) -> None:
    graph = Graph().parse(VALID)
    dataset = Dataset()
    for s, p, o in graph:
        own = str(s).startswith(str(PARTNERSHIP)) or str(s).startswith("urn:sha256:")
        name = "graph/partnership/000_907021ef8160d5c3" if own else "graph/entities"
        dataset.graph(B[name]).add((s, p, o))
    path = tmp_path / "atlas.nq"
    dataset.serialize(path, format="nquads")
    assert main(["validate", str(path)]) == 0
    assert f"({len(graph)} triples)" in capsys.readouterr().out


def test_files_are_validated_together(tmp_path: Path) -> None:
    graph = Graph().parse(VALID)
    records, entities = Graph(), Graph()
    for s, p, o in graph:
        (records if str(s).startswith(str(PARTNERSHIP)) or str(s).startswith("urn:") else entities).add((s, p, o))
    records.serialize(tmp_path / "records.nt", format="nt", encoding="utf-8")
    entities.serialize(tmp_path / "entities.rdf", format="xml")
    assert main(["validate", str(tmp_path / "records.nt")]) == 1  # partners' types are elsewhere
    assert main(["validate", str(tmp_path / "records.nt"), str(tmp_path / "entities.rdf")]) == 0


@pytest.mark.parametrize("name, content, expected", [
    ("missing.ttl", None, "missing.ttl: no such file"),
    ("broken.ttl", "@prefix a: <http://x/> .\na:b a:c a:d .\na:e a:f .\n", "broken.ttl:3: not valid Turtle"),
    ("broken.jsonld", '{"@id": ', "broken.jsonld:1: not valid JSON-LD"),
    ("broken.nt", "<a> <b> .\n", "broken.nt: not valid N-Triples"),
    ("data.csv", "a,b\n", "unknown extension '.csv'"),
])
def test_usage_errors_exit_2_naming_the_file(tmp_path: Path, capsys, name, content, expected) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert expected in capsys.readouterr().err


def test_unknown_report_extension_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(VALID), "--report", str(tmp_path / "report.csv")]) == 2
    assert "report.csv" in capsys.readouterr().err
    assert not (tmp_path / "report.csv").exists()


def test_installed_script_and_help(atlas_graph_cli, broken_file: Path) -> None:
    result = atlas_graph_cli("validate", broken_file)
    assert result.returncode == 1
    assert "dct:title" in result.stdout and "atlas:amount" in result.stdout
    missing = atlas_graph_cli("validate", "no/such/file.ttl")
    assert missing.returncode == 2 and "no/such/file.ttl" in missing.stderr
    assert "Traceback" not in missing.stderr
    helped = atlas_graph_cli("validate", "--help")
    assert helped.returncode == 0
    assert "atlas-graph validate atlas.ttl" in helped.stdout and "--report" in helped.stdout
