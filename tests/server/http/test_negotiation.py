"""Accept-header negotiation shared by the HTTP routes."""

from __future__ import annotations

import pytest

from atlas_graph.server.http.negotiation import UnknownFormat, best_match, negotiate, parse_accept

RDF = ["text/turtle", "application/rdf+xml", "application/ld+json"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),  # no header: the server's first choice
        ("", "text/turtle"),
        ("*/*", "text/turtle"),
        ("application/*", "application/rdf+xml"),  # wildcard subtype, ties in server order
        ("application/ld+json;q=0.9, text/turtle;q=0.1", "application/ld+json"),
        ("*/*;q=0.1, application/rdf+xml", "application/rdf+xml"),
        ("application/*;q=0.2, application/ld+json;q=0", "application/rdf+xml"),  # q=0 excludes
        ("TEXT/Turtle", "text/turtle"),  # case-insensitive
        ("image/png", None),
        ("text/turtle;q=abc", None),  # a malformed q counts as 0
    ],
)
def test_best_match(accept, expected):
    assert best_match(RDF, accept) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/rdf+xml,text/html", "application/rdf+xml"),  # an RDF client lists RDF first
        ("text/html,application/rdf+xml", "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),  # a browser
        ("application/ld+json;q=0.5, text/turtle;q=0.5", "application/ld+json"),
        ("*/*", "text/turtle"),  # one range for all: the server's order
        ("text/*, application/ld+json", "text/turtle"),  # text/* comes first and decides text/html too
    ],
)
def test_equal_qualities_follow_the_clients_order(accept, expected):
    assert best_match([*RDF, "text/html"], accept) == expected


def test_range_parameters_must_match():
    assert best_match(["text/turtle"], "text/turtle;version=2") is None
    assert best_match(["text/turtle;version=2"], "text/turtle;version=2") == "text/turtle;version=2"
    assert best_match(["text/turtle"], "text/turtle;charset=utf-8") == "text/turtle"


def test_most_specific_range_decides_quality():
    header = "text/*;q=0.3, text/html;q=0.7, */*;q=0.1"
    # text/html is 0.7 (not text/*'s 0.3), text/plain 0.3 (not */*'s 0.1), image/png 0.1
    assert best_match(["text/plain", "text/html"], header) == "text/html"
    assert best_match(["image/png", "text/plain"], header) == "text/plain"
    assert best_match(["image/png"], header) == "image/png"


def test_malformed_entries_are_skipped():
    assert [r.subtype for r in parse_accept("garbage, */json, /x, text/csv")] == ["csv"]


def test_format_parameter_overrides_accept():
    assert negotiate(RDF, "text/turtle", "jsonld") == "application/ld+json"
    assert negotiate(RDF, "text/turtle", "application/rdf+xml") == "application/rdf+xml"
    assert negotiate(RDF, "text/turtle", "csv") is None  # known, but not offered here
    with pytest.raises(UnknownFormat):
        negotiate(RDF, None, "yaml")
