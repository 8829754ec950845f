"""Issue 12, done when: the links are triples of the graph, after ``convert`` and after ``load``
(SPARQL on the store), curated with ``--links``, and re-linked incrementally.

The real page: Bressuire (commune 79049, SIREN 217900497, département 79, région 75),
Région Poitou-Charentes (former région 54, replaced by 75), Kpalime (GeoNames 2365560, with
coordinates) and Togo (GeoNames 2363686).
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pyoxigraph as ox
import pytest

from atlas_graph.cli.main import main
from atlas_graph.ingest.pipeline import convert_files, record_files, to_graph
from atlas_graph.link.authorities import Authorities, load_authorities
from atlas_graph.link.names import Kind
from atlas_graph.link.reconcile import Entity, Linker
from atlas_graph.store.generations import StoreDir
from atlas_graph.uris import URIs
from atlas_graph.vocabulary import sparql_prefixes
from support.live_server import ServeProcess

B = "http://localhost:8000/"
ENTITIES = f"<{B}graph/entities>"
PREFIXES = sparql_prefixes("atlas", "dct", "skos", "wgs84", "geo", "xsd")
BRESSUIRE = f"<{B}id/collectivity/fr/bressuire>"
KPALIME = f"<{B}id/collectivity/tg/kpalime>"
POITOU_CHARENTES = f"<{B}id/organization/region-poitou-charentes>"


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT over the union of the graphs, each term as its value."""
    rows = store.query(PREFIXES + query, use_default_graph_as_union=True)
    return sorted(tuple(term.value for term in row) for row in rows)


def convert_store(run, inputs: list[Path], output: Path, *options: str) -> tuple[ox.Store, str]:
    """``atlas-graph convert INPUTS -o OUTPUT.nq``, read back into a store; and its stderr."""
    done = run(["convert", *map(str, inputs), "-o", str(output), *options])
    assert done.status == 0, done.err
    store = ox.Store()
    store.load(path=str(output), format=ox.RdfFormat.N_QUADS)
    return store, done.err


class Done:
    def __init__(self, status: int, out: str, err: str):
        self.status, self.out, self.err = status, out, err


@pytest.fixture
def run(capsys):
    """``main(argv)`` in this process, with what it printed."""

    def run_main(argv: list[str]) -> Done:
        status = main(argv)
        captured = capsys.readouterr()
        return Done(status, captured.out, captured.err)

    return run_main


