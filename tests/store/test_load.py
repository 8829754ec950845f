"""atlas-graph load: incremental (unchanged skipped, changed replaced), --prune, totals that
match the synthetic generator's own bookkeeping, per-record rejection, the summary line.

Sixty synthetic pages and the real capture, loaded into a fresh store per test.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDFS, Literal

from atlas_graph.ingest.pipeline import record_files
from atlas_graph.store.generations import SITE_CHECKPOINT_PREFIX, StoreDir
from atlas_graph.store.loader import load
from atlas_graph.synth.corpus import MANIFEST_NAME, write_corpus
from atlas_graph.uris import URIs

BASE = "http://localhost:8000/"
SEED = 7
COUNT = 60
ATLAS = "https://w3id.org/atlas-coop/ontology#"


@pytest.fixture(scope="module")
def synth_corpus(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("synth")
    write_corpus(directory, COUNT, SEED)
    return directory


@pytest.fixture
def records(tmp_path, synth_corpus, real_page) -> Path:
    """A folder of the 60 synthetic pages and the real page, this test's own copy."""
    folder = tmp_path / "records"
    shutil.copytree(synth_corpus, folder, ignore=shutil.ignore_patterns(MANIFEST_NAME))
    shutil.copy(real_page, folder)
    return folder


@pytest.fixture
def manifest(synth_corpus) -> dict:
    return json.loads((synth_corpus / MANIFEST_NAME).read_text("utf-8"))


def _load(records: Path, store: Path, prune: bool = False):
    return load(record_files([records]), StoreDir(store), URIs(BASE), prune=prune)


def _select(store: Path, query: str) -> list[dict]:
    """Rows of a SELECT over the union of the current generation's graphs, as plain values."""
    generation = StoreDir(store).reader()
    rows = generation.store.query(f"PREFIX atlas: <{ATLAS}> PREFIX dct: <http://purl.org/dc/terms/> {query}",
                                  use_default_graph_as_union=True)
    return [{v.value: row[v].value for v in rows.variables if row[v] is not None} for row in rows]


def _quads(store: Path) -> set[ox.Quad]:
    return set(StoreDir(store).reader().store)


def _title_of(page: Path) -> str:
    lines = page.read_text("utf-8-sig").splitlines()
    return lines[lines.index("Titre") + 1]


def test_first_load_stores_every_record(records, tmp_path):
    summary = _load(records, tmp_path / "store")
    assert (summary.converted, summary.rejected, summary.unchanged, summary.removed) == (COUNT + 1, 0, 0, 0)
    assert _select(tmp_path / "store",
                   "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?p a atlas:Partnership } }") \
        == [{"n": str(COUNT + 1)}]


def test_reload_of_unchanged_records_changes_nothing(records, tmp_path):
    store = tmp_path / "store"
    first = _load(records, store)
    before = _quads(store)
    second = _load(records, store)
    assert (second.converted, second.rejected, second.unchanged, second.removed) == (0, 0, COUNT + 1, 0)
    assert second.generation == first.generation  # no new generation was even written
    assert second.triples == first.triples
    assert _quads(store) == before


def test_changed_record_is_replaced_not_duplicated(records, tmp_path):
    store = tmp_path / "store"
    first = _load(records, store)
    graph = f"{BASE}graph/partnership/SYNTH-{SEED}-000005"
    in_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    graph_size = _select(store, in_graph)
    page = records / "synth_000005.txt"
    old_title = _title_of(page)
    new_title = "Un titre changé pour le test [synthétique]"
    page.write_text(page.read_text("utf-8-sig").replace(old_title, new_title), "utf-8")

    second = _load(records, store)
    assert (second.converted, second.unchanged) == (1, COUNT)
    assert second.generation != first.generation
    partnership = f"{BASE}id/partnership/SYNTH-{SEED}-000005"
    assert _select(store, f"SELECT ?t WHERE {{ <{partnership}> dct:title ?t }}") == [{"t": new_title}]
    assert not _ask(store, f'?s ?p "{old_title}"@fr')
    # one title for another: nothing added, nothing left behind
    assert _select(store, in_graph) == graph_size
    assert second.triples == first.triples


