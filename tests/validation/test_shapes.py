"""The SHACL shapes and the validation library: what conforms, what does not, and why."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH, SKOS

from atlas_graph.resources import shapes_graph
from atlas_graph.validation.shacl import validate, validate_records
from support.example_graph import (
    ATLAS,
    BROKEN,
    DECIMAL,
    FUNDING_1,
    KPALIME,
    MALFORMED_LINKS,
    ORG,
    PARTNERSHIP,
    RECORD_ID,
    TOGO,
    B,
    replaced,
    valid_graph,
)


def split_like_the_store(graph: Graph) -> tuple[Graph, Graph]:
    """The record's own triples and the shared entities, as docs/data-model.md files them."""
    record, entities = Graph(), Graph()
    for s, p, o in graph:
        own = str(s).startswith(str(PARTNERSHIP)) or str(s).startswith("urn:sha256:")
        (record if own else entities).add((s, p, o))
    return record, entities


def test_the_shapes_are_valid_shacl(shared: Path) -> None:
    shacl_shacl = Graph().parse(shared / "w3c" / "shacl" / "shacl-shacl.ttl")
    conforms, _, text = pyshacl.validate(shapes_graph(), shacl_graph=shacl_shacl, inference="none")
    assert conforms, text


def test_every_shape_speaks_french_and_english() -> None:
    shapes = shapes_graph()
    with_messages = set(shapes.subjects(SH.message, None))
    assert len(with_messages) > 20
    for shape in with_messages:
        assert {m.language for m in shapes.objects(shape, SH.message)} == {"fr", "en"}, shape


def test_the_data_model_example_conforms() -> None:
    report = validate(valid_graph())
    assert report.conforms, report.violations
    assert report.violations == ()
    assert (None, SH.conforms, Literal(True)) in report.graph


def test_records_and_entities_in_separate_graphs_conform_together() -> None:
    record, entities = split_like_the_store(valid_graph())
    dataset = Dataset()
    dataset.graph(B[f"graph/partnership/{RECORD_ID}"]).__iadd__(record)
    dataset.graph(B["graph/entities"]).__iadd__(entities)
    assert validate(dataset).conforms


@pytest.mark.parametrize("breakage", BROKEN, ids=list(BROKEN))
def test_each_breakage_is_named_by_focus_node_and_path(breakage: str) -> None:
    break_it, focus, path = BROKEN[breakage]
    report = validate(break_it(valid_graph()))
    assert not report.conforms
    assert (focus, path) in {(v.focus, v.path) for v in report.violations}, report.violations


@pytest.mark.parametrize("malformed", MALFORMED_LINKS, ids=list(MALFORMED_LINKS))
def test_a_malformed_link_is_a_violation_with_its_own_message(malformed: str) -> None:
    break_it, focus, path, message = MALFORMED_LINKS[malformed]
    violations = validate(break_it(valid_graph())).violations
    assert {v.message for v in violations if (v.focus, v.path) == (focus, path)} == {message}, violations
    assert all(v.severity == "Violation" for v in violations)


@pytest.mark.parametrize("bad_uri", [
    B["id/partnership/x/y"],           # not a partnership URI
    B["id/record/000_907021ef8160d5c3"],
    BNode(),                            # not a URI at all
])
def test_a_partnership_uri_must_follow_the_scheme(bad_uri) -> None:
    graph = valid_graph()
    for p, o in list(graph.predicate_objects(PARTNERSHIP)):
        graph.add((bad_uri, p, o))
    graph.remove((PARTNERSHIP, None, None))
    assert bad_uri in {v.focus for v in validate(graph).violations}


def test_a_collectivity_uri_must_follow_the_scheme() -> None:
    graph = valid_graph()
    bad = B["id/collectivity/togo/Kpalimé"]
    for p, o in list(graph.predicate_objects(KPALIME)):
        graph.add((bad, p, o))
    assert bad in {v.focus for v in validate(graph).violations}


def test_violations_carry_the_english_message_and_the_value() -> None:
    graph = replaced(valid_graph(), FUNDING_1, ATLAS.amount, Literal("-5", datatype=DECIMAL))
    report = validate(graph)
    (violation,) = report.violations
    assert violation.severity == "Violation"
    assert violation.value == Literal("-5", datatype=DECIMAL)
    assert "amount" in violation.message and "montant" not in violation.message.lower()
    messages = set(report.graph.objects(None, SH.resultMessage))
    assert {m.language for m in messages} == {"fr", "en"}


def numbered_record(record: Graph, n: int) -> Graph:
    """A copy of the record under another record id."""
    def rename(node):
        text = str(node)
        if isinstance(node, URIRef) and (text.startswith(str(PARTNERSHIP)) or text.startswith("urn:")):
            return URIRef(text.replace(RECORD_ID, f"r{n}"))
        return node
    return Graph().__iadd__((rename(s), p, rename(o)) for s, p, o in record)


def test_validate_records_reports_each_record_alone() -> None:
    record, entities = split_like_the_store(valid_graph())
    records = [numbered_record(record, n) for n in range(7)]
    records[2].remove((B["id/partnership/r2"], DCTERMS.title, None))
    records[5].set((B["id/partnership/r5/funding/1"], ATLAS.amount, Literal("-3", datatype=DECIMAL)))

    reports = list(validate_records(records, entities, batch_size=3))

    assert [r.conforms for r in reports] == [True, True, False, True, True, False, True]
    assert [(v.focus, v.path) for v in reports[2].violations] == [(B["id/partnership/r2"], DCTERMS.title)]
    assert [(v.focus, v.path) for v in reports[5].violations] == [
        (B["id/partnership/r5/funding/1"], ATLAS.amount)]
    assert (None, SH.conforms, Literal(False)) in reports[2].graph
    assert len(set(reports[2].graph.objects(None, SH.result))) == 1


def test_validate_records_names_a_broken_entity_in_the_records_that_use_it() -> None:
    record, entities = split_like_the_store(valid_graph())
    entities.remove((TOGO, ATLAS.isoCode, None))
    lonely = Graph().__iadd__(
        (s, p, o) for s, p, o in numbered_record(record, 9) if p != ATLAS.foreignPartner)
    lonely.remove((None, ATLAS.funding, None))
    lonely.remove((B["id/partnership/r9/funding/1"], None, None))
    lonely.remove((B["id/partnership/r9/funding/2"], None, None))

    using, not_using = validate_records([numbered_record(record, 1), lonely], entities)

    assert (TOGO, ATLAS.isoCode) in {(v.focus, v.path) for v in using.violations}
    assert not_using.conforms, not_using.violations


def test_validate_records_agrees_with_validate() -> None:
    record, entities = split_like_the_store(valid_graph())
    record.remove((PARTNERSHIP, DCTERMS.title, None))
    (from_batch,) = validate_records([record], entities)
    assert from_batch.violations == validate(record + entities).violations


def test_validate_records_checks_entities_a_record_describes_itself() -> None:
    record, entities = split_like_the_store(valid_graph())
    stray = B["id/collectivity/tg/agou"]  # described in the record's graph, without a country
    for kind in (ATLAS.ForeignCollectivity, ATLAS.Collectivity, ORG.Organization):
        record.add((stray, RDF.type, kind))
    record.add((stray, SKOS.prefLabel, Literal("Agou", lang="fr")))
    record.add((PARTNERSHIP, ATLAS.foreignPartner, stray))

    (report,) = validate_records([record], entities)

    assert [(v.focus, v.path) for v in report.violations] == [(stray, ATLAS.country)]
