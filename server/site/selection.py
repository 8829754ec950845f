"""The faceted selection of partnerships behind ``/partnerships``, its exports and ``/map``.

One narrow interface: a :class:`Selection` (the filters of a URL, read by :func:`parse`) goes in,
the selected :class:`Row` s (:func:`select`) and the facet counts (:func:`facets`) come out.
Everything a filter, a facet or an export needs is in one :class:`Table` per store generation
(:mod:`atlas_graph.store.site.selection_table`), read from the generation's
``site/selection-table.jsonl``, written before it was switched in (else built from the graph in
each worker's memory, never written), and kept in the site's per-generation cache; filtering and
counting are then plain Python over it.

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

import heapq
import re
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from itertools import chain

from atlas_graph.server.site import data as site_data
from atlas_graph.server.site import search as full_text
from atlas_graph.server.site.i18n import LANGUAGES
from atlas_graph.store.site.build import TABLE_FILE
from atlas_graph.store.site.graph import sort_key
from atlas_graph.store.site.selection_table import Row, Table, build_table, table_from_lines

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


def table() -> Table:
    """The current generation's table: its file, else built from the graph. Kept per
    generation and worker."""
    def read_once() -> Table:  # one thread reads or builds it; the others wait for that one
        with _building:
            return site_data.cached("selection-table", _read_or_build)
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


def _read_or_build() -> Table:
    path = site_data.site_file(TABLE_FILE)
    if path is not None:
        try:
            with path.open(encoding="utf-8") as lines:
                found = table_from_lines(lines)
        except (OSError, ValueError, KeyError, TypeError, IndexError, StopIteration):
            found = None  # unreadable: built again, in memory
        if found is not None:
            return found
    return build_table(site_data.graph())


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
        shown = _most_frequent(counter, lambda value: sort_key(source.label(name, value, language)))
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
