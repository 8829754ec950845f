"""The faceted selection of partnerships behind ``/partnerships``, its exports and ``/map``.

One narrow interface: a :class:`Selection` (the filters of a URL, read by :func:`parse`) goes in,
the selected :class:`Row` s (:func:`select`) and the facet counts (:func:`facets`) come out.
Everything a filter, a facet or an export needs is in one :class:`Table` per store generation,
read from the graph by a few simple SPARQL queries joined here (:func:`build_table`), written
as JSON into the generation's folder by the first worker that needs it (the others read it),
and kept in the site's per-generation cache; filtering and counting are then plain Python over
it. A loader that writes the same file at load time would spare the first request the build,
without changing the callers.

What each filter means, in SPARQL terms over the union of the graphs (the tests hold the counts
to these patterns):

- ``country``: ``?p atlas:foreignPartner/atlas:country/atlas:isoCode``;
- ``department``: ``?p atlas:frenchPartner/atlas:department/atlas:inseeCode``;
- ``region``: ``?p atlas:frenchPartner/(atlas:region|atlas:department/atlas:region)/atlas:inseeCode``;
- ``theme``: ``?p (atlas:theme|atlas:otherTheme)/skos:broader*`` the theme;
- ``status``, ``form``: ``atlas:status``, ``atlas:form``; ``funder``: ``atlas:funding/atlas:funder``;
- ``partner``: ``atlas:frenchPartner|atlas:foreignPartner``;
- ``from``, ``to``: ``atlas:signatureYear`` within the bounds (a partnership without one is left
  out as soon as either bound is given);
- ``q``: the full-text search of ``/search`` (:mod:`.search`), restricted to partnerships.
"""

from __future__ import annotations

import fcntl
import heapq
import json
import os
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cached_property
from itertools import chain
from pathlib import Path

from atlas_graph.server.site import data as site_data
from atlas_graph.server.site import search as full_text
from atlas_graph.server.site.i18n import LANGUAGES

WGS84 = "http://www.w3.org/2003/01/geo/wgs84_pos#"
GEONAMES = "https://sws.geonames.org/"
#: The filters, in the order pages show them; ``from`` and ``to`` are the signature years.
FILTERS = ("q", "country", "region", "department", "theme", "status", "form", "funder", "partner", "from", "to")
#: The facets a page counts (``partner`` is a filter only: the map of a collectivity's page).
FACETS = ("country", "region", "department", "theme", "status", "form", "funder", "year")
SORTS = ("-year", "year", "title", "-title", "-funding", "funding")
DEFAULT_SORT = "-year"
#: At most this many values per facet, the largest counts first (a selected value is always shown).
FACET_LIMIT = 15
MAX_TEXT = 200

_PATTERNS = {
    "country": re.compile(r"[A-Za-z]{2}"),
    "region": re.compile(r"\d{2}"),
    "department": re.compile(r"\d{2,3}|2[ABab]"),
    "theme": re.compile(r"[a-z0-9-]+(/[a-z0-9-]+)*"),
    "status": re.compile(r"[a-z0-9-]+"),
    "form": re.compile(r"[a-z0-9-]+"),
    "funder": re.compile(r"(collectivity|organization)/[^/\s]+(/[^/\s]+)?"),
    "partner": re.compile(r"collectivity/[a-z]{2}/[^/\s]+"),
    "from": re.compile(r"\d{4}"),
    "to": re.compile(r"\d{4}"),
}


class SelectionError(ValueError):
    """A parameter the selection cannot take: ``reason`` names what is wrong (a message key)."""

    def __init__(self, parameter: str, value: str, reason: str):
        super().__init__(f"{parameter}={value!r}: {reason}")
        self.parameter = parameter
        self.value = value
        self.reason = reason


