"""/partnerships (faceted search), its exports and /map, over HTTP on a real server whose store
holds synthetic pages, the real page and the test records, with link triples added by SPARQL
Update (tests/support/link_triples.py). Every count the site shows is checked against a SPARQL
count on the same store."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from openpyxl import load_workbook

from atlas_graph.server.site import selection as faceted
from atlas_graph.server.site.i18n import MESSAGES
from atlas_graph.store.generations import SITE_DIR
from atlas_graph.store.site.build import TABLE_FILE
from atlas_graph.store.site.graph import sort_key
from atlas_graph.store.site.selection_table import table_from_lines, table_to_lines
from support.html_tree import parse_html
from support.link_triples import explore_server

HTML = {"Accept": "text/html"}
PREFIXES = ("PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")

#: What each filter means in SPARQL ($v: the value, $b: the base URI), as selection.py documents it.
PATTERNS = {
    "country": '?p atlas:foreignPartner/atlas:country/atlas:isoCode "$v" .',
    "region": '?p atlas:frenchPartner/(atlas:region|atlas:department/atlas:region)/atlas:inseeCode "$v" .',
    "department": '?p atlas:frenchPartner/atlas:department/atlas:inseeCode "$v" .',
    "theme": "?p atlas:theme|atlas:otherTheme ?t . ?t skos:broader* <$bid/theme/$v> .",
    "status": "?p atlas:status <$bid/status/$v> .",
    "form": "?p atlas:form <$bid/form/$v> .",
    "funder": "?p atlas:funding/atlas:funder <$bid/$v> .",
    "partner": "?p atlas:frenchPartner|atlas:foreignPartner <$bid/$v> .",
    "from": "?p atlas:signatureYear ?from_year . FILTER(xsd:integer(STR(?from_year)) >= $v)",
    "to": "?p atlas:signatureYear ?to_year . FILTER(xsd:integer(STR(?to_year)) <= $v)",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    started = explore_server(tmp_path_factory.mktemp("explore"))
    yield started
    started.stop()


def get(server, path: str, **headers):
    reply = server.get(path, {**HTML, **headers})
    assert reply.status == 200, (path, reply.status, reply.text[:500])
    return reply, parse_html(reply.text)


def sparql_pattern(server, filters: dict[str, str]) -> str:
    parts = ["?p a atlas:Partnership ."]
    for name, value in filters.items():
        parts.append(PATTERNS[name].replace("$v", value).replace("$b", server.base))
    return "\n".join(parts)


def sparql_count(server, filters: dict[str, str]) -> int:
    query = PREFIXES + "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + \
        f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {sparql_pattern(server, filters)} }}"
    return int(server.select(query)[0]["n"]["value"])


def sparql_partnerships(server, filters: dict[str, str]) -> set[str]:
    query = PREFIXES + "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + \
        f"SELECT DISTINCT ?p WHERE {{ {sparql_pattern(server, filters)} }}"
    return {row["p"]["value"] for row in server.select(query)}


def facet_counts(doc) -> dict[str, dict[str, int]]:
    found = {}
    for section in doc.find("section", class_="facet"):
        name = section.attrs["id"].removeprefix("facet-")
        found[name] = {li.attrs["data-value"]: int(li.attrs["data-count"]) for li in section.iter("li")
                       if "data-value" in li.attrs}
    return found


def total(doc) -> int:
    return int(doc.find("p", class_="selection-count")[0].attrs["data-total"])


def url(filters: dict[str, str], **extra: str) -> str:
    return "/partnerships?" + urlencode({**filters, **extra})


# Facets against SPARQL ------------------------------------------------------------------------


def test_the_links_are_there_to_facet_on(server):
    _, doc = get(server, "/partnerships")
    counts = facet_counts(doc)
    assert total(doc) == sparql_count(server, {}) > 200
    for name in ("country", "region", "department", "theme", "status", "form", "funder"):
        assert counts.get(name), name
    assert {"75", "53"} <= set(counts["region"])


@pytest.mark.parametrize("first", ["country", "region", "department", "theme", "status", "form", "funder"])
def test_facet_counts_equal_sparql_counts_with_one_and_two_filters(server, first):
    _, doc = get(server, "/partnerships")
    value = next(iter(facet_counts(doc)[first]))  # the largest value of that facet
    _, one = get(server, url({first: value}))
    assert total(one) == sparql_count(server, {first: value}) == facet_counts(doc)[first][value]
    for name, values in facet_counts(one).items():
        if name == "year":
            continue
        for other, count in list(values.items())[:3]:
            clicked = {first: value, name: other}  # a facet's link replaces that facet's value
            assert count == sparql_count(server, clicked), (first, value, name, other)


def test_a_theme_selects_its_descendants_and_the_facet_opens_its_children(server):
    _, doc = get(server, "/partnerships")
    top = next(iter(facet_counts(doc)["theme"]))
    assert "/" not in top
    _, within = get(server, url({"theme": top}))
    children = facet_counts(within)["theme"]
    assert children and all(child.startswith(top + "/") for child in children)
    assert total(within) == sparql_count(server, {"theme": top}) >= max(children.values())
    trail = [a.text() for a in within.find("ol", class_="theme-trail")[0].iter("a")]
    assert trail[0] == "Toutes les thématiques"


def test_years_and_text_combine_with_facets(server):
    filters = {"from": "2008", "to": "2015", "region": "75"}
    _, doc = get(server, url(filters))
    assert total(doc) == sparql_count(server, filters) > 0
    years = {int(y) for y in facet_counts(doc)["year"]}
    assert years and min(years) >= 2008 and max(years) <= 2015
    _, text = get(server, url({"q": "synthétique eau"}))
    _, narrower = get(server, url({"q": "synthétique eau", "country": next(iter(facet_counts(text)["country"]))}))
    assert 0 < total(narrower) <= total(text) < sparql_count(server, {})


def test_each_active_filter_is_removed_in_one_click(server):
    filters = {"region": "75", "status": next(iter(facet_counts(get(server, "/partnerships")[1])["status"]))}
    _, doc = get(server, url(filters, sort="title"))
    chips = {a.attrs["data-filter"]: a.attrs["href"] for a in doc.find("a", class_="chip")}
    assert set(chips) == set(filters)
    without_region = parse_qs(urlsplit(chips["region"]).query)
    assert without_region == {"status": [filters["status"]], "sort": ["title"]}
    _, wider = get(server, chips["region"])
    assert total(wider) == sparql_count(server, {"status": filters["status"]})


def test_results_are_paginated_and_sorted(server):
    _, first = get(server, "/partnerships?sort=-funding")
    assert first.find("a", rel="next")
    page_two = first.find("a", rel="next")[0].attrs["href"]
    assert parse_qs(urlsplit(page_two).query) == {"sort": ["-funding"], "page": ["2"]}
    (export,) = [a.attrs["href"] for a in first.find("a") if a.attrs.get("data-format") == "csv"]
    assert parse_qs(urlsplit(export).query) == {"sort": ["-funding"], "format": ["csv"]}  # every page, in order
    exported = list(csv.DictReader(io.StringIO(server.get(export).text)))
    amounts = [Decimal(row["funding_total"]) for row in exported]
    assert amounts == sorted(amounts, reverse=True)
    shown = [tr.attrs["data-uri"] for tr in first.find("tbody")[0].find("tr")]
    assert [row["uri"] for row in exported[:len(shown)]] == shown
    titles = [a.text() for a in get(server, "/partnerships?sort=title")[1].find("tbody")[0].iter("a")
              if "/page/partnership/" in a.attrs["href"]]
    assert len(titles) == 50


@pytest.mark.parametrize("query, parameter", [
    ("country=FRA", "FRA"), ("region=7", "7"), ("department=999x", "999x"), ("theme=Eau!", "Eau!"),
    ("from=20x", "20x"), ("from=2015&to=2010", "2015 > 2010"), ("sort=price", "price"),
    ("country=ML&country=TG", "ML TG"), ("format=pdf", "pdf"), ("page=0", "0"), ("funder=nobody", "nobody"),
])
def test_bad_parameters_are_a_400_that_names_the_value(server, query, parameter):
    reply = server.get(f"/partnerships?{query}", {"Accept": "text/plain"})
    assert reply.status == 400, reply.text
    assert parameter in reply.text
    assert server.get(f"/map?{query}", {"Accept": "text/plain"}).status in (200, 400)  # never a 500


def test_an_empty_selection_says_so(server):
    _, doc = get(server, url({"country": "ZZ"}))
    assert total(doc) == 0
    assert "Aucun partenariat ne correspond" in doc.find("p", class_="empty-result")[0].text()
    _, english = get(server, url({"country": "ZZ"}, lang="en"))
    assert "No partnership matches" in english.text()


def test_the_page_is_in_french_and_in_english(server):
    _, french = get(server, "/partnerships")
    _, english = get(server, "/partnerships?lang=en")
    assert french.find("h2", id="facet-country-heading")[0].text() == "Pays"
    assert english.find("h2", id="facet-country-heading")[0].text() == "Country"
    assert "partenariat(s)" in french.find("p", class_="selection-count")[0].text()
    assert "partnership(s)" in english.find("p", class_="selection-count")[0].text()


def test_every_key_the_pages_build_exists_in_both_languages():
    keys = {f"facet.{name}" for name in (*faceted.FACETS, *faceted.FILTERS)} | {f"sort.{o}" for o in faceted.SORTS}
    keys |= {f"selection.error.{reason}" for reason in (*faceted._PATTERNS, "repeated", "years", "sort", "page",
                                                         "format")}
    assert keys <= set(MESSAGES), keys - set(MESSAGES)
    for key in keys:
        assert MESSAGES[key]["fr"] and MESSAGES[key]["en"] and MESSAGES[key]["fr"] != MESSAGES[key]["en"], key


# Exports --------------------------------------------------------------------------------------


SELECTION = {"region": "75"}


def test_csv_holds_the_rows_and_numbers_of_the_page(server):
    _, doc = get(server, url(SELECTION))
    reply = server.get(url(SELECTION, format="csv"))
    assert reply.status == 200 and reply.header("Content-Type") == "text/csv; charset=utf-8"
    assert reply.header("Transfer-Encoding") == "chunked"  # streamed
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert list(rows[0]) == list(faceted_columns())
    assert len(rows) == total(doc) == sparql_count(server, SELECTION)
    assert {row["uri"] for row in rows} == sparql_partnerships(server, SELECTION)
    shown = {tr.attrs["data-uri"] for tr in doc.find("tbody")[0].find("tr")}
    assert shown <= {row["uri"] for row in rows}
    sample = rows[0]
    funding = server.select(PREFIXES + f"""SELECT (SUM(?a) AS ?total) WHERE {{
        <{sample['uri']}> atlas:funding ?f . ?f atlas:amount ?a }}""")[0]
    assert Decimal(sample["funding_total"]) == Decimal(funding.get("total", {"value": "0"})["value"])
    page_total = Decimal(doc.find("p", class_="selection-count")[0].attrs["data-funding"])
    assert sum(Decimal(row["funding_total"]) for row in rows) == page_total


def faceted_columns():
    from atlas_graph.server.site.exports import COLUMNS
    return COLUMNS


def test_xlsx_opens_with_numbers_as_numbers(server):
    reply = server.get(url(SELECTION, format="xlsx"))
    assert reply.status == 200
    assert reply.header("Content-Type") == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(reply.body), read_only=True).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == list(faceted_columns())
    assert len(rows) == sparql_count(server, SELECTION)
    year, funding = header.index("signature_year"), header.index("funding_total")
    assert all(isinstance(row[year], int) for row in rows if row[year] is not None)
    assert all(isinstance(row[funding], int | float) for row in rows)
    csv_rows = list(csv.DictReader(io.StringIO(server.get(url(SELECTION, format="csv")).text)))
    assert sum(Decimal(r["funding_total"]) for r in csv_rows) == \
        sum(Decimal(str(row[funding])) for row in rows)


def test_json_export_is_the_same_selection(server):
    reply = server.get(url(SELECTION, format="json"))
    body = json.loads(reply.body)
    assert body["total"] == len(body["partnerships"]) == sparql_count(server, SELECTION)
    first = body["partnerships"][0]
    assert isinstance(first["themes"], list) and isinstance(first["funding_total"], int | float)


def test_geojson_points_and_lines(server):
    reply = server.get(url(SELECTION, format="geojson"))
    assert reply.header("Content-Type") == "application/geo+json"
    collection = json.loads(reply.body)
    assert collection["type"] == "FeatureCollection"
    points = [f for f in collection["features"] if f["geometry"]["type"] == "Point"]
    lines = [f for f in collection["features"] if f["geometry"]["type"] == "LineString"]
    assert points and lines
    for point in points[:5]:
        properties = point["properties"]
        assert {"uri", "name", "country", "partnerships"} <= set(properties)
        path = properties["uri"].removeprefix(server.base + "id/")
        assert properties["partnerships"] == sparql_count(server, {**SELECTION, "partner": path})
        rows = server.select(f"""PREFIX wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#>
            SELECT ?lat ?long WHERE {{ <{properties['uri']}> wgs84:lat ?lat ; wgs84:long ?long }}""")
        longitude, latitude = point["geometry"]["coordinates"]
        assert any(abs(float(r["lat"]["value"]) - latitude) < 1e-9 and abs(float(r["long"]["value"]) - longitude) < 1e-9
                   for r in rows)
    located = {tuple(p["geometry"]["coordinates"]) for p in points}
    assert all(tuple(end) in located for line in lines for end in line["geometry"]["coordinates"])
    assert {line["properties"]["uri"] for line in lines} <= sparql_partnerships(server, SELECTION)


# The map ----------------------------------------------------------------------------------------


def test_map_without_javascript_has_the_geojson_link_and_the_list(server):
    _, doc = get(server, "/map?region=75")
    (link,) = doc.find("a", class_="geojson-link")
    assert parse_qs(urlsplit(link.attrs["href"]).query) == {"region": ["75"], "format": ["geojson"]}
    assert parse_qs(urlsplit(doc.find("a", class_="to-list")[0].attrs["href"]).query) == {"region": ["75"]}
    assert total(doc) == sparql_count(server, {"region": "75"})
    names = [tr.find("a")[0].text() for tr in doc.find("section", class_="map-list")[0].find("tbody")[0].find("tr")]
    assert len(names) > 5
    (holder,) = doc.find("div", class_="atlas-map")
    config = json.loads(holder.attrs["data-config"])
    assert config["geojson"] == link.attrs["href"] and config["tiles"] == ""
    assert doc.find("noscript")
    _, listing = get(server, "/partnerships?region=75")
    assert parse_qs(urlsplit(listing.find("a", class_="to-map")[0].attrs["href"]).query) == {"region": ["75"]}


def test_map_is_in_both_languages(server):
    _, french = get(server, "/map")
    _, english = get(server, "/map?lang=en")
    assert french.find("h1")[0].text() == "Carte des partenariats"
    assert english.find("h1")[0].text() == "Map of the partnerships"


def test_a_collectivity_page_has_a_small_map_of_its_partners(server):
    _, doc = get(server, "/page/collectivity/fr/bressuire")
    (section,) = doc.find("section", class_="collectivity-map")
    config = json.loads(section.find("div", id="collectivity-map")[0].attrs["data-config"])
    assert parse_qs(urlsplit(config["geojson"]).query) == {"partner": ["collectivity/fr/bressuire"],
                                                           "format": ["geojson"]}
    collection = json.loads(server.get(config["geojson"]).body)
    uris = {f["properties"]["uri"] for f in collection["features"] if f["geometry"]["type"] == "Point"}
    assert server.base + "id/collectivity/fr/bressuire" in uris and len(uris) > 1


def test_a_map_whose_files_are_missing_says_so(tmp_path):
    """An install without the vendored map (no `make install`): /map and the small maps name the
    missing files and keep the GeoJSON link and the list."""
    import shutil

    from support.http_fetch import fetch
    from support.paths import REPO_ROOT
    from support.sparql_server import AtlasConfig, LiveServer, StoreAtlas, make_app

    static = tmp_path / "static"
    shutil.copytree(REPO_ROOT / "server" / "static", static, ignore=shutil.ignore_patterns("leaflet", "basemap"))
    app = make_app(StoreAtlas(tmp_path / "store", AtlasConfig(update_token=None)))
    app.static_folder = str(static)
    with LiveServer(app) as live:
        for lang, text in (("fr", "La carte n’est pas installée"), ("en", "The map is not installed")):
            doc = parse_html(fetch(f"{live.url}/map?lang={lang}", headers=HTML).text)
            (alert,) = doc.find("p", class_="map-missing")
            assert text in alert.text() and "vendor/leaflet/leaflet.js" in alert.text()
            assert doc.find("a", class_="geojson-link") and doc.find("section", class_="map-list")
            assert not doc.find("div", id="map")


def test_the_table_is_written_into_the_generation_at_load_and_read_back_whole(server):
    written = (server.store / "current" / SITE_DIR / TABLE_FILE).read_text("utf-8").splitlines()
    table = table_from_lines(written)
    assert len(table.rows) == sparql_count(server, {})
    assert table_from_lines(table_to_lines(table)) == table
    for row in table.rows:  # what the file carries of what a row derives: as derived again
        assert row.title_key == (sort_key(row.title), row.iri)
        assert row.departments == frozenset().union(*(p.departments for p in row.french))
        assert row.regions == frozenset().union(*(p.regions for p in row.french))
    bressuire = next(p for r in table.rows for p in r.french if p.path == "collectivity/fr/bressuire")
    assert bressuire.departments == {"79"} and bressuire.regions == {"75"} and bressuire.located
