"""``atlas-graph convert`` as users run it: exit codes, problem lines, formats, determinism."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef

from support.commands import run_atlas_graph

B = "http://localhost:8000/"
REJECTED = ["empty.txt", "error_page.txt", "not_found_page.txt"]
PROBLEM_LINE = re.compile(r"^(?P<file>\S+\.txt)(:(?P<line>\d+))?: (?P<field>[^:]+):"
                          r"( (?P<value>'[^']*'|\"[^\"]*\"):)? (?P<message>.+)$")


def convert(*args) -> tuple[int, str]:
    result = run_atlas_graph("convert", *args)
    return result.returncode, result.stderr


def problem_lines(stderr: str) -> list[str]:
    """Every line but the summary and the link notices (names not linked are no problem)."""
    return [line for line in stderr.splitlines()
            if " records converted, " not in line and not line.startswith("notice: links: ")]


@pytest.fixture(scope="module")
def batch_output(test_records, tmp_path_factory) -> tuple[int, str, Graph]:
    out = tmp_path_factory.mktemp("batch") / "out.nt"
    code, stderr = convert(test_records, "-o", out)
    return code, stderr, Graph().parse(out, format="nt")


def test_rejected_captures_exit_1_and_the_rest_is_written(batch_output, test_records):
    code, stderr, graph = batch_output
    assert code == 1
    converted = {p.stem for p in test_records.glob("*.txt")} - {Path(n).stem for n in REJECTED} - {"atlas_id"}
    written = {str(s).rsplit("/", 1)[-1] for s in graph.subjects(None, URIRef("https://w3id.org/atlas-coop/ontology#Partnership"))}
    assert written == converted | {"ATL-2012-0042"}
    for name in REJECTED:
        assert not any(name.removesuffix(".txt") in str(s) for s in graph.all_nodes())
    assert f"{len(written)} records converted, {len(REJECTED)} rejected" in stderr


def test_rejections_say_why(batch_output, test_records):
    _, stderr, _ = batch_output
    lines = problem_lines(stderr)
    for name, says in [("empty.txt", "empty capture"), ("error_page.txt", "not an Atlas project page"),
                       ("not_found_page.txt", "la page demandée n'existe pas")]:
        assert any(line.startswith(str(test_records / name)) and says in line for line in lines), (name, lines)


def test_broken_values_one_line_each_with_file_line_field_value_message(batch_output, test_records):
    _, stderr, graph = batch_output
    broken = [line for line in problem_lines(stderr) if "broken_values.txt" in line]
    parsed = [PROBLEM_LINE.match(line) for line in broken]
    assert all(parsed), broken
    assert [(m["line"], m["field"], m["value"]) for m in parsed] == [
        ("5", "Année de signature de la convention", "'19x1'"),
        ("9", "Date de fin du partenariat", "'31/02/2015'"),
        ("18", "Financement du partenariat", "'12O00'"),
        ("13", "Pays", "'Atlantide'"),
    ]
    assert all(m["file"] == str(test_records / "broken_values.txt") for m in parsed)
    # and none of them is in the output
    nt = graph.serialize(format="nt")
    assert "19x1" not in nt and "12O00" not in nt and "2015-02-31" not in nt and "Atlantide" not in nt


def test_every_problem_line_has_the_shape(batch_output):
    _, stderr, _ = batch_output
    for line in problem_lines(stderr):
        assert PROBLEM_LINE.match(line), line


def test_a_clean_batch_exits_0(test_records, tmp_path):
    code, stderr = convert(test_records / "multi_row_tables.txt", test_records / "end_date.txt",
                           "-o", tmp_path / "o.ttl")
    assert code == 0, stderr
    assert len(Graph().parse(tmp_path / "o.ttl")) > 50


def good_records(test_records: Path) -> list[Path]:
    return sorted(p for p in test_records.glob("*.txt") if p.name not in REJECTED)


@pytest.mark.parametrize("suffix", [".nt", ".ttl", ".trig", ".nq", ".jsonld"])
def test_same_bytes_whatever_the_file_order_and_hash_seed(test_records, real_page, tmp_path, suffix):
    files = good_records(test_records) + [real_page]
    runs = [(files, "0"), (files[::-1], "1"), (files[3:] + files[:3], "12345")]
    outputs = []
    for n, (order, seed) in enumerate(runs):
        out = tmp_path / f"run{n}{suffix}"
        result = run_atlas_graph("convert", *order, "-o", out, "--include-contacts", env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0]) > 1000


@pytest.mark.parametrize("suffix, fmt", [(".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld")])
def test_every_format_holds_the_same_triples(test_records, tmp_path, suffix, fmt):
    files = good_records(test_records)
    reference = tmp_path / "ref.nt"
    assert convert(*files, "-o", reference)[0] == 0
    out = tmp_path / f"out{suffix}"
    assert convert(*files, "-o", out)[0] == 0
    assert Graph().parse(out, format=fmt).isomorphic(Graph().parse(reference, format="nt"))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own parsers
@pytest.mark.parametrize("suffix, fmt", [(".nq", "nquads"), (".trig", "trig")])
def test_quad_formats_put_each_record_in_its_own_graph(test_records, tmp_path, suffix, fmt):
    files = [test_records / "end_date.txt", test_records / "label_variant.txt"]
    out = tmp_path / f"out{suffix}"
    assert convert(*files, "-o", out)[0] == 0
    dataset = Dataset().parse(out, format=fmt)
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {B + "graph/partnership/end_date", B + "graph/partnership/label_variant", B + "graph/entities"}
    record_graph = dataset.graph(URIRef(B + "graph/partnership/end_date"))
    assert (URIRef(B + "id/partnership/end_date"), None, None) in record_graph
    assert (URIRef(B + "id/partnership/label_variant"), None, None) not in record_graph
    assert (URIRef(B + "id/status/termine"), None, None) in dataset.graph(URIRef(B + "graph/entities"))


def test_base_uri_option_and_environment(test_records, tmp_path):
    record = test_records / "end_date.txt"
    out = tmp_path / "o.nt"
    assert convert(record, "-o", out, "--base-uri", "https://data.example.org/atlas/")[0] == 0
    assert "<https://data.example.org/atlas/id/partnership/end_date>" in out.read_text()
    result = run_atlas_graph("convert", record, "-o", out, env={"ATLAS_BASE_URI": "https://env.example.org/"})
    assert result.returncode == 0 and "<https://env.example.org/id/partnership/end_date>" in out.read_text()


def test_folders_are_searched_for_txt_files(test_records, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(test_records / "end_date.txt", folder)
    (folder / "notes.md").write_text("Titre\nnot a record\n")
    code, stderr = convert(folder, "-o", tmp_path / "o.ttl")
    assert code == 0, stderr
    assert "1 records converted, 0 rejected" in stderr


@pytest.mark.parametrize("args, says", [
    (["{rec}", "-o", "{tmp}/out.xml"], "unknown extension '.xml'"),
    (["{tmp}/missing.txt", "-o", "{tmp}/out.ttl"], "no such file or folder"),
    (["{tmp}/empty-dir", "-o", "{tmp}/out.ttl"], "no record files found"),
    (["{rec}", "-o", "{tmp}/no/such/dir/out.ttl"], "does not exist"),
    (["{rec}", "-o", "{tmp}/out.ttl", "--base-uri", "http://example.org/no-slash"],
     "must be an absolute http(s) URI ending with '/'"),
    (["{rec}"], "required: -o/--output"),
    (["{rec}", "-o", "{tmp}/out.ttl", "--no-such-option"], "unrecognized arguments"),
])
def test_usage_errors_exit_2_and_write_nothing(test_records, tmp_path, args, says):
    (tmp_path / "empty-dir").mkdir()
    args = [a.format(rec=test_records / "end_date.txt", tmp=tmp_path) for a in args]
    code, stderr = convert(*args)
    assert code == 2
    assert says in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "out.ttl").exists() and not (tmp_path / "out.xml").exists()


def test_an_unreadable_input_is_a_rejection_not_a_crash(test_records, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(test_records / "end_date.txt", folder)
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    code, stderr = convert(folder, "-o", tmp_path / "o.ttl")
    assert code == 1 and "binary.txt" in stderr and "Traceback" not in stderr
    assert "id/partnership/end_date" in (tmp_path / "o.ttl").read_text()