@pytest.fixture
def converted(real_page, tmp_path, run) -> ox.Store:
    done = run(["convert", str(real_page.parent), "-o", str(tmp_path / "out.nq")])
    assert done.status == 0, done.err
    store = ox.Store()
    store.load(path=str(tmp_path / "out.nq"), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture
def loaded(real_page, tmp_path, run) -> ox.Store:
    done = run(["load", str(real_page.parent), "--store", str(tmp_path / "store"), "--base-uri", B])
    assert done.status == 0, done.err
    return StoreDir(tmp_path / "store").reader().store


@pytest.fixture(params=["convert", "load"])
def graph(request) -> ox.Store:
    """The real page's graph, written by convert and read back, or loaded and queried in the store."""
    return request.getfixturevalue("converted" if request.param == "convert" else "loaded")


# the real page --------------------------------------------------------------------------------


def test_bressuire_has_its_insee_code_siren_departement_and_region(graph):
    assert select(graph, f"""
        SELECT ?insee ?siren ?department ?region {{
          GRAPH {ENTITIES} {{
            {BRESSUIRE} atlas:inseeCode ?insee ; atlas:siren ?siren ;
                atlas:department/atlas:inseeCode ?department ; atlas:region/atlas:inseeCode ?region .
          }}
        }}""") == [("79049", "217900497", "79", "75")]


def test_the_departement_and_region_nodes_are_named_and_typed(graph):
    assert select(graph, f"""
        SELECT ?department ?name ?region {{
          {BRESSUIRE} atlas:department ?d .
          ?d a atlas:FrenchCollectivity ; atlas:inseeCode ?department ; skos:prefLabel ?name ;
             atlas:region/atlas:inseeCode ?region .
        }}""") == [("79", "Deux-Sèvres", "75")]
    assert select(graph, f"""
        SELECT ?region ?name {{
          {BRESSUIRE} atlas:region ?r . ?r a atlas:FrenchCollectivity ; atlas:inseeCode ?region ; skos:prefLabel ?name .
        }}""") == [("75", "Nouvelle-Aquitaine")]
    # only the nodes the graph points to: neither the former région 54 nor any other
    assert select(graph, f"""
        SELECT ?node {{ ?node atlas:inseeCode ?code FILTER STRSTARTS(STR(?node), "{B}id/region/") }}""") == [
        (f"{B}id/region/75",)]


def test_region_poitou_charentes_is_replaced_by_nouvelle_aquitaine(graph):
    assert select(graph, f"""
        SELECT ?code ?successor ?current {{
          {POITOU_CHARENTES} atlas:inseeCode ?code ; dct:isReplacedBy/atlas:inseeCode ?successor ;
              atlas:region/atlas:inseeCode ?current .
        }}""") == [("54", "75", "75")]


def test_kpalime_is_its_geonames_place_with_coordinates_and_a_point(graph):
    assert select(graph, f"""
        SELECT ?match ?lat ?long ?wkt {{
          {KPALIME} skos:exactMatch ?match ; wgs84:lat ?lat ; wgs84:long ?long ; geo:hasGeometry ?point .
          ?point a geo:Geometry ; geo:asWKT ?wkt .
          FILTER (datatype(?lat) = xsd:decimal && datatype(?long) = xsd:decimal && datatype(?wkt) = geo:wktLiteral)
        }}""") == [("https://sws.geonames.org/2365560/", "6.9", "0.63333", "POINT(0.63333 6.9)")]


def test_togo_and_france_are_their_geonames_countries(graph):
    assert select(graph, """
        SELECT ?country ?match {
          ?country atlas:isoCode ?iso ; skos:exactMatch ?match FILTER STRSTARTS(STR(?match), "https://sws.geonames.org/")
        }""") == [(f"{B}id/country/fr", "https://sws.geonames.org/3017382/"),
                   (f"{B}id/country/tg", "https://sws.geonames.org/2363686/")]


def test_the_links_are_in_the_entities_graph_only(graph):
    assert select(graph, """
        SELECT DISTINCT ?g { GRAPH ?g { ?s atlas:inseeCode|atlas:siren|skos:exactMatch|wgs84:lat ?o } }""") == [
        (f"{B}graph/entities",)]


# curated decisions -----------------------------------------------------------------------------


@pytest.fixture
def homonyms_page(real_page: Path, tmp_path: Path) -> Path:
    """The real page with Saint-Denis (several communes) as its French partner."""
    text = real_page.read_text(encoding="utf-8").replace("Bressuire | ![]() |", "Saint-Denis | ![]() |")
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "saint_denis.txt").write_text(text, encoding="utf-8")
    return folder / "saint_denis.txt"


SAINT_DENIS = f"<{B}id/collectivity/fr/saint-denis>"
LINKS_OF = """SELECT ?p ?o {{ {node} ?p ?o FILTER (?p IN (atlas:inseeCode, atlas:siren, atlas:department,
                                                     atlas:region, skos:exactMatch, wgs84:lat, wgs84:long,
                                                     geo:hasGeometry)) }}"""


def test_an_ambiguous_name_is_not_linked_and_is_a_notice(homonyms_page, tmp_path, run):
    store, err = convert_store(run, [homonyms_page], tmp_path / "out.nq")
    assert select(store, LINKS_OF.format(node=SAINT_DENIS)) == []
    notices = [line for line in err.splitlines() if line.startswith("notice: links: ")]
    assert notices[0].startswith("notice: links: 5 entities: 4 linked")
    assert any("FR 'Saint-Denis' (commune): ambiguous in insee, not linked; candidates: " in line and
               "… and " in line for line in notices), notices
    assert "atlas-graph links INPUT... -o report.csv" in notices[-1]


def test_a_curated_file_fixes_an_ambiguous_name_and_blocks_a_wrong_one(homonyms_page, tmp_path, run):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("country,name,authority,identifier\nFR,SAINT DENIS,insee,93066\nTG,Kpalimé,geonames,\n",
                         encoding="utf-8")
    store, err = convert_store(run, [homonyms_page], tmp_path / "out.nq", "--links", str(decisions))
    assert select(store, f"""SELECT ?insee ?department {{
        {SAINT_DENIS} atlas:inseeCode ?insee ; atlas:department/atlas:inseeCode ?department }}""") == [
        ("93066", "93")]
    assert select(store, LINKS_OF.format(node=KPALIME)) == []
    assert select(store, f"SELECT ?p {{ <{B}id/collectivity/tg/kpalime/geometry> ?p ?o }}") == []
    assert "notice: links:" not in err  # every name is linked or decided


