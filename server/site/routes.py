"""The site for people: home, browse lists, search, the faceted search of partnerships with its
exports, and the map. (What it adds to entity pages is in :mod:`.panels`.)"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request

from atlas_graph.server.generation_cache import WARM_UP, GenerationCache
from atlas_graph.server.http.errors import HttpError
from atlas_graph.server.site import data as site_data
from atlas_graph.server.site import exports
from atlas_graph.server.site import search as full_text
from atlas_graph.server.site import selection as faceted
from atlas_graph.server.site.i18n import language, translate
from atlas_graph.store.site.graph import sort_key

blueprint = Blueprint("site", __name__)
PAGE_SIZE = 50


@blueprint.record_once
def _make_caches(state) -> None:
    state.app.extensions.setdefault(site_data.CACHE, GenerationCache(site_data.CACHED_RESULTS))
    state.app.extensions.setdefault(full_text.CACHE, GenerationCache(1))
    state.app.extensions.setdefault(WARM_UP, []).extend([site_data.warm_up, full_text.warm_up, faceted.warm_up])


@dataclass(frozen=True)
class Pages:
    """One page of a list: its rows and where the others are."""

    rows: list
    page: int
    pages: int
    total: int

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def paginate(rows: list) -> Pages:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise HttpError(400, translate("error.page", value=raw))
    page, pages = int(raw), max(1, -(-len(rows) // PAGE_SIZE))
    if page > pages:
        raise HttpError(404, translate("pagination.page", page=page, pages=pages))
    return Pages(rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], page, pages, len(rows))


def html(template: str, **context) -> Response:
    return Response(render_template(template, **context), content_type="text/html; charset=utf-8")


# Routes -----------------------------------------------------------------------------------


@blueprint.route("/")
def home() -> Response:
    return html("home.html", summary=site_data.summary())


@blueprint.route("/countries")
def countries() -> Response:
    return html("countries.html", rows=site_data.countries(language()))


@blueprint.route("/themes")
def themes() -> Response:
    return html("themes.html", roots=site_data.theme_tree())


@blueprint.route("/collectivities")
def collectivities() -> Response:
    kind = request.args.get("kind") if request.args.get("kind") in ("french", "foreign") else None
    return html("collectivities.html", listing=paginate(site_data.collectivities(kind)), kind=kind)


@blueprint.route("/funders")
def funders() -> Response:
    return html("funders.html", listing=paginate(site_data.funders()))


@blueprint.route("/search")
def search() -> Response:
    query = request.args.get("q", "").strip()[:200]
    groups = full_text.search(query) if query else []
    return html("search.html", query=query, groups=groups, count=sum(g.total for g in groups))


# Faceted search, exports and the map ---------------------------------------------------------

#: ``format=`` on /partnerships: the media type and file extension of each export.
EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
    "geojson": ("application/geo+json", "geojson"),
}
#: A tile layer a deployment may put under the map (a URL template with {z}/{x}/{y}); unset: none.
TILE_URL_VARIABLE = "ATLAS_MAP_TILE_URL"
#: The vendored files the map needs (scripts/vendor-map.mjs).
MAP_ASSETS = ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "vendor/basemap/countries.geojson")
#: How many collectivities the list beside the map shows.
MAP_LIST_LIMIT = 100


@dataclass(frozen=True)
class Links:
    """The URLs of one selection: the page, its exports, the map, and each filter changed."""

    selection: faceted.Selection

    def query(self, selection: faceted.Selection | None = None, **extra: str) -> str:
        chosen = selection or self.selection
        pairs = list(chosen.filters)
        if chosen.sort != faceted.DEFAULT_SORT:
            pairs.append(("sort", chosen.sort))
        if chosen.page != 1:
            pairs.append(("page", str(chosen.page)))
        pairs += list(extra.items())
        return ("?" + urlencode(pairs)) if pairs else ""

    def page(self, selection: faceted.Selection | None = None) -> str:
        return request.script_root + "/partnerships" + self.query(selection)

    def export(self, format_name: str) -> str:
        """The whole selection (every page) in the page's order, as ``format_name``."""
        whole = faceted.Selection(self.selection.filters, self.selection.sort)
        return request.script_root + "/partnerships" + self.query(whole, format=format_name)

    def map(self) -> str:
        return request.script_root + "/map" + self.query(faceted.Selection(self.selection.filters))

    def cleared(self) -> str:
        return self.page(faceted.Selection())

    def having(self, name: str, value: str) -> str:
        return self.page(self.selection.having(name, value))

    def without(self, name: str) -> str:
        return self.page(self.selection.without(name))

    def sorted_by(self, order: str) -> str:
        return self.page(faceted.Selection(self.selection.filters, order))

    def at_page(self, number: int) -> str:
        return self.page(faceted.Selection(self.selection.filters, self.selection.sort, number))


