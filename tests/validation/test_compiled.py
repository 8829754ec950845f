"""The SHACL shapes compiled into SPARQL find exactly what pyshacl finds.

Each test puts a graph into a pyoxigraph store, runs the compiled shapes on it, and runs
pyshacl (the authority) on the same data as the store holds it (read back from the store:
Oxigraph writes "x"^^xsd:string as "x" and valid decimals and booleans in canonical form),
then compares the sets of (focus node, result path, value, source shape, constraint component).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SH, SKOS

from atlas_graph.ingest.pipeline import convert_files, record_files, to_graph
from atlas_graph.link.authorities import load_authorities
from atlas_graph.link.reconcile import Linker
from atlas_graph.oxi import term
from atlas_graph.resources import shapes_graph
from atlas_graph.synth.corpus import MANIFEST_NAME, write_corpus
from atlas_graph.uris import DEFAULT_BASE, URIs
from atlas_graph.validation import shacl as validate
from atlas_graph.validation.compiled import (
    UnsupportedShape,
    ValidationResult,
    _portable_pattern,
    compile_shapes,
    rdflib_term,
)
from support.example_graph import (
    ATLAS,
    BROKEN,
    FUNDING_1,
    GEO,
    KPALIME,
    MALFORMED_LINKS,
    ORG,
    PARTNERSHIP,
    TOGO,
    VCARD,
    WGS84,
    B,
    valid_graph,
)

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's XSD warns when pytest inspects it
SHAPES = shapes_graph()
COMPILED = compile_shapes(SHAPES)
SH_RESULT_KEYS = (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.sourceConstraintComponent)


def stored(graph: Graph) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in graph)
    return store


def read_back(store: ox.Store) -> Graph:
    """The store's triples as rdflib terms: the data pyshacl is compared on."""
    graph = Graph()
    for quad in store:
        graph.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
    return graph


def pyshacl_results(data: Graph, shapes: Graph = SHAPES) -> set[tuple]:
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=False)
    return {
        tuple(None if (v := report.value(result, key)) is None else term(v) for key in SH_RESULT_KEYS)
        for result in report.objects(None, SH.result)
    }


def compiled_results(results: list[ValidationResult]) -> set[tuple]:
    return {(r.focus, r.path, r.value, r.source_shape, r.component) for r in results}


def assert_same_as_pyshacl(graph: Graph, compiled=COMPILED, shapes: Graph = SHAPES) -> set[tuple]:
    store = stored(graph)
    found = compiled_results(compiled.run(store))
    assert found == pyshacl_results(read_back(store), shapes)
    return found


def key(node) -> ox.NamedNode:
    return term(node)


# The project's data -----------------------------------------------------------------------------


def test_the_valid_example_has_no_result() -> None:
    assert assert_same_as_pyshacl(valid_graph()) == set()


@pytest.mark.parametrize("breakage", BROKEN, ids=list(BROKEN))
def test_each_breakage_of_test_shapes(breakage: str) -> None:
    break_it, focus, path = BROKEN[breakage]
    found = assert_same_as_pyshacl(break_it(valid_graph()))
    assert (key(focus), key(path)) in {(f, p) for f, p, *_ in found}


@pytest.mark.parametrize("malformed", MALFORMED_LINKS, ids=list(MALFORMED_LINKS))
def test_a_malformed_link_is_found_with_its_message_as_pyshacl_finds_it(malformed: str) -> None:
    break_it, focus, path, message = MALFORMED_LINKS[malformed]
    graph = break_it(valid_graph())
    assert_same_as_pyshacl(graph)
    results = COMPILED.run(stored(graph))
    assert {r.message_en for r in results if (r.focus, r.path) == (key(focus), key(path))} == {message}, results
    assert all(r.severity == "Violation" for r in results)


