"""The package as users install it: the wheel `make wheel` builds from this tree (`pip wheel
--no-deps`), installed with its dependencies into a venv of its own (.wheel/venv), run offline from
a folder outside the repository so that nothing is imported from the source tree."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from rdflib import Graph, URIRef

#: The source folders and the packages they are installed as (setup.py's mapping).
PACKAGE_FOLDERS = {"atlas_graph": "atlas_graph", "server": "atlas_graph/server",
                   "ontology": "atlas_graph/ontology", "shapes": "atlas_graph/shapes"}
#: Package data, by kind; the vendored query editor is not in git (npm ci + scripts/vendor-yasgui.mjs).
PACKAGE_DATA = ["atlas_graph/records/*.txt", "atlas_graph/server/templates/*.html", "atlas_graph/server/static/*.css",
                "atlas_graph/server/static/*.js", "atlas_graph/ontology/atlas.ttl", "atlas_graph/shapes/atlas.ttl"]
#: What the install step makes and git does not hold: the query editor, the map and its basemap,
#: and the link authorities.
BUILT_AT_INSTALL = ["atlas_graph/server/static/vendor/yasgui/yasgui.min.js",
                    "atlas_graph/server/static/vendor/yasgui/yasgui.min.css",
                    "atlas_graph/server/static/vendor/leaflet/leaflet.js",
                    "atlas_graph/server/static/vendor/leaflet/leaflet.css",
                    "atlas_graph/server/static/vendor/basemap/countries.geojson",
                    "atlas_graph/link/data/authorities.sqlite"]
BUILT_BY = "`make wheel` builds it (`make test` does so before running the tests)"
KPALIME = "collectivity/tg/kpalime"


@pytest.fixture(scope="module")
def wheel_dir(repo_root: Path) -> Path:
    return repo_root / ".wheel"


@pytest.fixture(scope="module")
def wheel(wheel_dir: Path) -> Iterator[zipfile.ZipFile]:
    built = sorted((wheel_dir / "dist").glob("atlas_graph-*.whl"))
    if len(built) != 1:
        pytest.fail(f"expected one wheel in {wheel_dir / 'dist'}, found {[p.name for p in built]}: {BUILT_BY}")
    with zipfile.ZipFile(built[0]) as archive:
        yield archive


@pytest.fixture(scope="module")
def installed_command(wheel_dir: Path) -> Path:
    command = wheel_dir / "venv" / "bin" / "atlas-graph"
    if not command.exists():
        pytest.fail(f"{command} is missing: the wheel's venv is not built; {BUILT_BY}")
    return command


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A working folder away from the repository; also the home of anything a run writes."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def user_environment(home: Path) -> dict[str, str]:
    """This environment without what could point a run at the sources or configure it
    (PYTHON*, VIRTUAL_ENV, ATLAS_*), with ``home`` as the user's home and data folder."""
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("ATLAS_", "PYTHON", "VIRTUAL_ENV"))}
    return environ | {"HOME": str(home), "XDG_DATA_HOME": str(home / "data")}


def run(command: Path, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(command), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=user_environment(cwd), timeout=300)


# What the wheel holds -----------------------------------------------------------------------


def shipped_files(wheel: zipfile.ZipFile) -> set[str]:
    """The wheel's files but its metadata (*.dist-info/)."""
    return {name for name in wheel.namelist() if not name.split("/")[0].endswith(".dist-info")}


def test_the_wheel_holds_every_module_and_data_file_of_the_sources(repo_root: Path, wheel: zipfile.ZipFile):
    expected = {
        f"{package}/{path.relative_to(repo_root / folder).as_posix()}"
        for folder, package in PACKAGE_FOLDERS.items()
        for path in (repo_root / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    shipped = shipped_files(wheel)
    assert sorted(expected - shipped) == [], f"in the sources, not in the wheel: rebuild it; {BUILT_BY}"
    assert sorted(shipped - expected) == [], f"in the wheel, not in the sources: rebuild it; {BUILT_BY}"
    for kind in PACKAGE_DATA:
        assert any(Path(name).match(kind) for name in shipped), f"no {kind} in the wheel"


def test_the_wheel_carries_what_the_install_step_builds(wheel: zipfile.ZipFile):
    missing = sorted(set(BUILT_AT_INSTALL) - shipped_files(wheel))
    assert not missing, (f"{missing} not in the wheel: build them with `npm ci && node scripts/vendor-yasgui.mjs "
                         f"&& node scripts/vendor-map.mjs` and `python scripts/build-authorities.py` (`make install` "
                         f"does), then rebuild; {BUILT_BY}")
    basemap = json.loads(wheel.read("atlas_graph/server/static/vendor/basemap/countries.geojson"))
    assert basemap["type"] == "FeatureCollection" and len(basemap["features"]) > 150  # Natural Earth's countries


def test_a_clean_clone_without_the_install_step_refuses_to_build_and_says_what_to_run(repo_root: Path,
                                                                                       tmp_path: Path):
    """A wheel from a fresh clone (what git holds, no npm step) would ship no query editor and no
    map: the build stops and names the commands to run. (The build backend, setuptools, is fetched
    by pip as `make wheel` fetches it.)"""
    clone = tmp_path / "clone"
    cloned = subprocess.run(["git", "clone", "--quiet", str(repo_root), str(clone)], capture_output=True, text=True)
    assert cloned.returncode == 0, cloned.stderr
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(tmp_path / "dist"),
                            str(clone)], capture_output=True, text=True, timeout=600, env=user_environment(tmp_path))
    output = built.stdout + built.stderr
    assert built.returncode != 0 and not list((tmp_path / "dist").glob("*.whl")), output[-2000:]
    for expected in ("server/static/vendor/leaflet/leaflet.js", "server/static/vendor/basemap/countries.geojson",
                     "server/static/vendor/yasgui/yasgui.min.js", "node scripts/vendor-map.mjs",
                     "node scripts/vendor-yasgui.mjs", "make install"):
        assert expected in output, (expected, output[-2000:])


