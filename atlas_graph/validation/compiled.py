"""SHACL shapes compiled into SPARQL queries that pyoxigraph runs: a fast check for the load path.

pyshacl stays the authority (``atlas-graph validate``, detailed per-record reports); this module
finds the same validation results, much faster, on data held in a pyoxigraph store::

    compiled = compile_shapes(shapes_graph())          # or only=... some node shapes
    results = compiled.run(store)                      # the union of the store's graphs

Each :class:`ValidationResult` is what pyshacl reports as one ``sh:result``: focus node, result
path, value, source shape, constraint component (as pyoxigraph terms), severity and English
message. The set of (focus, path, value, source shape, component) is pyshacl's on the same data
(tests/validation/test_compiled.py), "the same data" being what the store holds: Oxigraph follows RDF
1.1, so ``"x"`` and ``"x"^^xsd:string`` are one term, and it writes valid decimals and booleans
in canonical form (``"01"^^xsd:decimal`` is stored as ``"1"``). :func:`rdflib_term` gives the
rdflib term pyshacl is compared on.

How: each shape becomes a few SELECTs over its focus nodes (its targets, or for a shape used
through ``sh:node`` / ``sh:qualifiedValueShape``, the value nodes that reach it): one pass over
its value nodes for every test of a single value (datatype, nodeKind, pattern, class,
languageIn, minInclusive, maxInclusive), one query per count, sh:hasValue or sh:uniqueLang.
Where SPARQL and pyshacl could disagree — a literal's lexical form that rdflib
may read differently from XSD, a ``sh:pattern`` on a string that is not plain printable ASCII,
``sh:minInclusive`` / ``sh:maxInclusive`` on a literal that is not a plain number — the query does not decide: it
hands the value to a Python check that repeats pyshacl's own logic on the rdflib term. Those
values are rare, so nearly all the work stays in Oxigraph.

Supported: targets (``sh:targetClass`` with ``rdfs:subClassOf*``, implicit class targets,
``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``), node shapes and property
shapes with a predicate path, ``sh:deactivated``, ``sh:severity``, ``sh:message`` and the
components ``minCount``, ``maxCount``, ``datatype``, ``nodeKind``, ``pattern`` (+ ``flags``),
``class``, ``languageIn``, ``hasValue``, ``uniqueLang``, ``minInclusive``, ``maxInclusive``, ``node`` and
``qualifiedValueShape`` with ``qualifiedMinCount`` / ``qualifiedMaxCount``. Anything else in
the ``sh:`` namespace of a compiled shape raises :class:`UnsupportedShape` when compiling, so
a new shape can never be skipped in silence.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from atlas_graph.oxi import term as ox_term

TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
CONSTRAINTS = {
    SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH.pattern, SH.flags, SH["class"],
    SH.languageIn, SH.hasValue, SH.uniqueLang, SH.minInclusive, SH.maxInclusive, SH.node, SH.property, SH.path,
    SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
}
NOT_VALIDATING = {SH.message, SH.severity, SH.deactivated, SH.name, SH.description, SH.order, SH.group,
                  SH.defaultValue}
NODE_KINDS = {  # sh:nodeKind → the SPARQL test of ?value
    SH.IRI: "isIRI(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "(isIRI(?value) || isBlank(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}
# Lexical forms that rdflib surely reads as a valid value of the datatype (so pyshacl accepts
# them): SPARQL decides these; any other literal of the datatype goes to the Python check.
WELL_TYPED = {
    XSD.decimal: '^-?[0-9]+([.][0-9]+)?$',
    XSD.integer: '^-?[0-9]+$',
    XSD.boolean: '^(true|false)$',
    XSD.gYear: '^[0-9]{4}$',
    XSD.date: '^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$',  # and a real date: see _well_typed
}
PLAIN_NUMBERS = (XSD.decimal, XSD.integer)
# A string SPARQL's regex (Rust) and Python's re surely agree on, for the regex syntax
# _portable_pattern accepts: printable ASCII, so no newline (Python's $ also matches before a
# final one) and no character where Unicode classes or case folding differ.
PRINTABLE_ASCII = '^[ -~]*$'
# A SHACL instance of a class; when the data has no rdfs:subClassOf at all, the queries ask
# for rdf:type alone, which Oxigraph answers several times faster.
INSTANCE_OF = f"<{RDF.type}>/<{RDFS.subClassOf}>*"


class UnsupportedShape(ValueError):
    """A shape uses something this compiler cannot check exactly as pyshacl does."""

    def __init__(self, shape: Node, what: str) -> None:
        super().__init__(f"shape {shape.n3()}: {what} is not supported by the SPARQL compiler "
                         "(atlas_graph.validation.compiled); validate with pyshacl instead")
        self.shape = shape


@dataclass(frozen=True)
class ValidationResult:
    """One sh:ValidationResult. Terms are pyoxigraph terms; ``path`` and ``value`` are None
    where pyshacl gives none (``value``: counts, sh:hasValue, sh:uniqueLang, qualified counts)."""

    focus: ox.NamedNode | ox.BlankNode | ox.Literal
    path: ox.NamedNode | None
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None
    source_shape: ox.NamedNode | ox.BlankNode
    component: ox.NamedNode
    severity: str  # "Violation", "Warning" or "Info"
    message_en: str


@dataclass(frozen=True)
class CompiledShapes:
    """The compiled checks of some shapes; :meth:`run` them on any store."""

    checks: tuple[_Check, ...]

    def run(self, store: ox.Store) -> list[ValidationResult]:
        """Every validation result on the union of all the graphs of ``store``."""
        subclasses = store.query(f"ASK {{ ?class <{RDFS.subClassOf}> ?other }}", use_default_graph_as_union=True)
        data = _Data(store, subclasses)
        return [result for check in self.checks for result in check.run(data)]

    def __len__(self) -> int:
        return len(self.checks)


def compile_shapes(shapes: Graph, only: set[str] | None = None) -> CompiledShapes:
    """Compile the targeted shapes of ``shapes`` (with ``only``: those of them whose IRI is in
    ``only``) and every shape they use. Raises :class:`UnsupportedShape`."""
    compiler = _Compiler(shapes)
    checks: list[_Check] = []
    for shape in sorted(_targeted(shapes), key=str):
        if only is None or str(shape) in only:
            checks.extend(compiler.shape(shape, _target_focus(shapes, shape), ()))
    return CompiledShapes(tuple(checks))


def rdflib_term(value: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """The rdflib term of a stored term, as pyshacl sees it: xsd:string becomes a plain literal,
    and the lexical form is kept as stored (rdflib would write "3"^^xsd:double as "3.0")."""
    if isinstance(value, ox.NamedNode):
        return URIRef(value.value)
    if isinstance(value, ox.BlankNode):
        return BNode(value.value)
    if value.language:
        return Literal(value.value, lang=value.language)
    if value.datatype.value == str(XSD.string):
        return Literal(value.value)
    with _quiet_rdflib():  # rdflib warns about every lexical form it cannot read
        return Literal(value.value, datatype=URIRef(value.datatype.value), normalize=False)


# Focus nodes -----------------------------------------------------------------------------------


def _targeted(shapes: Graph) -> set[Node]:
    targeted = {s for target in TARGETS for s in shapes.subjects(target, None)}
    classes = {RDFS.Class, *shapes.subjects(RDFS.subClassOf, RDFS.Class)}
    for kind in (SH.NodeShape, SH.PropertyShape):
        targeted.update(s for s in shapes.subjects(RDF.type, kind) if _implicit_class(shapes, s, classes))
    return targeted


def _implicit_class(shapes: Graph, shape: Node, classes: set[Node]) -> bool:
    return any(t in classes for t in shapes.objects(shape, RDF.type))


def _target_focus(shapes: Graph, shape: Node) -> str:
    """A SPARQL group binding ?this to each focus node of ``shape``'s targets, once."""
    classes = {RDFS.Class, *shapes.subjects(RDFS.subClassOf, RDFS.Class)}
    branches = []
    target_classes = list(shapes.objects(shape, SH.targetClass))
    if _implicit_class(shapes, shape, classes):
        target_classes.append(shape)
    for cls in target_classes:
        branches.append(f"?this {INSTANCE_OF} {_sparql(shape, cls, iri=True)} .")
    for node in shapes.objects(shape, SH.targetNode):
        if isinstance(node, BNode):
            raise UnsupportedShape(shape, "a blank node as sh:targetNode")
        branches.append(f"VALUES ?this {{ {_sparql(shape, node)} }}")
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):
        branches.append(f"?this {_sparql(shape, predicate, iri=True)} [] .")
    for predicate in shapes.objects(shape, SH.targetObjectsOf):
        branches.append(f"[] {_sparql(shape, predicate, iri=True)} ?this .")
    union = " UNION ".join(f"{{ {branch} }}" for branch in branches)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _value_focus(focus: str, path: URIRef | None) -> str:
    """The focus nodes of a shape that the value nodes of another one are validated against."""
    if path is None:
        return focus
    return (f"{{ SELECT DISTINCT ?this WHERE {{ {{ SELECT (?this AS ?parent) WHERE {{ {focus} }} }} "
            f"?parent <{path}> ?this . }} }}")


