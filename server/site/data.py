"""What the site's pages read from the graph: every query of the human-facing pages, in one place.

All reads are SPARQL over the union of the named graphs, through
``current_app.extensions["atlas"].store()``, so the store can later be a remote one. Results
that depend only on the data (counts, full lists) are kept per store generation
(:mod:`..generation_cache`), so each worker computes them once per load. Values leave this
module as plain dataclasses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from flask import current_app

from atlas_graph import vocabulary

ATLAS = str(vocabulary.ATLAS)
PREFIXES = vocabulary.sparql_prefixes("atlas", "skos", "dct", "org")
#: At most this many partnership cards on an entity page.
CARD_LIMIT = 50
#: Where each app keeps the results computed once per generation (made by the site's blueprint),
#: and how many: the few lists and counts of the site's pages.
CACHE = "atlas.site_cache"
CACHED_RESULTS = 16


@dataclass(frozen=True)
class Named:
    """A resource of ours with its label: ``path`` is the part after ``B id/``."""

    iri: str
    path: str
    label: str


@dataclass(frozen=True)
class Summary:
    partnerships: int
    french: int
    foreign: int
    countries: int
    funding: Decimal


@dataclass(frozen=True)
class CountryRow:
    country: Named
    iso: str
    partnerships: int
    collectivities: int


@dataclass(frozen=True)
class CollectivityRow:
    collectivity: Named
    french: bool
    country: Named | None
    partnerships: int


@dataclass(frozen=True)
class FunderRow:
    funder: Named
    kind: str  # "french", "foreign" or "organization"
    total: Decimal
    rows: int
    partnerships: int


@dataclass
class ThemeNode:
    theme: Named
    direct: int  # partnerships with this very theme (main or other)
    children: list[ThemeNode] = field(default_factory=list)

    @property
    def partnerships(self) -> int:
        return self.direct + sum(child.partnerships for child in self.children)


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


def select(query: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
    """Run a SELECT over the union of the graphs: one dict per row (unbound variables left out)."""
    results = _service().store().query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in results.variables]
    return [{name: row[name] for name in names if row[name] is not None} for row in results]


def cached(name: str, compute: Callable[[], object]):
    """``compute()`` once per store generation and worker."""
    return current_app.extensions[CACHE].get_or_compute(generation().name, name, compute)


def path_of(iri: str) -> str:
    """The part of one of our IRIs after ``B id/`` (another IRI is its own path)."""
    ours = base_uri() + "id/"
    return iri[len(ours):] if iri.startswith(ours) else iri


def named(iri_term, label_term=None) -> Named:
    path = path_of(iri_term.value)
    return Named(iri_term.value, path, label_term.value if label_term is not None else path)


def _int(term) -> int:
    return int(term.value) if term is not None else 0


def _decimal(term) -> Decimal:
    try:
        return Decimal(term.value) if term is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _iri(iri: str) -> str:
    return str(ox.NamedNode(iri))  # raises ValueError on anything that is not an IRI


# Home -------------------------------------------------------------------------------------


def summary() -> Summary:
    def compute() -> Summary:
        (row,) = select("SELECT (COUNT(DISTINCT ?p) AS ?partnerships) WHERE { ?p a atlas:Partnership }") or [{}]
        (money,) = select("""SELECT (SUM(?amount) AS ?funding) WHERE {
          ?p a atlas:Partnership ; atlas:funding ?f . ?f atlas:amount ?amount }""") or [{}]
        (kinds,) = select("""
        SELECT (COUNT(DISTINCT ?fr) AS ?french) (COUNT(DISTINCT ?foreign) AS ?foreigns)
               (COUNT(DISTINCT ?country) AS ?countries) WHERE {
          { ?fr a atlas:FrenchCollectivity FILTER EXISTS { ?p atlas:frenchPartner|atlas:otherFrenchPartner ?fr } }
          UNION
          { ?foreign a atlas:ForeignCollectivity . OPTIONAL { ?foreign atlas:country ?country } }
        }""") or [{}]
        return Summary(_int(row.get("partnerships")), _int(kinds.get("french")), _int(kinds.get("foreigns")),
                       _int(kinds.get("countries")), _decimal(money.get("funding")))
    return cached("summary", compute)


# Lists ------------------------------------------------------------------------------------


def _best_label(labels: dict[str, str], language: str, fallback: str) -> str:
    return labels.get(language) or labels.get("fr") or labels.get("en") or labels.get("") or fallback


def countries(language: str) -> list[CountryRow]:
    def compute():
        counts = select("""
        SELECT ?country ?iso (COUNT(DISTINCT ?p) AS ?partnerships) (COUNT(DISTINCT ?c) AS ?collectivities) WHERE {
          ?c a atlas:ForeignCollectivity ; atlas:country ?country .
          OPTIONAL { ?country atlas:isoCode ?iso }
          OPTIONAL { ?p atlas:foreignPartner ?c }
        } GROUP BY ?country ?iso""")
        labels: dict[str, dict[str, str]] = defaultdict(dict)
        for row in select("SELECT ?country ?label WHERE { ?country a atlas:Country ; skos:prefLabel ?label }"):
            labels[row["country"].value][row["label"].language or ""] = row["label"].value
        return counts, labels
    counts, labels = cached("countries", compute)
    result = []
    for row in counts:
        country = named(row["country"])
        label = _best_label(labels.get(country.iri, {}), language, country.path)
        result.append(CountryRow(Named(country.iri, country.path, label), row["iso"].value if "iso" in row else "",
                                 _int(row.get("partnerships")), _int(row.get("collectivities"))))
    return sorted(result, key=lambda r: sort_key(r.country.label))


def sort_key(label: str) -> str:
    """``label`` as it sorts for people: case and accents ignored."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", label.casefold()) if not unicodedata.combining(c))


