"""The site's data is written into each generation before it is switched in (load and SPARQL
Update alike), listed in files.json and checked with it; the server only reads it, and serves
the same pages from the graph when a generation has none."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from atlas_graph import vocabulary
from atlas_graph.server.app import create_app
from atlas_graph.server.service import AtlasConfig
from atlas_graph.server.site import data as site_data
from atlas_graph.store.generations import FILES, SITE_DIR
from atlas_graph.store.site.aggregates import SECTIONS, compute_aggregates, read_section
from atlas_graph.store.site.build import AGGREGATES_FILE, SITE_FILES
from atlas_graph.store.site.graph import Graph
from support.commands import load, run_atlas_graph
from support.paths import ALL_RECORDS

BASE = "http://localhost:8000/"
TOKEN = "site-token"
PAGES = ["/", "/countries", "/themes", "/collectivities", "/funders", "/search?q=togo", "/search?q=kpalime",
         "/partnerships", "/partnerships?country=TG", "/partnerships?q=eau", "/partnerships?format=csv"]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site-data") / "store"
    load(folder, BASE, ALL_RECORDS)
    return folder


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below ``folder``: its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def pages(store: Path, **config) -> dict[str, bytes]:
    client = create_app(AtlasConfig(store, BASE, **config)).test_client()
    found = {}
    for page in PAGES:
        reply = client.get(page, headers={"Accept": "text/html"})
        assert reply.status_code == 200, page
        found[page] = reply.data
    return found


def test_a_load_writes_the_site_files_and_lists_them_in_files_json(store):
    generation = (store / "current").resolve()
    assert sorted(p.name for p in (generation / SITE_DIR).iterdir()) == sorted(SITE_FILES)
    listed = json.loads((generation / FILES).read_text())["site"]
    assert sorted(listed) == sorted(SITE_FILES)
    assert all(entry["bytes"] == (generation / SITE_DIR / name).stat().st_size for name, entry in listed.items())
    assert run_atlas_graph("check", "--store", store).returncode == 0


def test_a_damaged_site_file_is_found_by_check(store, tmp_path):
    copy = tmp_path / "store"
    shutil.copytree(store, copy, symlinks=True)
    index = (copy / "current").resolve() / SITE_DIR / "search.sqlite"
    data = bytearray(index.read_bytes())
    data[len(data) // 2] ^= 0xFF  # the same size: only the checksum tells
    index.write_bytes(bytes(data))
    checked = run_atlas_graph("check", "--store", copy)
    assert checked.returncode != 0 and "site/search.sqlite" in checked.stdout + checked.stderr


def test_serving_the_site_writes_nothing_into_the_generation(store):
    generation = (store / "current").resolve()
    before = listing(generation)
    pages(store)
    assert listing(generation) == before


def test_a_generation_without_site_files_serves_the_same_pages_and_stays_unchanged(store, tmp_path):
    older = tmp_path / "older"  # as a store made before site files existed
    shutil.copytree(store, older, symlinks=True)
    generation = (older / "current").resolve()
    shutil.rmtree(generation / SITE_DIR)
    listed = json.loads((generation / FILES).read_text())
    del listed["site"]
    (generation / FILES).write_text(json.dumps(listed))
    before = listing(generation)
    assert pages(older) == pages(store)
    assert listing(generation) == before


def test_after_a_sparql_update_the_site_shows_the_new_data(store, tmp_path):
    copy = tmp_path / "store"
    shutil.copytree(store, copy, symlinks=True)
    client = create_app(AtlasConfig(copy, BASE, update_token=TOKEN)).test_client()
    assert b"Zanzibarquux" not in client.get("/search?q=zanzibarquux").data
    update = f"""PREFIX atlas: <{vocabulary.ATLAS}> PREFIX dct: <http://purl.org/dc/terms/>
    INSERT DATA {{ GRAPH <{BASE}graph/record/zz> {{
      <{BASE}id/partnership/zz> a atlas:Partnership ; dct:title "Jumelage Zanzibarquux" }} }}"""
    reply = client.post("/sparql", data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert reply.status_code in (200, 204), reply.data
    generation = (copy / "current").resolve()
    assert sorted(p.name for p in (generation / SITE_DIR).iterdir()) == sorted(SITE_FILES)
    assert b"Jumelage Zanzibarquux" in client.get("/search?q=zanzibarquux").data
    assert run_atlas_graph("check", "--store", copy).returncode == 0


def test_each_aggregate_is_read_back_from_its_own_line_and_no_further(store, tmp_path):
    """The file holds each aggregate as written; a page reads it only as far as the line of what
    it shows, so that the home page never parses the long lists after it."""
    written = (store / "current").resolve() / SITE_DIR / AGGREGATES_FILE
    graph = Graph(ox.Store.read_only(str((store / "current").resolve() / "oxigraph")), BASE)
    computed = compute_aggregates(graph)
    for name in SECTIONS:
        assert read_section(written, name) == getattr(computed, name), name
    lines = written.read_text("utf-8").splitlines()
    assert [json.loads(lines[0])["sections"]] == [list(SECTIONS)] and SECTIONS[-1] == "collectivities"
    damaged = tmp_path / AGGREGATES_FILE
    damaged.write_text("\n".join([*lines[:-1], lines[-1][: len(lines[-1]) // 2]]) + "\n", "utf-8")
    assert read_section(damaged, "summary") == computed.summary
    with pytest.raises(ValueError):
        read_section(damaged, "collectivities")


def test_a_country_page_without_foreign_partners_skips_the_queries_and_shows_the_same(store):
    """France has thousands of collectivities but no foreign partner: its panels come from the
    countries' counts, and are what the graph's queries find, as for every other country."""
    app = create_app(AtlasConfig(store, BASE))
    graph = Graph(ox.Store.read_only(str((store / "current").resolve() / "oxigraph")), BASE)
    countries = [row["c"].value for row in graph.select("SELECT DISTINCT ?c WHERE { ?c a atlas:Country }")]
    with app.test_request_context("/"):
        panels = {iri: site_data.entity_panels(iri) for iri in countries}
        assert panels == {iri: site_data.panels_from_graph("country", f"<{iri}>") for iri in countries}
    assert not panels[f"{BASE}id/country/fr"].cards and panels[f"{BASE}id/country/tg"].cards