@dataclass(frozen=True)
class Selection:
    """The filters of one request (absent ones are None), how to sort and which page."""

    filters: tuple[tuple[str, str], ...] = ()
    sort: str = DEFAULT_SORT
    page: int = 1

    def get(self, name: str) -> str | None:
        return dict(self.filters).get(name)

    def without(self, name: str) -> Selection:
        """The same selection without the filter ``name``, from its first page."""
        return replace(self, filters=tuple((k, v) for k, v in self.filters if k != name), page=1)

    def having(self, name: str, value: str) -> Selection:
        """The same selection with ``name`` set to ``value``, from its first page."""
        kept = tuple((k, v) for k, v in self.filters if k != name)
        return replace(self, filters=tuple(sorted((*kept, (name, value)), key=lambda kv: FILTERS.index(kv[0]))),
                       page=1)


def parse(args: Mapping[str, list[str]]) -> Selection:
    """The selection a query string asks for (``args``: each parameter's values).

    Raises :class:`SelectionError` for a repeated parameter, a value of the wrong shape, an
    unknown sort or page, or ``from`` after ``to``. A value of the right shape that the graph
    does not hold (a country without partnerships) is not an error: it selects nothing."""
    filters = []
    for name in FILTERS:
        values = args.get(name, [])
        if len(values) > 1:
            raise SelectionError(name, " ".join(values), "repeated")
        if not values or not values[0].strip():
            continue
        value = values[0].strip()
        if name == "q":
            value = value[:MAX_TEXT]
        elif not _PATTERNS[name].fullmatch(value):
            raise SelectionError(name, value, name)
        elif name in ("country", "department"):
            value = value.upper()
        filters.append((name, value))
    found = dict(filters)
    if "from" in found and "to" in found and int(found["from"]) > int(found["to"]):
        raise SelectionError("from", f"{found['from']} > {found['to']}", "years")
    sort = _single(args, "sort", DEFAULT_SORT)
    if sort not in SORTS:
        raise SelectionError("sort", sort, "sort")
    page = _single(args, "page", "1")
    if not page.isdigit() or int(page) < 1:
        raise SelectionError("page", page, "page")
    return Selection(tuple(filters), sort, int(page))


def _single(args: Mapping[str, list[str]], name: str, default: str) -> str:
    values = args.get(name, [])
    if len(values) > 1:
        raise SelectionError(name, " ".join(values), "repeated")
    return values[0].strip() if values and values[0].strip() else default


# The table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A collectivity a partnership names, with what filters and the map need of it."""

    iri: str
    path: str
    label: str
    french: bool
    country: str | None  # ISO alpha-2
    latitude: float | None
    longitude: float | None
    insee: str | None
    geonames: str | None
    departments: frozenset[str]
    regions: frozenset[str]

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class Row:
    """One partnership with every value a filter, a sort or an export reads."""

    iri: str
    path: str
    title: str
    year: int | None  # signature year
    start: int | None
    end: str | None  # ISO date
    status: str | None  # slug
    form: str | None  # slug
    themes: tuple[str, ...]  # theme paths below theme/, main theme first
    theme_closure: frozenset[str]  # the themes and every broader one
    french: tuple[Place, ...]
    foreign: tuple[Place, ...]
    funders: frozenset[str]  # paths below id/
    funding: Decimal

    # Computed once per row (a frozen dataclass keeps a cached_property in its __dict__).
    @cached_property
    def countries(self) -> tuple[str, ...]:
        return tuple(sorted({p.country for p in self.foreign if p.country}))

    @cached_property
    def departments(self) -> frozenset[str]:
        return frozenset().union(*(p.departments for p in self.french))

    @cached_property
    def regions(self) -> frozenset[str]:
        return frozenset().union(*(p.regions for p in self.french))

    @cached_property
    def title_key(self) -> tuple[str, str]:
        return site_data.sort_key(self.title), self.iri


@dataclass
class Table:
    """Every partnership as a :class:`Row`, and the labels facets show: ``labels[facet][value]``
    is ``{language: label}`` ("" for a label without a language)."""

    rows: list[Row]
    labels: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    theme_parents: dict[str, str] = field(default_factory=dict)
    #: The facets of the whole table, by language: the page everyone opens first.
    facets_of_all: dict[str, list] = field(default_factory=dict, repr=False, compare=False)

    def label(self, facet: str, value: str, language: str) -> str:
        found = self.labels.get(facet, {}).get(value, {})
        return found.get(language) or found.get("fr") or found.get("") or next(iter(found.values()), value)


