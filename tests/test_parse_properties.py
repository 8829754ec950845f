"""Property tests: the parser never raises, whatever it is fed, and mapping what it returns
never raises either. Inputs: arbitrary text and bytes, and real pages mutated line by line."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from atlas_graph.ingest.mapping import entity_triples, map_record
from atlas_graph.model import ParseResult, Problem, Record
from atlas_graph.ingest.parse import parse_bytes, parse_text
from atlas_graph.uris import URIs
from conftest import REAL_PAGE, TEST_RECORDS

URIS = URIs("http://localhost:8000/")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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


@SETTINGS
@given(st.text(max_size=2000))
def test_arbitrary_text(text):
    check(parse_text(text, source="text.txt", stem="text"), "text.txt")


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    check(parse_bytes(data, source="bytes.txt", stem="bytes"), "bytes.txt")


@SETTINGS
@given(st.lists(odd_lines, max_size=30))
def test_lines_that_look_like_a_page(lines):
    text = "Titre\nT\n" + "\n".join(lines)
    check(parse_text(text, source="lines.txt", stem="lines"), "lines.txt")


TABLES = [
    ("Autres thématiques mises en œuvre pour le partenariat",
     "Thématique éligible | Sous-thématique | Sous-sous-thématique | Priorité |"),
    ("Partenaires étrangers du partenariat", "Nom de la collectivité étrangère | Pays | |"),
    ("Contacts dans les partenaires étrangers du partenariat",
     "Nom de la collectivité étrangère | Nom | Prénom | Fonction | Courriel |"),
    ("Contacts dans le poste diplomatique", "Nom | Prénom | Fonction | Courriel |"),
    ("Collectivités territoriales partenaires du partenariat", "Nom de la collectivité territoriale | |"),
    ("Financement du partenariat", "Nom du financeur | Montant en euros | Montant 1% Eau (Loi 2005) | "
                                   "Montant 1% Eau (Loi 2005) | Année |"),
    ("Volontaires impliqués dans le partenariat (VSI, service civique, etc.) d'Échange et de Solidarité",
     "Nom | Prénom | Mission | Champs d'action | Entité d'affectation |"),
]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(TABLES), st.lists(table_rows, max_size=5)), max_size=5))
def test_tables_with_arbitrary_rows(tables):
    lines = ["Titre", "T"]
    for (label, header), rows in tables:
        lines += [label, header, "---|" * header.count("|")] + rows
    check(parse_text("\n".join(lines), source="tables.txt", stem="tables"), "tables.txt")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    page=st.sampled_from(PAGES),
    ops=st.lists(st.sampled_from(["delete", "duplicate", "swap", "insert", "cell", "unicode"]), max_size=12),
    truncate=st.one_of(st.none(), st.floats(0, 1)),
    crlf=st.booleans(),
    bom=st.booleans(),
    data=st.data(),
)
def test_mutated_real_pages(page, ops, truncate, crlf, bom, data):
    lines = mutate(page.split("\n"), ops, data)
    text = "\n".join(lines)
    if truncate is not None:
        text = text[: int(len(text) * truncate)]
    if crlf:
        text = text.replace("\n", "\r\n")
    raw = ("\ufeff" if bom else "") + text
    check(parse_text(raw, source="mutated.txt", stem="mutated"), "mutated.txt")
    check(parse_bytes(raw.encode("utf-8", "surrogatepass"), source="mutated.txt", stem="mutated"), "mutated.txt")


def test_the_mutations_start_from_real_records():
    assert len(PAGES) >= 10
    assert all(parse_text(p, source="p.txt", stem="p").record is not None for p in PAGES)