def _sparql(shape: Node, node: Node, iri: bool = False) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal) and not iri:
        return str(ox_term(node))
    expected = "an IRI" if iri else "an IRI or a literal"
    raise UnsupportedShape(shape, f"the term {node.n3()} where {expected} is expected")


# Checks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """What the results of one shape share, and where its focus and value nodes come from."""

    node: Node
    path: URIRef | None
    focus: str  # a SPARQL group binding ?this
    severity: str
    message_en: str

    def values(self) -> str:
        """A SPARQL pattern binding ?value to each value node of ?this."""
        return f"?this <{self.path}> ?value ." if self.path is not None else "BIND(?this AS ?value)"

    def result(self, component: URIRef, focus, value=None) -> ValidationResult:
        return ValidationResult(focus, None if self.path is None else ox.NamedNode(str(self.path)), value,
                                ox_term(self.node), ox.NamedNode(str(component)), self.severity,
                                self.message_en)


class _Check:
    def run(self, data: _Data) -> Iterator[ValidationResult]:
        raise NotImplementedError


@dataclass(frozen=True)
class _Data:
    """The store the checks query, and whether its data has a class hierarchy."""

    store: ox.Store
    has_subclasses: bool

    def select(self, query: str) -> ox.QuerySolutions:
        if not self.has_subclasses:
            query = query.replace(INSTANCE_OF, f"<{RDF.type}>")
        return self.store.query(query, use_default_graph_as_union=True)


