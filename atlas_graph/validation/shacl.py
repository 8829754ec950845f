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
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SH
from rdflib.term import Node

from atlas_graph.resources import shapes_graph
from atlas_graph.vocabulary import ATLAS, SHAPES, VCARD

MESSAGE_LANGUAGE = "en"  # the report is for developers; the report graph keeps every language
DEFAULT_BATCH_SIZE = 500

# The nodes of a record's own graph (docs/data-model.md) and the shapes that check them.
RECORD_CLASSES = frozenset({ATLAS.Partnership, ATLAS.Funding, PROV.Entity, VCARD.Individual})
RECORD_SHAPES = (SHAPES.PartnershipShape, SHAPES.FundingShape, SHAPES.SourceShape,
                 SHAPES.IndividualShape)


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


TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)


@cache
def _original_shapes() -> Graph:
    return shapes_graph()


@cache
def _shapes() -> Graph:
    """The project's shapes, with the property shapes of targeted node shapes targeted
    themselves (see :func:`_flatten`): the same results, several times faster."""
    return _flatten(_original_shapes())


@cache
def _record_shapes_graph() -> Graph:
    """Only the record shapes (RECORD_SHAPES and what they use) keep targets: validating a
    batch of records with it runs the record shapes and nothing else."""
    return _flatten(_original_shapes(), only=set(map(URIRef, _record_shapes())))


def _flatten(shapes: Graph, only: set[Node] | None = None) -> Graph:
    """An equivalent shapes graph in which each property shape of a targeted node shape has
    that node shape's targets itself, instead of being reached through ``sh:property``.

    Why: pyshacl evaluates a property shape reached through ``sh:property`` once per focus node,
    building its constraint components anew each time; a targeted shape is
    evaluated once for all its focus nodes. The results are the same: same focus nodes, paths,
    values, messages and source shapes. Node shapes that other shapes use (``sh:node``,
    ``sh:qualifiedValueShape`` …) are left as they are, so are deactivated ones. With ``only``,
    the targets of every shape not in ``only`` are dropped: only those shapes run.
    """
    flat = Graph(bind_namespaces="none")
    for prefix, namespace in shapes.namespace_manager.namespaces():
        flat.bind(prefix, namespace)
    for triple in shapes:
        flat.add(triple)
    used_elsewhere = {o for s, p, o in shapes if p != SH.property and not isinstance(o, Literal)}
    targeted = {s for target in TARGETS for s in shapes.subjects(target, None)}
    for shape in targeted:
        if only is not None and shape not in only:
            for target in TARGETS:
                flat.remove((shape, target, None))
            continue
        if shape in used_elsewhere or (shape, SH.deactivated, Literal(True)) in shapes:
            continue
        targets = [(target, value) for target in TARGETS for value in shapes.objects(shape, target)]
        for prop in list(shapes.objects(shape, SH.property)):
            for target, value in targets:
                flat.add((prop, target, value))
            flat.remove((shape, SH.property, prop))
    return flat


@cache
def _record_shapes() -> tuple[str, ...]:
    """RECORD_SHAPES and every named shape they use (such as shapes:Partnership-title)."""
    found: list[Node] = []
    pending: list[Node] = list(RECORD_SHAPES)
    while pending:
        shape = pending.pop()
        if shape in found:
            continue
        found.append(shape)
        for predicate in (SH.property, SH.node, SH.qualifiedValueShape):
            pending.extend(o for o in _original_shapes().objects(shape, predicate) if isinstance(o, URIRef))
    return tuple(str(shape) for shape in found)


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

    Speed: ``entities`` are validated once; a batch runs only the record shapes (about a
    quarter of the work of all shapes), unless one of its records describes a node of
    another kind or adds to an entity, in which case the batch runs every shape.
    """
    entities = entities if entities is not None else Graph()
    entity_report = validate(entities)
    iterator = iter(records)
    while batch := list(islice(iterator, batch_size)):
        yield from _validate_batch(batch, entities, entity_report)


def _validate_batch(batch: list[Graph], entities: Graph, entity_report: Report) -> list[Report]:
    data = Graph(bind_namespaces="none")  # pyshacl needs a context-aware store
    add = data.add
    for record in batch:
        for triple in record:
            add(triple)
    for triple in _reached(entities, _objects(data)):
        add(triple)
    record_shapes_suffice = all(_describes_only_record_nodes(record, entities) for record in batch)
    conforms, report_graph, _ = pyshacl.validate(
        data,
        shacl_graph=_record_shapes_graph() if record_shapes_suffice else _shapes(),
        inference="none",
        advanced=False,
    )
    if conforms and entity_report.conforms:
        return [Report(True, (), _report_graph([])) for _ in batch]
    batch_results = list(report_graph.objects(None, SH.result))
    entity_results = list(entity_report.graph.objects(None, SH.result))
    reports = []
    for record in batch:
        own = set(record.subjects())
        reached = own | set(_reached(entities, _objects(record)).subjects())
        if record_shapes_suffice:
            mine = [(report_graph, r) for r in batch_results if _focus(report_graph, r) in own]
            mine += [
                (entity_report.graph, r)
                for r in entity_results
                if _focus(entity_report.graph, r) in reached
            ]
        else:
            mine = [(report_graph, r) for r in batch_results if _focus(report_graph, r) in reached]
        graph = _report_graph(mine)
        reports.append(Report(not mine, _violations(graph), graph))
    return reports


def _describes_only_record_nodes(record: Graph, entities: Graph) -> bool:
    """True when every node the record describes is a record node (docs/data-model.md) that
    the entities do not describe: then only the record shapes can find fault with it."""
    for subject in set(record.subjects()):
        if not set(record.objects(subject, RDF.type)) <= RECORD_CLASSES:
            return False
        if (subject, None, None) in entities:
            return False
    return True


def _fast_graph() -> Graph:
    """A graph for scratch work: no named-graph bookkeeping, no namespace bindings (twice as
    fast to fill as rdflib's default)."""
    return Graph(store="SimpleMemory", bind_namespaces="none")


def _focus(report_graph: Graph, result: Node) -> Node | None:
    return report_graph.value(result, SH.focusNode)


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
    reached = _fast_graph()
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


def _report_graph(results: list[tuple[Graph, Node]]) -> Graph:
    """A validation report of ``results``, each (report graph, result node) with its triples."""
    graph = Graph(bind_namespaces="none")  # binding rdflib's defaults costs ms per record
    graph.bind("sh", SH)
    for source in {id(source): source for source, _ in results}.values():
        for prefix, namespace in source.namespace_manager.namespaces():
            graph.bind(prefix, namespace, override=True)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not results)))
    for source, result in results:
        graph.add((report, SH.result, result))
        _copy_description(source, result, graph)
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
