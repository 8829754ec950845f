"""The per-process cache of rendered ``/data`` responses: bounded, per generation, never stale.

The cache itself is tested directly; then an app over a real store made by ``atlas-graph
load``, and a real server (gunicorn, two workers, each with its own cache), each serving while
a load changes a record: the next request must show the change.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from atlas_graph.server.app import create_app
from atlas_graph.server.generation_cache import GenerationCache
from atlas_graph.server.linked_data.routes import CACHE, Rendered, data_cache
from atlas_graph.server.service import AtlasConfig
from support.commands import ATLAS_GRAPH_SCRIPT, clean_environment
from support.http_fetch import fetch
from support.live_server import ServeProcess
from support.paths import REPO_ROOT

PATH = "partnership/ATL-2012-0042"
RECORD = """Atlas français de la coopération décentralisée et des autres actions extérieures
Identifiant
ATL-2012-0042
Titre
{title}
Le partenariat est :
En cours
"""


def write_record(folder: Path, title: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "record.txt").write_text(RECORD.format(title=title), encoding="utf-8")


def load(records: Path, store: Path, base: str) -> None:
    done = subprocess.run([ATLAS_GRAPH_SCRIPT, "load", str(records), "--store", str(store), "--base-uri", base],
                          capture_output=True, text=True, cwd=REPO_ROOT, env=clean_environment())
    assert done.returncode == 0, done.stdout + done.stderr


# The cache -----------------------------------------------------------------------------------


def body_cache(max_bytes: int) -> GenerationCache[Rendered]:
    return GenerationCache(max_bytes, size_of=lambda rendered: len(rendered.body))



def test_least_recently_used_entries_go_first_when_the_bound_is_reached():
    cache = body_cache(10)
    cache.put("000001", "a", Rendered(b"aaaa"))
    cache.put("000001", "b", Rendered(b"bbbb"))
    assert cache.get("000001", "a") == Rendered(b"aaaa")  # now the most recently used
    cache.put("000001", "c", Rendered(b"cccc"))
    assert cache.get("000001", "b") is None
    assert cache.get("000001", "a") is not None and cache.get("000001", "c") is not None


def test_a_body_larger_than_the_bound_is_not_kept():
    cache = body_cache(3)
    cache.put("000001", "a", Rendered(b"aaaa"))
    assert len(cache) == 0 and cache.get("000001", "a") is None


def test_a_newer_generation_drops_the_older_ones_entries():
    cache = body_cache(100)
    cache.put("000001", "a", Rendered(b"old"))
    assert cache.get("000002", "a") is None
    cache.put("000002", "b", Rendered(b"new"))
    assert len(cache) == 1 and cache.get("000001", "a") is None


def test_an_entry_rendered_from_an_older_generation_is_not_kept():
    cache = body_cache(100)
    cache.put("000002", "a", Rendered(b"new"))
    cache.put("000001", "b", Rendered(b"late, from the old generation"))
    assert len(cache) == 1 and cache.get("000002", "a") == Rendered(b"new")


def test_the_bound_is_in_mib_and_zero_keeps_nothing():
    off = data_cache(0)
    off.put("000001", "a", Rendered(b"x"))
    assert len(off) == 0
    assert data_cache(2).max_size == 2 << 20


def test_serve_takes_the_bound_from_its_option_or_the_environment(monkeypatch):
    from atlas_graph.cli.main import build_parser

    monkeypatch.setenv("ATLAS_DATA_CACHE_MB", "8")
    assert build_parser().parse_args(["serve"]).data_cache_mb == 8
    assert build_parser().parse_args(["serve", "--data-cache-mb", "0"]).data_cache_mb == 0
    monkeypatch.setenv("ATLAS_DATA_CACHE_MB", "lots")
    with pytest.raises(SystemExit):  # argparse: "argument --data-cache-mb: invalid float value: 'lots'"
        build_parser().parse_args(["serve"])


def test_the_wsgi_entry_point_refuses_a_bad_bound(monkeypatch, app_store):
    monkeypatch.setenv("ATLAS_STORE", str(app_store[1]))
    monkeypatch.setenv("ATLAS_DATA_CACHE_MB", "4")
    from atlas_graph.server.wsgi import config_from_environment  # the module makes its app at import

    assert config_from_environment().data_cache_mib == 4
    monkeypatch.setenv("ATLAS_DATA_CACHE_MB", "-1")
    with pytest.raises(RuntimeError, match="ATLAS_DATA_CACHE_MB='-1': expected a number ≥ 0"):
        config_from_environment()
    monkeypatch.setenv("ATLAS_DATA_CACHE_MB", "4")
    monkeypatch.delenv("ATLAS_QUERY_PROCESSES", raising=False)
    assert config_from_environment().query_processes == 4
    monkeypatch.setenv("ATLAS_QUERY_PROCESSES", "2")
    assert config_from_environment().query_processes == 2
    monkeypatch.setenv("ATLAS_QUERY_PROCESSES", "1.5")
    with pytest.raises(RuntimeError, match="ATLAS_QUERY_PROCESSES='1.5': expected a whole number ≥ 1"):
        config_from_environment()


# In an app -----------------------------------------------------------------------------------


def served(store: Path, **config):
    """An app over ``store`` (made with base URI http://example.org/) and its test client."""
    app = create_app(AtlasConfig(store=store, base_uri="http://example.org/", **config))
    return app, app.test_client()


@pytest.fixture
def app_store(tmp_path):
    records, store = tmp_path / "records", tmp_path / "store"
    write_record(records, "Premier titre")
    load(records, store, "http://example.org/")
    return records, store


def test_repeated_requests_are_served_from_the_cache(app_store):
    _, store = app_store
    app, client = served(store)
    first = client.get(f"/data/{PATH}", headers={"Accept": "text/turtle"})
    assert first.status_code == 200 and "Premier titre" in first.get_data(as_text=True)
    assert len(app.extensions[CACHE]) == 1
    again = client.get(f"/data/{PATH}", headers={"Accept": "text/turtle"})
    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Location"] == first.headers["Content-Location"]
    assert len(app.extensions[CACHE]) == 1
    client.get(f"/data/{PATH}.nt")
    assert len(app.extensions[CACHE]) == 2  # one entry per format


def test_a_page_is_rendered_once_per_language_and_host(app_store):
    """``/page`` HTML is kept with the bodies: per language and per host (its links to the data
    are absolute), and the same bytes come back."""
    _, store = app_store
    app, client = served(store)
    french = client.get(f"/page/{PATH}", headers={"Accept-Language": "fr"})
    assert french.status_code == 200 and "Premier titre" in french.get_data(as_text=True)
    assert len(app.extensions[CACHE]) == 1
    assert client.get(f"/page/{PATH}", headers={"Accept-Language": "fr"}).get_data() == french.get_data()
    assert len(app.extensions[CACHE]) == 1
    english = client.get(f"/page/{PATH}", headers={"Accept-Language": "en"})
    assert english.get_data() != french.get_data() and 'lang="en"' in english.get_data(as_text=True)
    other_host = client.get(f"/page/{PATH}", headers={"Accept-Language": "fr"}, base_url="http://mirror.test/")
    assert f"http://mirror.test/data/{PATH}.ttl" in other_host.get_data(as_text=True)
    assert len(app.extensions[CACHE]) == 3
    assert client.get("/page/partnership/nothing").status_code == 404
    assert len(app.extensions[CACHE]) == 3


def test_a_load_while_serving_shows_in_the_next_page(app_store):
    records, store = app_store
    _, client = served(store)
    assert "Premier titre" in client.get(f"/page/{PATH}").get_data(as_text=True)
    write_record(records, "Titre corrigé")
    load(records, store, "http://example.org/")
    after = client.get(f"/page/{PATH}").get_data(as_text=True)
    assert "Titre corrigé" in after and "Premier titre" not in after


def test_a_load_while_serving_shows_in_the_next_response(app_store):
    records, store = app_store
    _, client = served(store)
    before = client.get(f"/data/{PATH}.ttl")
    assert "Premier titre" in before.get_data(as_text=True)

    write_record(records, "Titre corrigé")
    load(records, store, "http://example.org/")

    after = client.get(f"/data/{PATH}.ttl")
    assert after.status_code == 200
    assert "Titre corrigé" in after.get_data(as_text=True) and "Premier titre" not in after.get_data(as_text=True)
    assert after.headers["ETag"] != before.headers["ETag"]
    revalidated = client.get(f"/data/{PATH}.ttl", headers={"If-None-Match": before.headers["ETag"]})
    assert revalidated.status_code == 200 and "Titre corrigé" in revalidated.get_data(as_text=True)
    current = client.get(f"/data/{PATH}.ttl", headers={"If-None-Match": after.headers["ETag"]})
    assert current.status_code == 304 and current.get_data() == b""


@pytest.mark.parametrize("cache_mib", ["32", "0"])
def test_a_changed_label_of_a_linked_resource_shows_in_the_next_response(app_store, monkeypatch, cache_mib):
    """Labels are remembered per generation too (with or without the cache of bodies)."""
    _, store = app_store
    app, client = served(store, data_cache_mib=float(cache_mib))
    assert '"En cours"@fr' in client.get(f"/data/{PATH}.nt").get_data(as_text=True)

    app.extensions["atlas"].update("""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        DELETE { GRAPH ?g { ?status skos:prefLabel "En cours"@fr } }
        INSERT { GRAPH ?g { ?status skos:prefLabel "Toujours en cours"@fr } }
        WHERE { GRAPH ?g { ?status skos:prefLabel "En cours"@fr } }""")  # a new generation

    after = client.get(f"/data/{PATH}.nt").get_data(as_text=True)
    assert '"Toujours en cours"@fr' in after and '"En cours"@fr' not in after


def test_an_entity_gone_in_the_new_generation_is_404_not_its_cached_body(app_store):
    records, store = app_store
    _, client = served(store)
    assert client.get(f"/data/{PATH}.ttl").status_code == 200
    assert client.head(f"/data/{PATH}.ttl").status_code == 200

    (records / "record.txt").write_text(RECORD.replace("ATL-2012-0042", "ATL-2012-0043").format(title="Autre"),
                                        encoding="utf-8")
    load(records, store, "http://example.org/")  # the folder no longer holds the record: removed

    assert client.get(f"/data/{PATH}.ttl").status_code == 404
    assert client.get(f"/data/{PATH}", headers={"Accept": "text/turtle"}).status_code == 404


def test_a_conditional_request_for_an_unknown_entity_is_404(app_store):
    _, store = app_store
    _, client = served(store)
    etag = client.get(f"/data/{PATH}.ttl").headers["ETag"]
    guessed = etag.replace("ATL", "XYZ")  # an ETag of this generation, for a path that names nothing
    assert client.get("/data/partnership/nothing.ttl", headers={"If-None-Match": guessed}).status_code == 404


# A real server -------------------------------------------------------------------------------


def test_a_live_server_shows_a_load_in_every_worker(tmp_path):
    records, store = tmp_path / "records", tmp_path / "store"
    write_record(records, "Premier titre")
    server = ServeProcess(store, tmp_path / "server.log")
    load(records, store, server.base)
    with server:
        for _ in range(6):  # spread over both workers and their threads: each caches the body
            assert "Premier titre" in fetch(server.url(f"data/{PATH}.ttl")).text

        write_record(records, "Titre corrigé")
        load(records, store, server.base)

        for _ in range(6):
            reply = fetch(server.url(f"data/{PATH}"), headers={"Accept": "text/turtle"})
            assert reply.status == 200
            assert "Titre corrigé" in reply.text and "Premier titre" not in reply.text