def test_records_loaded_from_a_moved_folder_replace_their_earlier_captures(records, tmp_path):
    store = tmp_path / "store"
    first = _load(records, store)
    moved = tmp_path / "moved"
    records.rename(moved)
    second = _load(moved, store)
    assert (second.converted, second.rejected, second.removed) == (COUNT + 1, 0, 0), second.problems
    assert second.triples == first.triples
    assert _select(store, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a atlas:Partnership }") == [{"n": str(COUNT + 1)}]


def test_two_captures_of_one_record_in_one_load_keep_the_first(records, tmp_path):
    shutil.copy(records / "synth_000005.txt", records / "zz_copy_of_5.txt")
    summary = _load(records, tmp_path / "store")
    assert (summary.converted, summary.rejected) == (COUNT + 1, 1)
    assert any("same record id" in problem.message and problem.file.endswith("zz_copy_of_5.txt")
               for problem in summary.problems)


def _ask(store: Path, pattern: str) -> bool:
    return bool(StoreDir(store).reader().store.query(f"ASK {{ {pattern} }}", use_default_graph_as_union=True))


def test_prune_removes_a_record_and_the_entities_only_it_named(records, tmp_path, manifest):
    store = tmp_path / "store"
    _load(records, store)
    pages = manifest["files"]
    named_by: dict[str, list[str]] = {}
    for page in pages:
        for partner in page["foreign_partners"]:
            named_by.setdefault(f"{partner['country'].lower()}/{partner['key']}", []).append(page["file"])
    # a page whose foreign partner no other page names
    page, only_here = next((p, key) for p in pages for key in
                           (f"{f['country'].lower()}/{f['key']}" for f in p["foreign_partners"])
                           if named_by[key] == [p["file"]])
    entity = f"{BASE}id/collectivity/{only_here}"
    graph = f"{BASE}graph/partnership/{page['record_id']}"
    assert _ask(store, f"<{entity}> ?p ?o") and _ask(store, f"GRAPH <{graph}> {{ ?s ?p ?o }}")
    (records / page["file"]).unlink()

    kept = _load(records, store)  # without --prune a record stays when its file goes
    assert kept.removed == 0 and _ask(store, f"GRAPH <{graph}> {{ ?s ?p ?o }}")

    pruned = _load(records, store, prune=True)
    assert (pruned.removed, pruned.converted, pruned.unchanged) == (1, 0, COUNT)
    assert not _ask(store, f"GRAPH <{graph}> {{ ?s ?p ?o }}")
    assert not _ask(store, f"<{entity}> ?p ?o")
    assert not _ask(store, f"?s ?p <{entity}>")
    assert _ask(store, f"<{BASE}id/country/fr> ?p ?o")  # still named by the others


def test_totals_by_sparql_equal_the_generators_bookkeeping(records, tmp_path, manifest):
    store = tmp_path / "store"
    _load(records, store)
    totals = manifest["totals"]
    synthetic = "?p a atlas:Partnership ; atlas:synthetic true ."
    [row] = _select(store, f"SELECT (COUNT(?p) AS ?n) WHERE {{ {synthetic} }}")
    assert int(row["n"]) == totals["records"] == COUNT
    [row] = _select(store, f"SELECT (COUNT(?f) AS ?rows) (SUM(?a) AS ?sum) WHERE {{ {synthetic} "
                           "?p atlas:funding ?f . OPTIONAL { ?f atlas:amount ?a } }")
    assert int(row["rows"]) == totals["funding_rows"]
    assert Decimal(row["sum"]) == Decimal(totals["amount_sum"])
    rows = _select(store, f"""SELECT ?iso (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {synthetic}
        ?p atlas:foreignPartner/atlas:country/atlas:isoCode ?iso }} GROUP BY ?iso""")
    assert {row["iso"]: int(row["n"]) for row in rows} == totals["partnerships_per_country"]


