"""The reconciliation report: one CSV row per link (CONTRACT §3, ``atlas-graph links``), and
the summary line with the rate of linked entities per kind.

A row says which entity (country, name as shown, the kind its name says), how it was linked
(``status``), to what (authority, identifier, the authority's name for it and what the
authority tells of it: SIREN, département and région, the région that replaced a former one,
coordinates) or, when it was not, the candidates, ``identifier name (what it is)`` separated by
``; ``, for curators to pick from.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TextIO

from atlas_graph.link.authorities import Commune, Department, Epci, Place, Region, Target
from atlas_graph.link.names import Kind
from atlas_graph.link.reconcile import LINKED, Link, Status, primary_authority

COLUMNS = ("country", "name", "kind", "status", "authority", "identifier", "label", "siren", "department",
           "region", "replaced_by", "latitude", "longitude", "candidates")


def report_row(link: Link) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(country=link.entity.country, name=link.entity.name, kind=str(link.entity.kind),
               status=str(link.status), authority=link.authority)
    if link.target is not None:
        row.update(identifier=link.target.identifier, label=link.target.name, **_details(link.target))
    row["candidates"] = "; ".join(candidate.describe() for candidate in link.candidates)
    return row


def _details(target: Target) -> dict[str, str]:
    if isinstance(target, Commune):
        return {"siren": target.siren or "", "department": target.department, "region": target.region}
    if isinstance(target, Department):
        return {"region": target.region}
    if isinstance(target, Region):
        return {"replaced_by": target.replaced_by or ""}
    if isinstance(target, Epci):
        return {"siren": target.siren}
    if isinstance(target, Place):
        return {"latitude": str(target.latitude), "longitude": str(target.longitude)}
    return {}


def write_report(links: Iterable[Link], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for link in links:
        writer.writerow(report_row(link))


def summary(links: Sequence[Link]) -> str:
    """"7 entities: 6 linked (5 automatic, 1 curated), 1 ambiguous, …; linked per kind:
    commune 1/2 (50 %), …", counting each entity once, by its link to its primary authority."""
    primary = [link for link in links if link.authority == primary_authority(link.entity)]
    statuses = Counter(link.status for link in primary)
    totals = Counter(link.entity.kind for link in primary)
    linked = Counter(link.entity.kind for link in primary if link.linked)
    not_linked = ", ".join(f"{statuses[status]} {status}" for status in Status if status not in LINKED)
    rates = ", ".join(f"{kind} {linked[kind]}/{totals[kind]} ({100 * linked[kind] / totals[kind]:.0f} %)"
                      for kind in Kind if totals[kind])
    return (f"{len(primary)} entities: {sum(linked.values())} linked ({statuses[Status.AUTOMATIC]} automatic, "
            f"{statuses[Status.CURATED]} curated), {not_linked}; linked per kind: {rates or 'none'}")


#: How many entities that are not linked a notice lists; the report lists them all.
NOTICES_SHOWN = 10
_CANDIDATES_SHOWN = 3


def notices(links: Sequence[Link], shown: int = NOTICES_SHOWN) -> list[str]:
    """The entities that are not linked (ambiguous, not found, wrong kind; not those a curator
    blocked), one line each, at most ``shown`` of them and a line that counts the others:
    what a verb that links tells on its standard error, once per run."""
    unlinked = [link for link in links
                if link.authority == primary_authority(link.entity) and link.status not in LINKED
                and link.status is not Status.BLOCKED]
    lines = []
    for link in unlinked[:shown]:
        entity = link.entity
        line = f"{entity.country} {entity.name!r} ({entity.kind}): {link.status} in {link.authority}, not linked"
        if link.candidates:
            listed = "; ".join(c.describe() for c in link.candidates[:_CANDIDATES_SHOWN])
            more = (f"; … and {len(link.candidates) - _CANDIDATES_SHOWN} more"
                    if len(link.candidates) > _CANDIDATES_SHOWN else "")
            line += f"; candidates: {listed}{more}"
        lines.append(line)
    if len(unlinked) > shown:
        lines.append(f"… and {len(unlinked) - shown} more not linked")
    return lines
