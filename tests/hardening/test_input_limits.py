"""Input limits and odd requests against the real server: a readable 4xx, never a 5xx.

Limits, as decided: a request body (POST query, update or form) may be up to 1 MiB, larger is
413 (the application's MAX_CONTENT_LENGTH). A GET request line may be up to 4094 bytes
(gunicorn's ``limit_request_line``), longer is gunicorn's own 414 "Request Line is too large";
longer queries go by POST. Malformed percent-encoding or UTF-8 is 400 with a message.
"""

from __future__ import annotations

import itertools
from urllib.parse import quote, urlencode

import pytest

from support.hardening import TOKEN

PARTNERSHIP = "partnership/000_907021ef8160d5c3"
ROUTES = ["/id/", "/data/", "/page/", "/dumps/", "/ontology/", "/sparql/", "/catalog/", "/.well-known/void/", "/"]
ODD_PATHS = [
    "%00", "%00.ttl", "a%00b", "..", "../..", "%2e%2e", "%2e%2e/%2e%2e/etc/passwd", "..%2f..%2fetc%2fpasswd",
    "%2E%2E%2F", "....//....//", "/", "//", "///x", "x//y", "%2f", "%2F%2F", "\\..\\..\\", "%5c..%5c",
    "%ff", "%fe%ff", "%c0%ae%c0%ae", "%zz", "%", "%2", "%e9t%e9", "\u00e9t\u00e9".encode().decode("latin-1"),
    "a" * 3000, "a/" * 1500, "x.ttl.ttl.ttl", ".ttl", ".", "x.", "x.unknown", "%20", "+", "~", ";x=y",
    "x?format=../../x", "x?format=%00", "x#frag", "con", "aux.txt", "*", "$%7Bjndi:ldap://127.0.0.1/a%7D",
    PARTNERSHIP + "%00", PARTNERSHIP + "/..", PARTNERSHIP + "/../../..", PARTNERSHIP + ".ttl%00",
    PARTNERSHIP + ".", PARTNERSHIP + "..ttl", PARTNERSHIP + "/", "atlas.nt.gz%00", "atlas.nt.gz/..",
]
ODD_HEADERS = [
    {}, {"Accept": "text/html"}, {"Accept": "application/json"}, {"Accept": "*/*;q=abc"},
    {"Accept": ";;;,,,/"}, {"Accept": "text/turtle;q=0, */*;q=0"}, {"Accept": "x" * 4000},
    {"If-None-Match": "\"garbage"}, {"If-Modified-Since": "yesterday"}, {"Range": "bytes=999999999-"},
    {"Range": "bytes=-0"}, {"Range": "lines=1-2"}, {"Accept-Language": "\u00ff".encode().decode("latin-1")},
]


@pytest.fixture(scope="module")
def server(token_server):
    """The shared server with the update token: every request here is refused or only reads."""
    return token_server


def test_a_post_body_over_one_mib_is_413(server):
    query = "ASK { ?s ?p ?o } #" + "x" * (1 << 20)
    for content_type, body in [("application/sparql-query", query.encode()),
                               ("application/x-www-form-urlencoded", urlencode({"query": query}).encode()),
                               ("application/sparql-update", query.encode())]:
        reply = server.request("POST", "/sparql", {"Content-Type": content_type, "Authorization": f"Bearer {TOKEN}"},
                               body)
        assert reply.status == 413, (content_type, reply.status)
        assert reply.headers.get_content_type() == "text/plain", reply.text
        assert "too large" in reply.text and "1 MiB" in reply.text, reply.text


def test_a_post_body_under_one_mib_is_answered(server):
    query = "ASK { ?s ?p ?o } #" + "x" * 500_000
    reply = server.request("POST", "/sparql", {"Content-Type": "application/sparql-query"}, query.encode())
    assert reply.status == 200, reply.text