# The installed command ----------------------------------------------------------------------


def test_help_lists_every_verb(installed_command: Path, outside: Path):
    result = run(installed_command, "--help", cwd=outside)
    assert result.returncode == 0, result.stderr
    for verb in ["convert", "validate", "load", "serve", "synth", "publish"]:
        assert verb in result.stdout


def test_convert_writes_what_the_source_tree_writes(installed_command: Path, shared: Path, outside: Path):
    records = shared / "atlas" / "records"
    installed = run(installed_command, "convert", records, "-o", "out.ttl", cwd=outside)
    assert installed.returncode == 0, installed.stderr
    from_sources = run(Path(sys.executable).with_name("atlas-graph"), "convert", records, "-o", "sources.ttl",
                       cwd=outside)
    assert from_sources.returncode == 0, from_sources.stderr
    assert (outside / "out.ttl").read_bytes() == (outside / "sources.ttl").read_bytes()
    graph = Graph().parse(outside / "out.ttl", format="turtle")
    assert (URIRef(f"http://localhost:8000/id/{KPALIME}"), None, None) in graph


# The installed server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, target: str, accept: str) -> tuple[int, str, bytes]:
    """``GET target`` on 127.0.0.1 (straight to the socket: no proxy) → status, content type, body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", target, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def wait_until_serving(server: subprocess.Popen, port: int, log: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"atlas-graph serve exited ({server.returncode}):\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"atlas-graph serve did not listen on port {port} within {timeout} s:\n{log.read_text()}")


def test_serve_with_no_arguments_serves_the_bundled_records(installed_command: Path, outside: Path):
    """`atlas-graph serve` as after `pip install`: the bundled records, loaded into the user's data
    folder, served by gunicorn; SIGTERM stops it cleanly."""
    port = free_port()
    log = outside / "serve.log"
    with open(log, "wb") as output:
        server = subprocess.Popen([str(installed_command), "serve", "--host", "127.0.0.1", "--port", str(port),
                                   "--workers", "1"],
                                  stdout=output, stderr=subprocess.STDOUT, cwd=outside, env=user_environment(outside))
    try:
        wait_until_serving(server, port, log)
        base = f"http://127.0.0.1:{port}/"

        status, content_type, body = get(port, "/", "text/html")
        assert (status, content_type) == (200, "text/html; charset=utf-8"), body[:500]

        status, content_type, body = get(port, f"/data/{KPALIME}", "text/turtle")
        assert status == 200 and content_type.startswith("text/turtle"), body[:500]
        description = Graph().parse(data=body, format="turtle")
        assert (URIRef(f"{base}id/{KPALIME}"), None, None) in description

        query = "ASK { ?partnership a <https://w3id.org/atlas-coop/ontology#Partnership> }"
        status, content_type, body = get(port, "/sparql?" + urlencode({"query": query}),
                                         "application/sparql-results+json")
        assert status == 200 and content_type.startswith("application/sparql-results+json"), body[:500]
        assert json.loads(body)["boolean"] is True

        status, _, body = get(port, "/static/vendor/yasgui/yasgui.min.js", "*/*")
        assert status == 200 and body, "the query editor is not served"

        status, _, body = get(port, "/map", "text/html")
        assert status == 200 and b"map-missing" not in body and b'id="map"' in body, body[:500]
        for asset in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "vendor/basemap/countries.geojson",
                      "map.js"):
            status, _, body = get(port, f"/static/{asset}", "*/*")
            assert status == 200 and body, f"{asset} is not served"
        status, content_type, body = get(port, "/partnerships?format=xlsx", "*/*")
        assert status == 200 and content_type.startswith("application/vnd.openxmlformats") and body[:2] == b"PK"
    finally:
        server.terminate()  # gunicorn's graceful shutdown
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0 and "Traceback" not in log.read_text(), log.read_text()
    assert (outside / "data" / "atlas-graph" / "store" / "current").exists(), "not loaded into the user's data folder"