@dataclass(frozen=True)
class _ValueTest:
    """A test of each value node: ``conforms`` (SPARQL) true → fine; else, when ``doubtful``
    (SPARQL) is true, ``exact`` (Python, on the rdflib term) decides; else a result."""

    component: URIRef
    conforms: str
    doubtful: str = "false"
    exact: Callable[[Node], bool] | None = None


@dataclass(frozen=True)
class _ValueChecks(_Check):
    """The value tests of one shape, in one query: one pass over its value nodes."""

    shape: _Shape
    tests: tuple[_ValueTest, ...]
    query: str = field(init=False)

    def __post_init__(self) -> None:
        columns = " ".join(f"?ok{n} ?doubtful{n}" for n in range(len(self.tests)))
        binds = " ".join(f"BIND(COALESCE({t.conforms}, false) AS ?ok{n}) "
                         f"BIND(COALESCE({t.doubtful}, true) AS ?doubtful{n})"
                         for n, t in enumerate(self.tests))
        all_ok = " && ".join(f"?ok{n}" for n in range(len(self.tests)))
        object.__setattr__(self, "query", (
            f"SELECT DISTINCT ?this ?value {columns} WHERE {{ {self.shape.focus} {self.shape.values()} "
            f"{binds} FILTER(!({all_ok})) }}"))

    def run(self, data: _Data) -> Iterator[ValidationResult]:
        for row in data.select(self.query):
            value = row["value"]
            for n, test in enumerate(self.tests):
                if row[f"ok{n}"].value == "true":
                    continue
                if test.exact is not None and row[f"doubtful{n}"].value == "true" and test.exact(rdflib_term(value)):
                    continue
                yield self.shape.result(test.component, row["this"], value)