#: The table of a generation, written in its folder by the first worker that needs it.
TABLE_FILE = "selection-table.json"
TABLE_VERSION = 1


def table() -> Table:
    """The current generation's table: read from the generation's folder, else built from the
    graph and written there (to a temporary name, then renamed, so that concurrent workers never
    read half a file; a folder that is not writable keeps it in each worker's memory only). Kept
    per generation and worker."""
    generation = site_data.generation()

    def read_once() -> Table:  # one thread reads or builds it; the others wait for that one
        with _building:
            return site_data.cached("selection-table", lambda: _read_or_build(generation.path / TABLE_FILE))
    return site_data.cached("selection-table", read_once)


_building = threading.Lock()


def warm_up() -> None:
    """Read (or build) the current generation's table and count the facets of the whole of it in
    each language: what a new worker does before its first request asks for them
    (:func:`atlas_graph.server.generation_cache.warm_up`)."""
    source = table()
    everything = select(Selection(), source)
    for language in LANGUAGES:
        facets(Selection(), everything, language, source)


def _read_or_build(path: Path) -> Table:
    """The table in ``path``; else built, while the other workers wait on a lock file beside it
    and then read what this one wrote."""
    found = _read(path)
    if found is not None:
        return found
    try:
        lock = open(path.with_name(path.name + ".lock"), "a")  # held until the table is written
    except OSError:
        return build_table()  # a folder we cannot write to: each worker builds its own
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _read(path) or _build_and_write(path)


