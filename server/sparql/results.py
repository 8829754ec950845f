"""Writing query results to a binary sink, row by row, with a row cap and a deadline.

SELECT results are written by the small streaming writers below (the engine's own serializers
take a whole result and cannot stop at a row cap). Booleans use the engine's serializers;
graphs go through :func:`pyoxigraph.serialize` fed by a generator that enforces cap and deadline.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring as _json_string  # a str as JSON, non-ASCII kept as is
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from atlas_graph import vocabulary
from atlas_graph.formats import RESULTS_FORMATS, SERVED_SERIALIZATIONS, SPARQL_CSV, SPARQL_JSON, SPARQL_TSV, SPARQL_XML

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
JSON_BATCH = 256  # JSON result rows written to the sink at once

_BOOLEAN_FORMATS = {f.media_type: f.oxigraph for f in RESULTS_FORMATS if f.booleans}
_GRAPH_FORMATS = {f.media_type: f.oxigraph for f in SERVED_SERIALIZATIONS}

#: Prefixes for Turtle output: the vocabularies of the atlas graph.
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "atlas": str(vocabulary.ATLAS),
}


class QueryTimeout(Exception):
    """The query ran past its time limit."""


@dataclass(frozen=True)
class Written:
    rows: int  # solutions or triples written
    truncated: bool  # the row cap cut the result short


class _Budget:
    """Counts rows against the cap and checks the clock."""

    def __init__(self, max_rows: int, deadline: float, timeout: float):
        self.max_rows = max_rows
        self.deadline = deadline
        self.timeout = timeout
        self.rows = 0
        self.truncated = False

    def take(self, items: Iterable) -> Iterator:
        iterator = iter(items)
        while True:
            self.check_clock()
            try:
                item = next(iterator)
            except StopIteration:
                return
            if self.rows >= self.max_rows:
                self.truncated = True
                return
            self.rows += 1
            yield item

    def check_clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise QueryTimeout(
                f"the query ran longer than the {self.timeout:g} s time limit; narrow it or add a LIMIT"
            )


def write_solutions(
    solutions: ox.QuerySolutions, media_type: str, sink: BinaryIO, *, max_rows: int, deadline: float, timeout: float
) -> Written:
    budget = _Budget(max_rows, deadline, timeout)
    variables = [v.value for v in solutions.variables]
    rows = budget.take(solutions)
    writer = _SOLUTION_WRITERS[media_type]
    writer(variables, rows, sink)
    return Written(budget.rows, budget.truncated)


def write_boolean(answer: ox.QueryBoolean, media_type: str, sink: BinaryIO) -> Written:
    answer.serialize(sink, _BOOLEAN_FORMATS[media_type])
    return Written(1, False)


def write_triples(
    triples: Iterable[ox.Triple], media_type: str, sink: BinaryIO, *, max_rows: int, deadline: float, timeout: float
) -> Written:
    budget = _Budget(max_rows, deadline, timeout)
    rdf_format = _GRAPH_FORMATS[media_type]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    ox.serialize(budget.take(triples), sink, rdf_format, prefixes=prefixes)
    return Written(budget.rows, budget.truncated)


# --- SPARQL 1.1 Query Results JSON ------------------------------------------------------------


def _json_term(term) -> str:
    """A term as a JSON object, encoded directly (json.dumps per row costs more than the query
    of a selective SELECT)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return '{"type":"uri","value":' + _json_string(term.value) + "}"
    if kind is ox.Literal:
        value = _json_string(term.value)
        if term.language:
            return '{"type":"literal","value":' + value + ',"xml:lang":' + _json_string(term.language) + "}"
        datatype = term.datatype.value
        if datatype != XSD_STRING:
            return '{"type":"literal","value":' + value + ',"datatype":' + _json_string(datatype) + "}"
        return '{"type":"literal","value":' + value + "}"
    if kind is ox.BlankNode:
        return '{"type":"bnode","value":' + _json_string(term.value) + "}"
    return (
        '{"type":"triple","value":{"subject":' + _json_term(term.subject) + ',"predicate":'
        + _json_term(term.predicate) + ',"object":' + _json_term(term.object) + "}}"
    )


def _write_json(variables: list[str], rows: Iterator, sink: BinaryIO) -> None:
    sink.write(b'{"head":{"vars":' + json.dumps(variables).encode() + b'},"results":{"bindings":[')
    keys = [_json_string(name) + ":" for name in variables]
    batch: list[str] = []
    separator = "\n"
    for row in rows:
        batch.append(separator + "{" + ",".join([key + _json_term(term) for key, term in zip(keys, row, strict=True)
                                                  if term is not None]) + "}")
        separator = ",\n"
        if len(batch) == JSON_BATCH:
            sink.write("".join(batch).encode())
            batch.clear()
    sink.write(("".join(batch) + "\n]}}\n").encode())


# --- SPARQL Query Results XML -----------------------------------------------------------------


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _write_xml(variables: list[str], rows: Iterator, sink: BinaryIO) -> None:
    head = "".join(f"<variable name={quoteattr(name)}/>" for name in variables)
    sink.write(
        (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head>\n<results>\n'
        ).encode()
    )
    for row in rows:
        cells = "".join(
            f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
            for name, term in zip(variables, row, strict=True)
            if term is not None
        )
        sink.write(f"<result>{cells}</result>\n".encode())
    sink.write(b"</results>\n</sparql>\n")


# --- SPARQL 1.1 Query Results CSV and TSV -----------------------------------------------------


def _csv_field(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, (ox.NamedNode, ox.Literal)):
        text = term.value
    else:
        text = str(term)
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_csv(variables: list[str], rows: Iterator, sink: BinaryIO) -> None:
    sink.write((",".join(_csv_field(ox.Literal(v)) for v in variables) + "\r\n").encode())
    for row in rows:
        sink.write((",".join(_csv_field(term) for term in row) + "\r\n").encode())


def _write_tsv(variables: list[str], rows: Iterator, sink: BinaryIO) -> None:
    sink.write(("\t".join(f"?{v}" for v in variables) + "\n").encode())
    for row in rows:
        # str() of an engine term is its N-Triples form, which escapes tabs and newlines.
        sink.write(("\t".join("" if term is None else str(term) for term in row) + "\n").encode())


_SOLUTION_WRITERS: dict[str, Callable[[list[str], Iterator, BinaryIO], None]] = {
    SPARQL_JSON.media_type: _write_json,
    SPARQL_XML.media_type: _write_xml,
    SPARQL_CSV.media_type: _write_csv,
    SPARQL_TSV.media_type: _write_tsv,
}