@dataclass(frozen=True)
class _FocusCheck(_Check):
    """A test of each focus node: each solution of ``query`` (binding ?this) is a result."""

    shape: _Shape
    component: URIRef
    query: str

    def run(self, data: _Data) -> Iterator[ValidationResult]:
        for row in data.select(self.query):
            yield self.shape.result(self.component, row["this"])


@dataclass(frozen=True)
class _NodeCheck(_Check):
    """sh:node: a value node that does not conform to the other shape (its ``inner`` checks,
    run on the value nodes that reach it) is a result."""

    shape: _Shape
    inner: tuple[_Check, ...]

    def run(self, data: _Data) -> Iterator[ValidationResult]:
        failing = {r.focus for check in self.inner for r in check.run(data)}
        if not failing:
            return
        query = f"SELECT DISTINCT ?this ?value WHERE {{ {self.shape.focus} {self.shape.values()} }}"
        for row in data.select(query):
            if row["value"] in failing:
                yield self.shape.result(SH.NodeConstraintComponent, row["this"], row["value"])


@dataclass(frozen=True)
class _QualifiedCheck(_Check):
    """sh:qualifiedValueShape: counts the value nodes that conform to the other shape."""

    shape: _Shape
    inner: tuple[_Check, ...]
    minimum: int | None
    maximum: int | None

    def run(self, data: _Data) -> Iterator[ValidationResult]:
        failing = {r.focus for check in self.inner for r in check.run(data)}
        counts: dict = {}
        query = f"SELECT DISTINCT ?this ?value WHERE {{ {self.shape.focus} OPTIONAL {{ {self.shape.values()} }} }}"
        for row in data.select(query):
            value = row["value"]
            counts[row["this"]] = counts.get(row["this"], 0) + (value is not None and value not in failing)
        for focus, count in counts.items():
            if self.maximum is not None and count > self.maximum:
                yield self.shape.result(SH.QualifiedMaxCountConstraintComponent, focus)
            if self.minimum is not None and count < self.minimum:
                yield self.shape.result(SH.QualifiedMinCountConstraintComponent, focus)


