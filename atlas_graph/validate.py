"""SHACL validation of atlas-graph data against the project's shapes (shapes/atlas.ttl).

:func:`validate` checks one graph (or the union of a dataset's graphs). :func:`validate_records`
checks many small record graphs against a shared entities graph, fast: it validates records in
batches (one pyshacl run per batch instead of one per record; pyshacl's fixed cost per run is
several times the cost of one record) and hands back one report per record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import islice

import pyshacl
from rdflib import BNode, Dataset, Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from atlas_graph.resources import shapes_graph

MESSAGE_LANGUAGE = "en"  # the report is for developers; the report graph keeps every language
DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class Violation:
    """One sh:ValidationResult: which node, which property, how bad, why, which value."""

    focus: Node
    path: Node | None  # a property IRI, or the blank node of a complex path
    severity: str  # "Violation", "Warning" or "Info"
    message: str
    value: Node | None


@dataclass(frozen=True, eq=False)
class Report:
    conforms: bool
    violations: tuple[Violation, ...]
    graph: Graph  # the sh:ValidationReport, every message language kept


@cache
def _shapes() -> Graph:
    return shapes_graph()


def validate(data: Graph | Dataset) -> Report:
    """Validate ``data`` (a dataset: the union of all its graphs) with the project's shapes."""
    conforms, report_graph, _ = pyshacl.validate(
        _union(data), shacl_graph=_shapes(), inference="none", advanced=False
    )
    return Report(conforms, _violations(report_graph), report_graph)


def validate_records(
    records: Iterable[Graph],
    entities: Graph | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[Report]:
    """One report per record graph, in order: what validating the record would report.

    Each record is checked together with the part of ``entities`` it reaches (the shared
    collectivities, organisations, countries and concepts it links to, and what they link
    to), so a record's report also names a violation of an entity it uses. Records are
    validated ``batch_size`` at a time; records of one batch only meet when they describe the
    same node (e.g. two records with one id), which is then a violation for both.
    """
    entities = entities if entities is not None else Graph()
    iterator = iter(records)
    while batch := list(islice(iterator, batch_size)):
        yield from _validate_batch(batch, entities)


def _validate_batch(batch: list[Graph], entities: Graph) -> list[Report]:
    data = Graph()
    for record in batch:
        data += record
    data += _reached(entities, _objects(data))
    conforms, report_graph, _ = pyshacl.validate(
        data, shacl_graph=_shapes(), inference="none", advanced=False
    )
    if conforms:
        return [Report(True, (), _report_graph(report_graph, [])) for _ in batch]
    results = list(report_graph.objects(None, SH.result))
    reports = []
    for record in batch:
        nodes = set(record.subjects()) | set(_reached(entities, _objects(record)).subjects())
        mine = [r for r in results if report_graph.value(r, SH.focusNode) in nodes]
        graph = _report_graph(report_graph, mine)
        reports.append(Report(not mine, _violations(graph), graph))
    return reports


def _union(data: Graph | Dataset) -> Graph:
    """A plain graph of every triple of ``data``, whatever graph it sits in."""
    if isinstance(data, Dataset) or data.context_aware:
        union = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    return data


def _objects(graph: Graph) -> set[Node]:
    return {o for o in graph.objects() if not isinstance(o, Literal)}


def _reached(entities: Graph, start: set[Node]) -> Graph:
    """The triples of ``entities`` about the nodes reachable from ``start``."""
    reached = Graph()
    seen: set[Node] = set()
    frontier = list(start)
    while frontier:
        node = frontier.pop()
        if node in seen:
            continue
        seen.add(node)
        for _, p, o in entities.triples((node, None, None)):
            reached.add((node, p, o))
            if not isinstance(o, Literal) and o not in seen:
                frontier.append(o)
    return reached


def _report_graph(full: Graph, results: list[Node]) -> Graph:
    """A validation report holding only ``results`` (each with the triples it is made of)."""
    graph = Graph()
    for prefix, namespace in full.namespace_manager.namespaces():
        graph.bind(prefix, namespace, override=True)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not results)))
    for result in results:
        graph.add((report, SH.result, result))
        _copy_description(full, result, graph)
    return graph


def _copy_description(source: Graph, node: Node, target: Graph) -> None:
    """Copy ``node``'s triples and, recursively, those of the blank nodes it points to."""
    for _, p, o in source.triples((node, None, None)):
        target.add((node, p, o))
        if isinstance(o, BNode):
            _copy_description(source, o, target)


def _violations(report_graph: Graph) -> tuple[Violation, ...]:
    found = []
    for result in report_graph.objects(None, SH.result):
        severity = report_graph.value(result, SH.resultSeverity)
        found.append(
            Violation(
                focus=report_graph.value(result, SH.focusNode),
                path=report_graph.value(result, SH.resultPath),
                severity=severity.split("#")[-1] if severity else "Violation",
                message=_message(report_graph, result),
                value=report_graph.value(result, SH.value),
            )
        )
    return tuple(sorted(found, key=_sort_key))


def _message(report_graph: Graph, result: Node) -> str:
    """The result's message in MESSAGE_LANGUAGE, else an untagged one, else any."""
    messages = [m for m in report_graph.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    for wanted in (MESSAGE_LANGUAGE, None):
        for message in messages:
            if message.language == wanted:
                return str(message)
    return str(messages[0]) if messages else "does not conform"


def _sort_key(violation: Violation) -> tuple[str, ...]:
    return tuple(
        "" if term is None else str(term)
        for term in (violation.focus, violation.path, violation.message, violation.value)
    )
