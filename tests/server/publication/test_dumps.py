"""/dumps/: the full dumps over HTTP hold exactly the store's triples (quads for N-Quads)."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import json
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest

FORMATS = {"atlas.nt.gz": ox.RdfFormat.N_TRIPLES, "atlas.ttl.gz": ox.RdfFormat.TURTLE,
           "atlas.nq.gz": ox.RdfFormat.N_QUADS}


def test_index_lists_every_dump_with_size_and_checksum(site):
    reply = site.get("dumps/", Accept="application/json")
    assert reply.status == 200
    assert reply.header("Content-Type").startswith("application/json")
    entries = {entry["name"]: entry for entry in json.loads(reply.body)["dumps"]}
    assert set(entries) == set(FORMATS)
    for _name, entry in entries.items():
        body = site.get(entry["url"]).body
        assert entry["bytes"] == len(body)
        assert entry["sha256"] == hashlib.sha256(body).hexdigest()
        assert entry["content_type"] == "application/gzip"
    assert entries["atlas.nt.gz"]["triples"] == len(site.store_triples())
    assert entries["atlas.nq.gz"]["quads"] == len(site.store_quads())


def test_index_as_html_links_every_dump(site):
    reply = site.get("dumps/", Accept="text/html")
    assert reply.status == 200 and reply.header("Content-Type").startswith("text/html")
    page = reply.body.decode()
    for name in FORMATS:
        assert f'href="{site.url}dumps/{name}"' in page


@pytest.mark.parametrize("name", ["atlas.nt.gz", "atlas.ttl.gz"])
def test_triple_dumps_hold_exactly_the_stores_triples(site, name):
    reply = site.get(f"dumps/{name}")
    assert reply.status == 200
    assert reply.header("Content-Type") == "application/gzip"
    assert reply.header("Content-Encoding") is None  # the .gz file itself, not a transfer coding
    assert int(reply.header("Content-Length")) == len(reply.body)
    parsed = {ox.Triple(q.subject, q.predicate, q.object)
              for q in ox.parse(io.BytesIO(gzip.decompress(reply.body)), format=FORMATS[name])}
    assert parsed == site.store_triples()


def test_nquads_dump_holds_exactly_the_stores_quads(site):
    reply = site.get("dumps/atlas.nq.gz")
    parsed = set(ox.parse(io.BytesIO(gzip.decompress(reply.body)), format=ox.RdfFormat.N_QUADS))
    assert parsed == site.store_quads()
    assert all(isinstance(quad.graph_name, ox.NamedNode) for quad in parsed)


def test_ntriples_dump_has_one_line_per_distinct_triple(site):
    lines = gzip.decompress(site.get("dumps/atlas.nt.gz").body).splitlines()
    assert len(lines) == len(set(lines)) == len(site.store_triples()) == site.stats()["triples"]


def test_etag_is_the_sha256_and_conditional_get_answers_304(site):
    reply = site.get("dumps/atlas.ttl.gz")
    etag = reply.header("ETag")
    assert etag == f'"{hashlib.sha256(reply.body).hexdigest()}"'
    assert reply.header("Last-Modified")
    assert site.get("dumps/atlas.ttl.gz", **{"If-None-Match": etag}).status == 304
    assert site.get("dumps/atlas.ttl.gz", **{"If-Modified-Since": reply.header("Last-Modified")}).status == 304
    assert site.get("dumps/atlas.ttl.gz", **{"If-None-Match": '"something-else"'}).status == 200


def test_head_gives_the_headers_without_the_body(site):
    full = site.get("dumps/atlas.nq.gz")
    head = site.get("dumps/atlas.nq.gz", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.header("Content-Length") == str(len(full.body))
    assert head.header("ETag") == full.header("ETag")


def test_range_request_returns_the_exact_bytes(site):
    full = site.get("dumps/atlas.nt.gz").body
    part = site.get("dumps/atlas.nt.gz", Range="bytes=10-109")
    assert part.status == 206
    assert part.body == full[10:110]
    assert part.header("Content-Range") == f"bytes 10-109/{len(full)}"


def test_cors_header_on_dumps(site):
    assert site.get("dumps/atlas.nt.gz").header("Access-Control-Allow-Origin") == "*"


@pytest.mark.parametrize("path", ["dumps/atlas.rdf.gz", "dumps/stats.json", "dumps/atlas.nt",
                                  "dumps/sub/atlas.nt.gz"])
def test_unknown_dump_is_404_with_a_message(site, path):
    reply = site.get(path, Accept="text/plain")
    assert reply.status == 404
    assert b"atlas.nt.gz" in reply.body  # names the dumps there are


@pytest.mark.parametrize("raw_path", ["/dumps/../stats.json", "/dumps/..%2fstats.json",
                                      "/dumps/%2e%2e/stats.json", "/dumps/atlas.nt.gz%00",
                                      "/dumps/%00", "/dumps/..%2f..%2fstate.json"])
def test_escaping_paths_are_refused(site, raw_path):
    """Sent byte for byte (no client-side normalisation of '..')."""
    parts = urlsplit(site.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", raw_path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert 400 <= response.status < 500, (raw_path, response.status)
    assert not body.startswith(b"{\"triples\"") and b"base_uri" not in body


@pytest.mark.parametrize("in_default_graph", [False, True], ids=["named graphs only", "default graph too"])
def test_counts_taken_while_dumping_equal_the_distinct_triples(tmp_path, in_default_graph):
    """The VoID statistics counted by the N-Triples dump (atlas_graph.store.dumps.TripleCounts) on
    both of its paths: triples grouped by subject, and the union query a default graph forces."""
    from atlas_graph.store.dumps import write_dumps

    ex = "http://example.org/"
    s1, s2, p, q = (ox.NamedNode(ex + n) for n in ("s1", "s2", "p", "q"))
    blank = ox.BlankNode("b")
    g1, g2 = ox.NamedNode(ex + "g1"), ox.NamedNode(ex + "g2")
    store = ox.Store(str(tmp_path / "store"))
    store.extend([
        ox.Quad(s1, p, ox.Literal("a"), g1), ox.Quad(s1, p, ox.Literal("a"), g2),  # one triple, twice
        ox.Quad(s1, q, s2, g1), ox.Quad(s2, p, ox.Literal("b"), g2), ox.Quad(blank, p, s1, g2),
    ])
    if in_default_graph:
        store.extend([ox.Quad(s2, q, s1, ox.DefaultGraph()), ox.Quad(s1, p, ox.Literal("a"), ox.DefaultGraph())])
    store.flush()
    triples = {quad.triple for quad in store}
    _, counts = write_dumps(store, tmp_path / "dumps")
    assert counts.triples == len(triples)
    assert counts.distinct_subjects == len({t.subject for t in triples}) == 3
    assert counts.entities == 2
    assert counts.properties == {p.value: sum(t.predicate == p for t in triples),
                                 q.value: sum(t.predicate == q for t in triples)}
