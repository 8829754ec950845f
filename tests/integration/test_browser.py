"""End to end in a real browser: Debian's headless Chromium driven by Playwright, against the
test server (real page + tests/records). Every request the pages make is recorded: all must go
to the test server. Screenshots are written to test-artifacts/ (git-ignored).

Needs the `chromium` Debian package (scripts/debian-packages.txt) and the `playwright` Python
package (the `test` extra); never `playwright install`: the browser is /usr/bin/chromium.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support.link_triples import explore_server
from support.paths import REPO_ROOT
from support.real_page import TITLE

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO_ROOT / "test-artifacts"
TIMEOUT_MS = 15_000

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


class Browsing:
    """One browser page with everything it did recorded: requests, dialogs, console errors."""

    def __init__(self, context, base: str):
        self.base = base
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))
        self.page = context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def outside_requests(self) -> list[str]:
        ours = urlsplit(self.base).netloc
        return [url for url in self.requests
                if not url.startswith("data:") and urlsplit(url).netloc != ours]


@pytest.fixture(scope="module")
def browser_context(atlas_server, tmp_path_factory):
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
            headless=True, args=FLAGS, locale="fr-FR", viewport={"width": 1200, "height": 900})
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def browsing(browser_context, atlas_server):
    browsing = Browsing(browser_context, atlas_server.base)
    yield browsing
    browsing.page.close()
    assert browsing.outside_requests() == [], "requests left the server"


def test_search_reach_kpalime_and_see_its_partnerships_and_funding(browsing, atlas_server):
    page = browsing.page
    page.goto(atlas_server.url(""))
    assert page.locator("html").get_attribute("lang") == "fr"
    page.keyboard.press("Tab")  # keyboard users meet the skip link first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    browsing.screenshot("home")

    page.get_by_role("searchbox", name="Rechercher").fill("kpalime")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=kpalime"))
    foreign = page.locator("section.result-group", has=page.locator("#group-foreign"))
    foreign.get_by_role("link", name="Kpalimé", exact=True).click()
    page.wait_for_url(re.compile(r"/page/collectivity/tg/kpalime$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Kpalimé"

    card = page.locator("li.card", has=page.get_by_role("link", name=TITLE))
    assert card.is_visible()
    assert " ".join(card.locator(".card-total").inner_text().split()) == "114 200 €"
    total = " ".join(page.locator(".funding-total").inner_text().split())
    assert re.fullmatch(r"Financements déclarés : [\d ]+(,\d\d)? €", total), total
    assert page.locator("svg#chart-by-year[role=img]").is_visible()
    browsing.screenshot("kpalime")
    assert browsing.errors == [] and browsing.dialogs == []


def test_query_editor_runs_the_default_example(browsing, atlas_server):
    page = browsing.page
    page.goto(atlas_server.url(""))
    page.get_by_role("link", name="Éditeur de requêtes").first.click()
    page.wait_for_url(re.compile(r"/sparql$"))
    page.wait_for_selector("body.editor-ready")
    assert "Montants des financements par pays partenaire" in page.locator(".CodeMirror").inner_text()
    page.locator(".yasqe_queryButton").click()
    rows = page.locator(".yasr table tbody tr")
    rows.first.wait_for()
    assert rows.count() > 0 and "Togo" in page.locator(".yasr table").inner_text()
    browsing.screenshot("query-editor")

    page.get_by_role("button", name="Les partenariats triennaux").click()
    page.locator(".yasqe_queryButton").click()
    page.wait_for_function("document.querySelector('.yasr table') && "
                           "document.querySelector('.yasr table').innerText.includes('kpalimé')")
    assert browsing.errors == [] and browsing.dialogs == []


def test_hostile_text_is_shown_as_text_and_runs_nothing(browsing, atlas_server):
    page = browsing.page
    page.goto(atlas_server.url("page/partnership/hostile_text"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Hostile <script>alert(1)</script> \"quoted\" & 'single' title"
    assert page.get_by_text('<img src=x onerror="alert(2)"> Tom & Jerry\'s "context"').is_visible()
    page.goto(atlas_server.url("search?q=hostile"))
    assert page.get_by_role("link", name=re.compile("Hostile <script>")).is_visible()
    page.goto(atlas_server.url("page/collectivity/sn/saint-louis-b-fils-b"))
    page.wait_for_load_state("load")
    assert page.locator("main b").count() == 0
    assert page.locator("main script:not([src^='/static/'])").count() == 0  # only the small map's files
    browsing.screenshot("hostile")
    assert browsing.dialogs == [] and browsing.errors == []


def test_language_switch_keeps_the_page(browsing, atlas_server):
    page = browsing.page
    page.goto(atlas_server.url("page/partnership/000_907021ef8160d5c3"))
    page.get_by_role("link", name="Read this page in English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("html").get_attribute("lang") == "en"
    total = page.locator("table.funding tfoot td").first.inner_text()
    assert total.strip() == "€114,200"
    page.goto(atlas_server.url("countries"))  # the choice sticks (cookie)
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Lire cette page en français").click()
    page.wait_for_url(re.compile(r"lang=fr"))
    assert page.locator("html").get_attribute("lang") == "fr"


# The faceted search and the map, over synthetic pages with link triples -----------------------


@pytest.fixture(scope="module")
def explore(tmp_path_factory):
    server = explore_server(tmp_path_factory.mktemp("explore-browser"))
    yield server
    server.stop()


@pytest.fixture
def exploring(browser_context, explore):
    browsing = Browsing(browser_context, explore.base)
    yield browsing
    browsing.page.close()
    assert browsing.outside_requests() == [], "requests left the server"


def wait_for_map(page, selector: str = "#map") -> None:
    page.wait_for_selector(f"{selector}[data-ready=true]")
    assert page.locator(selector).get_attribute("data-error") is None


def test_map_draws_its_markers_from_this_server_alone(exploring, explore):
    page = exploring.page
    page.goto(explore.url("map"))
    wait_for_map(page)
    assert int(page.locator("#map").get_attribute("data-markers")) > 20
    assert page.locator("#map path.atlas-marker").count() + page.locator("#map .atlas-cluster").count() > 0
    assert page.locator("#map .leaflet-overlay-pane path").count() > 100  # the basemap's countries
    exploring.screenshot("map")
    page.locator("#map .atlas-cluster").first.click()  # a cluster zooms in on its members
    page.wait_for_function("document.querySelectorAll('#map path.atlas-marker').length > 0")
    assert exploring.errors == [] and exploring.dialogs == []


def test_a_click_on_a_marker_leads_to_the_entity_page(exploring, explore):
    page = exploring.page
    page.goto(explore.url("map?partner=collectivity/tg/kpalime"))
    wait_for_map(page)
    page.locator("#map path.atlas-marker-foreign").first.click()
    popup = page.locator(".leaflet-popup-content")
    assert "Kpalimé" in popup.inner_text() and "partenariat(s) dans la sélection" in popup.inner_text()
    popup.get_by_role("link", name="Ouvrir la fiche").click()
    page.wait_for_url(re.compile(r"/page/collectivity/tg/kpalime$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Kpalimé"
    wait_for_map(page, "#collectivity-map")  # its small map
    assert page.locator("#collectivity-map path.atlas-marker").count() >= 2
    assert page.locator("#collectivity-map path.atlas-marker-focus").count() == 1  # Kpalimé itself
    assert exploring.errors == [] and exploring.dialogs == []


def test_facets_narrow_and_widen_the_selection_in_both_languages(exploring, explore):
    page = exploring.page
    page.goto(explore.url("partnerships"))
    everything = int(page.locator(".selection-count").get_attribute("data-total"))
    region = page.locator("#facet-region li").first
    expected = int(region.get_attribute("data-count"))
    region.get_by_role("link").click()
    page.wait_for_url(re.compile(r"region="))
    assert int(page.locator(".selection-count").get_attribute("data-total")) == expected < everything
    theme = page.locator("#facet-theme li").first
    within = int(theme.get_attribute("data-count"))
    theme.get_by_role("link").click()
    page.wait_for_url(re.compile(r"theme="))
    assert int(page.locator(".selection-count").get_attribute("data-total")) == within
    exploring.screenshot("partnerships")
    page.get_by_role("link", name="Read this page in English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.get_by_role("heading", level=1).inner_text() == "Partnerships"
    assert page.locator("h2#facet-country-heading").inner_text() == "Country"
    page.locator("a.chip[data-filter=region]").click()  # one click removes one filter
    page.wait_for_url(re.compile(r"^(?!.*region=)"))
    assert "theme=" in page.url
    page.locator("a.to-map").click()
    page.wait_for_url(re.compile(r"/map\?theme="))
    wait_for_map(page)
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Lire cette page en français").click()
    page.wait_for_url(re.compile(r"lang=fr"))
    assert exploring.errors == [] and exploring.dialogs == []
