"""The loader's bookkeeping: each stored record's capture, its hash and the entities it mentions.

It lives in ``records.json`` beside each generation's ``state.json``. The mentions (a
collectivity as one record spells it, a country, a theme …) repeat across records, so the file
holds each distinct mention once, in a table, and each record lists indexes into it; in memory
every record shares the table's tuples: several times smaller, on disk and in memory, than a
copy of every mention per record (docs/benchmarks.md, "Why the code is shaped so").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from atlas_graph.store.generations import write_json

RECORDS_FILE = "records.json"
FORMAT = 2

MentionTuple = tuple  # (uri, kind, label, country, parent): the fields of model.Mention


@dataclass(frozen=True)
class StoredRecord:
    source: str  # the capture's resolved path
    sha256: str  # of the capture's bytes
    mentions: tuple[MentionTuple, ...]


class MentionTable:
    """Hands back one shared tuple for equal mentions."""

    def __init__(self) -> None:
        self._shared: dict[MentionTuple, MentionTuple] = {}

    def share(self, mentions) -> tuple[MentionTuple, ...]:
        shared = self._shared
        return tuple(shared.setdefault(m, m) for m in map(tuple, mentions))


def read_records(path: Path, table: MentionTable) -> dict[str, StoredRecord]:
    """The records of a ``records.json``, their mentions shared through ``table``."""
    data = json.loads(path.read_text("utf-8"))
    mentions = table.share(data["mentions"])
    return {record_id: StoredRecord(entry["source"], entry["sha256"], tuple(mentions[i] for i in entry["mentions"]))
            for record_id, entry in data["records"].items()}


def write_records(path: Path, records: dict[str, StoredRecord]) -> None:
    """Write ``records`` durably, sorted by record id, mentions numbered in order of first use."""
    index: dict[MentionTuple, int] = {}
    entries = {}
    for record_id in sorted(records):
        record = records[record_id]
        entries[record_id] = {"source": record.source, "sha256": record.sha256,
                              "mentions": [index.setdefault(m, len(index)) for m in record.mentions]}
    write_json(path, {"format": FORMAT, "mentions": [list(m) for m in index], "records": entries})