@pytest.mark.parametrize("bad_uri", [B["id/partnership/x/y"], B["id/record/000_907021ef8160d5c3"], BNode()])
def test_a_partnership_under_a_bad_uri(bad_uri) -> None:
    graph = valid_graph()
    for p, o in list(graph.predicate_objects(PARTNERSHIP)):
        graph.add((bad_uri, p, o))
    graph.remove((PARTNERSHIP, None, None))
    found = assert_same_as_pyshacl(graph)
    assert any(focus == key(bad_uri) for focus, *_ in found) or isinstance(bad_uri, BNode)


def test_a_collectivity_under_a_bad_uri() -> None:
    graph = valid_graph()
    bad = B["id/collectivity/togo/Kpalimé"]
    for p, o in list(graph.predicate_objects(KPALIME)):
        graph.add((bad, p, o))
    found = assert_same_as_pyshacl(graph)
    assert key(bad) in {focus for focus, *_ in found}


def test_the_real_record_with_its_contacts(real_page: Path) -> None:
    uris = URIs(DEFAULT_BASE)
    graph = to_graph(convert_files([real_page], uris, include_contacts=True), uris)
    assert (None, RDF.type, VCARD.Individual) in graph
    assert assert_same_as_pyshacl(graph) == set()


@pytest.fixture(scope="module")
def synthetic_graph(tmp_path_factory) -> Graph:
    """300 synthetic records with their contacts and entities, linked to the authorities, in one graph."""
    folder = tmp_path_factory.mktemp("synth")
    write_corpus(folder, 300, seed=11)
    (folder / MANIFEST_NAME).unlink()
    uris = URIs(DEFAULT_BASE)
    return to_graph(convert_files(record_files([folder]), uris, include_contacts=True), uris,
                    Linker(load_authorities()))


def test_three_hundred_synthetic_records(synthetic_graph: Graph) -> None:
    assert len(set(synthetic_graph.subjects(RDF.type, ATLAS.Partnership))) == 300
    linked = {p for p in (ATLAS.inseeCode, ATLAS.siren, ATLAS.department, ATLAS.region, DCTERMS.isReplacedBy,
                          GEO.asWKT, WGS84.lat, SKOS.exactMatch) if (None, p, None) in synthetic_graph}
    assert len(linked) == 8  # every kind of link triple is there to be checked
    assert assert_same_as_pyshacl(synthetic_graph) == set()


def test_every_code_of_the_authorities_conforms_for_its_kind() -> None:
    """Each commune's code and SIREN, and each département and région (current or before 2016)
    as the linker writes its node, with the country they name: nothing any link can carry is
    refused, by either validator."""
    authorities = load_authorities()
    france = B["id/country/fr"]
    graph = Graph()
    graph += BASE_GRAPH.triples((france, None, None))
    for n, commune in enumerate(authorities.every_commune()):
        node = B[f"id/collectivity/fr/c{n}"]
        graph.add((node, ATLAS.inseeCode, Literal(commune.code)))
        if commune.siren:
            graph.add((node, ATLAS.siren, Literal(commune.siren)))
    areas = [(B[f"id/department/{d.code.lower()}"], d.code, d.name, d.region) for d in authorities.every_department()]
    areas += [(B[f"id/region/{r.code}"], r.code, r.name, None) for r in authorities.every_region()]
    for node, code, name, region in areas:
        graph += [(node, RDF.type, cls) for cls in (ATLAS.FrenchCollectivity, ATLAS.Collectivity, ORG.Organization)]
        graph += [(node, SKOS.prefLabel, Literal(name, lang="fr")), (node, ATLAS.country, france),
                  (node, ATLAS.inseeCode, Literal(code))]
        linked_by = ATLAS.department if region else ATLAS.region
        graph.add((B[f"id/collectivity/fr/of-{code.lower()}"], linked_by, node))
        if region:
            graph.add((node, ATLAS.region, B[f"id/region/{region}"]))
    for region in authorities.every_region():
        if region.replaced_by:
            graph.add((B[f"id/region/{region.code}"], DCTERMS.isReplacedBy, B[f"id/region/{region.replaced_by}"]))
    assert len(set(graph.subjects(ATLAS.inseeCode, None))) > 37_000
    assert assert_same_as_pyshacl(graph) == set()


