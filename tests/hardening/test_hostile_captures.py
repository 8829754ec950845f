"""Hostile captures: thousands of mutated real pages and random bytes go through the library path
of ``atlas-graph convert`` (``parse_bytes`` then ``map_record``) without a crash, each converted
or rejected with problems naming the file; and record text carrying markup (``<script>``,
quotes, ``&``) is shown as text, escaped, on every HTML page of a real server.

The strategies and the per-input check are the property tests' (support/parser_inputs.py); here
they are pushed further: byte-level damage (invalid UTF-8, NULs, cut multi-byte sequences) and
markup injected into real pages. 3,000 examples in all.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas_graph.ingest.parse import parse_bytes
from support.http_fetch import fetch
from support.parser_inputs import PAGES, check, mutate


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(2)>', "&amp;&lt;&", "'", '"', "</p>",
           "\u202e", "\x00", "{{ 7*7 }}", "${jndi:ldap://127.0.0.1/a}", "javascript:alert(3)", "<!--", "]]>"]
BAD_BYTES = [b"\xff", b"\xfe\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\x00", b"\r", b"\r\n", b"\xef\xbb\xbf",
             b"|", b"---|", b"\n\n\n"]


@fuzz(1400)
@given(page=st.sampled_from(PAGES), data=st.data(),
       edits=st.lists(st.tuples(st.sampled_from(["flip", "insert", "delete", "cut"]), st.floats(0, 1)), max_size=8))
def test_byte_damaged_real_pages(page, data, edits):
    raw = bytearray(page.encode("utf-8"))
    for edit, where in edits:
        at = int(where * len(raw))
        if edit == "flip" and raw:
            at = min(at, len(raw) - 1)
            raw[at] ^= data.draw(st.integers(1, 255))
        elif edit == "insert":
            raw[at:at] = data.draw(st.one_of(st.sampled_from(BAD_BYTES), st.binary(min_size=1, max_size=8)))
        elif edit == "delete":
            del raw[at:at + data.draw(st.integers(1, 40))]
        elif edit == "cut":
            del raw[at:]
    check(parse_bytes(bytes(raw), source="damaged.txt", stem="damaged"), "damaged.txt")


@fuzz(1000)
@given(page=st.sampled_from(PAGES), ops=st.lists(st.sampled_from(["delete", "duplicate", "swap", "insert", "cell"]),
                                                 max_size=6),
       injections=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(HOSTILE)), min_size=1, max_size=6),
       data=st.data())
def test_real_pages_with_markup_injected(page, ops, injections, data):
    lines = mutate(page.split("\n"), ops, data)
    for where, text in injections:
        i = min(int(where * len(lines)), len(lines) - 1)
        k = data.draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:k] + text + lines[i][k:]
    check(parse_bytes("\n".join(lines).encode("utf-8"), source="injected.txt", stem="injected"), "injected.txt")


@fuzz(600)
@given(head=st.sampled_from([b"", b"Titre\n", b"Titre\nT\n", b"\xef\xbb\xbfTitre\r\nT\r\n"]),
       body=st.binary(max_size=3000))
def test_random_bytes_after_a_page_start(head, body):
    check(parse_bytes(head + body, source="random.bin", stem="random"), "random.bin")


# escaping on the pages -----------------------------------------------------------------------

HOSTILE_TITLE = "Hostile <script>alert(1)</script> \"quoted\" & 'single' title"


class Markup(HTMLParser):
    """What a browser would run or render as markup: elements, attributes, and the text shown."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def markup(html: str) -> Markup:
    parser = Markup()
    parser.feed(html)
    parser.close()
    return parser


def injected(doc: Markup) -> list[str]:
    """Markup that came from record text rather than from the templates."""
    found = [f"script running {s!r}" for s in doc.scripts if "alert(" in s]
    found += [f"<{tag} {attrs}>" for tag, attrs in doc.tags
              if any(name.startswith("on") for name in attrs) or (tag == "img" and attrs.get("src") == "x")]
    found += [f"<{tag}>" for tag, _ in doc.tags if tag == "b"]  # 'Saint-Louis & <b>Fils</b>'
    return found


def test_record_markup_is_escaped_on_every_html_page(atlas_server):
    ours = atlas_server.base + "id/"
    query = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }"
    reply = fetch(atlas_server.url("sparql?query=" + quote(query)),
                  headers={"Accept": "application/sparql-results+json"})
    import json

    paths = [b["s"]["value"][len(ours):] for b in json.loads(reply.body)["results"]["bindings"]
             if b["s"]["value"].startswith(ours)]
    showing_title = []
    problems = {}
    for path in paths:
        page = fetch(atlas_server.url(quote(f"page/{path}")), headers={"Accept": "text/html"})
        assert page.status == 200, path
        doc = markup(page.text)
        if injected(doc):
            problems[path] = injected(doc)
        if HOSTILE_TITLE in " ".join("".join(doc.text).split()):
            showing_title.append(path)
    assert not problems, problems
    partnership = next(p for p in paths if p.startswith("partnership/") and "hostile" in p.lower())
    assert partnership in showing_title
    assert len(showing_title) >= 2, f"the title is shown only on {showing_title}"  # and its partners' pages


def test_markup_in_the_request_is_escaped_on_html_pages(atlas_server):
    """The SPARQL page, error pages and any page echoing the request show it as text."""
    attack = "<script>alert(9)</script>\"'&"
    targets = ["sparql", "sparql?format=" + quote(attack), "page/" + quote(attack), "page/partnership/" + quote(attack),
               "id/" + quote(attack), "search?q=" + quote(attack), "?q=" + quote(attack), "dumps/" + quote(attack)]
    for target in targets:
        reply = fetch(atlas_server.url(target), headers={"Accept": "text/html"})
        assert reply.status < 500, (target, reply.status)
        if "html" in (reply.header("Content-Type") or ""):
            assert not injected(markup(reply.text)), (target, injected(markup(reply.text)))