# The compiler ----------------------------------------------------------------------------------


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes

    def shape(self, node: Node, focus: str, using: tuple[Node, ...]) -> list[_Check]:
        """The checks of shape ``node`` on the focus nodes ``focus`` binds; ``using``: the shapes
        that led here through sh:node / sh:qualifiedValueShape (a cycle is unsupported)."""
        g = self.g
        if node in using:
            raise UnsupportedShape(node, "a recursive shape")
        if self._deactivated(node):
            return []
        for predicate in set(g.predicates(node, None)):
            if str(predicate).startswith(str(SH)) and predicate not in CONSTRAINTS | NOT_VALIDATING | TARGETS:
                raise UnsupportedShape(node, predicate.n3(g.namespace_manager))
        path = self._one(node, SH.path)
        if path is not None and not isinstance(path, URIRef):
            raise UnsupportedShape(node, "a sh:path that is not a single predicate")
        shape = _Shape(node, path, focus, self._severity(node), self._message(node))
        checks = self._counts(shape) + self._unique_lang(shape) + self._has_value(shape) + self._nested(shape, using)
        tests = self._value_tests(shape)
        if tests:
            checks.append(_ValueChecks(shape, tuple(tests)))
        for prop in g.objects(node, SH.property):
            if path is not None:
                raise UnsupportedShape(node, "sh:property on a property shape")
            if self._one(prop, SH.path) is None:
                raise UnsupportedShape(prop, "a property shape without sh:path")
            checks += self.shape(prop, focus, using)
        return checks

    # constraint components, grouped by the kind of query they need

    def _counts(self, shape: _Shape) -> list[_Check]:
        checks: list[_Check] = []
        for parameter, component, test in ((SH.minCount, SH.MinCountConstraintComponent, "<"),
                                           (SH.maxCount, SH.MaxCountConstraintComponent, ">")):
            count = self._integer(shape.node, parameter)
            if count is None or (parameter == SH.minCount and count == 0):
                continue
            self._on_property_shape(shape, parameter)
            checks.append(_FocusCheck(shape, component, _count_query(shape, test, count)))
        return checks

    def _value_tests(self, shape: _Shape) -> list[_ValueTest]:
        g, node = self.g, shape.node
        checks: list[_ValueTest] = []
        datatype = self._one(node, SH.datatype)
        if datatype is not None:
            checks.append(_datatype_test(_iri(node, datatype)))
        kind = self._one(node, SH.nodeKind)
        if kind is not None:
            if kind not in NODE_KINDS:
                raise UnsupportedShape(node, f"sh:nodeKind {kind.n3()}")
            checks.append(_ValueTest(SH.NodeKindConstraintComponent, NODE_KINDS[kind]))
        flags = list(g.objects(node, SH.flags))
        if len(flags) > 1:
            raise UnsupportedShape(node, "several sh:flags")
        for pattern in g.objects(node, SH.pattern):
            if not isinstance(pattern, Literal):
                raise UnsupportedShape(node, "a sh:pattern that is not a literal")
            checks.append(_pattern_test(node, str(pattern), str(flags[0]) if flags else ""))
        for cls in g.objects(node, SH["class"]):
            checks.append(_ValueTest(SH.ClassConstraintComponent,
                                     f"EXISTS {{ ?value {INSTANCE_OF} {_sparql(node, cls, iri=True)} }}"))
        for parameter in (SH.minInclusive, SH.maxInclusive):
            for bound in g.objects(node, parameter):
                if not isinstance(bound, Literal):
                    raise UnsupportedShape(node, f"a {parameter.n3(g.namespace_manager)} that is not a literal")
                checks.append(_inclusive_test(bound, parameter == SH.minInclusive))
        language_list = self._one(node, SH.languageIn)
        if language_list is not None:
            items = list(Collection(self.g, language_list))
            if not all(isinstance(i, Literal) and isinstance(i.value, str) for i in items):
                raise UnsupportedShape(node, "a sh:languageIn item that is not a string")
            wanted = {str(i).lower() for i in items}
            known = "true" if "*" in wanted else (
                f"(LCASE(lang(?value)) IN ({_strings(wanted)}) || "
                f"LCASE(STRBEFORE(CONCAT(lang(?value), \"-\"), \"-\")) IN ({_strings(wanted)}))")
            checks.append(_ValueTest(SH.LanguageInConstraintComponent,
                                     f"(isLiteral(?value) && lang(?value) != \"\" && {known})"))
        return checks

    def _unique_lang(self, shape: _Shape) -> list[_Check]:
        node = shape.node
        checks: list[_Check] = []
        unique = self._one(node, SH.uniqueLang)
        if unique is not None:
            if not (isinstance(unique, Literal) and isinstance(unique.value, bool)):
                raise UnsupportedShape(node, "a sh:uniqueLang that is not a boolean")
            self._on_property_shape(shape, SH.uniqueLang)
            if unique.value:
                checks.append(_FocusCheck(shape, SH.UniqueLangConstraintComponent, (
                    f"SELECT ?this WHERE {{ {shape.focus} {shape.values()} "
                    "FILTER(isLiteral(?value) && lang(?value) != \"\") BIND(LCASE(lang(?value)) AS ?lang) } "
                    "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?value) > 1)")))
        return checks

    def _has_value(self, shape: _Shape) -> list[_Check]:
        checks: list[_Check] = []
        for value in self.g.objects(shape.node, SH.hasValue):
            term = _sparql(shape.node, value)
            missing = (f"FILTER NOT EXISTS {{ ?this <{shape.path}> {term} }}" if shape.path is not None
                       else f"FILTER(!sameTerm(?this, {term}))")
            checks.append(_FocusCheck(shape, SH.HasValueConstraintComponent,
                                      f"SELECT ?this WHERE {{ {shape.focus} {missing} }}"))
        return checks

    def _nested(self, shape: _Shape, using: tuple[Node, ...]) -> list[_Check]:
        g, node = self.g, shape.node
        inner_focus = _value_focus(shape.focus, shape.path)
        checks: list[_Check] = []
        for other in g.objects(node, SH.node):
            if self._one(other, SH.path) is not None:
                raise UnsupportedShape(node, "sh:node naming a property shape")
            checks.append(_NodeCheck(shape, tuple(self.shape(other, inner_focus, using + (node,)))))
        qualified = list(g.objects(node, SH.qualifiedValueShape))
        minimum, maximum = self._integer(node, SH.qualifiedMinCount), self._integer(node, SH.qualifiedMaxCount)
        if not qualified:
            if minimum is not None or maximum is not None:
                raise UnsupportedShape(node, "sh:qualifiedMinCount/MaxCount without sh:qualifiedValueShape")
            return checks
        self._on_property_shape(shape, SH.qualifiedValueShape)
        if len(qualified) > 1 or (minimum is None and maximum is None):
            raise UnsupportedShape(node, "sh:qualifiedValueShape other than one shape with a count")
        if self._one(node, SH.qualifiedValueShapesDisjoint, Literal(False)).eq(Literal(True)):
            raise UnsupportedShape(node, "sh:qualifiedValueShapesDisjoint true")
        if self._one(qualified[0], SH.path) is not None:
            raise UnsupportedShape(node, "sh:qualifiedValueShape naming a property shape")
        inner = tuple(self.shape(qualified[0], inner_focus, using + (node,)))
        checks.append(_QualifiedCheck(shape, inner, minimum, maximum))
        return checks

    # reading the shapes graph

    def _deactivated(self, node: Node) -> bool:
        """As pyshacl reads sh:deactivated: the truth of the literal's value."""
        value = self._one(node, SH.deactivated)
        if value is not None and not isinstance(value, Literal):
            raise UnsupportedShape(node, "a sh:deactivated that is not a literal")
        return value is not None and bool(value.value)

    def _one(self, node: Node, predicate: URIRef, default: Node | None = None) -> Node | None:
        values = list(self.g.objects(node, predicate))
        if len(values) > 1:
            raise UnsupportedShape(node, f"several values of {predicate.n3(self.g.namespace_manager)}")
        return values[0] if values else default

    def _integer(self, node: Node, predicate: URIRef) -> int | None:
        value = self._one(node, predicate)
        if value is None:
            return None
        if not (isinstance(value, Literal) and isinstance(value.value, int) and not isinstance(value.value, bool)):
            raise UnsupportedShape(node, f"a {predicate.n3(self.g.namespace_manager)} that is not an integer")
        return value.value

    def _on_property_shape(self, shape: _Shape, parameter: URIRef) -> None:
        if shape.path is None:
            raise UnsupportedShape(shape.node, f"{parameter.n3(self.g.namespace_manager)} on a node shape")

    def _severity(self, node: Node) -> str:
        severity = self._one(node, SH.severity, SH.Violation)
        return str(severity).split("#")[-1]

    def _message(self, node: Node) -> str:
        """The shape's sh:message in English, else an untagged one, else any, else a default."""
        messages = [m for m in self.g.objects(node, SH.message) if isinstance(m, Literal)]
        for wanted in ("en", None):
            for message in messages:
                if message.language == wanted:
                    return str(message)
        return str(messages[0]) if messages else "does not conform"