def _read(path: Path) -> Table | None:
    try:
        return table_from_json(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None  # absent, or left by another version: built again


def _build_and_write(path: Path) -> Table:
    built = build_table()
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        temporary.write_text(json.dumps(table_to_json(built), ensure_ascii=False), "utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
    return built


def table_to_json(source: Table) -> dict:
    places: dict[str, int] = {}
    listed = []
    for row in source.rows:
        for place in (*row.french, *row.foreign):
            if place.iri not in places:
                places[place.iri] = len(listed)
                listed.append([place.iri, place.path, place.label, place.french, place.country, place.latitude,
                               place.longitude, place.insee, place.geonames, sorted(place.departments),
                               sorted(place.regions)])
    rows = [[r.iri, r.path, r.title, r.year, r.start, r.end, r.status, r.form, list(r.themes), sorted(r.theme_closure),
             [places[p.iri] for p in r.french], [places[p.iri] for p in r.foreign], sorted(r.funders), str(r.funding)]
            for r in source.rows]
    return {"version": TABLE_VERSION, "places": listed, "rows": rows, "labels": source.labels,
            "theme_parents": source.theme_parents}


def table_from_json(data: dict) -> Table | None:
    if data.get("version") != TABLE_VERSION:
        return None
    places = [Place(*fields[:9], frozenset(fields[9]), frozenset(fields[10])) for fields in data["places"]]
    rows = [Row(*fields[:8], tuple(fields[8]), frozenset(fields[9]), tuple(places[i] for i in fields[10]),
                tuple(places[i] for i in fields[11]), frozenset(fields[12]), Decimal(fields[13]))
            for fields in data["rows"]]
    return Table(rows, data["labels"], data["theme_parents"])


def build_table() -> Table:
    path = site_data.path_of
    def pairs(pattern: str) -> list[tuple[str, object]]:
        return [(r["s"].value, r["o"]) for r in site_data.select(f"SELECT DISTINCT ?s ?o WHERE {{ {pattern} }}")]

    def first(pattern: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for subject, value in sorted(pairs(pattern), key=lambda sv: (sv[0], sv[1].value)):
            found.setdefault(subject, value.value)
        return found

    titles = first("?s a atlas:Partnership ; dct:title ?o")
    years = first("?s a atlas:Partnership ; atlas:signatureYear ?o")
    starts = first("?s a atlas:Partnership ; atlas:startYear ?o")
    ends = first("?s a atlas:Partnership ; atlas:endDate ?o")
    statuses = first("?s a atlas:Partnership ; atlas:status ?o")
    forms = first("?s a atlas:Partnership ; atlas:form ?o")
    partnerships = sorted({iri for iri, _ in pairs("?s a atlas:Partnership . BIND(1 AS ?o)")})

    themes: dict[str, list[str]] = defaultdict(list)
    for predicate in ("theme", "otherTheme"):
        for subject, theme in sorted(pairs(f"?s atlas:{predicate} ?o"), key=lambda sv: (sv[0], sv[1].value)):
            if theme.value not in themes[subject]:
                themes[subject].append(theme.value)
    parents = {path(child)[len("theme/"):]: path(parent.value)[len("theme/"):]
               for child, parent in pairs("?s skos:broader ?o . FILTER(CONTAINS(STR(?s), '/id/theme/'))")}

    places = _places(pairs, path)
    partners: dict[str, dict[bool, list[Place]]] = defaultdict(lambda: {True: [], False: []})
    for predicate, french in (("frenchPartner", True), ("foreignPartner", False)):
        for subject, partner in sorted(pairs(f"?s atlas:{predicate} ?o"), key=lambda sv: (sv[0], sv[1].value)):
            place = places.get(partner.value) or Place(partner.value, path(partner.value), path(partner.value),
                                                        french, None, None, None, None, None,
                                                        frozenset(), frozenset())
            partners[subject][french].append(place)

    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for row_iri, amount in pairs("?s atlas:amount ?o"):
        amounts[row_iri] += _decimal(amount.value)
    funder_of: dict[str, set[str]] = defaultdict(set)
    for row_iri, funder in pairs("?s atlas:funder ?o"):
        funder_of[row_iri].add(path(funder.value))
    funding: dict[str, Decimal] = defaultdict(Decimal)
    funders: dict[str, set[str]] = defaultdict(set)
    for partnership, funding_row in pairs("?s atlas:funding ?o"):
        funding[partnership] += amounts.get(funding_row.value, Decimal(0))
        funders[partnership] |= funder_of.get(funding_row.value, set())
    rows = []
    for iri in partnerships:
        own_themes = tuple(path(t)[len("theme/"):] for t in themes.get(iri, []))
        rows.append(Row(iri, path(iri), titles.get(iri, path(iri)), _year(years.get(iri)), _year(starts.get(iri)),
                        ends.get(iri), _slug(path, statuses.get(iri)), _slug(path, forms.get(iri)), own_themes,
                        frozenset(_closure(own_themes, parents)), tuple(partners[iri][True]),
                        tuple(partners[iri][False]), frozenset(funders.get(iri, ())), funding.get(iri, Decimal(0))))
    return Table(rows, _labels(path), parents)


def _places(pairs, path) -> dict[str, Place]:
    """Every collectivity with what it links to, from one simple query per property (much faster
    than one query with an OPTIONAL for each)."""
    collectivity = "?s a atlas:Collectivity ; "

    def values(pattern: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for subject, value in pairs(collectivity + pattern):
            found[subject].append(value.value)
        return found

    french = {iri for iri, _ in pairs("?s a atlas:FrenchCollectivity . BIND(1 AS ?o)")}
    labels = values("skos:prefLabel ?o")
    isos = values("atlas:country/atlas:isoCode ?o")
    latitudes, longitudes = values(f"<{WGS84}lat> ?o"), values(f"<{WGS84}long> ?o")
    insees = values("atlas:inseeCode ?o")
    matches = values(f'skos:exactMatch ?o FILTER(STRSTARTS(STR(?o), "{GEONAMES}"))')
    departments = values("atlas:department/atlas:inseeCode ?o")
    regions = values("atlas:region/atlas:inseeCode ?o")
    for iri, codes in values("atlas:department/atlas:region/atlas:inseeCode ?o").items():
        regions[iri].extend(codes)
    places = {}
    for iri in {iri for iri, _ in pairs(collectivity.rstrip("; ") + " . BIND(1 AS ?o)")}:
        point = _point(latitudes.get(iri, []), longitudes.get(iri, []))
        geonames = min(matches[iri])[len(GEONAMES):].strip("/") if iri in matches else None
        places[iri] = Place(iri, path(iri), min(labels[iri]) if iri in labels else path(iri), iri in french,
                            min(isos[iri]) if iri in isos else None, point[0], point[1],
                            min(insees[iri]) if iri in insees else None, geonames,
                            frozenset(departments.get(iri, ())), frozenset(regions.get(iri, ())))
    return places


def _point(latitudes: list[str], longitudes: list[str]) -> tuple[float | None, float | None]:
    """The place's (latitude, longitude); none when either is missing or malformed, or when it has
    several different ones (separate triples cannot say which latitude goes with which longitude)."""
    try:
        latitude, longitude = {float(v) for v in latitudes}, {float(v) for v in longitudes}
    except ValueError:
        return None, None
    if len(latitude) != 1 or len(longitude) != 1:
        return None, None
    return latitude.pop(), longitude.pop()


def _labels(path) -> dict[str, dict[str, dict[str, str]]]:
    labels: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    concepts = site_data.select("SELECT DISTINCT ?s ?label WHERE { ?s a skos:Concept ; skos:prefLabel ?label }")
    for row in concepts:
        kind, _, value = path(row["s"].value).partition("/")
        if kind in ("theme", "status", "form"):
            labels[kind][value][row["label"].language or ""] = row["label"].value
    for row in site_data.select("SELECT DISTINCT ?iso ?label WHERE { ?c a atlas:Country ; atlas:isoCode ?iso ; "
                                "skos:prefLabel ?label }"):
        labels["country"][row["iso"].value][row["label"].language or ""] = row["label"].value
    for facet, link in (("department", "atlas:department"), ("region", "atlas:region")):
        for row in site_data.select(f"SELECT DISTINCT ?code ?label WHERE {{ ?x {link} ?n . "
                                    f"?n atlas:inseeCode ?code ; skos:prefLabel ?label }}"):
            labels[facet][row["code"].value][row["label"].language or ""] = row["label"].value
    for row in site_data.select("SELECT DISTINCT ?funder ?label WHERE { ?funder a org:Organization ; "
                                "skos:prefLabel ?label }"):
        labels["funder"][path(row["funder"].value)][row["label"].language or ""] = row["label"].value
    return {facet: dict(values) for facet, values in labels.items()}


def _closure(themes: Iterable[str], parents: dict[str, str]) -> set[str]:
    found = set()
    for theme in themes:
        while theme and theme not in found:
            found.add(theme)
            theme = parents.get(theme)
    return found


def _year(text: str | None) -> int | None:
    found = re.match(r"-?\d{4}", text or "")
    return int(found.group()) if found else None


def _slug(path, iri: str | None) -> str | None:
    return path(iri).partition("/")[2] if iri else None


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal(0)


# Selecting and counting -------------------------------------------------------------------


def _predicate(name: str, value: str, texts: frozenset[str] | None) -> Callable[[Row], bool]:
    """Whether a row passes the filter ``name=value`` (chosen once per filter, not per row)."""
    if name == "q":
        found = texts or frozenset()
        return lambda row: row.path in found
    if name == "country":
        return lambda row: value in row.countries
    if name == "region":
        return lambda row: value in row.regions
    if name == "department":
        return lambda row: value in row.departments
    if name == "theme":
        return lambda row: value in row.theme_closure
    if name == "status":
        return lambda row: row.status == value
    if name == "form":
        return lambda row: row.form == value
    if name == "funder":
        return lambda row: value in row.funders
    if name == "partner":
        return lambda row: any(p.path == value for p in (*row.french, *row.foreign))
    if name == "from":
        earliest = int(value)
        return lambda row: row.year is not None and row.year >= earliest
    if name == "to":
        latest = int(value)
        return lambda row: row.year is not None and row.year <= latest
    raise AssertionError(name)


def select(selection: Selection, source: Table | None = None) -> list[Row]:
    """Every partnership matching all the filters of ``selection``, in its order."""
    return sort(_filter(selection, source or table()), selection.sort)


def _filter(selection: Selection, source: Table) -> list[Row]:
    text = selection.get("q")
    texts = full_text.matching_paths(text, "partnership") if text else None
    rows = source.rows
    for name, value in selection.filters:
        rows = list(filter(_predicate(name, value, texts), rows))
    return rows


def sort(rows: list[Row], order: str) -> list[Row]:
    key = order.lstrip("-")
    descending = order.startswith("-")
    by_title = sorted(rows, key=lambda r: r.title_key)
    if key == "title":
        return by_title[::-1] if descending else by_title
    value = (lambda r: r.year) if key == "year" else (lambda r: r.funding)
    known = [r for r in by_title if value(r) is not None]
    unknown = [r for r in by_title if value(r) is None]  # always last
    return sorted(known, key=value, reverse=descending) + unknown


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    values: list[FacetValue]
    hidden: int  # values left out past FACET_LIMIT


def facets(selection: Selection, rows: list[Row], language: str, source: Table | None = None) -> list[Facet]:
    """For each facet, its values with their counts; ``rows`` are the selection's.

    A value's count is the number of partnerships its link selects: for a facet without a filter,
    the selection's rows that have the value; for a facet with one, the rows of the selection
    without it (the link replaces the facet's value). The theme facet shows the children of the
    selected theme (the top of the tree when none is); the year facet counts signature years."""
    source = source or table()
    if not selection.filters and language in source.facets_of_all:
        return source.facets_of_all[language]
    result = []
    for name in FACETS:
        selected = selection.get(name)
        counted = rows if not selected or name == "year" else _filter(selection.without(name), source)
        counter = _count(counted, name)
        if name == "year":
            values = [FacetValue(year, year, n, False) for year, n in sorted(counter.items(), reverse=True)]
            result.append(Facet(name, values, 0))
            continue
        if name == "theme":
            counter = Counter({theme: n for theme, n in counter.items() if source.theme_parents.get(theme) == selected})
        shown = _most_frequent(counter, lambda value: site_data.sort_key(source.label(name, value, language)))
        if selected and name != "theme" and selected not in dict(shown):
            shown.append((selected, len(rows)))  # the selection itself
        values = [FacetValue(value, source.label(name, value, language), n, value == selected) for value, n in shown]
        result.append(Facet(name, values, max(0, len(counter) - FACET_LIMIT)))
    if not selection.filters:
        source.facets_of_all[language] = result
    return result


def _most_frequent(counter: Counter, label_key: Callable[[str], str]) -> list[tuple[str, int]]:
    """The FACET_LIMIT values of ``counter`` with the highest counts, ties by label: labels are
    compared only among the values that can still make the cut."""
    if len(counter) > FACET_LIMIT:
        cut = heapq.nlargest(FACET_LIMIT, counter.values())[-1]
        counter = Counter({value: n for value, n in counter.items() if n >= cut})
    return sorted(counter.items(), key=lambda vn: (-vn[1], label_key(vn[0])))[:FACET_LIMIT]


def _count(rows: list[Row], name: str) -> Counter:
    if name == "country":
        return Counter(chain.from_iterable(row.countries for row in rows))
    if name in ("region", "department", "funder"):
        attribute = name + "s"
        return Counter(chain.from_iterable(getattr(row, attribute) for row in rows))
    if name == "theme":
        return Counter(chain.from_iterable(row.theme_closure for row in rows))
    if name in ("status", "form"):
        return Counter(value for value in (getattr(row, name) for row in rows) if value)
    return Counter(str(row.year) for row in rows if row.year is not None)


def theme_trail(theme: str, language: str, source: Table | None = None) -> list[FacetValue]:
    """The selected theme and its broader ones, from the top: how the theme facet was reached."""
    source = source or table()
    trail = []
    current: str | None = theme
    while current:
        trail.append(FacetValue(current, source.label("theme", current, language), 0, current == theme))
        current = source.theme_parents.get(current)
    return trail[::-1]