def collectivities(kind: str | None) -> list[CollectivityRow]:
    """Every collectivity that takes part in a partnership (``kind`` "french", "foreign" or None
    for both), sorted by name: the département and région nodes the links add are not listed."""
    def compute():
        rows = select("""
        SELECT ?c ?label ?french ?country ?countryLabel (COUNT(DISTINCT ?p) AS ?partnerships) WHERE {
          ?c a atlas:Collectivity ; skos:prefLabel ?label .
          BIND(EXISTS { ?c a atlas:FrenchCollectivity } AS ?french)
          OPTIONAL { ?c atlas:country ?country .
                     OPTIONAL { ?country skos:prefLabel ?countryLabel FILTER(lang(?countryLabel) = "fr") } }
          OPTIONAL { ?p atlas:foreignPartner|atlas:frenchPartner|atlas:otherFrenchPartner ?c }
        } GROUP BY ?c ?label ?french ?country ?countryLabel
        HAVING (COUNT(?p) > 0)""")
        result = [CollectivityRow(named(r["c"], r["label"]), r["french"].value == "true",
                                  named(r["country"], r.get("countryLabel")) if "country" in r else None,
                                  _int(r.get("partnerships"))) for r in rows]
        return sorted(result, key=lambda r: (sort_key(r.collectivity.label), r.collectivity.iri))
    everything = cached("collectivities", compute)
    if kind == "french":
        return [r for r in everything if r.french]
    if kind == "foreign":
        return [r for r in everything if not r.french]
    return everything