def _selection() -> faceted.Selection:
    try:
        return faceted.parse(request.args.to_dict(flat=False))
    except faceted.SelectionError as error:
        raise HttpError(400, translate(f"selection.error.{error.reason}", parameter=error.parameter,
                                       value=error.value)) from None


@dataclass(frozen=True)
class Chip:
    """One active filter, as the page shows it: a click on it removes it."""

    name: str
    value: str
    label: str
    remove: str


def _chips(selection: faceted.Selection, rows: list[faceted.Row], table: faceted.Table, links: Links) -> list[Chip]:
    lang = language()
    chips = []
    for name, value in selection.filters:
        if name in ("country", "theme", "status", "form", "funder"):
            label = table.label(name, value, lang)
        elif name in ("region", "department"):
            label = f"{table.label(name, value, lang)} ({value})" if table.labels.get(name, {}).get(value) else value
        elif name == "partner":
            label = next((p.label for r in rows[:1] for p in (*r.french, *r.foreign) if p.path == value), value)
        else:
            label = value
        chips.append(Chip(name, value, label, links.without(name)))
    return chips


def _labeller(table: faceted.Table, lang: str):
    return lambda facet, value: table.label(facet, value, lang)


@blueprint.route("/partnerships")
def partnerships() -> Response:
    selection = _selection()
    format_name = request.args.get("format", "html")
    if format_name != "html" and format_name not in EXPORTS:
        raise HttpError(400, translate("selection.error.format", parameter="format", value=format_name))
    table = faceted.table()
    rows = faceted.select(selection, table)
    if format_name != "html":
        return _export(format_name, rows, table)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    if selection.page > pages:
        raise HttpError(404, translate("pagination.page", page=selection.page, pages=pages))
    shown = rows[(selection.page - 1) * PAGE_SIZE: selection.page * PAGE_SIZE]
    theme = selection.get("theme")
    links = Links(selection)
    return html("partnerships.html", selection=selection, links=links, rows=shown, total=len(rows),
                chips=_chips(selection, rows, table, links),
                funding=sum((r.funding for r in rows), start=Decimal(0)),
                facets=faceted.facets(selection, rows, language(), table), table=table,
                trail=faceted.theme_trail(theme, language(), table) if theme else [],
                listing=Pages(shown, selection.page, pages, len(rows)), sorts=faceted.SORTS,
                query=selection.get("q") or "")


def _export(format_name: str, rows: list[faceted.Row], table: faceted.Table) -> Response:
    label = _labeller(table, language())
    if format_name == "csv":
        body = exports.csv_pieces(rows, label)
    elif format_name == "xlsx":
        body = exports.xlsx_pieces(rows, label, translate("partnerships.title"))
    elif format_name == "json":
        body = exports.json_pieces(rows, label, len(rows))
    else:
        prefix = request.script_root
        body = exports.geojson_pieces(rows, lambda path: f"{prefix}/page/{path}")
    media_type, extension = EXPORTS[format_name]
    response = Response(body, content_type=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="partnerships.{extension}"'
    response.headers["X-Atlas-Rows"] = str(len(rows))
    return response


def map_assets_missing() -> list[str]:
    """The vendored files of the map that are not installed (run ``make install``)."""
    folder = Path(current_app.static_folder)
    return [name for name in MAP_ASSETS if not (folder / name).is_file()]


@blueprint.app_context_processor
def map_helpers() -> dict:
    return {"map_assets_missing": map_assets_missing}


@blueprint.route("/map")
def map_page() -> Response:
    selection = _selection()
    table = faceted.table()
    rows = faceted.select(selection, table)
    counts: dict[str, int] = {}
    places: dict[str, faceted.Place] = {}
    for row in rows:
        for place in {p.iri: p for p in (*row.french, *row.foreign)}.values():
            counts[place.iri] = counts.get(place.iri, 0) + 1
            places[place.iri] = place
    ranked = sorted(places.values(), key=lambda p: (-counts[p.iri], sort_key(p.label)))
    links = Links(faceted.Selection(selection.filters))
    return html("map.html", selection=selection, links=links, chips=_chips(selection, rows, table, links),
                total=len(rows), places=ranked[:MAP_LIST_LIMIT],
                place_total=len(ranked), located=sum(1 for p in ranked if p.located), counts=counts,
                missing=map_assets_missing(), tile_url=os.environ.get(TILE_URL_VARIABLE, ""),
                geojson_url=links.export("geojson"), table=table)
