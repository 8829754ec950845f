"""``atlas-graph validate FILE... [--report OUT.ttl]``: SHACL validation with the project's shapes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from xml.sax import SAXParseException

from rdflib import Dataset, Graph
from rdflib.namespace import NamespaceManager
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from atlas_graph.cli.base import EXIT_OK, EXIT_PROBLEMS, UsageError
from atlas_graph.formats import RDF_SERIALIZATIONS
from atlas_graph.validation.shacl import Report, Violation, validate
from atlas_graph.vocabulary import PREFIXES

HELP = "check RDF files against the atlas-graph SHACL shapes"

DESCRIPTION = """\
Check RDF files against the atlas-graph SHACL shapes (shapes/atlas.ttl): the graph must have the
shape docs/data-model.md describes. All FILEs are validated together, as one graph: give the
shared entities (collectivities, countries, concepts) along with the records that use them.
Quad files (.nq, .trig) are validated as the union of all their graphs.

Input formats, by extension: .ttl (Turtle), .nt (N-Triples), .nq (N-Quads), .trig (TriG),
.jsonld (JSON-LD), .rdf (RDF/XML).

Exit status: 0 the data conforms; 1 it does not (one line per violation: focus node, property,
message, offending value); 2 usage error (missing or unparseable file, unknown extension).

examples:
  atlas-graph validate atlas.ttl
  atlas-graph validate atlas.nq --report report.ttl
  atlas-graph validate records.trig entities.ttl
"""

#: A file's extension → (the rdflib parser, the format's name for messages).
INPUT_FORMATS = {f".{f.extension}": (f.rdflib_name, f.label) for f in RDF_SERIALIZATIONS}
#: The report is one graph: any triple format.
REPORT_FORMATS = {f".{f.extension}": f.rdflib_name for f in RDF_SERIALIZATIONS if not f.quads}


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="RDF file(s) to check")
    parser.add_argument(
        "--report",
        type=Path,
        metavar="OUT.ttl",
        help="also write the SHACL validation report (sh:ValidationReport) to this file; "
        f"format by extension: {' '.join(REPORT_FORMATS)}",
    )


def run(args) -> int:
    report_format = _report_format(args.report) if args.report else None
    data = Dataset()
    for path in args.files:
        _parse_into(data, path)
    report = validate(data)
    if args.report:
        _write_report(report, args.report, report_format)
    names = ", ".join(str(path) for path in args.files)
    if report.conforms:
        triples = len({quad[:3] for quad in data.quads((None, None, None, None))})
        print(f"{names}: conforms to the atlas-graph shapes ({triples} triples)")
        return EXIT_OK
    namespaces = _namespaces(data)
    for violation in report.violations:
        print(_describe(violation, namespaces))
    count = len(report.violations)
    print(f"{names}: {count} violation{'s' if count != 1 else ''} of the atlas-graph shapes")
    return EXIT_PROBLEMS


def _report_format(path: Path) -> str:
    try:
        return REPORT_FORMATS[path.suffix.lower()]
    except KeyError:
        raise UsageError(
            f"{path}: unknown report extension {path.suffix!r}; use one of {', '.join(REPORT_FORMATS)}"
        ) from None


def _parse_into(data: Dataset, path: Path) -> None:
    """Add the file's triples (or quads) to ``data``; any problem is a usage error naming it."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if path.is_dir():
        raise UsageError(f"{path}: is a directory, not an RDF file")
    try:
        rdf_format, format_name = INPUT_FORMATS[path.suffix.lower()]
    except KeyError:
        raise UsageError(
            f"{path}: unknown extension {path.suffix!r}; use one of {', '.join(INPUT_FORMATS)}"
        ) from None
    try:
        data.parse(path, format=rdf_format)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except Exception as exc:  # each rdflib parser raises its own kind of error
        line, why = _parse_error(exc)
        where = f"{path}:{line}" if line else str(path)
        raise UsageError(f"{where}: not valid {format_name}: {why}") from None


def _parse_error(exc: Exception) -> tuple[int | None, str]:
    """The line (when the parser tells it) and the reason of a parse error."""
    if isinstance(exc, BadSyntax):
        return exc.lines + 1, exc._why  # rdflib keeps these only as private attributes
    if isinstance(exc, SAXParseException):
        return exc.getLineNumber(), exc.getMessage()
    if isinstance(exc, json.JSONDecodeError):
        return exc.lineno, exc.msg
    return None, " ".join(str(exc).split())


def _write_report(report: Report, path: Path, rdf_format: str) -> None:
    try:
        report.graph.serialize(destination=path, format=rdf_format, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the report: {exc.strerror or exc}") from None
    print(f"report written to {path}", file=sys.stderr)


def _namespaces(data: Dataset) -> NamespaceManager:
    """The input's prefixes plus the project's, for CURIEs in the report lines."""
    manager = NamespaceManager(Graph(), bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        manager.bind(prefix, namespace, override=True, replace=True)
    for prefix, namespace in data.namespace_manager.namespaces():
        if prefix and not str(prefix).startswith("ns"):
            manager.bind(prefix, namespace, override=False)
    return manager


def _describe(violation: Violation, namespaces: NamespaceManager) -> str:
    """``focus path: message (value: v)`` on one line, with CURIEs where a prefix is known."""
    severity = "" if violation.severity == "Violation" else f"[{violation.severity}] "
    path = f" {_term(violation.path, namespaces)}" if violation.path is not None else ""
    value = f" (value: {_term(violation.value, namespaces)})" if violation.value is not None else ""
    return f"{severity}{_term(violation.focus, namespaces)}{path}: {violation.message}{value}"


def _term(node: Node, namespaces: NamespaceManager) -> str:
    text = node.n3(namespaces)
    return text if len(text) <= 120 else text[:117] + "…"
