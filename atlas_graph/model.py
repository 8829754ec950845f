"""Typed records that travel between the pipeline stages (parse → map → validate → store).

Only :mod:`atlas_graph.ingest.parse` knows the page format and only :mod:`atlas_graph.ingest.mapping`
knows how a record becomes RDF; everything in between is these immutable dataclasses:

- what the parser reads: a :class:`ParseResult`, its :class:`Record` and the record's parts,
  and :class:`Problem`, what every stage reports about an input;
- what mapping makes of a record: a :class:`MappedRecord`, with its triples (``Triple``, of
  rdflib terms) and its mentions of shared entities (:class:`Mention`, which the loader's
  bookkeeping keeps);
- what ingest hands to ``convert`` and to the loader: a :class:`Batch`.

The data that one stage hands to the next is typed here. A type that one stage owns lives next
to it: what the stage uses inside (the loader's ``Processed``, what its worker processes send
back; the store's ``StoredRecord``, one record's entry in ``records.json``) and the report its
entry point gives its caller (the loader's ``LoadSummary``, the validation's ``Violation`` and
``Report``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Literal, URIRef

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, which field, which value, what is wrong."""

    file: str
    line: int | None
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        value = f" {self.value!r}:" if self.value else ""
        return f"{where}: {self.field}:{value} {self.message}"


@dataclass(frozen=True)
class ThemePath:
    """A theme path of one to three levels: thématique › sous-thématique › sous-sous-thématique."""

    levels: tuple[str, ...]


@dataclass(frozen=True)
class ForeignPartner:
    name: str
    country: str  # the country as written on the page ("Togo", "Côte d’Ivoire", "Vietnam")
    line: int


@dataclass(frozen=True)
class Funding:
    """One row of the funding table, cells read by what they are, not by position."""

    funder: str
    amount: Decimal | None
    water_amounts: tuple[Decimal, ...]  # the "Montant 1% Eau (Loi 2005)" cells that were given
    year: int | None
    line: int


@dataclass(frozen=True)
class Contact:
    """A person named on the page. Personal data: published only on explicit opt-in."""

    organisation: str
    family_name: str
    given_name: str
    role: str
    email: str
    kind: str  # "foreign-partner" or "diplomatic-post"


@dataclass(frozen=True)
class Volunteer:
    """A volunteer named on the page. Personal data: published only on explicit opt-in."""

    family_name: str
    given_name: str
    mission: str
    field_of_action: str
    assignment: str


@dataclass(frozen=True)
class Record:
    """One Atlas project page, as faithfully as the page allows."""

    source: str  # the input file, as given
    record_id: str  # the Atlas id when the page states one, else the file's stem
    content_hash: str  # sha256 of the capture's bytes
    atlas_id: str | None = None
    source_url: str | None = None
    title: str | None = None
    signature_year: int | None = None
    start_year: int | None = None
    end_date: dt.date | None = None
    status: str | None = None
    form: str | None = None
    theme: ThemePath | None = None
    other_themes: tuple[ThemePath, ...] = ()
    context: tuple[str, ...] = ()  # paragraphs, each once, in page order
    history: tuple[str, ...] = ()
    objective: tuple[str, ...] = ()
    description: tuple[str, ...] = ()
    foreign_partners: tuple[ForeignPartner, ...] = ()
    french_partners: tuple[str, ...] = ()
    other_french_partners: tuple[str, ...] = ()
    triennial: bool = False
    funding: tuple[Funding, ...] = ()
    contacts: tuple[Contact, ...] = ()
    volunteers: tuple[Volunteer, ...] = ()
    synthetic: bool = False


@dataclass(frozen=True)
class ParseResult:
    """What the parser makes of one capture: a record (maybe with problems) or a rejection.

    ``record is None`` means the capture was rejected; ``problems`` then says why.
    """

    source: str
    record: Record | None
    problems: tuple[Problem, ...] = field(default=())

    @property
    def rejected(self) -> bool:
        return self.record is None


@dataclass(frozen=True)
class Mention:
    """A shared entity as one record names it.

    ``kind``: foreign, french, organization, country, theme, status or form. ``country`` is the
    alpha-2 code for collectivities and countries; ``parent`` the broader theme concept.
    """

    uri: str
    kind: str
    label: str
    country: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class MappedRecord:
    """One record as RDF: its own triples, in its named graph, and the shared entities it mentions."""

    record_id: str
    graph: URIRef
    triples: tuple[Triple, ...]
    mentions: tuple[Mention, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Capture:
    """One capture through parse → map: its record as RDF, or None when the capture was left
    out (the parser rejected it, or an earlier capture has its record id), and every problem
    found on the way."""

    source: str
    record: MappedRecord | None
    content_hash: str | None  # sha256 of the capture's bytes, for a record that was kept
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Batch:
    """Captures through parse → map, each record id kept once."""

    captures: tuple[Capture, ...]  # in the order of their sources
    records: tuple[MappedRecord, ...]  # the records kept, in the order of their ids

    @property
    def problems(self) -> list[Problem]:
        return [problem for capture in self.captures for problem in capture.problems]

    @property
    def rejected(self) -> list[str]:
        """The sources that could not be converted."""
        return [capture.source for capture in self.captures if capture.record is None]

    def mentions(self) -> Iterator[Mention]:
        for record in self.records:
            yield from record.mentions
