"""What the site's pages read: the current generation's site data, else the graph.

A generation written by this version carries its site data (:mod:`atlas_graph.store.site`,
built before it was switched in): the aggregates of the home page and the lists are read from
its file, once per generation and worker (:mod:`..generation_cache`). Without it (a store made
by an older version, a remote store), they are computed from the graph, by the same queries,
and kept in memory the same way; nothing is ever written into the generation. Entity pages are
queried on each request. All reads are SPARQL over the union of the named graphs, through
``current_app.extensions["atlas"].store()``. Values leave this module as plain dataclasses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from flask import current_app

from atlas_graph import vocabulary
from atlas_graph.store.generations import SITE_DIR, read_json
from atlas_graph.store.site import aggregates
from atlas_graph.store.site.aggregates import (
    CollectivityRow,
    CountryRow,
    FunderRow,
    Summary,
    ThemeNode,
    country_rows,
)
from atlas_graph.store.site.build import AGGREGATES_FILE
from atlas_graph.store.site.graph import Graph, Named, as_decimal

ATLAS = str(vocabulary.ATLAS)
#: At most this many partnership cards on an entity page.
CARD_LIMIT = 50
#: Where each app keeps the results computed once per generation (made by the site's blueprint),
#: and how many: the few lists and counts of the site's pages.
CACHE = "atlas.site_cache"
CACHED_RESULTS = 16

@dataclass(frozen=True)
class Card:
    """One partnership, as a card on an entity page."""

    partnership: Named
    year: str | None
    status: str | None
    theme: str | None
    total: Decimal
    partners: tuple[Named, ...]


@dataclass(frozen=True)
class EntityPanels:
    """What the site adds to an entity page: partnership cards and charts' data."""

    kind: str | None  # "partnership", "french", "foreign", "organization", "country", "theme"
    cards: list[Card]
    card_total: int
    funding_total: Decimal | None
    by_year: list[tuple[str, Decimal]]
    by_country: list[tuple[str, Decimal]]


# Access -----------------------------------------------------------------------------------


def _service():
    return current_app.extensions["atlas"]


def base_uri() -> str:
    return _service().config.base_uri


def generation():
    """The store's current generation (:class:`~atlas_graph.store.generations.Generation`): what
    the results kept under its name are computed from."""
    return _service().generation()


def graph() -> Graph:
    """The graph the server reads: the embedded store, or the remote one."""
    return Graph(_service().store(), base_uri())