def funders() -> list[FunderRow]:
    """Every funder with its declared total, largest first."""
    def compute():
        rows = select("""
        SELECT ?funder ?label ?french ?foreign (SUM(?amount) AS ?total) (COUNT(DISTINCT ?f) AS ?rows)
               (COUNT(DISTINCT ?p) AS ?partnerships) WHERE {
          ?p atlas:funding ?f . ?f atlas:funder ?funder .
          OPTIONAL { ?f atlas:amount ?given } BIND(COALESCE(?given, 0) AS ?amount)
          OPTIONAL { ?funder skos:prefLabel ?label }
          BIND(EXISTS { ?funder a atlas:FrenchCollectivity } AS ?french)
          BIND(EXISTS { ?funder a atlas:ForeignCollectivity } AS ?foreign)
        } GROUP BY ?funder ?label ?french ?foreign""")
        result = [FunderRow(named(r["funder"], r.get("label")),
                            "french" if r["french"].value == "true" else
                            "foreign" if r["foreign"].value == "true" else "organization",
                            _decimal(r.get("total")), _int(r.get("rows")), _int(r.get("partnerships")))
                  for r in rows]
        return sorted(result, key=lambda r: (-r.total, sort_key(r.funder.label)))
    return cached("funders", compute)


def theme_tree() -> list[ThemeNode]:
    """The theme scheme's concepts as a tree, each with its partnership counts."""
    def compute():
        rows = select("""
        SELECT ?theme ?label ?broader (COUNT(DISTINCT ?p) AS ?partnerships) WHERE {
          ?scheme skos:hasTopConcept ?top . FILTER(STRENDS(STR(?scheme), "/id/theme"))
          ?theme skos:inScheme ?scheme ; skos:prefLabel ?label .
          OPTIONAL { ?theme skos:broader ?broader }
          OPTIONAL { ?p atlas:theme|atlas:otherTheme ?theme }
        } GROUP BY ?theme ?label ?broader""")
        nodes = {r["theme"].value: ThemeNode(named(r["theme"], r["label"]), _int(r.get("partnerships"))) for r in rows}
        roots = []
        for r in rows:
            node = nodes[r["theme"].value]
            parent = nodes.get(r["broader"].value) if "broader" in r else None
            if parent is None:
                roots.append(node)
            elif node not in parent.children:
                parent.children.append(node)
        for node in nodes.values():
            node.children.sort(key=lambda n: sort_key(n.theme.label))
        return sorted(roots, key=lambda n: sort_key(n.theme.label))
    return cached("themes", compute)


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
    if kind == "partnership":
        return EntityPanels(kind, [], 0, None, _by_year(f"BIND({entity} AS ?p)"), [])
    pattern = _PARTNERSHIPS_OF[kind].replace("$e", entity)
    cards, total = _cards(pattern)
    (row,) = select(f"""SELECT (SUM(?amount) AS ?total) WHERE {{
      {{ SELECT DISTINCT ?p WHERE {{ {pattern} }} }} ?p atlas:funding/atlas:amount ?amount }}""") or [{}]
    by_country = _by_country(pattern) if kind in ("french", "organization", "theme") else []
    return EntityPanels(kind, cards, total, _decimal(row.get("total")), _by_year(pattern), by_country)


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
                  _decimal(r.get("total")), tuple(partners[r["p"].value])) for r in shown]
    return cards, len(seen)


def _by_year(pattern: str) -> list[tuple[str, Decimal]]:
    rows = select(f"""SELECT ?year (SUM(?amount) AS ?total) WHERE {{
      {{ SELECT DISTINCT ?p WHERE {{ {pattern} }} }}
      ?p atlas:funding ?f . ?f atlas:amount ?amount ; atlas:year ?year .
    }} GROUP BY ?year ORDER BY ?year""")
    return [(r["year"].value, _decimal(r.get("total"))) for r in rows]


def _by_country(pattern: str) -> list[tuple[str, Decimal]]:
    rows = select(f"""SELECT ?country (SAMPLE(?name) AS ?label) (SUM(?amount) AS ?total) WHERE {{
      {{ SELECT DISTINCT ?p ?country WHERE {{ {pattern} ?p atlas:foreignPartner/atlas:country ?country }} }}
      ?p atlas:funding/atlas:amount ?amount .
      OPTIONAL {{ ?country skos:prefLabel ?name FILTER(lang(?name) = "fr") }}
    }} GROUP BY ?country ORDER BY DESC(?total)""")
    return [(r["label"].value if "label" in r else named(r["country"]).path, _decimal(r.get("total"))) for r in rows]
