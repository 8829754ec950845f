"""atlas-graph synth: deterministic, marked synthetic, realistic, and its manifest tells the truth.

The manifest is checked against an independent reading of the files (plain regular expressions,
not the project's parser), and then against the real parser.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from atlas_graph import countries
from atlas_graph.cli import main
from atlas_graph.ingest.parse import parse_file
from atlas_graph.synth import vocabulary as vocab
from atlas_graph.synth.corpus import (
    MANIFEST_NAME,
    TITLE_SUFFIX,
    build_pools,
    country_spellings,
    page_file_name,
    write_corpus,
)
from atlas_graph.uris import slug

BOM = b"\xef\xbb\xbf"


def _text(path: Path) -> str:
    return path.read_bytes().removeprefix(BOM).decode("utf-8").replace("\r\n", "\n")


def _manifest(directory: Path) -> dict:
    return json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8"))


def _section(text: str, label: str, next_label: str) -> list[str]:
    """The lines between a label and the next one (an independent, naive reading)."""
    lines = text.split("\n")
    start = lines.index(label) + 1
    end = lines.index(next_label, start)
    return lines[start:end]


def _table_rows(lines: list[str]) -> list[list[str]]:
    """Rows below the ``---|`` rule, split into their non-empty cells, flag images left out."""
    rule = next(i for i, line in enumerate(lines) if line.startswith("---|"))
    return [[c.strip() for c in line.split("|") if c.strip() and c.strip() != "![]()"]
            for line in lines[rule + 1:] if "|" in line]


def _amount(text: str) -> Decimal:
    return Decimal(re.sub(r"[ \u00a0]", "", text).replace(",", "."))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("synth500")
    write_corpus(directory, 500, seed=7)
    return directory


@pytest.fixture(scope="module")
def texts(corpus) -> dict[str, str]:
    return {path.name: _text(path) for path in sorted(corpus.glob("synth_*.txt"))}


# --- determinism -------------------------------------------------------------------------------


def _files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_same_seed_gives_byte_identical_files(tmp_path):
    write_corpus(tmp_path / "a", 50, seed=11)
    write_corpus(tmp_path / "b", 50, seed=11)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len(a) == 51  # 50 pages and the manifest
    assert a == b


def test_another_seed_gives_other_pages(tmp_path):
    write_corpus(tmp_path / "a", 50, seed=11)
    write_corpus(tmp_path / "b", 50, seed=12)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys()
    assert sum(a[name] != b[name] for name in a) == 51


def test_output_does_not_depend_on_the_process_hash_seed(tmp_path):
    for hash_seed in ("1", "2"):
        subprocess.run(
            [sys.executable, "-m", "atlas_graph", "synth", "-n", "30", "-o", str(tmp_path / hash_seed), "-q"],
            env={**os.environ, "PYTHONHASHSEED": hash_seed}, check=True)
    assert _files(tmp_path / "1") == _files(tmp_path / "2")


def test_global_random_state_is_neither_used_nor_disturbed(tmp_path):
    random.seed(123)
    expected = random.random()
    random.seed(123)
    write_corpus(tmp_path / "a", 20, seed=1)
    assert random.random() == expected


# --- the page format ---------------------------------------------------------------------------


def test_every_page_is_marked_synthetic(corpus, texts):
    assert len(texts) == 500
    for n, (name, text) in enumerate(sorted(texts.items()), start=1):
        lines = text.split("\n")
        assert name == page_file_name(n)
        assert lines[0].startswith("Atlas français de la coopération décentralisée")
        assert lines[1:3] == ["Identifiant", f"SYNTH-7-{n:06d}"]
        assert lines[3] == "Titre" and lines[4].endswith(TITLE_SUFFIX)


def test_pages_carry_the_real_page_quirks(texts):
    joined = list(texts.values())
    # empty values: a label directly followed by the next label
    assert sum("Sous-sous-thématique d'intervention\nAutres thématiques" in t for t in joined) >= 50
    assert sum("Date de fin du partenariat\nContexte" in t for t in joined) >= 100
    assert sum(bool(re.search(r"\nDate de fin du partenariat\n\d\d/\d\d/\d{4}\nContexte\n", t))
               for t in joined) >= 20
    # pagination debris after the other-themes table, the flag cells
    assert all("\n<<\n< pagination.page.precedent\n1\npagination.page.suivant >\n>>\n" in t for t in joined)
    assert all(re.search(r"^.+ \| .+ \| !\[\]\(\) \|$", t, re.M) for t in joined)
    # empty tables are a header and a bare rule
    assert sum(t.rstrip("\n").endswith("Entité d'affectation |\n---|") for t in joined) > 350
    assert sum(not t.rstrip("\n").endswith("---|") for t in joined) > 20  # some volunteers
    # label variants and the triennial flag
    assert 20 <= sum("Année de première signature de la convention" in t for t in joined) <= 90
    assert 100 <= sum("\nLe partenariat est triennal\n" in t for t in joined) <= 200


def test_texts_repeat_paragraphs_in_about_half_the_texts(texts):
    repeated = total = 0
    for text in texts.values():
        for label, following in (("Contexte", "Historique"), ("Historique", "Objectif du partenariat")):
            lines = _section(text, label, following)
            total += 1
            repeated += len(set(lines)) < len(lines)
    assert 0.35 < repeated / total < 0.65


def test_funding_rows_are_shifted_and_padded_like_the_real_page(texts):
    shapes = Counter()
    for text in texts.values():
        for line in _section(text, "Financement du partenariat", next(
                line for line in text.split("\n") if line.startswith("Volontaires impliqués")))[2:]:
            cells = [c.strip() for c in line.split("|")][:-1]
            filled = [c for c in cells if c]
            assert re.fullmatch(r"\d{4}", filled[-1]), line  # the year is the last filled cell
            shapes["shifted"] += len(filled) < 7  # so it sits under a "1% Eau" column
            shapes["padded"] += line.endswith("||")
            shapes["water"] += len(filled) > 3
            shapes["nbsp"] += "\u00a0" in line
            shapes["space"] += bool(re.search(r"\| \d{1,3} \d{3}", line))
            shapes["comma"] += bool(re.search(r"\d,\d\d \|", line))
    assert shapes["shifted"] > 1000  # every row: at most 5 of the 7 columns are filled
    assert 0.5 < shapes["padded"] / shapes["shifted"] < 0.8
    assert shapes["water"] > 300 and shapes["nbsp"] > 20 and shapes["space"] > 20 and shapes["comma"] > 20


def test_contact_rows_shift_the_email_under_fonction(texts):
    rows = [row for text in texts.values()
            for row in _table_rows(_section(text, "Contacts dans les partenaires étrangers du partenariat",
                                            "Collectivités territoriales partenaires du partenariat"))]
    assert len(rows) > 150
    assert all(row[-1].endswith("@example.org") for row in rows)
    assert sum(len(row) == 4 for row in rows) > 50  # no function: the e-mail is the 4th cell
    assert sum(len(row) == 5 for row in rows) > 50


# --- distributions -----------------------------------------------------------------------------


def test_countries_themes_and_spellings_are_spread_realistically(corpus, texts):
    country_names, partner_names, themes = Counter(), [], set()
    for text in texts.values():
        for name, country in _table_rows(_section(text, "Partenaires étrangers du partenariat",
                                                  "Contacts dans les partenaires étrangers du partenariat")):
            country_names[country] += 1
            partner_names.append(name)
        lines = text.split("\n")
        theme_values = [lines[lines.index(label) + 1] for label in (
            "Thématique d'intervention", "Sous-thématique d'intervention", "Sous-sous-thématique d'intervention")]
        themes.update(v for v in theme_values if not v.startswith(("Sous-", "Autres thématiques")))
    by_code = Counter()
    for name, n in country_names.items():
        by_code[countries.resolve(name).alpha2] += n
    assert len(by_code) >= 20
    top = [code for code, _ in by_code.most_common(3)]
    assert "SN" in top  # Zipf-like: the first countries dominate
    assert by_code["SN"] > 5 * by_code.get("FR", 0) + 40
    assert "Côte d’Ivoire" in country_names or "Vietnam" in country_names
    assert len(themes) >= 15
    capitals = sum(name.isupper() for name in partner_names)
    assert 0.05 < capitals / len(partner_names) < 0.16
    # one collectivity written several ways across records: spellings of one slug (case,
    # accents), and other forms ("St-Denis", "Conseil général de …", an alternate name)
    manifest = _manifest(corpus)
    spellings: dict[str, set[str]] = {}
    forms: dict[str, set[str]] = {}
    for page in manifest["files"]:
        for partner in page["foreign_partners"] + page["french_partners"]:
            assert slug(partner["written"]) == partner["key"]
            spellings.setdefault(partner["key"], set()).add(partner["written"])
            forms.setdefault(partner["name"], set()).add(partner["key"])
    assert sum(len(written) > 1 for written in spellings.values()) > 20
    assert sum(len(keys) > 1 for keys in forms.values()) > 20


def test_some_files_have_crlf_line_ends_or_a_bom(corpus):
    raw = [path.read_bytes() for path in corpus.glob("synth_*.txt")]
    crlf = sum(b"\r\n" in data for data in raw)
    bom = sum(data.startswith(BOM) for data in raw)
    assert 8 <= crlf <= 45 and 2 <= bom <= 25
    assert all(data.count(b"\r\n") == data.count(b"\n") for data in raw if b"\r\n" in data)
    totals = _manifest(corpus)["totals"]
    assert (totals["crlf_files"], totals["bom_files"]) == (crlf, bom)


def test_every_country_spelling_resolves_to_its_own_country():
    spellings = country_spellings()
    assert 130 <= len(spellings) <= 150
    for code, names in spellings.items():
        for name in names:
            resolved = countries.resolve(name)
            assert resolved is not None and resolved.alpha2 == code, (code, name)


def test_every_country_written_in_the_pages_resolves(corpus):
    for page in _manifest(corpus)["files"]:
        for partner in page["foreign_partners"]:
            assert countries.resolve(partner["country_written"]).alpha2 == partner["country"]


def test_pool_names_never_share_a_slug():
    pools = build_pools(random.Random(3), 3000)
    assert len(pools.french) == 1350 and len(pools.foreign) == 4500
    names = [p.name for p in pools.french + pools.foreign] + list(pools.organisations)
    names += [vocab.MINISTRY, vocab.OTHER_FUNDER]
    assert len({slug(name) for name in names}) == len(names)
    assert any("é" in name or "è" in name for name in names)
    assert any(name.startswith("Saint-") for name in names)


# --- the manifest against the files ------------------------------------------------------------


def test_manifest_totals_match_an_independent_reading_of_the_files(corpus, texts):
    manifest = _manifest(corpus)
    assert manifest["seed"] == 7 and manifest["count"] == 500 and len(manifest["files"]) == 500
    total, rows, per_country = Decimal(0), 0, Counter()
    for page in manifest["files"]:
        text = texts[page["file"]]
        funding = re.search(r"\nFinancement du partenariat\n.*?\n---\|[-|]*\n(.*?)\nVolontaires", text, re.S)
        amounts = [_amount(line.split(" | ")[1]) for line in funding.group(1).split("\n")]
        assert sum(amounts) == Decimal(page["amount_sum"]), page["file"]
        assert len(amounts) == page["funding_rows"]
        total += sum(amounts)
        rows += len(amounts)
        partners = re.findall(r"^(.+) \| (.+) \| !\[\]\(\) \|$", text, re.M)
        per_country.update({countries.resolve(country).alpha2 for _, country in partners})
        assert [p["written"] for p in page["foreign_partners"]] == [name for name, _ in partners]
        assert f"\nTitre\n{page['title']}\n" in text
    totals = manifest["totals"]
    assert totals["records"] == 500 and totals["funding_rows"] == rows
    assert Decimal(totals["amount_sum"]) == total
    assert totals["partnerships_per_country"] == dict(per_country)
    assert totals["countries"] == len(per_country)


def test_the_parser_reads_every_page_as_the_manifest_says(corpus):
    for page in _manifest(corpus)["files"]:
        result = parse_file(corpus / page["file"])
        assert not result.problems, [str(p) for p in result.problems]
        record = result.record
        assert record.record_id == record.atlas_id == page["record_id"] and record.synthetic
        assert record.title == page["title"]
        assert (record.signature_year, record.start_year, record.status, record.form, record.triennial) == (
            page["signature_year"], page["start_year"], page["status"], page["form"], page["triennial"])
        assert (record.end_date.isoformat() if record.end_date else None) == page["end_date"]
        assert list(record.theme.levels) == page["theme"]
        assert [list(p.levels) for p in record.other_themes] == page["other_themes"]
        assert [(p.name, p.country) for p in record.foreign_partners] == [
            (p["written"], p["country_written"]) for p in page["foreign_partners"]]
        assert list(record.french_partners) == [p["written"] for p in page["french_partners"]]
        assert list(record.other_french_partners) == page["other_french_partners"]
        assert [(f.funder, f.amount, list(f.water_amounts), f.year) for f in record.funding] == [
            (f["funder"], Decimal(f["amount"]), [Decimal(w) for w in f["water"]], f["year"])
            for f in page["funding"]]
        assert sum((f.amount for f in record.funding), Decimal(0)) == Decimal(page["amount_sum"])
        assert [len(record.context), len(record.history), len(record.objective), len(record.description)] == [
            page["paragraphs"][key] for key in ("context", "history", "objective", "description")]
        assert (len(record.contacts), len(record.volunteers)) == (page["contacts"], page["volunteers"])
        assert all(c.email.endswith("@example.org") for c in record.contacts)


# --- the command -------------------------------------------------------------------------------


def test_cli_writes_the_pages_and_says_so(tmp_path, capsys):
    assert main(["synth", "--count", "5", "-o", str(tmp_path / "out"), "--seed", "4"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        MANIFEST_NAME, *(page_file_name(n) for n in range(1, 6))]
    err = capsys.readouterr().err
    assert "wrote 5 synthetic pages (seed 4)" in err and "\x1b[" not in err  # no progress bar here


def test_cli_removes_the_pages_of_an_earlier_larger_run_only(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["synth", "--count", "6", "-o", str(out)]) == 0
    (out / "notes.txt").write_text("mine")
    assert main(["synth", "--count", "3", "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MANIFEST_NAME, "notes.txt", *(page_file_name(n) for n in range(1, 4))])
    assert "removed 3 page(s)" in capsys.readouterr().err
    assert _manifest(out)["count"] == 3


@pytest.mark.parametrize("argv, message", [
    (["--count", "0"], "--count must be between 1"),
    (["--count", "-5"], "--count must be between 1"),
    (["--count", "1000000"], "--count must be between 1"),
    (["--count", "3", "--seed", "-1"], "--seed must be zero or positive"),
])
def test_cli_rejects_bad_numbers(tmp_path, capsys, argv, message):
    assert main(["synth", *argv, "-o", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_rejects_an_output_that_is_a_file(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    assert main(["synth", "--count", "3", "-o", str(target)]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert target.read_text() == "not a folder"


def test_cli_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["synth", "--help"])
    out = capsys.readouterr().out
    assert "atlas-graph synth --count" in out and "SYNTH-" in out


def test_sparql_totals_over_the_converted_pages_equal_the_manifest(tmp_path):
    """End to end: synth → convert → a SPARQL store; the graph's totals are the generator's."""
    pyoxigraph = pytest.importorskip("pyoxigraph")
    write_corpus(tmp_path / "pages", 120, seed=5)
    assert main(["convert", str(tmp_path / "pages"), "-o", str(tmp_path / "out.nq"), "-q"]) == 0
    store = pyoxigraph.Store()
    store.bulk_load(path=str(tmp_path / "out.nq"), format=pyoxigraph.RdfFormat.N_QUADS)

    def select(variables: str, where: str, group: str = "") -> list[list[str]]:
        query = (f"PREFIX atlas: <https://w3id.org/atlas-coop/ontology#> SELECT {variables} "
                 f"WHERE {{ {where} }} {group}")
        solutions = store.query(query, use_default_graph_as_union=True)
        return [[row[variable].value for variable in solutions.variables] for row in solutions]

    totals = _manifest(tmp_path / "pages")["totals"]
    [[amount, rows]] = select("(SUM(?a) AS ?sum) (COUNT(?f) AS ?n)", "?p atlas:funding ?f . ?f atlas:amount ?a")
    assert (Decimal(amount), int(rows)) == (Decimal(totals["amount_sum"]), totals["funding_rows"])
    per_country = select("?code (COUNT(DISTINCT ?p) AS ?n)",
                         "?p atlas:foreignPartner/atlas:country/atlas:isoCode ?code", "GROUP BY ?code")
    assert {code: int(n) for code, n in per_country} == totals["partnerships_per_country"]
    for key, cls in (("foreign_collectivities", "ForeignCollectivity"),
                     ("french_collectivities", "FrenchCollectivity")):
        # the collectivities the pages name; not the département and région nodes the links point to
        [[n]] = select("(COUNT(DISTINCT ?c) AS ?n)", f'?c a atlas:{cls} FILTER CONTAINS(STR(?c), "/id/collectivity/")')
        assert int(n) == totals[key]
    [[n]] = select("(COUNT(DISTINCT ?p) AS ?n)", "?p atlas:synthetic true")
    assert int(n) == totals["records"] == 120