def test_three_hundred_synthetic_records_broken_in_many_ways(synthetic_graph: Graph) -> None:
    graph = Graph()
    graph += synthetic_graph
    partnerships = sorted(graph.subjects(RDF.type, ATLAS.Partnership))
    for n, partnership in enumerate(partnerships[:40]):
        if n % 4 == 0:
            graph.remove((partnership, DCTERMS.title, None))
        if n % 4 == 1:
            graph.add((partnership, ATLAS.triennial, Literal("oui")))
        if n % 4 == 2:
            graph.add((partnership, ATLAS.status, Literal("En cours")))
        if n % 4 == 3:
            graph.set((partnership, ATLAS.signatureYear, Literal("MCMXCI", datatype=XSD.gYear)))
    found = assert_same_as_pyshacl(graph)
    assert len({focus for focus, *_ in found}) >= 40


def test_the_flattened_shapes_of_validate_find_the_same(synthetic_graph: Graph) -> None:
    """validate.py's flattened shapes (every shape, or only the record shapes) compile to
    checks that find what pyshacl finds with the original shapes."""
    graph = BROKEN["no funder"][0](valid_graph())
    graph += synthetic_graph
    graph.remove((TOGO, ATLAS.isoCode, None))  # an entity: not checked by the record shapes
    original = validate._original_shapes()
    everything = pyshacl_results(read_back(stored(graph)), original)
    assert compiled_results(compile_shapes(validate._shapes()).run(stored(graph))) == everything
    record_shapes = compile_shapes(validate._record_shapes_graph())
    assert (compiled_results(record_shapes.run(stored(graph)))
            == pyshacl_results(read_back(stored(graph)), validate._record_shapes_graph()))
    only = compile_shapes(original, only=set(validate._record_shapes()))
    assert compiled_results(only.run(stored(graph))) == compiled_results(record_shapes.run(stored(graph)))
    assert key(TOGO) in {focus for focus, *_ in everything}
    assert key(TOGO) not in {focus for focus, *_ in compiled_results(only.run(stored(graph)))}


def test_a_decimal_that_is_not_a_number_is_below_any_minimum() -> None:
    """pyshacl fails with decimal.InvalidOperation here; the compiled check reports it."""
    graph = valid_graph()
    nan = Literal("NaN", datatype=XSD.decimal)
    graph.add((FUNDING_1, ATLAS.waterAmount, nan))
    with pytest.raises(ArithmeticError):
        pyshacl_results(graph)
    assert {(r.value, r.component.value) for r in COMPILED.run(stored(graph))} == {
        (term(nan), str(SH.MinInclusiveConstraintComponent))}


def test_results_carry_severity_and_the_english_message() -> None:
    graph = BROKEN["negative amount"][0](valid_graph())
    (result,) = COMPILED.run(stored(graph))
    assert result.severity == "Violation"
    assert result.message_en == "The amount is at most one xsd:decimal, zero or more (euros)."
    assert result.value == ox.Literal("-1", datatype=ox.NamedNode(str(XSD.decimal)))


# Mutations of a valid graph (hypothesis) ---------------------------------------------------------

BASE_GRAPH = valid_graph()
TRIPLES = sorted(BASE_GRAPH)
LITERAL_TRIPLES = [t for t in TRIPLES if isinstance(t[2], Literal)]
IRI_OBJECT_TRIPLES = [t for t in TRIPLES if isinstance(t[2], URIRef)]
TYPE_TRIPLES = [t for t in TRIPLES if t[1] == RDF.type]
CLASSES = sorted({o for _, _, o in TYPE_TRIPLES} | {SKOS.ConceptScheme, URIRef("http://example.org/Other")})
DATATYPES = [XSD.string, XSD.gYear, XSD.date, XSD.decimal, XSD.integer, XSD.boolean, XSD.double,
             URIRef("http://www.opengis.net/ont/geosparql#wktLiteral"), None]