def _count_query(shape: _Shape, test: str, count: int) -> str:
    """The focus nodes with fewer (test "<") or more (">") than ``count`` values; at least one
    and at most one, the common cases, without counting (twice as fast)."""
    value = f"?this <{shape.path}>"
    if (test, count) == ("<", 1):
        return f"SELECT ?this WHERE {{ {shape.focus} FILTER NOT EXISTS {{ {value} ?value }} }}"
    if (test, count) == (">", 1):
        return (f"SELECT DISTINCT ?this WHERE {{ {shape.focus} {value} ?value . {value} ?other . "
                "FILTER(!sameTerm(?value, ?other)) }")
    return (f"SELECT ?this WHERE {{ {shape.focus} OPTIONAL {{ {value} ?value }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {test} {count})")


def _iri(shape: Node, node: Node) -> URIRef:
    if not isinstance(node, URIRef):
        raise UnsupportedShape(shape, f"the term {node.n3()} where an IRI is expected")
    return node


def _strings(values: set[str]) -> str:
    return ", ".join(_string(v) for v in sorted(values))


def _string(text: str) -> str:
    """A SPARQL string literal of ``text``."""
    return str(ox.Literal(text))


# datatype, pattern, minInclusive and maxInclusive: SPARQL where it surely agrees with pyshacl, else Python