def test_a_get_line_over_the_limit_is_a_readable_414(server):
    query = "ASK { ?s ?p ?o } #" + "x" * 5000
    reply = server.sparql_get(query)
    assert reply.status == 414
    assert "too large" in reply.text.lower()
    long_path = server.get("/id/" + "a" * 70_000)
    assert long_path.status == 414


def test_a_get_query_under_the_limit_is_answered(server):
    assert server.sparql_get("ASK { ?s ?p ?o } #" + "x" * 3500).status == 200


def test_oversized_headers_are_4xx(server):
    assert 400 <= server.get("/sparql", {"X-Big": "x" * 20_000}).status < 500
    many = {f"X-H{i}": "v" for i in range(200)}
    assert 400 <= server.get("/sparql", many).status < 500


@pytest.mark.parametrize("target", [
    "/sparql?query=ASK%20%7B%7D%zz", "/sparql?query=ASK%20%7B%7D%FF", "/sparql?query=%C3%28",
    "/sparql?query=%ED%A0%80", "/sparql?query=%F4%90%80%80", "/sparql?query=%", "/sparql?query=ASK%20{}&format=%ff",
    "/sparql?query=ASK%20{}&default-graph-uri=%00", "/sparql?query=ASK%20{}&default-graph-uri=not%20an%20iri",
])
def test_malformed_query_strings_are_400(server, target):
    reply = server.get(target)
    assert reply.status == 400, (target, reply.status, reply.text)
    assert reply.text.strip()


@pytest.mark.parametrize("content_type, body", [
    ("application/sparql-query", b"ASK { ?s ?p \"\xff\" }"),
    ("application/sparql-query", b"ASK { ?s ?p \"\xc3\" }"),
    ("application/x-www-form-urlencoded", b"query=ASK%20%7B%7D%zz"),
    ("application/x-www-form-urlencoded", b"query=%FF"),
    ("application/x-www-form-urlencoded", b"query=\xff"),
    ("application/sparql-query; charset=latin-1", b"ASK {}"),
    ("application/sparql-query", b"\x00\x01\x02"),
])
def test_malformed_bodies_are_4xx(server, content_type, body):
    reply = server.request("POST", "/sparql", {"Content-Type": content_type}, body)
    assert 400 <= reply.status < 500, (body, reply.status, reply.text)
    assert reply.text.strip()


def test_odd_paths_on_every_route_are_4xx(server):
    failures = []
    for route, path in itertools.product(ROUTES, ODD_PATHS):
        target = route + quote(path, safe="/%;?=#.\\*$~+") if "%" not in path else route + path
        reply = server.get(target, {"Accept": "text/html"})
        final = reply
        if 300 <= reply.status < 400 and reply.headers["Location"]:  # e.g. '//' → 308 to '/'
            location = reply.headers["Location"].replace(server.base.rstrip("/"), "")
            final = server.get(location, {"Accept": "text/html"})
        ok = reply.status < 500 and final.status < 500
        if "%00" in path or ".." in path or "%2e%2e" in path.lower():
            ok = ok and 400 <= final.status < 500
        if not ok:
            failures.append((target[:80], reply.status, final.status, final.text[:200]))
    assert not failures, failures


def test_odd_headers_and_methods_never_give_a_5xx(server):
    targets = ["/", "/sparql", "/sparql?query=ASK%20%7B%7D", f"/id/{PARTNERSHIP}", f"/data/{PARTNERSHIP}",
               f"/data/{PARTNERSHIP}.ttl", f"/page/{PARTNERSHIP}", "/dumps/", "/dumps/atlas.nt.gz", "/ontology",
               "/catalog", "/.well-known/void", "/page/nothing", "/id/dataset"]
    failures = []
    for target, headers in itertools.product(targets, ODD_HEADERS):
        reply = server.get(target, headers)
        if reply.status >= 500:
            failures.append((target, headers, reply.status, reply.text[:200]))
    for target, method in itertools.product(targets, ["HEAD", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "BREW"]):
        reply = server.request(method, target)
        if reply.status >= 500:
            failures.append((target, method, reply.status, reply.text[:200]))
    assert not failures, failures
