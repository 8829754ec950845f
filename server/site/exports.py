"""A selection of partnerships (:mod:`.selection`) as CSV, XLSX, JSON or GeoJSON, written
piece by piece so that a response can stream it.

Every tabular export has the same columns (:data:`COLUMNS`), one row per partnership; lists
(themes, partners, codes, countries) are joined with " | " in CSV and XLSX and are arrays in
JSON. The GeoJSON is the map's data: a ``Point`` per located collectivity of the selection
with its number of partnerships in it, and a ``LineString`` per located French–foreign pair of
partners of a partnership.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from atlas_graph.store.site.selection_table import Place, Row

COLUMNS = ("uri", "title", "signature_year", "start_year", "end_date", "status", "form", "themes",
           "french_partners", "french_insee_codes", "foreign_partners", "foreign_geonames_ids", "countries",
           "funding_total")
SEPARATOR = " | "
#: How many rows go into one piece of a streamed CSV or JSON body.
ROWS_PER_PIECE = 500
XLSX_CHUNK = 1 << 16


def record(row: Row, label: Callable[[str, str], str]) -> dict:
    """The export's values of ``row``; ``label(facet, value)`` names statuses, forms and themes."""
    return {
        "uri": row.iri,
        "title": row.title,
        "signature_year": row.year,
        "start_year": row.start,
        "end_date": row.end,
        "status": label("status", row.status) if row.status else None,
        "form": label("form", row.form) if row.form else None,
        "themes": [label("theme", theme) for theme in row.themes],
        "french_partners": [p.label for p in row.french],
        "french_insee_codes": [p.insee for p in row.french if p.insee],
        "foreign_partners": [p.label for p in row.foreign],
        "foreign_geonames_ids": [p.geonames for p in row.foreign if p.geonames],
        "countries": list(row.countries),
        "funding_total": row.funding,
    }


def _flat(value):
    if isinstance(value, list):
        return SEPARATOR.join(value)
    return value


def csv_pieces(rows: Iterable[Row], label: Callable[[str, str], str]) -> Iterator[bytes]:
    """UTF-8 CSV with a header row, a piece at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n, row in enumerate(rows, 1):
        values = record(row, label)
        writer.writerow(["" if values[c] is None else _flat(values[c]) for c in COLUMNS])
        if n % ROWS_PER_PIECE == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def json_pieces(rows: Iterable[Row], label: Callable[[str, str], str], total: int) -> Iterator[bytes]:
    """``{"total": n, "partnerships": [...]}``, a piece at a time; amounts are JSON numbers."""
    yield f'{{"total": {total}, "partnerships": ['.encode()
    piece = []
    for n, row in enumerate(rows):
        piece.append(("," if n else "") + json.dumps(record(row, label), ensure_ascii=False, default=_number))
        if len(piece) == ROWS_PER_PIECE:
            yield "".join(piece).encode()
            piece = []
    yield ("".join(piece) + "]}").encode()


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value))


def xlsx_pieces(rows: Iterable[Row], label: Callable[[str, str], str], sheet_title: str) -> Iterator[bytes]:
    """A workbook of one sheet, years and amounts as numbers: written row by row (openpyxl's
    write-only mode) into a temporary file, which is then sent in chunks and removed."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.append(list(COLUMNS))
    for row in rows:
        values = record(row, label)
        sheet.append([_cell(values[c]) for c in COLUMNS])
    handle, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook.save(name)
        with open(name, "rb") as saved:
            while chunk := saved.read(XLSX_CHUNK):
                yield chunk
    finally:
        os.unlink(name)


def _cell(value):
    if isinstance(value, list):
        return SEPARATOR.join(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def geojson_pieces(rows: list[Row], page_url: Callable[[str], str]) -> Iterator[bytes]:
    """A ``FeatureCollection``: the selection's located collectivities as points, then its
    located French–foreign pairs as lines. ``page_url(path)`` is an entity's page."""
    counts: Counter[str] = Counter()
    places: dict[str, Place] = {}
    for row in rows:
        for place in {p.iri: p for p in (*row.french, *row.foreign)}.values():
            if place.located:
                counts[place.iri] += 1
                places[place.iri] = place
    yield b'{"type": "FeatureCollection", "features": ['
    features: list[str] = []
    _piece = _Pieces()
    for iri in sorted(places, key=lambda i: (-counts[i], i)):
        place = places[iri]
        features.append(_feature({"type": "Point", "coordinates": [place.longitude, place.latitude]}, {
            "kind": "collectivity", "uri": place.iri, "name": place.label, "country": place.country,
            "french": place.french, "partnerships": counts[iri], "page": page_url(place.path)}))
        if len(features) == ROWS_PER_PIECE:
            yield _piece(features)
    for row in rows:
        located = [(f, g) for f in row.french if f.located for g in row.foreign if g.located]
        if not located:
            continue
        # the partnership's properties once, then one line per pair (faster than a dict per line)
        shared = json.dumps({"kind": "partnership", "uri": row.iri, "title": row.title, "page": page_url(row.path)},
                            ensure_ascii=False)[1:-1]
        for french, foreign in located:
            features.append(
                f'{{"type": "Feature", "geometry": {{"type": "LineString", "coordinates": '
                f'[[{french.longitude}, {french.latitude}], [{foreign.longitude}, {foreign.latitude}]]}}, '
                f'"properties": {{{shared}, "from": {json.dumps(french.iri)}, "to": {json.dumps(foreign.iri)}}}}}')
        if len(features) >= ROWS_PER_PIECE:
            yield _piece(features)
    yield _piece(features, last=True)


class _Pieces:
    """Features joined by commas across the pieces of a streamed array."""

    def __init__(self) -> None:
        self.sent = False

    def __call__(self, features: list[str], last: bool = False) -> bytes:
        """The features gathered so far (``features`` is emptied), after a comma if some were sent."""
        text = ("," if self.sent and features else "") + ",".join(features)
        self.sent = self.sent or bool(features)
        features.clear()
        return (text + ("]}" if last else "")).encode()


def _feature(geometry: dict, properties: dict) -> str:
    return json.dumps({"type": "Feature", "geometry": geometry, "properties": properties}, ensure_ascii=False)
