"""What the property and fuzz tests feed the parser, and what they check of each answer: real
pages (the real capture and tests/records), the hypothesis strategies that mutate them, and
:func:`check`, which a parse result and its mapping must pass whatever the input."""

from __future__ import annotations

import re

from hypothesis import strategies as st
from rdflib import Literal, URIRef

from atlas_graph.ingest.mapping import entity_triples, map_record
from atlas_graph.model import ParseResult, Problem, Record
from atlas_graph.uris import URIs
from support.paths import REAL_PAGE, TEST_RECORDS

URIS = URIs("http://localhost:8000/")
# characters an IRI may not hold as they are (RFC 3987), which would make the N-Triples invalid
NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')


def sample_pages() -> list[str]:
    pages = [p.read_text(encoding="utf-8-sig") for p in sorted(TEST_RECORDS.glob("*.txt"))]
    if REAL_PAGE.exists():
        pages.insert(0, REAL_PAGE.read_text(encoding="utf-8"))
    return [p for p in pages if "Titre" in p]


PAGES = sample_pages()

cells = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(
    ["1991", "19x1", "12 000", "1 500,50", "0", "", "![]()", "a@b.fr", "x<y>@z.tg", "Togo", "Atlantide",
     "31/02/2015", "15/09/2015", "---", "Autre", "???", "-5", "9" * 40])), max_size=9)
table_rows = cells.map(lambda row: " | ".join(row) + " |")
odd_lines = st.one_of(
    table_rows,
    st.text(max_size=40),
    st.sampled_from(["Titre", "Contexte", "---|", "---|---|", "Le partenariat est triennal", "Oui", "Non",
                     "Identifiant", "Adresse de la page", "http://x y", "<<", "1", "\ufeff", "\r", "\u2028"]),
)


def mutate(lines: list[str], ops, data) -> list[str]:
    """Delete, duplicate, swap, insert random lines or cells, in the order hypothesis draws."""
    for op in ops:
        if not lines:
            lines = [""]
        i = data.draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(i, data.draw(odd_lines))
        elif op == "cell":
            lines[i] = lines[i] + " | " + data.draw(st.text(max_size=10)) + " |"
        elif op == "unicode":
            k = data.draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:k] + data.draw(st.text(min_size=1, max_size=5)) + lines[i][k:]
    return lines


def check(result: ParseResult, source: str) -> None:
    """A record or a rejection, with problems that each fit on one line; mapping never raises."""
    assert isinstance(result, ParseResult)
    assert all(isinstance(p, Problem) and p.message for p in result.problems)
    for problem in result.problems:
        assert len(str(problem).splitlines()) == 1, str(problem)
        assert str(problem).startswith(source)
    if result.record is None:
        assert result.problems, "a rejection says why"
        return
    assert isinstance(result.record, Record) and result.record.title
    for include_contacts in (False, True):
        mapped = map_record(result.record, URIS, include_contacts=include_contacts)
        triples = list(mapped.triples) + entity_triples(mapped.mentions, URIS)
        for triple in triples:
            for term in triple:
                assert isinstance(term, URIRef | Literal)
                if isinstance(term, URIRef):
                    assert not NOT_IN_IRI.search(str(term)), term
                    assert not str(term).endswith("/"), term
                elif term.datatype is None:
                    assert str(term).strip(), triple  # absent values make no triple
