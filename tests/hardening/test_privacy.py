"""Privacy: the names and e-mails of contacts and volunteers appear in no output — dumps, pages,
/data in every format, SPARQL results, search, the catalog, the server's log, the load's
output, parse problems — unless the store was built with ``--include-contacts``; then they do
appear in SPARQL results and /data.

The values searched for are those of the real page's contact and of the test records with
contacts (foreign and diplomatic) and a volunteer. Values are never sent in a URL (that would
put them in the access log as the client's own words): searches go by POST, or by a prefix.
"""

from __future__ import annotations

import gzip
import html
import json
from urllib.parse import quote

import pytest

from atlas_graph.ingest.parse import parse_bytes
from support.commands import load
from support.hardening import Server
from support.paths import ALL_RECORDS

PERSONAL = [
    "Samtou", "Edem", "adjk1991@yahoo.fr",  # the real page's contact
    "Lefèvre", "claire.lefevre@diplomatie.gouv.fr", "minh.nguyen@diplomatie.gouv.fr",  # diplomatic_contacts
    "Dossou", "awa.dossou@example.org", "Ouedraogo", "paul.ouedraogo@example.org",  # multi_row_tables
    "Martin", "Léa",  # multi_row_tables' volunteer
]
EVERYTHING = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
ENTITIES = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }"


def leaks(text: str, values=PERSONAL) -> list[str]:
    """The personal values found in ``text``, as written or escaped (JSON, HTML)."""
    forms = [text, html.unescape(text)]
    return [v for v in values if any(v in form or json.dumps(v)[1:-1] in form for form in forms)]


def sparql_post(server: Server, query: str, accept: str) -> str:
    reply = server.request("POST", "/sparql", {"Content-Type": "application/sparql-query", "Accept": accept},
                           query.encode())
    assert reply.status == 200, reply.text
    return reply.text


def entity_paths(server: Server) -> list[str]:
    ours = server.base + "id/"
    rows = json.loads(sparql_post(server, ENTITIES, "application/sparql-results+json"))["results"]["bindings"]
    return sorted(r["s"]["value"][len(ours):] for r in rows if r["s"]["value"].startswith(ours))


@pytest.fixture(scope="module")
def private(tmp_path_factory):
    """A server over a store built without --include-contacts, and the load's output."""
    server = Server(tmp_path_factory.mktemp("private"))
    loaded = load(server.store, server.base, ALL_RECORDS)
    server.start()
    yield server, loaded.stdout + loaded.stderr
    server.stop()


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("with-contacts"))
    load(server.store, server.base, ALL_RECORDS, "--include-contacts")
    server.start()
    yield server
    server.stop()


def test_no_personal_data_in_any_output(private):
    server, load_output = private
    outputs: dict[str, str] = {"load output": load_output}
    for name in ("atlas.nt.gz", "atlas.ttl.gz", "atlas.nq.gz"):
        reply = server.get(f"/dumps/{name}")
        assert reply.status == 200
        outputs[f"dump {name}"] = gzip.decompress(reply.body).decode()
    for accept in ("application/n-triples", "text/turtle", "application/ld+json", "application/rdf+xml"):
        outputs[f"SPARQL CONSTRUCT {accept}"] = sparql_post(server, EVERYTHING, accept)
    for accept in ("application/sparql-results+json", "text/csv", "application/sparql-results+xml"):
        outputs[f"SPARQL SELECT {accept}"] = sparql_post(
            server, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", accept)
    paths = entity_paths(server)
    assert "partnership/000_907021ef8160d5c3" in paths
    for path in paths:
        for target in (f"/page/{path}", *(f"/data/{path}.{ext}" for ext in ("ttl", "nt", "jsonld", "rdf"))):
            reply = server.get(quote(target), {"Accept": "text/html"})
            assert reply.status == 200, (target, reply.status)
            outputs[target] = reply.text
    for target in ("/", "/sparql", "/dumps/", "/catalog", "/.well-known/void", "/search?q=Samt", "/search?q=adjk",
                   "/search?q=Dosso", "/search?q=L%C3%A9", "/id/partnership/000_907021ef8160d5c3/contact/1",
                   "/data/partnership/000_907021ef8160d5c3/contact/1.ttl"):
        reply = server.get(target, {"Accept": "text/html"})
        assert reply.status < 500, (target, reply.status)
        outputs[target] = reply.text
    outputs["server log"] = server.log.read_text()
    assert "GET /page/partnership/" in outputs["server log"]  # the access log was captured
    found = {where: leaks(text) for where, text in outputs.items() if leaks(text)}
    assert not found, f"personal data in: {found}"


def test_the_search_for_personal_values_finds_nothing(private):
    server, _ = private
    for value in PERSONAL:
        query = f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(CONTAINS(STR(?o), {json.dumps(value)})) }}"
        rows = json.loads(sparql_post(server, query, "application/sparql-results+json"))["results"]["bindings"]
        assert rows == [], value


def test_with_include_contacts_they_appear_in_sparql_and_data(public):
    everything = sparql_post(public, EVERYTHING, "application/n-triples")
    assert set(leaks(everything)) == set(PERSONAL)
    data = "".join(public.get(quote(f"/data/{path}.ttl")).text for path in entity_paths(public)
                   if "/contact/" in path or "/volunteer/" in path or path.startswith("partnership/"))
    assert {"Samtou", "Edem", "adjk1991@yahoo.fr", "Martin", "Léa"} <= set(leaks(data))


PAGE_WITH_A_BROKEN_CONTACTS_TABLE = """Atlas français de la coopération décentralisée et des autres actions extérieures
Titre
Un partenariat
Contacts dans les partenaires étrangers du partenariat
Nom de la collectivité étrangère | Nom | Prénom | Fonction | Courriel |
---|---|---|---|---|
Kpalime Samtou Edem adjk1991@yahoo.fr
Kpalime | Samtou | Edem | Maire | adjk1991@yahoo.fr | extra | adjk1991@yahoo.fr |
Volontaires impliqués dans le partenariat (VSI, service civique, etc.) d'Échange et de Solidarité
Nom | Prénom | Mission | Champs d'action | Entité d'affectation |
---|---|---|---|---|
Martin Léa Service civique
"""


def test_parse_problems_about_contact_rows_name_no_personal_data():
    """What load and convert print about a malformed contacts or volunteers row says where it is,
    never what it holds (a line without cells is reported with its text today: parse.py)."""
    result = parse_bytes(PAGE_WITH_A_BROKEN_CONTACTS_TABLE.encode(), "broken_contacts.txt", "broken_contacts")
    assert result.problems, "the broken rows are reported"
    printed = "\n".join(map(str, result.problems))
    assert not leaks(printed), printed