# Not "NaN": pyshacl fails on "NaN"^^xsd:decimal (test_a_decimal_that_is_not_a_number below).
LEXICAL_FORMS = ["", "abc", "91", "1991", "01991", "-1", "01", "0", "1.50", "1e3", " 5", "Infinity", "2015-09-15",
                 "2015-02-30", "TG", "tg", "FR", "true", "1", "oui", "Togo\n", "Kpalimé",
                 "79049", "2A", "2a004", "975", "217900497", "90.5", "-180", "POINT(0.6 6.9)", "POINT(6.9)"]
LANGUAGES = ["fr", "en", "FR", "fr-CA", "de", None]
OTHER_NODES = sorted(set(BASE_GRAPH.subjects()) | {o for _, _, o in IRI_OBJECT_TRIPLES}, key=str) + [
    B["id/theme/santé"], URIRef("mailto:a@b"), URIRef("http://example.org/x")]


def with_datatype(literal: Literal, datatype) -> Literal:
    return Literal(str(literal), datatype=datatype)


@st.composite
def mutation(draw):
    """One change to a graph, as a function of the graph."""
    kind = draw(st.sampled_from(["drop", "duplicate", "datatype", "language", "lexical", "type", "literal", "blank"]))
    if kind == "drop":
        triple = draw(st.sampled_from(TRIPLES))
        return lambda g: g.remove(triple)
    if kind == "duplicate":
        s, p, o = draw(st.sampled_from(TRIPLES))
        other = draw(st.sampled_from(OTHER_NODES) | st.sampled_from([Literal(x) for x in LEXICAL_FORMS]))
        return lambda g: g.add((s, p, other))
    if kind == "type":
        s, p, o = draw(st.sampled_from(TYPE_TRIPLES))
        cls = draw(st.sampled_from(CLASSES))
        return lambda g: (g.remove((s, p, o)), g.add((s, p, cls)))
    if kind in ("literal", "blank"):
        s, p, o = draw(st.sampled_from(IRI_OBJECT_TRIPLES))
        new = Literal(str(o)) if kind == "literal" else BNode()
        return lambda g: (g.remove((s, p, o)), g.add((s, p, new)))
    s, p, o = draw(st.sampled_from(LITERAL_TRIPLES))
    if kind == "datatype":
        new = with_datatype(o, draw(st.sampled_from(DATATYPES)))
    elif kind == "language":
        new = Literal(str(o), lang=draw(st.sampled_from(LANGUAGES)))
    else:
        any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6)
        any_text = any_text.filter(lambda t: "nan" not in t.lower())
        lexical = draw(st.sampled_from(LEXICAL_FORMS) | any_text)
        new = Literal(lexical, lang=o.language) if o.language else Literal(lexical, datatype=o.datatype)
    return lambda g: (g.remove((s, p, o)), g.add((s, p, new)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutation(), min_size=1, max_size=3))
def test_mutations_of_a_valid_graph(changes) -> None:
    graph = Graph()
    graph += BASE_GRAPH
    for change in changes:
        change(graph)
    assert_same_as_pyshacl(graph)


# Shapes beyond the project's, for the corners of each component -----------------------------------

