"""Entity pages show the links to the authorities (issue 12): a collectivity's INSEE code, SIREN,
département, région and GeoNames match as outbound links, and the département and région
nodes have pages and data of their own. Over HTTP on the test server (the real page and the
test records, loaded by ``atlas-graph load``, which links them)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from atlas_graph.server.linked_data.describe import Description
from atlas_graph.server.linked_data.view import build_view
from support.html_tree import parse_html
from support.http_fetch import fetch
from support.real_page import KPALIME

ATLAS = Namespace("https://w3id.org/atlas-coop/ontology#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCT = Namespace("http://purl.org/dc/terms/")
BRESSUIRE = "collectivity/fr/bressuire"
POITOU_CHARENTES = "organization/region-poitou-charentes"


def page(atlas_server, path: str, language: str = "fr"):
    reply = fetch(atlas_server.url(f"page/{path}"), headers={"Accept": "text/html", "Accept-Language": language})
    assert reply.status == 200, (path, reply.status)
    return parse_html(reply.text)


def links(doc) -> dict[str, tuple[str, str | None]]:
    """The rows of the page's "codes and links" section: its label → (the value shown, its href)."""
    (section,) = doc.find("section", class_="authority-links")
    rows = {}
    for row in section.find("div"):
        (label,), (value,) = row.find("dt"), row.find("dd")
        anchors = value.find("a")
        rows[" ".join(label.text().split())] = (" ".join(value.text().split()),
                                                 anchors[0].attrs["href"] if anchors else None)
    return rows


def data(atlas_server, path: str) -> Graph:
    reply = fetch(atlas_server.url(f"data/{path}"), headers={"Accept": "text/turtle"})
    assert reply.status == 200, (path, reply.status)
    return Graph().parse(data=reply.text, format="turtle")


def test_bressuire_shows_its_codes_departement_and_region_as_links(atlas_server):
    rows = links(page(atlas_server, BRESSUIRE))
    assert rows["Code INSEE"] == ("79049", "https://geo.api.gouv.fr/communes/79049")
    assert rows["SIREN"] == ("217900497", "https://annuaire-entreprises.data.gouv.fr/entreprise/217900497")
    assert rows["Département"] == ("Deux-Sèvres (79)", "/page/department/79")
    assert rows["Région"] == ("Nouvelle-Aquitaine (75)", "/page/region/75")
    assert "GeoNames" not in rows  # no GeoNames link for a French commune unless curated


def test_bressuire_data_carries_the_same_links(atlas_server):
    graph = data(atlas_server, BRESSUIRE)
    bressuire = URIRef(atlas_server.base + f"id/{BRESSUIRE}")
    assert graph.value(bressuire, ATLAS.inseeCode) == Literal("79049")
    assert graph.value(bressuire, ATLAS.siren) == Literal("217900497")
    assert graph.value(bressuire, ATLAS.department) == URIRef(atlas_server.base + "id/department/79")
    assert graph.value(bressuire, ATLAS.region) == URIRef(atlas_server.base + "id/region/75")


def test_the_external_links_are_marked_and_the_sources_attributed(atlas_server):
    doc = page(atlas_server, BRESSUIRE)
    (section,) = doc.find("section", class_="authority-links")
    external = [a.attrs["href"] for a in section.find("a", rel="external")]
    assert external == ["https://geo.api.gouv.fr/communes/79049",
                        "https://annuaire-entreprises.data.gouv.fr/entreprise/217900497"]
    notes = " ".join(p.text() for p in section.find("p", class_="note attribution"))
    assert "Code officiel géographique" in notes and "GeoNames" not in notes


def test_kpalime_links_to_its_geonames_place_with_the_cc_by_attribution(atlas_server):
    doc = page(atlas_server, KPALIME)
    rows = links(doc)
    assert rows == {"GeoNames": ("2365560", "https://www.geonames.org/2365560/")}
    (section,) = doc.find("section", class_="authority-links")
    assert "CC BY 4.0" in section.text()
    graph = data(atlas_server, KPALIME)
    assert (URIRef(atlas_server.base + f"id/{KPALIME}"), SKOS.exactMatch,
            URIRef("https://sws.geonames.org/2365560/")) in graph


def test_the_page_in_english(atlas_server):
    rows = links(page(atlas_server, BRESSUIRE, "en"))
    assert rows["INSEE code"][0] == "79049" and rows["SIREN"][0] == "217900497"


@pytest.mark.parametrize(("path", "name", "code", "api"), [
    ("department/79", "Deux-Sèvres", "79", "https://geo.api.gouv.fr/departements/79"),
    ("region/75", "Nouvelle-Aquitaine", "75", "https://geo.api.gouv.fr/regions/75"),
])
def test_departement_and_region_nodes_render_with_their_name_and_code(atlas_server, path, name, code, api):
    doc = page(atlas_server, path)
    assert " ".join(doc.find("h1")[0].text().split()) == name
    assert links(doc)["Code INSEE"] == (code, api)
    graph = data(atlas_server, path)
    node = URIRef(atlas_server.base + f"id/{path}")
    assert graph.value(node, ATLAS.inseeCode) == Literal(code)
    assert str(graph.value(node, SKOS.prefLabel)) == name


def test_the_departement_page_names_its_region(atlas_server):
    assert links(page(atlas_server, "department/79"))["Région"] == ("Nouvelle-Aquitaine (75)", "/page/region/75")


def test_a_former_region_shows_its_code_unlinked_and_its_successor(atlas_server):
    rows = links(page(atlas_server, POITOU_CHARENTES))
    assert rows["Code INSEE"] == ("54", None)  # no current région 54 to look up
    assert rows["Remplacée par"] == ("Nouvelle-Aquitaine (75)", "/page/region/75")
    graph = data(atlas_server, POITOU_CHARENTES)
    assert graph.value(URIRef(atlas_server.base + f"id/{POITOU_CHARENTES}"), DCT.isReplacedBy) == URIRef(
        atlas_server.base + "id/region/75")


def test_an_entity_without_links_has_no_links_section(atlas_server):
    assert not page(atlas_server, "theme/culture").find("section", class_="authority-links")


@pytest.mark.parametrize("path", ["page/department/zz", "data/region/99", "data/department/79/x",
                                  "page/region/%ff", "data/department/2a%00"])
def test_unknown_nodes_are_404_never_500(atlas_server, path):
    reply = fetch(atlas_server.url(path), headers={"Accept": "text/html"})
    assert reply.status == 404, (path, reply.status)


def test_a_malformed_code_written_by_an_update_is_shown_not_linked():
    """The shapes keep malformed codes out of a load, but a SPARQL Update may write anything: the
    page then shows the value as text, and never builds a URL of it."""
    base = "http://example.org/"
    entity = ox.NamedNode(base + "id/collectivity/fr/x")
    outgoing = tuple(ox.Triple(entity, ox.NamedNode(str(p)), o) for p, o in (
        (ATLAS.inseeCode, ox.Literal("79049/../x")), (ATLAS.siren, ox.Literal("javascript:alert(1)")),
        (ATLAS.inseeCode, ox.Literal("2A004")), (SKOS.exactMatch, ox.NamedNode("https://sws.geonames.org/12x/"))))
    view = build_view(Description(entity, outgoing, (), 0, (), ()), base, lambda path: "/page/" + path)
    assert [(link.key, link.text.text, link.href) for link in view.links] == [
        ("link.insee", "79049/../x", None), ("link.insee", "2A004", "https://geo.api.gouv.fr/communes/2A004"),
        ("link.siren", "javascript:alert(1)", None)]
