"""The site for people, over HTTP on the test server (real page + tests/records): home, lists,
search, charts, languages, the query editor page and its example queries."""

from __future__ import annotations

import json
import subprocess
from urllib.parse import quote

import pytest

from atlas_graph.server.sparql.examples import EXAMPLES
from support.commands import ATLAS_GRAPH_SCRIPT
from support.html_tree import parse_html
from support.http_fetch import fetch
from support.paths import REPO_ROOT, TEST_RECORDS
from support.real_page import KPALIME, PARTNERSHIP, TITLE

HTML = {"Accept": "text/html"}


def words(text: str) -> str:
    """Text with every run of (no-break, narrow) spaces as one space."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def get(atlas_server):
    def get(path: str, **headers):
        reply = fetch(atlas_server.url(path), headers={**HTML, **headers})
        return reply, parse_html(reply.text) if reply.header("Content-Type").startswith("text/html") else None
    return get


def count(atlas_server, query: str) -> int:
    reply = fetch(atlas_server.url(f"sparql?query={quote(query)}"),
                  headers={"Accept": "application/sparql-results+json"})
    (row,) = json.loads(reply.text)["results"]["bindings"]
    return int(next(iter(row.values()))["value"])


# Home and languages ---------------------------------------------------------------------------


def test_home_is_french_first_and_says_where_the_data_comes_from(get, atlas_server):
    reply, doc = get("")
    assert reply.status == 200
    assert doc.find("html")[0].attrs["lang"] == "fr"
    text = words(doc.text())
    assert "Atlas français de la coopération décentralisée" in text and "MEAE" in text
    assert "Licence Ouverte 2.0" in text
    partnerships = count(atlas_server, "PREFIX atlas: <https://w3id.org/atlas-coop/ontology#> "
                                       "SELECT (COUNT(?p) AS ?n) WHERE { ?p a atlas:Partnership }")
    figures = [words(li.text()) for li in doc.find("ul", class_="figures")[0].find("li")]
    assert f"{partnerships} partenariats" in figures
    assert any(f.endswith("€ de financements déclarés") for f in figures)
    hrefs = {a.attrs.get("href") for a in doc.iter("a")}
    assert {"/countries", "/themes", "/collectivities", "/funders", "/sparql", "/dumps/", "/catalog"} <= hrefs


def test_every_page_has_a_labelled_search_box_and_a_skip_link(get):
    for path in ("", "countries", f"page/{KPALIME}", "sparql", "search?q=togo"):
        _, doc = get(path)
        (form,) = [f for f in doc.iter("form")
                   if f.attrs.get("role") == "search" and f.attrs.get("action") == "/search"][:1]
        (field,) = form.find("input", name="q")
        assert form.find("label", for_=field.attrs["id"]), path
        assert doc.find("a", class_="skip-link")[0].attrs["href"] == "#main" and doc.find("main", id="main")


def test_english_by_accept_language_and_by_the_switch(get, atlas_server):
    _, doc = get("", **{"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})
    assert doc.find("html")[0].attrs["lang"] == "en" and "partnerships" in doc.text()
    switch = fetch(atlas_server.url("?lang=fr"), headers={**HTML, "Accept-Language": "en"})
    assert parse_html(switch.text).find("html")[0].attrs["lang"] == "fr"
    cookie = switch.header("Set-Cookie")
    assert cookie.startswith("lang=fr;")
    again = fetch(atlas_server.url("countries"), headers={**HTML, "Accept-Language": "en", "Cookie": "lang=fr"})
    assert parse_html(again.text).find("html")[0].attrs["lang"] == "fr"
    assert "accept-language" in again.vary()


def test_amounts_are_formatted_for_the_language(get):
    for headers, expected in (({}, "114 200 €"), ({"Accept-Language": "en"}, "€114,200")):
        _, doc = get(f"page/{PARTNERSHIP}", **headers)
        total = doc.find("table", class_="funding")[0].find("tfoot")[0].find("td")[0].text()
        assert words(total) == expected


def test_an_entity_page_revalidated_in_the_other_language_is_sent_again(atlas_server):
    french = fetch(atlas_server.url(f"page/{KPALIME}"), headers=HTML)
    etag = french.header("ETag")
    assert fetch(atlas_server.url(f"page/{KPALIME}"), headers={**HTML, "If-None-Match": etag}).status == 304
    english = fetch(atlas_server.url(f"page/{KPALIME}?lang=en"), headers={**HTML, "If-None-Match": etag})
    assert english.status == 200 and parse_html(english.text).find("html")[0].attrs["lang"] == "en"
    assert english.header("ETag") != etag


# Entity pages: cards and charts ------------------------------------------------------------


def test_collectivity_page_has_partnership_cards_with_totals(get):
    _, doc = get(f"page/{KPALIME}")
    cards = doc.find("li", class_="card")
    assert len(cards) >= 2
    (card,) = [c for c in cards if c.find("h3")[0].text() == TITLE]
    assert words(card.find("p", class_="card-total")[0].text()) == "114 200 €"
    assert any(a.text() == "Bressuire" for a in card.iter("a"))


def test_funding_chart_is_an_accessible_svg_with_a_table_alternative(get):
    _, doc = get(f"page/{PARTNERSHIP}")
    (svg,) = doc.find("svg", id="chart-by-year")
    assert svg.attrs["role"] == "img"
    assert svg.attrs["aria-labelledby"] == "chart-by-year-title chart-by-year-desc"
    assert svg.find("title")[0].text() == "Financements par année" and svg.find("desc")[0].text()
    table = svg.parent.find("table", class_="chart-data")[0]
    rows = {tr.find("td")[0].text(): words(tr.find("td")[1].text()) for tr in table.find("tbody")[0].find("tr")}
    assert "1991" in rows and all(value.endswith(" €") for value in rows.values())
    labels = [t.text() for t in svg.iter("text") if t.attrs.get("class") == "chart-label"]
    assert labels == list(rows)


def test_french_collectivity_page_charts_funding_by_country(get):
    _, doc = get("page/collectivity/fr/bressuire")
    (svg,) = doc.find("svg", id="chart-by-country")
    assert "Togo" in [t.text() for t in svg.iter("text")]


def test_hostile_text_stays_text_in_cards_and_lists(get):
    _, doc = get("page/collectivity/sn/saint-louis-b-fils-b")
    scripts = list(doc.iter("script"))  # only the small map's files, none from the data
    assert all(s.attrs.get("src", "").startswith("/static/") and not s.text().strip() for s in scripts)
    assert not list(doc.iter("b"))
    assert doc.find("h1")[0].text() == "Saint-Louis & <b>Fils</b>"
    assert any("<script>alert(1)</script>" in a.text() for a in doc.iter("a"))


# Lists -------------------------------------------------------------------------------------


def test_countries_list_links_each_country_page(get):
    _, doc = get("countries")
    links = {a.text(): a.attrs["href"] for a in doc.find("table", class_="listing")[0].iter("a")}
    assert links["Togo"] == "/page/country/tg"
    assert "France" not in links  # French collectivities are not a partner country


def test_themes_tree_counts_partnerships_of_subthemes(get):
    _, doc = get("themes")
    top = next(li for li in doc.find("li") if li.find("a")[0].text() == "Education, Social et Recherche")
    assert any(a.text() == "Santé" for a in top.iter("a"))
    assert top.find("span", class_="count")[0].text() != "(0)"


def test_collectivities_filter_and_pagination(get, atlas_server):
    _, french = get("collectivities?kind=french")
    kinds = {words(tr.find("td")[1].text()) for tr in french.find("tbody")[0].find("tr")}
    assert kinds == {"Collectivité française"}
    bad, doc = get("collectivities?page=zero")
    assert bad.status == 400 and "zero" in doc.find("main")[0].text()
    beyond, _ = get("funders?page=999")
    assert beyond.status == 404


def test_pagination_splits_long_lists(atlas_server, monkeypatch):
    from atlas_graph.server.app import create_app
    from atlas_graph.server.service import AtlasConfig
    from atlas_graph.server.site import routes as site

    monkeypatch.setattr(site, "PAGE_SIZE", 3)
    client = create_app(AtlasConfig(atlas_server.store, atlas_server.base)).test_client()
    first = parse_html(client.get("/collectivities").get_data(as_text=True))
    second = parse_html(client.get("/collectivities?page=2").get_data(as_text=True))
    def names(doc):
        return [tr.find("a")[0].text() for tr in doc.find("tbody")[0].find("tr")]
    assert len(names(first)) == 3 and names(second) and not set(names(first)) & set(names(second))
    (nav,) = first.find("nav", class_="pagination")
    assert nav.find("a", rel="next")[0].attrs["href"] == "?page=2"


def test_funders_are_listed_largest_first_with_totals(get):
    _, doc = get("funders", **{"Accept-Language": "en"})
    totals = [int(words(tr.find("td")[2].text()).lstrip("€").split(".")[0].replace(",", ""))
              for tr in doc.find("tbody")[0].find("tr")]
    assert totals and totals == sorted(totals, reverse=True)


# Search ------------------------------------------------------------------------------------


def search(get, query: str, **headers):
    reply, doc = get(f"search?q={quote(query)}", **headers)
    assert reply.status == 200
    return {s.find("h2")[0].attrs["id"]: [a.text() for a in s.iter("a")]
            for s in doc.find("section", class_="result-group")}


def test_search_ignores_accents_and_case_and_groups_by_type(get):
    groups = search(get, "kpalime")
    assert groups["group-foreign"] == ["Kpalimé"]
    assert TITLE in groups["group-partnership"]
    assert search(get, "KPALIMÉ") == groups


def test_search_covers_descriptions_countries_and_themes(get):
    assert "Togo" in search(get, "togo")["group-country"]
    assert "Santé" in search(get, "sante")["group-theme"]
    assert search(get, "Jerry context")["group-partnership"]  # a word of hostile_text's context


def test_search_survives_query_syntax_and_empty_input(get):
    for query in ('"', "*", "AND (", "NEAR(a b)", "kpal*me'", "", "   "):
        reply, doc = get(f"search?q={quote(query)}")
        assert reply.status == 200, query
    assert search(get, "kpal") and search(get, "zzzzqqq") == {}


def test_search_index_is_written_into_the_generation_folder_at_load(atlas_server):
    assert (atlas_server.store / "current" / "site" / "search.sqlite").is_file()


def test_contacts_are_never_indexed(tmp_path):
    """Even a store loaded with --include-contacts: only titles, labels and texts are indexed."""
    from atlas_graph.server.app import create_app
    from atlas_graph.server.service import AtlasConfig

    store = tmp_path / "store"
    subprocess.run([ATLAS_GRAPH_SCRIPT, "load", TEST_RECORDS / "diplomatic_contacts.txt", "--include-contacts",
                    "--store", store, "--base-uri", "http://example.org/"],
                   check=True, capture_output=True, cwd=REPO_ROOT)
    client = create_app(AtlasConfig(store, "http://example.org/")).test_client()
    with_contacts = client.get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p \"Lefèvre\" }"),
                               headers={"Accept": "application/sparql-results+json"})
    assert json.loads(with_contacts.data)["results"]["bindings"]  # the name is in the graph
    for name in ("Lefèvre", "lefevre", "Claire", "diplomatie"):
        page = client.get(f"/search?q={quote(name)}").get_data(as_text=True)
        assert not parse_html(page).find("section", class_="result-group"), name


# The query editor --------------------------------------------------------------------------


def test_query_editor_page_offers_yasgui_and_the_examples(get):
    reply, doc = get("sparql")
    scripts = [s.attrs.get("src") for s in doc.iter("script") if s.attrs.get("src")]
    assert "/static/vendor/yasgui/yasgui.min.js" in scripts
    assert all(src.startswith("/static/") for src in scripts)
    buttons = [b.text() for b in doc.find("button") if "data-example" in b.attrs]
    assert len(buttons) >= 8 and buttons[0] == EXAMPLES[0].fr
    config = json.loads(doc.find("script", id="query-editor-config")[0].text())
    assert config["examples"][0] == EXAMPLES[0].query
    _, english = get("sparql", **{"Accept-Language": "en"})
    assert [b.text() for b in english.find("button") if "data-example" in b.attrs][0] == EXAMPLES[0].en


def test_vendored_editor_files_are_served(atlas_server):
    for name in ("yasgui.min.js", "yasgui.min.css"):
        reply = fetch(atlas_server.url(f"static/vendor/yasgui/{name}"))
        assert reply.status == 200 and len(reply.body) > 10_000


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.key for e in EXAMPLES])
def test_every_example_query_returns_rows(atlas_server, example):
    reply = fetch(atlas_server.url(f"sparql?query={quote(example.query)}"),
                  headers={"Accept": "application/sparql-results+json"})
    assert reply.status == 200, reply.text
    rows = json.loads(reply.text)["results"]["bindings"]
    assert len(rows) > 0, example.key


def test_examples_are_in_both_languages():
    assert len(EXAMPLES) >= 8 and len({e.key for e in EXAMPLES}) == len(EXAMPLES)
    for example in EXAMPLES:
        assert example.fr and example.en and example.fr != example.en


def test_every_ui_string_the_templates_use_exists_in_both_languages():
    import re as regex

    from atlas_graph.server.site.i18n import MESSAGES

    templates = (REPO_ROOT / "server" / "templates").glob("*.html")
    call = regex.compile(r"""\bt\(\s*["']([\w.]+)["']\s*[,)]""")
    used = {key for path in templates for key in call.findall(path.read_text())}
    assert used and used <= set(MESSAGES), used - set(MESSAGES)
    from atlas_graph.server.site.search import GROUPS  # keys the templates build: group.{kind}, kind.{kind}
    assert {f"group.{kind}" for kind in GROUPS} | {"kind.french", "kind.foreign", "kind.organization"} <= set(MESSAGES)
    for key, texts in MESSAGES.items():
        assert set(texts) == {"fr", "en"} and all(texts.values()), key
