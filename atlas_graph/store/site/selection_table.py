"""The table behind the faceted selection of partnerships (``/partnerships``, its exports and
``/map``): every partnership as a :class:`Row` with every value a filter, a sort or an export
reads, and the labels the facets show. Read from a :class:`~.graph.Graph` by a few simple SPARQL
queries joined here (:func:`build_table`), and its JSON Lines form (what the builder writes, what
the server reads back).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from itertools import islice

from atlas_graph.store.site.graph import Graph, sort_key

WGS84 = "http://www.w3.org/2003/01/geo/wgs84_pos#"
GEONAMES = "https://sws.geonames.org/"
#: The version of the file's form: a file of another one is not read (the server builds again).
TABLE_VERSION = 3


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
        return sort_key(self.title), self.iri


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


def table_to_lines(source: Table) -> Iterator[str]:
    """The table as JSON Lines: a header (the version, the labels, the theme tree, how many
    places follow), one line per place, then one per row, which names its places by their
    number. Read back line by line (:func:`table_from_lines`): a worker reading it in the
    background lets its other threads run between lines, where one JSON document of the whole
    table would hold the interpreter for the whole parse."""
    numbers: dict[str, int] = {}
    places = []
    for row in source.rows:
        for place in (*row.french, *row.foreign):
            if place.iri not in numbers:
                numbers[place.iri] = len(places)
                places.append(place)
    yield _line({"version": TABLE_VERSION, "labels": source.labels, "theme_parents": source.theme_parents,
                 "places": len(places)})
    for p in places:
        yield _line([p.iri, p.path, p.label, p.french, p.country, p.latitude, p.longitude, p.insee, p.geonames,
                     sorted(p.departments), sorted(p.regions)])
    for r in source.rows:
        yield _line([r.iri, r.path, r.title, r.year, r.start, r.end, r.status, r.form, list(r.themes),
                     sorted(r.theme_closure), [numbers[p.iri] for p in r.french], [numbers[p.iri] for p in r.foreign],
                     sorted(r.funders), str(r.funding), *_derived_to_json(r)])


def _line(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def table_from_lines(lines: Iterable[str]) -> Table | None:
    """The table :func:`table_to_lines` wrote; None when it is of another version."""
    lines = iter(lines)
    header = json.loads(next(lines))
    if header.get("version") != TABLE_VERSION:
        return None
    places = [Place(*fields[:9], frozenset(fields[9]), frozenset(fields[10]))
              for fields in map(json.loads, islice(lines, header["places"]))]
    rows = []
    for fields in map(json.loads, lines):
        row = Row(*fields[:8], tuple(fields[8]), frozenset(fields[9]), tuple(places[i] for i in fields[10]),
                  tuple(places[i] for i in fields[11]), frozenset(fields[12]), Decimal(fields[13]))
        _derived_from_json(row, fields[14:])
        rows.append(row)
    return Table(rows, header["labels"], header["theme_parents"])


def _derived_to_json(row: Row) -> list:
    """What a row derives from its other fields and every request reads (its title as it sorts,
    its départements and régions), written with it so that a worker does not compute it again."""
    return [row.title_key[0], sorted(row.departments), sorted(row.regions)]


def _derived_from_json(row: Row, fields: list) -> None:
    sort_title, departments, regions = fields
    # a cached_property keeps its value in the instance's __dict__, frozen dataclass or not
    row.__dict__.update(title_key=(sort_title, row.iri), departments=frozenset(departments),
                        regions=frozenset(regions))


def build_table(graph: Graph) -> Table:
    path = graph.path_of

    def pairs(pattern: str) -> list[tuple[str, object]]:
        return [(s.value, o) for s, o in graph.rows(f"SELECT DISTINCT ?s ?o WHERE {{ {pattern} }}")]

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
    return Table(rows, _labels(graph), parents)


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


def _labels(graph: Graph) -> dict[str, dict[str, dict[str, str]]]:
    path = graph.path_of
    labels: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    concepts = graph.select("SELECT DISTINCT ?s ?label WHERE { ?s a skos:Concept ; skos:prefLabel ?label }")
    for row in concepts:
        kind, _, value = path(row["s"].value).partition("/")
        if kind in ("theme", "status", "form"):
            labels[kind][value][row["label"].language or ""] = row["label"].value
    for row in graph.select("SELECT DISTINCT ?iso ?label WHERE { ?c a atlas:Country ; atlas:isoCode ?iso ; "
                                "skos:prefLabel ?label }"):
        labels["country"][row["iso"].value][row["label"].language or ""] = row["label"].value
    for facet, link in (("department", "atlas:department"), ("region", "atlas:region")):
        for row in graph.select(f"SELECT DISTINCT ?code ?label WHERE {{ ?x {link} ?n . "
                                    f"?n atlas:inseeCode ?code ; skos:prefLabel ?label }}"):
            labels[facet][row["code"].value][row["label"].language or ""] = row["label"].value
    for row in graph.select("SELECT DISTINCT ?funder ?label WHERE { ?funder a org:Organization ; "
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
