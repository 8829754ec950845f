"""The HTML pages about entities: labels, links, the funding table, escaping, errors."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from atlas_graph.server.app import create_app
from atlas_graph.server.linked_data import pages
from atlas_graph.server.linked_data.describe import describe, entity_uri
from atlas_graph.server.service import AtlasConfig
from atlas_graph.store.generations import StoreDir
from support.html_tree import Element, parse_html
from support.http_fetch import fetch
from support.real_page import KPALIME, PARTNERSHIP, TITLE

FOAF_PRIMARY_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"


@pytest.fixture(scope="module")
def page(atlas_server):
    def get(path: str) -> Element:
        reply = fetch(atlas_server.url(f"page/{path}"), headers={"Accept": "text/html"})
        assert reply.status == 200, reply.text
        assert reply.header("Content-Type") == "text/html; charset=utf-8"
        return parse_html(reply.text)
    return get


def test_collectivity_page_shows_its_label_and_links_its_partnership(page):
    doc = page(KPALIME)
    (h1,) = doc.find("h1")
    assert h1.text() == "Kpalimé" and h1.attrs.get("lang") == "fr"
    assert doc.find("html")[0].attrs["lang"] == "fr"  # the site is French first (issue 7)
    assert len(doc.find("main")) == 1
    links = [a for a in doc.iter("a") if a.attrs.get("href") == f"/page/{PARTNERSHIP}"]
    assert any(a.text() == TITLE and a.attrs.get("lang") == "fr" for a in links)


def test_page_links_its_data_in_head_and_body(page, atlas_server):
    doc = page(KPALIME)
    head_links = {(link.attrs["type"], link.attrs["href"]) for link in doc.find("link", rel="alternate")}
    expected = {("text/turtle", atlas_server.url(f"data/{KPALIME}.ttl")),
                ("application/ld+json", atlas_server.url(f"data/{KPALIME}.jsonld")),
                ("application/rdf+xml", atlas_server.url(f"data/{KPALIME}.rdf")),
                ("application/n-triples", atlas_server.url(f"data/{KPALIME}.nt"))}
    assert head_links == expected
    body_links = {(a.attrs.get("type"), a.attrs.get("href")) for a in doc.find("main")[0].iter("a")}
    assert expected <= body_links


def test_properties_show_curies_with_ontology_labels(page):
    doc = page(PARTNERSHIP)
    rows = {th.find("a")[0].text(): th.text() for th in doc.find("th", scope="row") if th.find("a")}
    assert "foreign partner" in rows["atlas:foreignPartner"]  # the ontology's label
    assert rows["dct:title"] == "dct:title"
    foreign = next(th for th in doc.find("th", scope="row") if "atlas:foreignPartner" in th.text())
    (link,) = foreign.parent.find("td")[0].find("a")
    assert link.attrs["href"] == f"/page/{KPALIME}" and link.text() == "Kpalimé"


def test_outside_resources_link_to_their_own_uri(page):
    doc = page("country/tg")
    assert any(a.attrs.get("href") == "http://publications.europa.eu/resource/authority/country/TGO"
               for a in doc.iter("a"))


def test_incoming_links_section(page):
    doc = page("country/tg")
    (section,) = [s for s in doc.iter("section") if s.attrs.get("aria-labelledby") == "incoming-heading"]
    assert "atlas:country" in section.text()
    assert any(a.attrs.get("href") == f"/page/{KPALIME}" and a.text() == "Kpalimé" for a in section.iter("a"))


def test_a_page_lists_fewer_incoming_links_than_the_data_and_says_how_many(atlas_server, monkeypatch):
    """A page lists at most PAGE_INCOMING incoming links, with their total; the data document
    keeps its own cap."""
    monkeypatch.setattr(pages, "PAGE_INCOMING", 3)
    client = create_app(AtlasConfig(store=atlas_server.store, base_uri=atlas_server.base)).test_client()
    doc = parse_html(client.get(f"/page/{KPALIME}", headers={"Accept-Language": "fr"}).get_data(as_text=True))
    (section,) = [s for s in doc.iter("section") if s.attrs.get("aria-labelledby") == "incoming-heading"]
    total = describe(StoreDir(atlas_server.store).reader().store, entity_uri(atlas_server.base, KPALIME),
                     atlas_server.base).incoming_total
    assert total > 3 and f"Les 3 premiers liens sur {total}" in section.text()
    assert len(section.find("tbody")[0].find("li")) == 3
    data = ox.parse(client.get(f"/data/{KPALIME}.nt").get_data(), format=ox.RdfFormat.N_TRIPLES)
    kpalime = entity_uri(atlas_server.base, KPALIME)
    assert len([t for t in data if t.object == kpalime and t.predicate.value != FOAF_PRIMARY_TOPIC]) == total


def test_partnership_page_has_the_funding_table_with_its_total(page):
    doc = page(PARTNERSHIP)
    (table,) = doc.find("table", class_="funding")
    rows = table.find("tbody")[0].find("tr")
    assert len(rows) == 6
    first = [" ".join(td.text().split()) for td in rows[0].find("td")]
    assert first[0].startswith("Bressuire") and first[1] == "1991"
    assert " ".join(first[2].split()) == "19 300 €"
    total = table.find("tfoot")[0].find("td")[0].text()
    assert " ".join(total.split()) == "114 200 €"  # narrow no-break spaces count as spaces


def test_hostile_text_is_escaped(atlas_server):
    reply = fetch(atlas_server.url("page/partnership/hostile_text"), headers={"Accept": "text/html"})
    assert reply.status == 200
    doc = parse_html(reply.text)
    assert not list(doc.iter("script"))
    assert not list(doc.iter("img")) and not list(doc.iter("b"))
    assert doc.find("h1")[0].text() == "Hostile <script>alert(1)</script> \"quoted\" & 'single' title"
    assert doc.find("title")[0].text().startswith("Hostile <script>alert(1)</script>")
    text = doc.text()
    assert '<img src=x onerror="alert(2)"> Tom & Jerry\'s "context"' in text
    assert "Second paragraph </p><script>alert(3)</script>" in text
    assert any(a.text() == "Saint-Louis & <b>Fils</b>" for a in doc.iter("a"))


def test_collectivity_with_quotes_in_its_name(page):
    doc = page("collectivity/fr/arles-la-belle")
    assert doc.find("h1")[0].text() == 'Arles "la belle"'


def test_unknown_page_is_an_html_404_for_browsers_and_text_for_others(atlas_server):
    browser = fetch(atlas_server.url("page/country/zz"), headers={"Accept": "text/html"})
    assert browser.status == 404
    assert browser.header("Content-Type").startswith("text/html")
    assert "country/zz" in parse_html(browser.text).find("main")[0].text()
    script = fetch(atlas_server.url("page/country/zz"), headers={"Accept": "application/json"})
    assert script.status == 404 and script.header("Content-Type").startswith("application/json")
    assert script.header("Access-Control-Allow-Origin") == "*"
    assert "accept" in script.vary() and "accept" in browser.vary()


def test_every_entity_of_the_store_has_a_page_and_data(atlas_server):
    from atlas_graph.store.generations import StoreDir

    store = StoreDir(atlas_server.store).reader().store
    ours = atlas_server.url("id/")
    subjects = {q.subject.value for q in store.quads_for_pattern(None, None, None)
                if q.subject.value.startswith(ours)}
    assert len(subjects) > 80
    for subject in sorted(subjects):
        path = subject[len(ours):]
        page = fetch(atlas_server.url(f"page/{path}"), headers={"Accept": "text/html"})
        assert page.status == 200, (path, page.text)
        assert parse_html(page.text).find("h1")
        data = fetch(atlas_server.url(f"data/{path}.jsonld"))
        assert data.status == 200, (path, data.text)

