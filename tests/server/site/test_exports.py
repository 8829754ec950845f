"""The export writers on rows made here: every piece boundary keeps CSV, JSON and GeoJSON whole."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from atlas_graph.server.site import exports
from atlas_graph.store.site.selection_table import Place, Row


def place(n: int, french: bool, located: bool = True) -> Place:
    country = "FR" if french else "TG"
    return Place(f"http://x/id/collectivity/{country.lower()}/p{n}", f"collectivity/{country.lower()}/p{n}",
                 f"Lieu « {n} », \"cité\"", french, country, 45.0 + n if located else None,
                 1.5 + n if located else None, f"7900{n}" if french else None, None if french else str(n),
                 frozenset({"79"} if french else ()), frozenset({"75"} if french else ()))


def rows(count: int) -> list[Row]:
    return [Row(f"http://x/id/partnership/r{n}", f"partnership/r{n}", f"Titre, n° {n}\nsur deux lignes", 2000 + n,
                None, None, "en-cours", None, ("eau",), frozenset({"eau"}),
                (place(n, True), place(n + 100, True, False)),
                (place(n + 200, False),), frozenset(), Decimal("1500.50") * n) for n in range(count)]


def label(facet: str, value: str) -> str:
    return value.upper()


@pytest.mark.parametrize("count", [0, 1, 5, 7])
def test_streamed_pieces_make_whole_documents(monkeypatch, count):
    monkeypatch.setattr(exports, "ROWS_PER_PIECE", 2)
    selected = rows(count)
    table = list(csv.DictReader(io.StringIO(b"".join(exports.csv_pieces(selected, label)).decode())))
    assert [r["uri"] for r in table] == [r.iri for r in selected]
    assert all(r["themes"] == "EAU" for r in table)
    assert [r["french_partners"] for r in table] == [" | ".join(p.label for p in r.french) for r in selected]
    assert [r["title"] for r in table] == [r.title for r in selected]  # commas, quotes and newlines kept
    body = json.loads(b"".join(exports.json_pieces(selected, label, count)))
    assert body["total"] == len(body["partnerships"]) == count
    assert [p["funding_total"] for p in body["partnerships"]] == [float(r.funding) if r.funding % 1 else int(r.funding)
                                                                   for r in selected]
    collection = json.loads(b"".join(exports.geojson_pieces(selected, lambda path: "/page/" + path)))
    points = [f for f in collection["features"] if f["geometry"]["type"] == "Point"]
    lines = [f for f in collection["features"] if f["geometry"]["type"] == "LineString"]
    assert len(points) == 2 * count and len(lines) == count  # the unlocated partner is neither
    assert all(p["properties"]["partnerships"] == 1 for p in points)
    assert all(line["properties"]["from"].endswith(f"/p{n}") for n, line in enumerate(lines))
