"""Property tests: the parser never raises, whatever it is fed, and mapping what it returns
never raises either. Inputs: arbitrary text and bytes, and real pages mutated line by line."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas_graph.ingest.parse import parse_bytes, parse_text
from support.parser_inputs import PAGES, check, mutate, odd_lines, table_rows

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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
