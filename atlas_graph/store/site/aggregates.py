"""The counts and lists of the site's pages: the home page's summary, the countries, the
collectivities, the funders and the theme tree, each read from a :class:`~.graph.Graph` by a
query or two, and their file (JSON lines: what the builder writes, what the server reads back)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from atlas_graph.store.site.graph import Graph, Named, as_decimal, as_int, sort_key

#: The version of the file's form: a file of another one is not read (the server computes again).
VERSION = 2
#: The sections of the file, one line each, the small ones first: a page reads the file only
#: as far as the line of what it shows (the home page does not parse the collectivities).
SECTIONS = ("summary", "countries", "themes", "funders", "collectivities")


@dataclass(frozen=True)
class Summary:
    partnerships: int
    french: int
    foreign: int
    countries: int
    funding: Decimal


@dataclass(frozen=True)
class CountryCount:
    """A country with its counts and its labels (language → label, "" for none)."""

    iri: str
    path: str
    iso: str
    partnerships: int
    collectivities: int
    labels: dict[str, str]


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
class Aggregates:
    summary: Summary
    countries: list[CountryCount]
    collectivities: list[CollectivityRow]
    funders: list[FunderRow]
    themes: list[ThemeNode]


def compute_aggregates(graph: Graph) -> Aggregates:
    return Aggregates(summary(graph), country_counts(graph), collectivities(graph), funders(graph), theme_tree(graph))


def summary(graph: Graph) -> Summary:
    (row,) = graph.select("SELECT (COUNT(DISTINCT ?p) AS ?partnerships) WHERE { ?p a atlas:Partnership }") or [{}]
    (money,) = graph.select("""SELECT (SUM(?amount) AS ?funding) WHERE {
      ?p a atlas:Partnership ; atlas:funding ?f . ?f atlas:amount ?amount }""") or [{}]
    (kinds,) = graph.select("""
    SELECT (COUNT(DISTINCT ?fr) AS ?french) (COUNT(DISTINCT ?foreign) AS ?foreigns)
           (COUNT(DISTINCT ?country) AS ?countries) WHERE {
      { ?fr a atlas:FrenchCollectivity FILTER EXISTS { ?p atlas:frenchPartner|atlas:otherFrenchPartner ?fr } }
      UNION
      { ?foreign a atlas:ForeignCollectivity . OPTIONAL { ?foreign atlas:country ?country } }
    }""") or [{}]
    return Summary(as_int(row.get("partnerships")), as_int(kinds.get("french")), as_int(kinds.get("foreigns")),
                   as_int(kinds.get("countries")), as_decimal(money.get("funding")))


def country_counts(graph: Graph) -> list[CountryCount]:
    """Every country of a foreign collectivity, with its counts and labels."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for row in graph.select("SELECT ?country ?label WHERE { ?country a atlas:Country ; skos:prefLabel ?label }"):
        labels[row["country"].value][row["label"].language or ""] = row["label"].value
    counts = graph.select("""
    SELECT ?country ?iso (COUNT(DISTINCT ?p) AS ?partnerships) (COUNT(DISTINCT ?c) AS ?collectivities) WHERE {
      ?c a atlas:ForeignCollectivity ; atlas:country ?country .
      OPTIONAL { ?country atlas:isoCode ?iso }
      OPTIONAL { ?p atlas:foreignPartner ?c }
    } GROUP BY ?country ?iso""")
    return [CountryCount(row["country"].value, graph.path_of(row["country"].value),
                         row["iso"].value if "iso" in row else "", as_int(row.get("partnerships")),
                         as_int(row.get("collectivities")), labels.get(row["country"].value, {}))
            for row in counts]


def country_rows(counts: list[CountryCount], language: str) -> list[CountryRow]:
    """The countries' rows in ``language``, sorted by name."""
    rows = [CountryRow(Named(c.iri, c.path, best_label(c.labels, language, c.path)), c.iso, c.partnerships,
                       c.collectivities) for c in counts]
    return sorted(rows, key=lambda r: sort_key(r.country.label))


def best_label(labels: dict[str, str], language: str, fallback: str) -> str:
    return labels.get(language) or labels.get("fr") or labels.get("en") or labels.get("") or fallback


def collectivities(graph: Graph) -> list[CollectivityRow]:
    """Every collectivity that takes part in a partnership, sorted by name: the département and
    région nodes the links add are not listed."""
    rows = graph.select("""
    SELECT ?c ?label ?french ?country ?countryLabel (COUNT(DISTINCT ?p) AS ?partnerships) WHERE {
      ?c a atlas:Collectivity ; skos:prefLabel ?label .
      BIND(EXISTS { ?c a atlas:FrenchCollectivity } AS ?french)
      OPTIONAL { ?c atlas:country ?country .
                 OPTIONAL { ?country skos:prefLabel ?countryLabel FILTER(lang(?countryLabel) = "fr") } }
      OPTIONAL { ?p atlas:foreignPartner|atlas:frenchPartner|atlas:otherFrenchPartner ?c }
    } GROUP BY ?c ?label ?french ?country ?countryLabel
    HAVING (COUNT(?p) > 0)""")
    result = [CollectivityRow(graph.named(r["c"], r["label"]), r["french"].value == "true",
                              graph.named(r["country"], r.get("countryLabel")) if "country" in r else None,
                              as_int(r.get("partnerships"))) for r in rows]
    return sorted(result, key=lambda r: (sort_key(r.collectivity.label), r.collectivity.iri))