def select(query: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
    """Run a SELECT over the union of the graphs: one dict per row (unbound variables left out)."""
    return graph().select(query)


def cached(name: str, compute: Callable[[], object]):
    """``compute()`` once per store generation and worker."""
    return current_app.extensions[CACHE].get_or_compute(generation().name, name, compute)


def site_file(name: str) -> Path | None:
    """The current generation's site file ``name``, when the server reads it: a generation of
    the embedded store that has it, built with the server's base URI. None: the value is to be
    computed from the graph (a store made by an older version, a remote store)."""
    if _service().remote:
        return None
    current = generation()
    path = current.path / SITE_DIR / name
    built_for = cached("base-uri", lambda: read_json(current.path / "state.json").get("base_uri") or "")
    return path if built_for == base_uri() and path.is_file() else None


def warm_up() -> None:
    """Read the current generation's aggregates file, if it has one: what a new worker does
    before its first page asks for it (:func:`atlas_graph.server.generation_cache.warm_up`)."""
    if site_file(AGGREGATES_FILE):
        for name in _COMPUTED:
            _aggregate(name)


def _aggregate(name: str):
    """One of the aggregates: its section of the current generation's file (read no further
    than its line), else computed from the graph."""
    def find():
        path = site_file(AGGREGATES_FILE)
        try:
            written = aggregates.read_section(path, name) if path else None
        except (OSError, ValueError, KeyError, TypeError):
            written = None
        return written if written is not None else _COMPUTED[name](graph())
    return cached(name, find)


#: Each aggregate, as the graph gives it when the generation has no file of them.
_COMPUTED = {"summary": aggregates.summary, "countries": aggregates.country_counts,
             "collectivities": aggregates.collectivities, "funders": aggregates.funders,
             "themes": aggregates.theme_tree}


def path_of(iri: str) -> str:
    """The part of one of our IRIs after ``B id/`` (another IRI is its own path)."""
    return graph().path_of(iri)


def named(iri_term, label_term=None) -> Named:
    return graph().named(iri_term, label_term)


def _iri(iri: str) -> str:
    return str(ox.NamedNode(iri))  # raises ValueError on anything that is not an IRI


# Home and lists ---------------------------------------------------------------------------


def summary() -> Summary:
    return _aggregate("summary")


def countries(language: str) -> list[CountryRow]:
    return country_rows(_aggregate("countries"), language)


def collectivities(kind: str | None) -> list[CollectivityRow]:
    """Every collectivity that takes part in a partnership (``kind`` "french", "foreign" or None
    for both), sorted by name."""
    everything = _aggregate("collectivities")
    if kind == "french":
        return [r for r in everything if r.french]
    if kind == "foreign":
        return [r for r in everything if not r.french]
    return everything


def funders() -> list[FunderRow]:
    """Every funder with its declared total, largest first."""
    return _aggregate("funders")


def theme_tree() -> list[ThemeNode]:
    """The theme scheme's concepts as a tree, each with its partnership counts."""
    return _aggregate("themes")


# Entity pages -----------------------------------------------------------------------------

_KINDS = [  # (rdf:type, kind), most specific first
    (ATLAS + "Partnership", "partnership"),
    (ATLAS + "FrenchCollectivity", "french"),
    (ATLAS + "ForeignCollectivity", "foreign"),
    (ATLAS + "Country", "country"),
    ("http://www.w3.org/2004/02/skos/core#Concept", "theme"),
    ("http://www.w3.org/ns/org#Organization", "organization"),
]

#: For each kind, the partnerships ?p shown on its page (``$e`` is the entity).
_PARTNERSHIPS_OF = {
    "french": "?p atlas:frenchPartner|atlas:otherFrenchPartner $e .",
    "foreign": "?p atlas:foreignPartner $e .",
    "organization": "{ ?p atlas:otherFrenchPartner $e } UNION { ?p atlas:funding/atlas:funder $e }",
    "country": "?p atlas:foreignPartner/atlas:country $e .",
    "theme": "?p atlas:theme|atlas:otherTheme $e .",
}


def entity_panels(iri: str) -> EntityPanels:
    """Partnership cards and chart data for the page of ``iri``; nothing for other resources."""
    try:
        entity = _iri(iri)
    except ValueError:
        return EntityPanels(None, [], 0, None, [], [])
    types = {r["type"].value for r in select(f"SELECT ?type WHERE {{ {entity} a ?type }}")}
    kind = next((k for t, k in _KINDS if t in types), None)
    if kind == "theme" and "/id/theme/" not in iri:
        kind = None  # status and form concepts: their incoming links say enough
    if kind is None:
        return EntityPanels(None, [], 0, None, [], [])
    if kind == "country" and not any(c.iri == iri and c.partnerships for c in _aggregate("countries")):
        # what panels_from_graph finds for a country with no foreign partner (France itself: its
        # thousands of collectivities are French), read from the countries' counts
        return EntityPanels(kind, [], 0, Decimal(0), [], [])
    return panels_from_graph(kind, entity)


def panels_from_graph(kind: str, entity: str) -> EntityPanels:
    """The panels of ``entity`` (an IRI in SPARQL syntax) of ``kind``, from the graph."""
    if kind == "partnership":
        return EntityPanels(kind, [], 0, None, _by_year(f"BIND({entity} AS ?p)"), [])
    pattern = _PARTNERSHIPS_OF[kind].replace("$e", entity)
    cards, total = _cards(pattern)
    (row,) = select(f"""SELECT (SUM(?amount) AS ?total) WHERE {{
      {{ SELECT DISTINCT ?p WHERE {{ {pattern} }} }} ?p atlas:funding/atlas:amount ?amount }}""") or [{}]
    by_country = _by_country(pattern) if kind in ("french", "organization", "theme") else []
    return EntityPanels(kind, cards, total, as_decimal(row.get("total")), _by_year(pattern), by_country)


def _cards(pattern: str) -> tuple[list[Card], int]:
    rows = select(f"""
    SELECT ?p ?title ?year ?status ?theme (SUM(?amount) AS ?total) WHERE {{
      {{ SELECT DISTINCT ?p WHERE {{ {pattern} }} }}
      ?p dct:title ?title .
      OPTIONAL {{ ?p atlas:signatureYear ?year }}
      OPTIONAL {{ ?p atlas:status/skos:prefLabel ?status }}
      OPTIONAL {{ ?p atlas:theme/skos:prefLabel ?theme }}
      OPTIONAL {{ ?p atlas:funding/atlas:amount ?given }} BIND(COALESCE(?given, 0) AS ?amount)
    }} GROUP BY ?p ?title ?year ?status ?theme ORDER BY DESC(?year) ?title""")
    seen: dict[str, dict] = {}
    for r in rows:
        seen.setdefault(r["p"].value, r)
    shown = list(seen.values())[:CARD_LIMIT]
    partners: dict[str, list[Named]] = defaultdict(list)
    if shown:
        values = " ".join(_iri(r["p"].value) for r in shown)
        for r in select(f"""SELECT ?p ?partner ?label WHERE {{
              VALUES ?p {{ {values} }}
              ?p atlas:foreignPartner|atlas:frenchPartner ?partner . ?partner skos:prefLabel ?label
            }} ORDER BY ?label"""):
            partners[r["p"].value].append(named(r["partner"], r["label"]))
    cards = [Card(named(r["p"], r["title"]), r["year"].value if "year" in r else None,
                  r["status"].value if "status" in r else None, r["theme"].value if "theme" in r else None,
                  as_decimal(r.get("total")), tuple(partners[r["p"].value])) for r in shown]
    return cards, len(seen)


def _by_year(pattern: str) -> list[tuple[str, Decimal]]:
    rows = select(f"""SELECT ?year (SUM(?amount) AS ?total) WHERE {{
      {{ SELECT DISTINCT ?p WHERE {{ {pattern} }} }}
      ?p atlas:funding ?f . ?f atlas:amount ?amount ; atlas:year ?year .
    }} GROUP BY ?year ORDER BY ?year""")
    return [(r["year"].value, as_decimal(r.get("total"))) for r in rows]


def _by_country(pattern: str) -> list[tuple[str, Decimal]]:
    rows = select(f"""SELECT ?country (SAMPLE(?name) AS ?label) (SUM(?amount) AS ?total) WHERE {{
      {{ SELECT DISTINCT ?p ?country WHERE {{ {pattern} ?p atlas:foreignPartner/atlas:country ?country }} }}
      ?p atlas:funding/atlas:amount ?amount .
      OPTIONAL {{ ?country skos:prefLabel ?name FILTER(lang(?name) = "fr") }}
    }} GROUP BY ?country ORDER BY DESC(?total)""")
    return [(r["label"].value if "label" in r else named(r["country"]).path, as_decimal(r.get("total"))) for r in rows]
