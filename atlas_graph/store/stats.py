"""Counts of a store generation, for VoID and the DCAT catalog; computed once per generation."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from atlas_graph.link.authorities import GEONAMES, GEONAMES_FEATURE, INSEE
from atlas_graph.vocabulary import ATLAS, EU_COUNTRY, SKOS

#: The link triples to each authority outside the graph (CONTRACT §1 "Links"), by predicate, as
#: the VoID linksets count them: ``(predicate, prefix of the object's IRI or None)``. The Code
#: officiel géographique names its communes, départements, régions and EPCI by code, so the
#: links to it are the codes (``atlas:inseeCode``, ``atlas:siren``: literals); GeoNames names its
#: features by IRI, and ``skos:exactMatch`` also points to the EU authority, hence the prefix.
#: ``atlas:department`` and ``atlas:region`` are not among them: they point to nodes of this
#: dataset (which carry the code), not into another one.
LINK_PREDICATES: dict[str, tuple[tuple[str, str | None], ...]] = {
    INSEE: ((str(ATLAS.inseeCode), None), (str(ATLAS.siren), None)),
    GEONAMES: ((str(SKOS.exactMatch), GEONAMES_FEATURE.split("{", 1)[0]),),
}

# triples, entities, distinct subjects and triples per property are counted while the
# N-Triples dump is written (atlas_graph.store.dumps.TripleCounts); the rest is asked here.
_QUERIES = {
    "classes": "SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?key } GROUP BY ?key",
}
_SCALARS = {
    "distinct_objects": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }",
    "graphs": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
}
# One resource of each main class (the smallest IRI: stable across loads), for void:exampleResource.
_EXAMPLES = f"""SELECT ?class (MIN(STR(?s)) AS ?example) WHERE {{
    VALUES ?class {{ <{ATLAS.Partnership}> <{ATLAS.Collectivity}> <{ATLAS.Country}> }}
    ?s a ?class FILTER(isIRI(?s)) }} GROUP BY ?class"""
# The countries the data covers, as EU authority IRIs, for the catalog's dct:spatial.
_COUNTRIES = f"""SELECT DISTINCT ?authority WHERE {{
    ?country a <{ATLAS.Country}> ; <{SKOS.exactMatch}> ?authority
    FILTER(STRSTARTS(STR(?authority), "{EU_COUNTRY}")) }} ORDER BY ?authority"""
_YEARS = f"""SELECT (MIN(?y) AS ?first) (MAX(?y) AS ?last) WHERE {{
    ?x <{ATLAS.signatureYear}>|<{ATLAS.startYear}>|<{ATLAS.year}> ?y }}"""


def link_query(predicate: str, prefix: str | None) -> str:
    """SPARQL: the number of distinct link triples of ``predicate`` (objects under ``prefix``)."""
    where = f'FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{prefix}"))' if prefix else ""
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ ?s <{predicate}> ?o {where} }} }}"


def compute_stats(store: ox.Store, links_state: dict | None = None) -> dict:
    """The statistics asked of the store; the dumps count the others (see _QUERIES).
    ``links_state``: the generation's ``state["links"]`` (the authorities' versions), if linked."""

    def run(query):
        return store.query(query, use_default_graph_as_union=True)

    stats: dict = {"modified": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    for key, query in _SCALARS.items():
        stats[key] = int(next(iter(run(query)))["n"].value)
    for key, query in _QUERIES.items():
        stats[key] = {row["key"].value: int(row["n"].value) for row in run(query)}
    years = next(iter(run(_YEARS)))
    if years["first"] is not None:
        stats["temporal"] = [years["first"].value[:4], years["last"].value[:4]]
    stats["partnerships"] = stats["classes"].get(str(ATLAS.Partnership), 0)
    examples = {row["class"].value: row["example"].value for row in run(_EXAMPLES) if row["example"] is not None}
    stats["examples"] = [examples[str(c)] for c in (ATLAS.Partnership, ATLAS.Collectivity, ATLAS.Country)
                         if str(c) in examples]
    stats["countries"] = [row["authority"].value for row in run(_COUNTRIES)]
    stats["links"] = {authority: {predicate: int(next(iter(run(link_query(predicate, prefix))))["n"].value)
                                  for predicate, prefix in predicates}
                      for authority, predicates in LINK_PREDICATES.items()}
    stats["link_authorities"] = dict((links_state or {}).get("authorities") or {})
    return stats
