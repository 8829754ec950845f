"""The cheap keyword tests that spare most queries a lexing pass still find every keyword."""

from __future__ import annotations

from atlas_graph.server.sparql.query_dataset import query_dataset
from atlas_graph.server.sparql.text import has_keyword, may_contain, uses_service


def test_a_keyword_in_any_case_is_found_next_to_non_ascii_text():
    query = "SELECT * { ?ſ ?p 'İİ' . SeRvIcE <http://x> { ?s ?p ?o } }"
    assert may_contain(query, "SERVICE") and uses_service(query)


def test_a_word_only_inside_strings_iris_or_comments_is_no_keyword():
    query = "SELECT * { ?s <http://x/from> 'FROM' } # from"
    assert may_contain(query, "FROM") and not has_keyword(query, "FROM")
    assert not query_dataset(query, "http://localhost/sparql").is_given()


def test_a_query_without_the_letters_skips_lexing():
    assert not may_contain("SELECT * { ?s ?p ?o }", "FROM")
    assert query_dataset("SELECT * fRoM <g> { ?s ?p ?o }", "http://localhost/sparql").default_graphs == (
        "http://localhost/g",)
