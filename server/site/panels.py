"""What the site adds to an entity page: partnership cards and funding charts, computed by the
page's route (:mod:`..linked_data.pages`) and handed to its template as data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup

from atlas_graph.server.site import data as site_data
from atlas_graph.server.site.charts import bar_chart
from atlas_graph.server.site.i18n import money, translate


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
    map_partner: str | None = None  # a collectivity's path: its page shows it and its partners on a map


def chart(chart_id: str, title_key: str, column_key: str, rows: list[tuple[str, Decimal]]) -> Chart:
    title = translate(title_key)
    top = max(rows, key=lambda row: row[1])
    description = translate("chart.desc", count=len(rows), top=top[0], max=money(top[1]))
    return Chart(chart_id, title, translate(column_key), bar_chart(chart_id, title, description, rows, money), rows)


def entity_panels(iri: str) -> Panels:
    """Partnership cards and funding charts for the page of ``iri``, in the request's language."""
    data = site_data.entity_panels(iri)
    charts = []
    if data.by_year:
        charts.append(chart("chart-by-year", "chart.by_year", "col.year", data.by_year))
    if len(data.by_country) > 1 or (data.by_country and data.kind == "french"):
        charts.append(chart("chart-by-country", "chart.by_country", "col.country", data.by_country))
    partner = site_data.path_of(iri) if data.kind in ("french", "foreign") else None
    return Panels(data.kind, data.cards, data.card_total, data.funding_total, charts, partner)
