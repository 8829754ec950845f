"""Scale-out on a real Virtuoso 7: publish a store (the bundled record and 1,000 synthetic ones)
and serve the same front over it.

One Virtuoso and one store for the module. The first publish is killed (SIGKILL) midway and
restarted: it completes, sending only what the first run had not. Then ``atlas-graph serve
--sparql-endpoint`` runs over Virtuoso and is checked as a linked-data client and a SPARQL
client would use it, against the embedded store's own answers; the same checks run against
``atlas-graph serve`` over the embedded store itself, so that both stores are held to them.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from atlas_graph.cli.serve import bundled_records
from atlas_graph.remote.publish import STATE_FILE
from atlas_graph.remote.store import Credentials, RemoteStore
from atlas_graph.server.backend import RemoteReader
from atlas_graph.server.linked_data.describe import describe
from support.commands import run_atlas_graph
from support.http_fetch import fetch
from support.live_server import ServeProcess, free_port
from support.paths import REPO_ROOT
from support.virtuoso import PASSWORD, USER, start_virtuoso

SYNTHETIC = 1000
ATLAS = "https://w3id.org/atlas-coop/ontology#"
PARTNERSHIP = "partnership/000_907021ef8160d5c3"


def answers_sparql(server: ServeProcess) -> bool:
    """Ready once /sparql answers 200: the front has reached Virtuoso, not just opened its port."""
    return fetch(server.url("sparql"), headers={"Accept": "text/turtle"}).status == 200


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def remote(virtuoso) -> RemoteStore:
    return RemoteStore(virtuoso.sparql_url, Credentials(USER, PASSWORD))


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def store(tmp_path_factory, port) -> Path:
    """The bundled record and 1,000 synthetic ones, loaded with the front's address as base URI."""
    folder = tmp_path_factory.mktemp("scale-out")
    synth = run_atlas_graph("synth", "--count", SYNTHETIC, "-o", folder / "synth", "-q")
    assert synth.returncode == 0, synth.stderr
    loaded = run_atlas_graph("load", bundled_records(), folder / "synth", "--store", folder / "store",
                             "--base-uri", f"http://127.0.0.1:{port}/")
    assert loaded.returncode == 0, loaded.stderr
    return folder / "store"


def publish_command(store: Path, virtuoso) -> list[str]:
    main = "import sys; from atlas_graph.cli import main; sys.exit(main())"
    return [sys.executable, "-c", main, "publish", "--store", str(store), "--endpoint", virtuoso.sparql_url,
            "--user", USER, "--password", PASSWORD]


def summary_numbers(stderr: str) -> dict[str, int]:
    match = re.search(r"(\d+) graphs \((\d+) triples\): (\d+) sent, (\d+) unchanged, (\d+) dropped", stderr)
    assert match, stderr
    return dict(zip(["graphs", "triples", "sent", "unchanged", "dropped"], map(int, match.groups()), strict=True))