def test_a_links_file_with_errors_is_a_usage_error_and_nothing_is_written(real_page, tmp_path, run):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("country,name,authority,identifier\nFR,Bressuire,insee,99999\n", encoding="utf-8")
    for argv, written in ((["convert", str(real_page), "-o", str(tmp_path / "out.ttl")], tmp_path / "out.ttl"),
                          (["load", str(real_page), "--store", str(tmp_path / "store")], tmp_path / "store")):
        done = run([*argv, "--links", str(decisions)])
        assert done.status == 2
        assert f"{decisions}:2: unknown identifier '99999': no commune has this INSEE code" in done.err
        assert not written.exists()


def test_a_missing_authorities_file_fails_the_verbs_as_a_whole(real_page, tmp_path, run, monkeypatch):
    missing = Authorities(tmp_path / "missing.sqlite")
    for module in ("convert", "load", "serve"):
        monkeypatch.setattr(f"atlas_graph.cli.{module}.load_authorities", lambda: missing)
    for argv, written in ((["convert", str(real_page), "-o", str(tmp_path / "out.ttl")], tmp_path / "out.ttl"),
                          (["load", str(real_page), "--store", str(tmp_path / "store")],
                           tmp_path / "store" / "current"),
                          (["serve", "--records", str(real_page.parent), "--store", str(tmp_path / "served")],
                           tmp_path / "served" / "current")):
        done = run(argv)
        assert done.status == 3, done.err
        assert "the authorities file is missing; it is built at install time" in done.err
        assert "scripts/build-authorities.py" in done.err
        assert not written.exists()


# incremental load ------------------------------------------------------------------------------


def graphs(store_dir: Path) -> dict[str, set[str]]:
    """Each named graph of the current generation → its triples (N-Triples lines)."""
    store = StoreDir(store_dir).reader().store
    found: dict[str, set[str]] = {}
    for quad in store:
        found.setdefault(quad.graph_name.value, set()).add(str(ox.Triple(quad.subject, quad.predicate, quad.object)))
    return found


def test_a_changed_links_file_relinks_exactly_the_entities_it_touches(homonyms_page, real_page, tmp_path, run):
    records = homonyms_page.parent
    (records / real_page.name).write_bytes(real_page.read_bytes())  # Bressuire's page, and Saint-Denis's
    store = tmp_path / "store"
    assert run(["load", str(records), "--store", str(store), "--base-uri", B]).status == 0
    before = graphs(store)

    decisions = tmp_path / "decisions.csv"
    decisions.write_text("country,name,authority,identifier\nFR,Saint-Denis,insee,93066\nFR,Bressuire,insee,\n",
                         encoding="utf-8")
    done = run(["load", str(records), "--store", str(store), "--base-uri", B, "--links", str(decisions)])
    assert done.status == 0, done.err
    assert "0 converted, 0 rejected, 2 unchanged" in done.err  # the records were not read again
    after = graphs(store)

    entities = f"{B}graph/entities"
    assert {g: t for g, t in after.items() if g != entities} == {g: t for g, t in before.items() if g != entities}
    changed_subjects = {line.split(" ", 1)[0] for line in before[entities] ^ after[entities]}
    # Bressuire loses its links, and the département 79 its node (Bressuire alone pointed to it);
    # Saint-Denis gains its links, and the nodes of its département 93 and région 11
    assert changed_subjects == {BRESSUIRE, f"<{B}id/department/79>",
                                SAINT_DENIS, f"<{B}id/department/93>", f"<{B}id/region/11>"}
    assert f'{SAINT_DENIS} <https://w3id.org/atlas-coop/ontology#inseeCode> "93066"' in after[entities]
    assert not any(line.startswith(f"{BRESSUIRE} <https://w3id.org/atlas-coop/ontology#inseeCode>")
                   for line in after[entities])
    # the région 75 stays: Poitou-Charentes still points to it
    assert f"<{B}id/region/75>" in {line.split(" ", 1)[0] for line in after[entities]}

    state = StoreDir(store).state()["links"]
    assert len(state["links_file_sha256"]) == 64 and set(state["authorities"]) == {"geonames", "insee"}
    target = StoreDir(store).current_target()
    again = run(["load", str(records), "--store", str(store), "--base-uri", B, "--links", str(decisions)])
    assert again.status == 0, again.err
    assert StoreDir(store).current_target() == target  # the same decisions: nothing to do, no new generation


