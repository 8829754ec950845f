"""How a reconciliation report measures up to a synthetic corpus's manifest.

The report is that of ``atlas-graph links`` (its rows as dictionaries, :data:`atlas_graph.link.report.COLUMNS`);
the manifest's ``collectivities`` say, for each name as written, the link it should get
(:func:`atlas_graph.synth.corpus.expected_links`). An entity is a country and the slug of a name,
as in the graph. Precision counts the links made that are the expected ones; a link made to
another identifier, or for a name the manifest says is ambiguous or absent, is wrong. Recall
counts the names with exactly one candidate that were linked to it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from atlas_graph.synth.collectivities import LINKED
from atlas_graph.uris import slug

_LINKED_STATUSES = ("automatic", "curated")


@dataclass
class LinkQuality:
    """The report against the manifest, entity by entity."""

    entities: int = 0
    correct: int = 0  # linked to the expected identifier
    expected_linked: int = 0  # entities with exactly one candidate
    wrong: list[str] = field(default_factory=list)  # links that differ from the manifest
    missed: list[str] = field(default_factory=list)  # one candidate, not linked to it
    unknown: list[str] = field(default_factory=list)  # reported, not in the manifest
    repeated: list[str] = field(default_factory=list)  # reported more than once
    unreported: list[str] = field(default_factory=list)  # in the manifest, not reported
    outcomes: Counter = field(default_factory=Counter)  # (kind, expected, correct / wrong / the status reported)
    statuses: Counter = field(default_factory=Counter)  # entities per status in the report

    @property
    def precision(self) -> float:
        made = self.correct + len(self.wrong)
        return self.correct / made if made else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected_linked if self.expected_linked else 1.0

    def per_kind(self) -> dict[str, tuple[int, int]]:
        """kind (as the generator meant it) → (linked as expected, with exactly one candidate)."""
        found: dict[str, list[int]] = {}
        for (kind, expected, status), n in self.outcomes.items():
            counts = found.setdefault(kind, [0, 0])
            if expected == LINKED:
                counts[1] += n
                if status == "correct":
                    counts[0] += n
        return {kind: (linked, total) for kind, (linked, total) in sorted(found.items())}


def measure(report_rows: Iterable[Mapping[str, str]], collectivities: Iterable[Mapping]) -> LinkQuality:
    expected = {(c["country"], slug(c["written"])): c for c in collectivities}
    quality = LinkQuality(entities=len(expected))
    quality.expected_linked = sum(c["expected"] == LINKED for c in expected.values())
    seen: set[tuple[str, str]] = set()
    for row in report_rows:
        if row["kind"] == "country" or row["authority"] != ("insee" if row["country"] == "FR" else "geonames"):
            continue
        entity = (row["country"], slug(row["name"]))
        what = f"{row['country']} {row['name']!r}"
        if entity in seen:
            quality.repeated.append(what)
            continue
        seen.add(entity)
        wanted = expected.get(entity)
        if wanted is None:
            quality.unknown.append(what)
            continue
        quality.statuses[row["status"]] += 1
        linked = row["status"] in _LINKED_STATUSES
        if linked and wanted["expected"] == LINKED and row["identifier"] == wanted["identifier"]:
            quality.correct += 1
            outcome = "correct"
        elif linked:
            quality.wrong.append(f"{what}: linked to {row['identifier']}, expected {wanted['expected']} "
                                 f"{wanted['identifier'] or ', '.join(wanted['candidates'])}")
            outcome = "wrong"
        else:
            if wanted["expected"] == LINKED:
                quality.missed.append(f"{what}: {row['status']} ({row['candidates']}), expected {wanted['identifier']}")
            outcome = row["status"]
        quality.outcomes[wanted["kind"], wanted["expected"], outcome] += 1
    quality.unreported = [f"{country} {name}" for country, name in expected if (country, name) not in seen]
    return quality