def _datatype_test(datatype: URIRef) -> _ValueTest:
    component = SH.DatatypeConstraintComponent
    if datatype == RDF.langString:
        return _ValueTest(component, "(isLiteral(?value) && lang(?value) != \"\")")
    if datatype == XSD.string:
        return _ValueTest(component, f"(isLiteral(?value) && datatype(?value) = <{XSD.string}>)")
    well_typed = WELL_TYPED.get(datatype)
    conforms = "false" if well_typed is None else (
        f"(isLiteral(?value) && lang(?value) = \"\" && datatype(?value) = <{datatype}> && "
        f"REGEX(STR(?value), {_string(well_typed)})"
        + (f" && isLiteral(<{XSD.date}>(STR(?value)))" if datatype == XSD.date else "") + ")")
    return _ValueTest(component, conforms, "isLiteral(?value)", lambda value: _datatype_conforms(value, datatype))


def _datatype_conforms(value: Node, datatype: URIRef) -> bool:
    """pyshacl's DatatypeConstraintComponent, for one literal."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        return getattr(value, "ill_typed", None) is not True and _actual_datatype(value, datatype)
    if datatype == RDFS.Literal:
        return True
    if datatype == RDFS.Datatype and value.datatype:
        return True
    if value.datatype is None and value.language is None and datatype == XSD.string:
        return _actual_datatype(value, datatype)
    if datatype == RDF.langString and value.language:
        return _actual_datatype(value, datatype)
    return False


PYTHON_TYPES = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
                XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}


def _actual_datatype(value: Literal, datatype: URIRef) -> bool:
    expected = PYTHON_TYPES.get(datatype)
    return expected is None or isinstance(value.value, expected)


def _pattern_test(shape: Node, pattern: str, flags: str) -> _ValueTest:
    python_flags = (re.I if "i" in flags.lower() else 0) | (re.M if "m" in flags.lower() else 0)
    try:
        compiled = re.compile(pattern, python_flags)  # pyshacl only knows the i and m flags
    except re.error as error:
        raise UnsupportedShape(shape, f"the sh:pattern {pattern!r} ({error})") from None
    exact = lambda value: _pattern_conforms(value, compiled)  # noqa: E731
    sparql_flags = ", \"i\"" if python_flags & re.I else ""
    if not (_portable_pattern(pattern, bool(python_flags & re.I)) and _oxigraph_accepts(pattern, sparql_flags)):
        return _ValueTest(SH.PatternConstraintComponent, "false", "!isBlank(?value)", exact)
    printable = f"REGEX(STR(?value), {_string(PRINTABLE_ASCII)})"
    return _ValueTest(
        SH.PatternConstraintComponent,
        f"(!isBlank(?value) && {printable} && REGEX(STR(?value), {_string(pattern)}{sparql_flags}))",
        f"(!isBlank(?value) && !{printable})", exact)


def _oxigraph_accepts(pattern: str, flags: str) -> bool:
    """Oxigraph makes an unknown regex an error, that is no match at all: never let it."""
    (row,) = ox.Store().query(f"SELECT (REGEX(\"\", {_string(pattern)}{flags}) AS ?ok) {{}}")
    return row["ok"] is not None


def _pattern_conforms(value: Node, compiled: re.Pattern) -> bool:
    """pyshacl's PatternConstraintComponent, for one value node."""
    if isinstance(value, BNode):
        return False
    return compiled.search(str(value)) is not None


