"""The site for people: home, browse lists, search. (What it adds to entity pages is in
:mod:`.panels`.)"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, render_template, request

from atlas_graph.server.generation_cache import GenerationCache
from atlas_graph.server.http.errors import HttpError
from atlas_graph.server.site import data as site_data
from atlas_graph.server.site import search as full_text
from atlas_graph.server.site.i18n import language, translate

blueprint = Blueprint("site", __name__)
PAGE_SIZE = 50


@blueprint.record_once
def _make_caches(state) -> None:
    state.app.extensions.setdefault(site_data.CACHE, GenerationCache(site_data.CACHED_RESULTS))
    state.app.extensions.setdefault(full_text.CACHE, GenerationCache(1))


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