def test_a_record_that_violates_the_shapes_is_rejected_and_the_rest_load(records, tmp_path):
    """The page gives the partnership's own URI as its address: the partnership would then be
    its own prov:Entity source with two dct:identifier — a SHACL violation, not a parse error."""
    page = records / "synth_000003.txt"
    record_id = f"SYNTH-{SEED}-000003"
    text = page.read_text("utf-8-sig")
    text = re.sub(rf"{record_id}\r?\n", f"{record_id}\nAdresse de la page\n{BASE}id/partnership/{record_id}\n",
                  text, count=1)
    page.write_text(text, "utf-8")

    store = tmp_path / "store"
    summary = _load(records, store)
    assert (summary.converted, summary.rejected) == (COUNT, 1)
    assert any(p.file.endswith("synth_000003.txt") and "SHACL" in p.message for p in summary.problems)
    assert not _ask(store, f"<{BASE}id/partnership/{record_id}> ?p ?o")
    assert _ask(store, f"<{BASE}id/partnership/SYNTH-{SEED}-000004> a <{ATLAS}Partnership>")


def test_cli_prints_the_summary_line(records, tmp_path, atlas_graph_cli):
    store = tmp_path / "store"
    first = atlas_graph_cli("load", records, "--store", store)
    assert first.returncode == 0, first.stderr
    assert re.search(rf"^{COUNT + 1} converted, 0 rejected, 0 unchanged, 0 removed; \d+ triples in .*"
                     r"\(generation generations/000001\); [\d.]+ s, [\d,]+ records/s$", first.stderr, re.M)
    again = atlas_graph_cli("load", records, "--store", store)
    assert re.search(rf"^0 converted, 0 rejected, {COUNT + 1} unchanged, 0 removed; .*generations/000001\)",
                     again.stderr, re.M)


def test_state_json_stays_small_and_records_json_holds_the_bookkeeping(records, tmp_path):
    """Commands that only want the base URI read state.json: it must not grow with the records."""
    store = tmp_path / "store"
    _load(records, store)
    current = store / "current"
    state = json.loads((current / "state.json").read_text("utf-8"))
    assert state == {"base_uri": BASE, "include_contacts": False}
    bookkeeping = json.loads((current / "records.json").read_text("utf-8"))
    assert len(bookkeeping["records"]) == COUNT + 1
    assert all(len(entry["sha256"]) == 64 and entry["mentions"] for entry in bookkeeping["records"].values())
    table = bookkeeping["mentions"]  # each distinct mention once, records point into it
    assert len(table) == len({tuple(m) for m in table})
    assert all(0 <= i < len(table) for entry in bookkeeping["records"].values() for i in entry["mentions"])


def test_an_update_generation_keeps_the_loaders_bookkeeping(records, tmp_path):
    store = tmp_path / "store"
    _load(records, store)
    with StoreDir(store).writer() as generation:  # what a SPARQL Update through the server does
        generation.store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }")
    again = _load(records, store)
    assert (again.converted, again.unchanged, again.removed) == (0, COUNT + 1, 0)


def _chunk(paths: list[Path]):
    """What load's workers hold for a chunk: (path, sha, mapped record, problems), the
    entities' triples, and an in-memory store of both."""
    from atlas_graph.ingest.mapping import entity_triples, map_record
    from atlas_graph.ingest.parse import parse_bytes
    from atlas_graph.oxi import quads

    uris = URIs(BASE)
    mapped = [(str(p), "", map_record(parse_bytes(p.read_bytes(), source=str(p), stem=p.stem).record, uris), ())
              for p in paths]
    entities = entity_triples((mention for _, _, m, _ in mapped for mention in m.mentions), uris)
    chunk = ox.Store()
    for _, _, m, _ in mapped:
        chunk.extend(quads(m.triples, m.graph))
    chunk.extend(quads(entities, uris.entities_graph()))
    return mapped, entities, chunk


