"""A linked conversion (``atlas-graph convert``, links on by default) validates with zero
violations in both validators: ``atlas-graph validate`` (pyshacl) and the compiled shapes the
loader runs; a malformed link in the same output is named by both."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from atlas_graph.resources import shapes_graph
from atlas_graph.validation.compiled import compile_shapes
from support.commands import run_atlas_graph

B = "http://localhost:8000/"
BRESSUIRE = f"<{B}id/collectivity/fr/bressuire>"
INSEE_CODE = "<https://w3id.org/atlas-coop/ontology#inseeCode>"
LINK_PREDICATES = ("ontology#inseeCode>", "ontology#siren>", "ontology#department>", "ontology#region>",
                   "<http://purl.org/dc/terms/isReplacedBy>", "wgs84_pos#lat>", "geosparql#asWKT>",
                   "<https://sws.geonames.org/")


def converted(inputs: list[Path], output: Path) -> str:
    done = run_atlas_graph("convert", *inputs, "-o", output)
    assert done.returncode == 0, done.stdout + done.stderr
    return output.read_text(encoding="utf-8")


def compiled_results(nquads: Path) -> list:
    store = ox.Store()
    store.load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    return compile_shapes(shapes_graph()).run(store)


def assert_conforms_in_both(nquads: Path) -> None:
    validated = run_atlas_graph("validate", nquads)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "conforms" in validated.stdout
    assert compiled_results(nquads) == []


def test_the_real_records_linked_conform_in_both_validators(shared: Path, tmp_path: Path) -> None:
    output = tmp_path / "atlas.nq"
    text = converted([shared / "atlas" / "records"], output)
    assert f'{BRESSUIRE} {INSEE_CODE} "79049"' in text  # linked: the shapes have links to check
    assert all(predicate in text for predicate in LINK_PREDICATES)
    assert_conforms_in_both(output)


def test_a_linked_synthetic_corpus_conforms_in_both_validators(tmp_path: Path) -> None:
    made = run_atlas_graph("synth", "--count", "150", "--seed", "4", "-o", tmp_path / "synth", "-q")
    assert made.returncode == 0, made.stderr
    output = tmp_path / "synth.nq"
    text = converted([tmp_path / "synth"], output)
    assert all(predicate in text for predicate in LINK_PREDICATES)
    assert_conforms_in_both(output)


@pytest.mark.parametrize("bad_code", ["7904", "2C049"])
def test_a_malformed_insee_code_in_the_output_is_named_by_both(shared: Path, tmp_path: Path, bad_code: str) -> None:
    output = tmp_path / "atlas.nq"
    text = converted([shared / "atlas" / "records"], output)
    output.write_text(text.replace(f'{INSEE_CODE} "79049"', f'{INSEE_CODE} "{bad_code}"'), encoding="utf-8")

    validated = run_atlas_graph("validate", output)
    assert validated.returncode == 1
    (line,) = [line for line in validated.stdout.splitlines() if "atlas:inseeCode" in line]
    assert line.startswith(BRESSUIRE) and "An INSEE code is at most one well-formed code" in line
    assert f'(value: "{bad_code}")' in line
    (result,) = compiled_results(output)
    assert (result.focus.value, result.path.value, result.value.value) == (
        BRESSUIRE.strip("<>"), INSEE_CODE.strip("<>"), bad_code)
    assert result.message_en.startswith("An INSEE code is at most one well-formed code")
