"""The site for people: home, browse lists, search; and what entity pages and the query
editor page add (partnership cards, charts, example queries) through template globals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from flask import Blueprint, Response, render_template, request
from markupsafe import Markup

from atlas_graph.server.site import search as full_text
from atlas_graph.server.site import data as site_data
from atlas_graph.server.site.charts import bar_chart
from atlas_graph.server.http.errors import HttpError
from atlas_graph.server.site.i18n import language, money, translate
from atlas_graph.server.sparql.examples import EXAMPLES

blueprint = Blueprint("site", __name__)
PAGE_SIZE = 50
YASGUI = Path(__file__).parents[1] / "static" / "vendor" / "yasgui" / "yasgui.min.js"


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


# What other pages use -----------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    column: str  # the heading of the labels' column in the table alternative
    svg: Markup
    rows: list[tuple[str, Decimal]]


@dataclass(frozen=True)
class Panels:
    kind: str | None
    cards: list
    card_total: int
    funding_total: Decimal | None
    charts: list[Chart]


def chart(chart_id: str, title_key: str, column_key: str, rows: list[tuple[str, Decimal]]) -> Chart:
    title = translate(title_key)
    top = max(rows, key=lambda row: row[1])
    description = translate("chart.desc", count=len(rows), top=top[0], max=money(top[1]))
    return Chart(chart_id, title, translate(column_key), bar_chart(chart_id, title, description, rows, money), rows)


@blueprint.app_template_global()
def entity_panels(iri: str) -> Panels:
    """Partnership cards and funding charts for an entity page."""
    data = site_data.entity_panels(iri)
    charts = []
    if data.by_year:
        charts.append(chart("chart-by-year", "chart.by_year", "col.year", data.by_year))
    if len(data.by_country) > 1 or (data.by_country and data.kind == "french"):
        charts.append(chart("chart-by-country", "chart.by_country", "col.country", data.by_country))
    return Panels(data.kind, data.cards, data.card_total, data.funding_total, charts)


@blueprint.app_template_global()
def sparql_examples() -> list:
    return EXAMPLES


@blueprint.app_template_global()
def yasgui_installed() -> bool:
    return YASGUI.is_file()