EDGE_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <http://example.org/> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:property [ sh:path ex:amount ; sh:datatype xsd:decimal ; sh:minInclusive "0"^^xsd:decimal ] ,
    [ sh:path ex:count ; sh:datatype xsd:integer ; sh:minInclusive 2 ] ,
    [ sh:path ex:amount ; sh:maxInclusive "1.5"^^xsd:decimal ] ,
    [ sh:path ex:count ; sh:maxInclusive 2 ] ,
    [ sh:path ex:code ; sh:maxInclusive "b" ] ,
    [ sh:path ex:day ; sh:datatype xsd:date ] ,
    [ sh:path ex:flag ; sh:datatype xsd:boolean ] ,
    [ sh:path ex:code ; sh:pattern "^[a-z]+$" ; sh:flags "i" ] ,
    [ sh:path ex:code ; sh:pattern "^(?!x)" ] ,
    [ sh:path ex:label ; sh:languageIn ( "fr" "en-GB" ) ; sh:uniqueLang true ; sh:severity sh:Warning ] ,
    [ sh:path ex:label ; sh:qualifiedValueShape [ sh:languageIn ( "en" ) ] ; sh:qualifiedMaxCount 1 ] ,
    [ sh:path ex:link ; sh:nodeKind sh:BlankNodeOrIRI ; sh:node ex:LinkedShape ] ,
    [ sh:path ex:off ; sh:minCount 1 ; sh:deactivated true ] ,
    [ sh:path ex:link ; sh:class ex:Thing ] .
ex:LinkedShape a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:datatype xsd:string ] .
ex:NodeTargets a sh:NodeShape ; sh:targetNode ex:a, "x" ; sh:targetSubjectsOf ex:link ; sh:nodeKind sh:Literal .
ex:Kind a sh:NodeShape, rdfs:Class ; sh:hasValue ex:a .
"""

EDGE_DATA = """
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix ex: <http://example.org/> .
ex:a a ex:Thing ; ex:amount "1e3"^^xsd:decimal, "-0.0"^^xsd:decimal, "1.50"^^xsd:decimal, " 5"^^xsd:decimal ;
  ex:count 1, "02"^^xsd:integer, "2.5"^^xsd:decimal, "3"^^xsd:double, "x" ;
  ex:day "2016-02-29"^^xsd:date, "2015-02-29"^^xsd:date, "0000-01-01"^^xsd:date, "2015-09-15Z"^^xsd:date ;
  ex:flag "1"^^xsd:boolean, "TRUE"^^xsd:boolean, "false"^^xsd:boolean ;
  ex:code "Abc", "abc\\n", "xyz", "Ångström", <http://example.org/abc>, _:b ;
  ex:label "a"@fr, "b"@FR, "c"@fr-CA, "d"@en-gb, "e"@en-US, "f"@en, "g", "h"@EN ;
  ex:link ex:b, ex:c, "lit" .
