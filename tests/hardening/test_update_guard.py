"""Update guard: nothing changes the store without the bearer token.

Every way of writing — SPARQL Update in a form or a body, with no token, a wrong one, the token
in the wrong place, other methods on every route (there is no Graph Store Protocol route: writes
to /data, /id, /page are refused too) — is answered 4xx, and the store has the same triples and
the same current generation afterwards. The right token does change it (the counting works).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from atlas_graph.store.generations import StoreDir
from support.hardening import TOKEN, loaded_server

INSERT = "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }"
DELETE_ALL = "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def server(token_server):
    """The shared server with the update token: only unauthorised writes are sent to it."""
    return token_server


@pytest.fixture(scope="module")
def read_only(atlas_server):
    """The shared test server, started without an update token."""
    return atlas_server


@pytest.fixture
def own_server(tmp_path):
    """A server with the update token over a store of its own, for the test that writes."""
    server = loaded_server(tmp_path, "--update-token", TOKEN).start()
    yield server
    server.stop()


def _attempts(server, update: str):
    """(description, reply) for every unauthorised way of sending ``update``."""
    form = urlencode({"update": update}).encode()
    for name, headers in [
        ("no token", {}),
        ("wrong token", {"Authorization": "Bearer not-the-token"}),
        ("token prefix", {"Authorization": f"Bearer {TOKEN[:-1]}"}),
        ("token plus", {"Authorization": f"Bearer {TOKEN}x"}),
        ("basic auth", {"Authorization": "Basic " + "dXNlcjpwYXNz"}),
        ("bare token", {"Authorization": TOKEN}),
        ("empty bearer", {"Authorization": "Bearer "}),
        ("cookie", {"Cookie": f"token={TOKEN}"}),
    ]:
        yield f"form, {name}", server.request("POST", "/sparql", {"Content-Type": FORM, **headers}, form)
        yield f"body, {name}", server.request("POST", "/sparql", {"Content-Type": "application/sparql-update",
                                                                 **headers}, update.encode())
    yield "token in the URL", server.request("POST", "/sparql?" + urlencode({"access_token": TOKEN}),
                                             {"Content-Type": FORM}, form)
    yield "update by GET", server.get("/sparql?" + urlencode({"update": update}))
    yield "update by GET with token", server.get("/sparql?" + urlencode({"update": update}),
                                                 {"Authorization": f"Bearer {TOKEN}"})
    for method in ("PUT", "DELETE", "PATCH"):
        yield f"{method} /sparql", server.request(method, "/sparql", {"Content-Type": "application/sparql-update"},
                                                  update.encode())


def _graph_store_writes(server):
    """Graph Store Protocol style writes on every route that could hold one."""
    turtle = b"<urn:x:s> <urn:x:p> <urn:x:o> ."
    for path in ["/rdf-graph-store?default", "/rdf-graph-store?graph=urn:x:g", "/sparql?graph=urn:x:g",
                 "/data/partnership/000_907021ef8160d5c3", "/id/partnership/000_907021ef8160d5c3",
                 "/page/partnership/000_907021ef8160d5c3", "/dumps/atlas.nt.gz", "/catalog", "/.well-known/void"]:
        for method in ("PUT", "POST", "DELETE", "PATCH"):
            for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}):
                yield f"{method} {path}", server.request(
                    method, path, {"Content-Type": "text/turtle", **headers}, turtle)


def test_updates_without_the_token_are_refused_and_change_nothing(server):
    store = StoreDir(server.store)
    before, generation = server.count_triples(), store.current_target()
    for update in (INSERT, DELETE_ALL, "CLEAR ALL", "DROP ALL", "CREATE GRAPH <urn:x:new>"):
        for description, reply in _attempts(server, update):
            assert reply.status in (400, 401, 403, 405), (update, description, reply.status, reply.text)
    assert server.count_triples() == before
    assert store.current_target() == generation


def test_missing_token_is_401_with_a_challenge_and_wrong_token_403(server):
    form = urlencode({"update": INSERT}).encode()
    missing = server.request("POST", "/sparql", {"Content-Type": FORM}, form)
    assert missing.status == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = server.request("POST", "/sparql", {"Content-Type": FORM, "Authorization": "Bearer nope"}, form)
    assert wrong.status == 403 and "token" in wrong.text


def test_there_is_no_graph_store_write_route(server):
    store = StoreDir(server.store)
    before, generation = server.count_triples(), store.current_target()
    for description, reply in _graph_store_writes(server):
        assert 400 <= reply.status < 500, (description, reply.status, reply.text)
    assert server.count_triples() == before
    assert store.current_target() == generation


def test_a_read_only_server_refuses_every_update(read_only):
    store = StoreDir(read_only.store)
    before, generation = read_only.count_triples(), store.current_target()
    form = urlencode({"update": INSERT}).encode()
    for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}, {"Authorization": "Bearer "}):
        reply = read_only.request("POST", "/sparql", {"Content-Type": FORM, **headers}, form)
        assert reply.status in (401, 403), reply.text
    assert read_only.count_triples() == before
    assert store.current_target() == generation


def test_the_token_does_write(own_server):
    """The one request that changes a store: on a server of its own."""
    before = own_server.count_triples()
    reply = own_server.request("POST", "/sparql", {"Content-Type": "application/sparql-update",
                                                   "Authorization": f"Bearer {TOKEN}"},
                               b"INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> <urn:x:o> } }")
    assert reply.status == 204, reply.text
    assert own_server.count_triples() == before + 1