# Regex syntax that means the same to Python's re and to Oxigraph's (Rust) regex on printable
# ASCII: literal characters, escaped ASCII punctuation, ., classes [...] / [^...] (ranges, no
# nesting, no set operations), \d \s \w and their negations, groups (capturing or (?:)), |, ^,
# $ and the quantifiers * + ? {n} {n,} {n,m}, lazy or not. Anything else is checked in Python.
_ESCAPES = frozenset("dDsSwWtnrf")
_COUNTED = re.compile(r"\{[0-9]+(,[0-9]*)?\}")


def _portable_pattern(pattern: str, case_insensitive: bool) -> bool:
    if (case_insensitive and not pattern.isascii()) or re.search(r"[*+?}]\+", pattern):
        return False  # Unicode case folding; possessive quantifiers (Python 3.11 only)
    position, end = 0, len(pattern)
    while position < end:
        char = pattern[position]
        if char == "\\":
            if not _portable_escape(pattern, position + 1):
                return False
            position += 2
        elif char == "[":
            position = _class_end(pattern, position + 1)
            if position < 0:
                return False
        elif char == "(":
            if pattern.startswith("(?", position) and not pattern.startswith("(?:", position):
                return False
            position += 3 if pattern.startswith("(?:", position) else 1
        elif char == "{":
            counted = _COUNTED.match(pattern, position)
            if counted is None:
                return False
            position = counted.end()
        elif char in "]}":
            return False
        else:
            position += 1
    return True


def _portable_escape(pattern: str, position: int) -> bool:
    if position >= len(pattern):
        return False
    char = pattern[position]
    return char in _ESCAPES or (char.isascii() and not char.isalnum())


def _class_end(pattern: str, position: int) -> int:
    """The position after the character class whose content starts at ``position``, or -1."""
    if pattern.startswith("^", position):
        position += 1
    start = position
    while position < len(pattern) and pattern[position] != "]":
        char = pattern[position]
        if char == "\\":
            if not _portable_escape(pattern, position + 1):
                return -1
            position += 2
            continue
        if char == "[" or (char in "&~-" and pattern.startswith(char * 2, position)):
            return -1  # a nested class or a set operation in Rust, literal characters in Python
        position += 1
    if position >= len(pattern) or position == start:
        return -1
    return position + 1


def _inclusive_test(bound: Literal, minimum: bool) -> _ValueTest:
    """sh:minInclusive (``minimum``) or sh:maxInclusive of ``bound``."""
    conforms = "false"
    if bound.datatype in PLAIN_NUMBERS and not getattr(bound, "ill_typed", False):
        plain = " || ".join(f"(datatype(?value) = <{t}> && REGEX(STR(?value), {_string(WELL_TYPED[t])}))"
                            for t in PLAIN_NUMBERS)
        conforms = f"(isLiteral(?value) && ({plain}) && ?value {'>=' if minimum else '<='} {ox_term(bound)})"
    component = SH.MinInclusiveConstraintComponent if minimum else SH.MaxInclusiveConstraintComponent
    return _ValueTest(component, conforms, "isLiteral(?value)",
                      lambda value: _inclusive_conforms(value, bound, minimum))


def _inclusive_conforms(value: Node, bound: Literal, minimum: bool) -> bool:
    """pyshacl's MinInclusiveConstraintComponent (``minimum``) or MaxInclusiveConstraintComponent,
    for one value node."""
    from pyshacl.rdfutil.compare import compare_literal  # slow to import, rarely needed

    if not isinstance(value, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(value.value, str):
        return False
    try:
        compared = compare_literal(value, bound)
    except (TypeError, NotImplementedError):
        return False
    except ArithmeticError:  # "NaN"^^xsd:decimal: pyshacl raises; here it is simply out of bounds
        return False
    return compared >= 0 if minimum else compared <= 0


class _quiet_rdflib:
    """Silence rdflib's log lines and warnings about lexical forms it cannot read."""

    def __enter__(self) -> None:
        self._logger = logging.getLogger("rdflib.term")
        self._level = self._logger.level
        self._logger.setLevel(logging.CRITICAL)
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc) -> None:
        self._warnings.__exit__(*exc)
        self._logger.setLevel(self._level)