ex:b ex:name "B" . ex:c ex:name "C"@fr .
ex:k a ex:Kind .
ex:s a ex:SubThing ; ex:amount -2 ; ex:link ex:d .
ex:SubThing <http://www.w3.org/2000/01/rdf-schema#subClassOf> ex:Thing .
ex:d a ex:SubThing .
"""


def test_the_corners_of_each_component_as_pyshacl_sees_them() -> None:
    shapes = Graph().parse(data=EDGE_SHAPES, format="turtle")
    found = assert_same_as_pyshacl(Graph().parse(data=EDGE_DATA, format="turtle"),
                                   compile_shapes(shapes), shapes)
    components = {component.value.split("#")[1] for *_, component in found}
    assert (ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/amount")) in {
        (focus, path) for focus, path, *_ in found}  # a target through rdfs:subClassOf
    assert any(focus.value == "http://example.org/a" and value == ox.NamedNode("http://example.org/b")
               and component.value.endswith("ClassConstraintComponent") for focus, _, value, _, component in found)
    d = ox.NamedNode("http://example.org/d")
    assert not any(value == d and component.value.endswith("ClassConstraintComponent")
                   for *_, value, _, component in found)
    assert {(value, component.value.split("#")[1]) for *_, value, _, component in found} >= {
        (ox.Literal("1000", datatype=ox.NamedNode(str(XSD.decimal))), "MaxInclusiveConstraintComponent"),
        (ox.Literal("3", datatype=ox.NamedNode(str(XSD.double))), "MaxInclusiveConstraintComponent"),
        (ox.Literal("xyz"), "MaxInclusiveConstraintComponent")}
    assert (ox.Literal("1.5", datatype=ox.NamedNode(str(XSD.decimal))), "MaxInclusiveConstraintComponent") not in {
        (value, component.value.split("#")[1]) for *_, value, _, component in found}
    assert components >= {"DatatypeConstraintComponent", "MinInclusiveConstraintComponent",
                          "MaxInclusiveConstraintComponent",
                          "PatternConstraintComponent", "LanguageInConstraintComponent",
                          "UniqueLangConstraintComponent", "QualifiedMaxCountConstraintComponent",
                          "NodeConstraintComponent", "NodeKindConstraintComponent", "HasValueConstraintComponent"}


@pytest.mark.parametrize("pattern, portable", [
    ("/id/partnership/[^/]+$", True),
    ("^mailto:[^@\\s]+@[^@\\s]+$", True),
    ("/id/theme/[a-z0-9-]+(/[a-z0-9-]+){0,2}$", True),
    ("^http://publications\\.europa\\.eu/x/[A-Z0-9]{3}$", True),
    ("(?=a)", False), ("(?i)a", False), ("[[:alpha:]]", False), ("[a&&b]", False), ("a*+", False),
    ("\\bword", False), ("a{,3}", False), ("\\Z", False), ("(a)\\1", False),
])
def test_only_regexes_both_engines_read_alike_go_to_sparql(pattern: str, portable: bool) -> None:
    assert _portable_pattern(pattern, case_insensitive=False) is portable


# What the compiler refuses -----------------------------------------------------------------------


@pytest.mark.parametrize("addition, named", [
    ("shapes:Partnership-title sh:minLength 3 .", "sh:minLength"),
    ("shapes:CountryShape sh:or ( shapes:FranceShape ) .", "sh:or"),
    ("shapes:Partnership-title sh:path ( dct:title dct:alternative ) .", "sh:path"),
    ("shapes:Partnership-title sh:sparql [ sh:select \"SELECT $this {}\" ] .", "sh:sparql"),
    ("shapes:CollectivityShape sh:maxCount 1 .", "sh:maxCount on a node shape"),
    ("shapes:FranceShape sh:node shapes:FranceShape ; sh:targetNode <http://x/fr> .", "recursive"),
])
def test_an_unsupported_feature_is_refused_by_name(addition: str, named: str) -> None:
    shapes = shapes_graph()
    shapes.parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dct: <http://purl.org/dc/terms/> ."
                      "@prefix shapes: <https://w3id.org/atlas-coop/shapes#> ." + addition, format="turtle")
    with pytest.raises(UnsupportedShape, match=named):
        compile_shapes(shapes)


def test_an_unsupported_feature_of_a_shape_left_out_by_only_is_no_obstacle() -> None:
    shapes = shapes_graph()
    shapes.add((URIRef("https://w3id.org/atlas-coop/shapes#CountryShape"), SH.minLength, Literal(2)))
    with pytest.raises(UnsupportedShape, match="CountryShape"):
        compile_shapes(shapes)
    assert len(compile_shapes(shapes, only={"https://w3id.org/atlas-coop/shapes#PartnershipShape"})) > 20


def test_a_stored_term_reads_back_as_pyshacl_sees_it() -> None:
    assert rdflib_term(ox.Literal("x")) == Literal("x")
    assert rdflib_term(ox.Literal("x", language="fr")) == Literal("x", lang="fr")
    assert rdflib_term(ox.Literal("1991", datatype=ox.NamedNode(str(XSD.gYear)))) == Literal("1991", datatype=XSD.gYear)
    assert rdflib_term(ox.NamedNode(str(ORG.Organization))) == ORG.Organization
    assert rdflib_term(ox.BlankNode("b1")) == BNode("b1")