def test_the_fast_check_passes_a_valid_chunk_and_hands_a_broken_one_to_pyshacl(records):
    """load validates a chunk with the shapes compiled into SPARQL; only when that finds
    something (or records share nodes) does pyshacl run to say which record is at fault."""
    from atlas_graph.store.loader import _conforms_together, _violations_by_record

    paths = sorted(records.glob("synth_*.txt"))
    mapped, entities, chunk = _chunk(paths)
    assert _conforms_together(mapped, entities, chunk)
    path, sha, first, problems = mapped[0]  # a record that also describes an entity it names
    country = next(s for s, p, o in entities if str(s).endswith("/id/country/fr"))
    describing = replace(first, triples=first.triples + ((country, RDFS.comment, Literal("note")),))
    assert not _conforms_together([(path, sha, describing, problems), *mapped[1:]], entities, chunk)
    broken = records / "synth_000007.txt"
    broken.write_text(broken.read_text("utf-8").replace(f"SYNTH-{SEED}-000007", f"SYNTH-{SEED}-000008"), "utf-8")
    mapped, entities, chunk = _chunk(paths)  # two records now describe one partnership
    assert not _conforms_together(mapped, entities, chunk)
    faulty = [Path(path).name
              for (path, *_), found in zip(mapped, _violations_by_record(mapped, entities), strict=True) if found]
    assert faulty == ["synth_000007.txt", "synth_000008.txt"]


def test_dumps_hold_the_stores_data_after_a_fresh_and_an_incremental_load(records, tmp_path):
    """A load into an empty store writes the dumps from what it bulk-loaded, without reading
    the store back; a later load reads the store. Both give exactly the store's data."""
    store = tmp_path / "store"
    _load(records, store)  # fresh: dumps written from the spool
    _assert_dumps_hold_the_store(store)
    (records / "synth_000002.txt").unlink()
    (records / "synth_000003.txt").write_bytes((records / "synth_000003.txt").read_bytes() + b"\n")
    _load(records, store, prune=True)  # incremental: dumps written from the store
    _assert_dumps_hold_the_store(store)


def _assert_dumps_hold_the_store(store: Path) -> None:
    import gzip

    held = StoreDir(store).reader().store
    dumps = store / "current" / "dumps"

    def parsed(name: str, rdf_format: ox.RdfFormat) -> list:
        return list(ox.parse(gzip.decompress((dumps / name).read_bytes()), format=rdf_format))

    quads = parsed("atlas.nq.gz", ox.RdfFormat.N_QUADS)
    assert len(quads) == len(set(quads)) and set(quads) == set(held)
    triples = {quad.triple for quad in held}
    for name, rdf_format in (("atlas.nt.gz", ox.RdfFormat.N_TRIPLES), ("atlas.ttl.gz", ox.RdfFormat.TURTLE)):
        found = [quad.triple for quad in parsed(name, rdf_format)]
        assert len(found) == len(set(found)) and set(found) == triples, name


def test_the_next_writer_removes_what_a_killed_writer_left_beside_the_generations(records, tmp_path):
    """A writer killed mid-load leaves its unfinished generation, and its site data build a
    checkpoint folder beside the generations: the next writer removes both."""
    first = _load(records, tmp_path / "store")
    generations = tmp_path / "store" / "generations"
    abandoned = generations / f"{int(Path(first.generation).name) + 1:06d}"
    abandoned.mkdir()
    (generations / f"{SITE_CHECKPOINT_PREFIX}abc123").mkdir()
    next(records.glob("*.txt")).unlink()
    second = _load(records, tmp_path / "store", prune=True)
    assert second.removed == 1
    assert sorted(p.name for p in generations.iterdir()) == [Path(first.generation).name, abandoned.name]