# the linker --------------------------------------------------------------------------------------


def test_the_linker_reconciles_each_entity_once_and_travels_as_its_path():
    linker = Linker(load_authorities())
    kpalime = Entity("TG", "Kpalime", Kind.PLACE, f"{B}id/collectivity/tg/kpalime")
    assert linker.links(kpalime) is linker.links(kpalime)
    copy = pickle.loads(pickle.dumps(linker))
    assert copy.authorities.path == linker.authorities.path
    assert [link.target.identifier for link in copy.links(kpalime)] == ["2365560"]


def test_without_a_linker_the_graph_has_no_links(real_page):
    """The library's switch (the benchmark measures linking on and off): None, no links."""
    uris = URIs(B)
    batch = convert_files(record_files([real_page]), uris)
    plain, linked = to_graph(batch, uris), to_graph(batch, uris, Linker(load_authorities()))
    assert set(plain) < set(linked)
    ask = PREFIXES + "ASK { ?s atlas:inseeCode|atlas:siren|wgs84:lat|geo:hasGeometry ?o }"
    assert plain.query(ask).askAnswer is False and linked.query(ask).askAnswer is True


# dereferenced --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, code, name", [("department/79", "79", "Deux-Sèvres"),
                                              ("region/75", "75", "Nouvelle-Aquitaine")])
def test_the_departement_and_region_nodes_dereference_like_the_other_entities(atlas_server, path, code, name):
    reply = atlas_server.get(f"/data/{path}.nt")
    assert reply.status == 200, reply.text
    node = f"<{atlas_server.base}id/{path}>"
    assert f'{node} <https://w3id.org/atlas-coop/ontology#inseeCode> "{code}" .' in reply.text
    assert f'{node} <http://www.w3.org/2004/02/skos/core#prefLabel> "{name}"@fr .' in reply.text
    assert f"<{atlas_server.base}id/collectivity/fr/bressuire> <https://w3id.org/atlas-coop/ontology#" in reply.text
    assert atlas_server.get(f"/id/{path}", {"Accept": "text/turtle"}).status == 303
    page = atlas_server.get(f"/page/{path}")
    assert page.status == 200 and name in page.text


def test_a_places_description_holds_its_point(atlas_server):
    reply = atlas_server.get("/data/collectivity/tg/kpalime.nt")
    assert reply.status == 200, reply.text
    geometry = f"<{atlas_server.base}id/collectivity/tg/kpalime/geometry>"
    assert f"{geometry} <http://www.opengis.net/ont/geosparql#asWKT> " \
           '"POINT(0.63333 6.9)"^^<http://www.opengis.net/ont/geosparql#wktLiteral> .' in reply.text
    assert atlas_server.get("/data/collectivity/tg/kpalime/geometry.nt").status == 200


def test_serve_records_links_with_the_curated_decisions(homonyms_page, tmp_path):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("country,name,authority,identifier\nFR,Saint-Denis,insee,97411\n", encoding="utf-8")
    server = ServeProcess(tmp_path / "store", tmp_path / "server.log", "--records", str(homonyms_page.parent),
                          "--links", str(decisions))
    server.start()
    try:
        rows = server.select(sparql_prefixes("atlas") + """
            SELECT ?insee ?department { ?c atlas:inseeCode ?insee ; atlas:department/atlas:inseeCode ?department }""")
    finally:
        server.stop()
    assert [(row["insee"]["value"], row["department"]["value"]) for row in rows] == [("97411", "974")]


def test_serve_checks_the_links_file_before_anything(homonyms_page, tmp_path, run):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("country,name,authority,identifier\nFR,Saint-Denis,insee\n", encoding="utf-8")
    done = run(["serve", "--records", str(homonyms_page.parent), "--store", str(tmp_path / "store"),
                "--links", str(decisions)])
    assert done.status == 2 and f"{decisions}:2: expected 4 fields" in done.err
    assert not (tmp_path / "store").exists()
    done = run(["serve", "--store", str(tmp_path / "store"), "--links", str(decisions)])
    assert done.status == 2 and "--links applies to the records loaded before serving" in done.err