@pytest.fixture(scope="module")
def published(store, virtuoso):
    """Publish, killed with SIGKILL once it has saved progress, then publish again to the end."""
    state = store / STATE_FILE
    first = subprocess.Popen(publish_command(store, virtuoso), cwd=REPO_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not state.exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.communicate()
    resumed = subprocess.run(publish_command(store, virtuoso), cwd=REPO_ROOT, capture_output=True, text=True)
    return first.returncode, resumed


def local_counts(store: Path) -> dict[str, int]:
    local = ox.Store.read_only(str(store / "current" / "oxigraph"))
    counts: dict[str, int] = {}
    for quad in local:
        counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    return counts


# publish ------------------------------------------------------------------------------------


def test_a_publish_killed_midway_completes_when_restarted(published):
    killed_with, resumed = published
    assert killed_with == -signal.SIGKILL, "the first publish finished before it could be killed"
    assert resumed.returncode == 0, resumed.stderr
    numbers = summary_numbers(resumed.stderr)
    assert numbers["graphs"] == SYNTHETIC + 2  # the records and the entities graph
    assert numbers["unchanged"] > 0 and numbers["sent"] > 0  # it carried on where it was stopped


def test_every_graph_has_the_local_triple_count(published, store, remote):
    local = local_counts(store)
    remote_counts = remote.graph_counts()
    assert {g: remote_counts.get(g) for g in local} == local
    assert sum(remote_counts[g] for g in local) == sum(local.values())


def test_publishing_twice_changes_nothing(published, store, virtuoso, remote):
    before = remote.graph_counts()
    again = subprocess.run(publish_command(store, virtuoso), cwd=REPO_ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    numbers = summary_numbers(again.stderr)
    assert numbers["sent"] == 0 and numbers["dropped"] == 0 and numbers["unchanged"] == SYNTHETIC + 2
    assert remote.graph_counts() == before


def test_a_graph_changed_behind_its_back_is_sent_again(published, store, virtuoso, remote):
    graph = sorted(g for g in local_counts(store) if "/graph/partnership/" in g)[0]
    remote.drop_graph(graph)
    again = subprocess.run(publish_command(store, virtuoso), cwd=REPO_ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert summary_numbers(again.stderr)["sent"] == 1
    assert remote.graph_counts()[graph] == local_counts(store)[graph]


def test_a_wrong_endpoint_is_a_clear_failure(store):
    result = run_atlas_graph("publish", "--store", store, "--endpoint", f"http://127.0.0.1:{free_port()}/sparql")
    assert result.returncode == 1
    assert "cannot reach" in result.stderr and "Traceback" not in result.stderr


# the front over Virtuoso --------------------------------------------------------------------


@pytest.fixture(scope="module", params=["virtuoso", "embedded"])
def front(request, store, port, tmp_path_factory):
    """``atlas-graph serve`` over the store, answering from Virtuoso once the store is published
    (``--sparql-endpoint``) or from the embedded store; one at a time, on the store's own port."""
    options = ["--query-timeout", "5", "--update-token", "front-token"]
    if request.param == "virtuoso":
        request.getfixturevalue("published")
        options += ["--sparql-endpoint", request.getfixturevalue("virtuoso").sparql_url,
                    "--remote-user", USER, "--remote-password", PASSWORD]
    with ServeProcess(store, tmp_path_factory.mktemp("front") / "server.log", *options, port=port,
                      ready=answers_sparql) as server:
        yield server


def sparql(front, query: str, accept: str = "application/sparql-results+json", method: str = "GET"):
    return fetch(front.url("sparql?" + urllib.parse.urlencode({"query": query})), method,
                 headers={"Accept": accept})


@pytest.mark.parametrize("accept,route", [("text/turtle", "data"), ("application/ld+json", "data"),
                                          ("text/html", "page")])
def test_id_303s_by_accept(front, accept, route):
    reply = fetch(front.url("id/collectivity/tg/kpalime"), headers={"Accept": accept})
    assert reply.status == 303
    assert reply.header("Location") == front.url(f"{route}/collectivity/tg/kpalime")
    assert "accept" in reply.vary()
    assert fetch(reply.header("Location"), headers={"Accept": accept}).status == 200


def test_unknown_entity_is_404(front):
    assert fetch(front.url("data/country/zz.ttl")).status == 404


WKT = ox.NamedNode("http://www.opengis.net/ont/geosparql#asWKT")


def _exact(triples) -> set:
    """The triples but the WKT points: Virtuoso keeps those in single precision."""
    return {t for t in triples if t.predicate != WKT}


def _points(triples) -> list[float]:
    """The coordinates of the WKT points (each a geo:wktLiteral), in order."""
    points = sorted((str(t.subject), t.object) for t in triples if t.predicate == WKT)
    assert all(o.datatype.value == "http://www.opengis.net/ont/geosparql#wktLiteral" for _, o in points)
    return [float(n) for _, o in points for n in re.findall(r"-?[0-9.]+", o.value)]


@pytest.mark.parametrize("front", ["virtuoso"], indirect=True)
def test_descriptions_equal_the_embedded_stores(front, store, remote):
    """Every kind of entity: the remote reader gives the same description as the local store."""
    local = ox.Store.read_only(str(store / "current" / "oxigraph"))
    reader = RemoteReader(remote, 30)
    for path in [PARTNERSHIP, "collectivity/tg/kpalime", "country/tg", "country/fr", "collectivity/fr/bressuire"]:
        entity = ox.NamedNode(front.url(f"id/{path}"))
        embedded = describe(local, entity, front.base)
        over_virtuoso = describe(reader, entity, front.base)
        assert embedded is not None, path
        assert _exact(over_virtuoso.triples()) == _exact(embedded.triples()), path
        assert _points(over_virtuoso.triples()) == pytest.approx(_points(embedded.triples()), abs=1e-6), path
        assert over_virtuoso.incoming_total == embedded.incoming_total, path


def test_rdflib_dereferences_through_the_front(front):
    kpalime = URIRef(front.url("id/collectivity/tg/kpalime"))
    graph = Graph().parse(str(kpalime))
    assert (kpalime, RDF.type, URIRef(ATLAS + "ForeignCollectivity")) in graph
    assert (URIRef(front.url(f"id/{PARTNERSHIP}")), URIRef(ATLAS + "foreignPartner"), kpalime) in graph


def test_sparql_counts_per_graph_equal_the_embedded_stores(front, store):
    reply = sparql(front, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert reply.status == 200, reply.text
    rows = json.loads(reply.body)["results"]["bindings"]
    counts = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
    local = local_counts(store)
    assert {g: counts.get(g) for g in local} == local


def test_sparql_formats_and_the_row_cap_header(front):
    query = f"SELECT ?p WHERE {{ ?p a <{ATLAS}Partnership> }} ORDER BY ?p"
    reply = sparql(front, query, "text/csv")
    assert reply.status == 200 and reply.header("Content-Type").startswith("text/csv")
    assert len(reply.text.strip().splitlines()) == 1 + SYNTHETIC + 1
    construct = sparql(front, f"CONSTRUCT {{ ?p a <{ATLAS}Partnership> }} WHERE {{ ?p a <{ATLAS}Partnership> }}",
                       "application/n-triples")
    assert construct.status == 200 and len(construct.text.strip().splitlines()) == SYNTHETIC + 1
    ask = sparql(front, f"ASK {{ <{front.url('id/country/tg')}> ?p ?o }}", "application/sparql-results+xml")
    assert ask.status == 200 and b"<boolean>true</boolean>" in ask.body


def test_sparql_guards(front):
    assert sparql(front, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }").status == 400
    assert sparql(front, "SELEC * WHERE { ?s ?p ?o }").status == 400
    assert post_update(front, "DROP ALL", None) == 401  # no token
    assert post_update(front, "DROP ALL", "wrong") == 403
    assert post_update(front, "LOAD <http://example.org/data.ttl>", "front-token") == 400


@pytest.mark.parametrize("front", ["virtuoso"], indirect=True)
def test_an_update_with_the_token_reaches_virtuoso(front, remote):
    graph = front.url("graph/scratch")
    assert post_update(front, f"INSERT DATA {{ GRAPH <{graph}> {{ <{graph}> a <{ATLAS}Note> }} }}",
                       "front-token") == 204
    assert remote.graph_counts()[graph] == 1
    # Virtuoso: DROP GRAPH needs a CREATE first
    assert post_update(front, f"DROP SILENT GRAPH <{graph}>", "front-token") == 204
    assert graph not in remote.graph_counts()


def post_update(front, update: str, token: str | None) -> int:
    request = urllib.request.Request(front.url("sparql"), data=urllib.parse.urlencode({"update": update}).encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded"}, method="POST")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_query_past_the_time_limit_is_a_503(front):
    reply = sparql(front, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert reply.status == 503, reply.text
    assert reply.header("Retry-After")


def test_dumps_void_and_catalog_from_the_published_store(front, store):
    stats = json.loads((store / "current" / "stats.json").read_text())
    void = fetch(front.url(".well-known/void"), headers={"Accept": "application/n-triples"})
    assert void.status == 200 and str(stats["triples"]) in void.text
    assert fetch(front.url("catalog"), headers={"Accept": "text/turtle"}).status == 200
    dump = fetch(front.url("dumps/atlas.nt.gz"))
    assert dump.status == 200 and dump.body[:2] == b"\x1f\x8b"


def test_graphs_replace_through_sparql_update_where_there_is_no_graph_store(virtuoso):
    """The generic engine's way (DROP SILENT GRAPH + INSERT DATA), here on Virtuoso's update endpoint."""
    generic = RemoteStore(virtuoso.sparql_url, Credentials(USER, PASSWORD), engine="generic",
                          update_url=virtuoso.sparql_url + "-auth")
    assert generic.graph_store_url is None
    graph = "http://example.org/graph/by-update"
    generic.put_graph(graph, b'<http://example.org/a> <http://example.org/p> "un \\"deux\\"\\n"@fr .\n'
                             b'<http://example.org/a> <http://example.org/q> '
                             b'"2"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n')
    generic.put_graph(graph, b'<http://example.org/a> <http://example.org/p> "trois"@fr .\n')
    assert generic.graph_counts()[graph] == 1
    generic.drop_graph(graph)
    assert graph not in generic.graph_counts()
