"""Link triples of the shape "Linked to the world" gives (CONTRACT §1, Links), added to a
running server's store by SPARQL Update, for the tests of the faceted search and the map.

They are written next to whatever links the loader made, for the collectivities it left without
coordinates, département or région (a place with two sets of coordinates is not placed): the
tests compare the site's counts with SPARQL counts on the same store, so they hold whether or
not the real links are there too.
The INSEE codes and coordinates of the real places are real; synthetic French collectivities
get départements in turn.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from support.commands import load, run_atlas_graph
from support.live_server import ServeProcess
from support.paths import ALL_RECORDS

GRAPH = "urn:test:links"
TOKEN = "explore-token"
PREFIXES = ("PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "PREFIX wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#>\n"
            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n")
#: département code → (name, région code)
DEPARTMENTS = {"79": ("Deux-Sèvres", "75"), "86": ("Vienne", "75"), "35": ("Ille-et-Vilaine", "53"),
               "2A": ("Corse-du-Sud", "94")}
REGIONS = {"75": "Nouvelle-Aquitaine", "53": "Bretagne", "94": "Corse"}
#: (latitude, longitude) of the département towns the synthetic collectivities are put near
CENTRES = {"79": (46.32, -0.46), "86": (46.58, 0.34), "35": (48.11, -1.68), "2A": (41.92, 8.74)}


def add_links(server: ServeProcess, token: str) -> dict[str, int]:
    """Département, région and coordinates for most French collectivities, coordinates for most
    foreign ones, by one SPARQL Update; what was added, counted."""
    rows = server.select(f"""PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>
        SELECT DISTINCT ?c ?french ?placed ?administered WHERE {{ ?c a atlas:Collectivity .
          FILTER(STRSTARTS(STR(?c), "{server.base}id/collectivity/"))
          BIND(EXISTS {{ ?c a atlas:FrenchCollectivity }} AS ?french)
          BIND(EXISTS {{ ?c <http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?lat }} AS ?placed)
          BIND(EXISTS {{ ?c atlas:department|atlas:region ?node }} AS ?administered) }} ORDER BY ?c""")
    update, added = link_update(server.base, [(r["c"]["value"], r["french"]["value"] == "true",
                                               r["placed"]["value"] == "true", r["administered"]["value"] == "true")
                                              for r in rows])
    reply = server.request("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded",
                                               "Authorization": f"Bearer {token}"},
                           urlencode({"update": update}).encode())
    assert reply.status in (200, 204), reply.text
    return added


def link_update(base: str, collectivities: list[tuple[str, bool, bool, bool]]) -> tuple[str, dict[str, int]]:
    """The SPARQL Update that links ``collectivities`` (IRI, French?, has coordinates?, has a
    département or région?): what they lack only; and what it adds, counted."""
    triples = []
    for code, (name, region) in DEPARTMENTS.items():
        triples.append(f'<{base}id/department/{code}> atlas:inseeCode "{code}" ; skos:prefLabel "{name}"@fr ; '
                       f'atlas:region <{base}id/region/{region}> .')
    for code, name in REGIONS.items():
        triples.append(f'<{base}id/region/{code}> atlas:inseeCode "{code}" ; skos:prefLabel "{name}"@fr .')
    added = {"french": 0, "foreign": 0, "department_partners": 0, "points": 0}
    codes = list(DEPARTMENTS)
    for n, (iri, french, placed, administered) in enumerate(collectivities):
        if n % 5 == 4 and not iri.endswith(("/fr/bressuire", "/tg/kpalime")):
            continue  # some collectivities stay unlinked, as in real data
        if french:
            code = "79" if iri.endswith("/fr/bressuire") else codes[n % len(codes)]
            latitude, longitude = CENTRES[code]
            latitude, longitude = latitude + (n % 7) * 0.05, longitude + (n % 3) * 0.05
            if not administered and "conseil-departemental" in iri:
                triples.append(f'<{iri}> atlas:department <{base}id/department/{code}> .')
                added["department_partners"] += 1
                added["french"] += 1
            elif not administered:
                insee = (code + f"{n:03d}")[:5]
                triples.append(f'<{iri}> atlas:inseeCode "{insee}" ; atlas:department <{base}id/department/{code}> ; '
                               f'atlas:region <{base}id/region/{DEPARTMENTS[code][1]}> .')
                added["french"] += 1
        else:
            latitude, longitude = 12.65 - (n % 23) * 0.9, -8.0 + (n % 31) * 1.3
            if not placed:
                triples.append(f'<{iri}> skos:exactMatch <https://sws.geonames.org/{2000000 + n}/> .')
                added["foreign"] += 1
        if not placed:
            triples.append(f'<{iri}> wgs84:lat "{latitude:.4f}"^^xsd:decimal ; '
                           f'wgs84:long "{longitude:.4f}"^^xsd:decimal .')
            added["points"] += 1
    update = PREFIXES + f"INSERT DATA {{ GRAPH <{GRAPH}> {{\n" + "\n".join(triples) + "\n} }"
    return update, added


def explore_server(folder: Path, synthetic: int = 240) -> ServeProcess:
    """A started server over ``synthetic`` synthetic pages, the real page and the test records,
    with :func:`add_links`' triples: the store the faceted search, exports and map are tested on."""
    pages = folder / "synth"
    run_atlas_graph("synth", "--count", str(synthetic), "--seed", "13", "-q", "-o", str(pages))
    server = ServeProcess(folder / "store", folder / "server.log", "--update-token", TOKEN)
    load(server.store, server.base, [pages, *ALL_RECORDS])
    server.start()
    add_links(server, TOKEN)
    return server