def funders(graph: Graph) -> list[FunderRow]:
    """Every funder with its declared total, largest first."""
    rows = graph.select("""
    SELECT ?funder ?label ?french ?foreign (SUM(?amount) AS ?total) (COUNT(DISTINCT ?f) AS ?rows)
           (COUNT(DISTINCT ?p) AS ?partnerships) WHERE {
      ?p atlas:funding ?f . ?f atlas:funder ?funder .
      OPTIONAL { ?f atlas:amount ?given } BIND(COALESCE(?given, 0) AS ?amount)
      OPTIONAL { ?funder skos:prefLabel ?label }
      BIND(EXISTS { ?funder a atlas:FrenchCollectivity } AS ?french)
      BIND(EXISTS { ?funder a atlas:ForeignCollectivity } AS ?foreign)
    } GROUP BY ?funder ?label ?french ?foreign""")
    result = [FunderRow(graph.named(r["funder"], r.get("label")),
                        "french" if r["french"].value == "true" else
                        "foreign" if r["foreign"].value == "true" else "organization",
                        as_decimal(r.get("total")), as_int(r.get("rows")), as_int(r.get("partnerships")))
              for r in rows]
    return sorted(result, key=lambda r: (-r.total, sort_key(r.funder.label)))


def theme_tree(graph: Graph) -> list[ThemeNode]:
    """The theme scheme's concepts as a tree, each with its partnership counts."""
    rows = graph.select("""
    SELECT ?theme ?label ?broader (COUNT(DISTINCT ?p) AS ?partnerships) WHERE {
      ?scheme skos:hasTopConcept ?top . FILTER(STRENDS(STR(?scheme), "/id/theme"))
      ?theme skos:inScheme ?scheme ; skos:prefLabel ?label .
      OPTIONAL { ?theme skos:broader ?broader }
      OPTIONAL { ?p atlas:theme|atlas:otherTheme ?theme }
    } GROUP BY ?theme ?label ?broader""")
    nodes = {r["theme"].value: ThemeNode(graph.named(r["theme"], r["label"]), as_int(r.get("partnerships")))
             for r in rows}
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


# JSON -------------------------------------------------------------------------------------


def _named(named: Named | None) -> list[str] | None:
    return [named.iri, named.path, named.label] if named is not None else None


def _theme(node: ThemeNode) -> list:
    return [_named(node.theme), node.direct, [_theme(child) for child in node.children]]


def _theme_from(fields: list) -> ThemeNode:
    return ThemeNode(Named(*fields[0]), fields[1], [_theme_from(child) for child in fields[2]])


def aggregates_to_lines(aggregates: Aggregates) -> Iterator[str]:
    """The aggregates as JSON lines: a header naming the sections, then one line per section, in
    the order of :data:`SECTIONS`."""
    s = aggregates.summary
    encoded = {
        "summary": [s.partnerships, s.french, s.foreign, s.countries, str(s.funding)],
        "countries": [[c.iri, c.path, c.iso, c.partnerships, c.collectivities, c.labels]
                      for c in aggregates.countries],
        "themes": [_theme(node) for node in aggregates.themes],
        "funders": [[_named(r.funder), r.kind, str(r.total), r.rows, r.partnerships] for r in aggregates.funders],
        "collectivities": [[_named(r.collectivity), r.french, _named(r.country), r.partnerships]
                           for r in aggregates.collectivities],
    }
    yield _line({"version": VERSION, "sections": list(SECTIONS)})
    for name in SECTIONS:
        yield _line(encoded[name])


def read_section(path: Path, name: str):
    """The aggregate ``name`` (a field of :class:`Aggregates`) from a file of
    :func:`aggregates_to_lines`, reading no further than its line; None for another version's file."""
    with open(path, encoding="utf-8") as lines:
        header = json.loads(lines.readline())
        if header.get("version") != VERSION:
            return None
        for section in header["sections"]:
            line = lines.readline()
            if section == name:
                return _DECODERS[name](json.loads(line))
    raise ValueError(f"{path}: no section {name!r}")


def _line(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _summary_from(fields: list) -> Summary:
    partnerships, french, foreign, countries, funding = fields
    return Summary(partnerships, french, foreign, countries, Decimal(funding))


_DECODERS = {
    "summary": _summary_from,
    "countries": lambda rows: [CountryCount(*fields) for fields in rows],
    "themes": lambda rows: [_theme_from(fields) for fields in rows],
    "funders": lambda rows: [FunderRow(Named(*f), kind, Decimal(total), n_rows, n)
                             for f, kind, total, n_rows, n in rows],
    "collectivities": lambda rows: [CollectivityRow(Named(*c), french, Named(*country) if country else None, n)
                                    for c, french, country, n in rows],
}
