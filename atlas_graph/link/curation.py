"""Curated link decisions: the ``--links FILE`` CSV (CONTRACT §3), read and checked.

The header row is ``country,name,authority,identifier``; each row is one decision for one
collectivity: its country (ISO alpha-2), its name as the pages write it (any spelling of it:
"KPALIME" and "Kpalimé" are one collectivity), the authority (``insee`` or ``geonames``) and
the identifier there, or nothing for "never link this one". A decision wins over the automatic
match.

INSEE identifiers: a commune's code (``79049``, ``2A004``), a SIREN (``217900497``: an EPCI,
or a commune), a département's code (``79``, ``2A``, ``971``) or a région's (``75``, or a
former one, ``54``). Every région code is also a département's (``75`` is Nouvelle-Aquitaine
and Paris): a two- or three-character code is a région's when the name says it is a région
("Région …", "Conseil régional …"), else a département's.

Every row is checked against the authorities; every problem is reported with the file, the
line and the reason, all at once, and then nothing of the file is used.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from atlas_graph import countries
from atlas_graph.countries import FRANCE
from atlas_graph.link.authorities import AUTHORITIES, INSEE, Authorities, Target
from atlas_graph.link.names import Kind, read_name
from atlas_graph.uris import slug

HEADER = ("country", "name", "authority", "identifier")

_SIREN = re.compile(r"^\d{9}$")
_COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_AREA_CODE = re.compile(r"^(\d{2,3}|2[AB])$")
_GEONAMEID = re.compile(r"^\d{1,10}$")


@dataclass(frozen=True)
class Decision:
    """One curated decision; ``target`` None: never link this collectivity to that authority."""

    country: str
    name: str
    authority: str
    target: Target | None
    line: int


@dataclass(frozen=True)
class CurationProblem:
    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}" if self.line else f"{self.file}: {self.reason}"


class CurationError(Exception):
    """A decisions file that cannot be used: every problem found in it."""

    def __init__(self, problems: list[CurationProblem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(map(str, self.problems)))


@dataclass(frozen=True)
class Curation:
    """The decisions of one file, by collectivity (country, slug of the name) and authority."""

    source: str
    decisions: Mapping[tuple[str, str, str], Decision]

    def decision(self, country: str, name: str, authority: str) -> Decision | None:
        return self.decisions.get((country.upper(), slug(name), authority))


def read_curation(path: str | Path, authorities: Authorities) -> Curation:
    """The decisions of a file; :class:`CurationError` when it cannot be read or has a bad row."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        reason = f"cannot read the file: {exc.strerror or exc}"
        raise CurationError([CurationProblem(str(path), None, reason)]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CurationError([CurationProblem(str(path), line, "not UTF-8 text")]) from None
    return parse_curation(text, str(path), authorities)


def parse_curation(text: str, source: str, authorities: Authorities) -> Curation:
    """:func:`read_curation` for a file's text; ``source`` names it in problems."""
    rows = csv.reader(io.StringIO(text, newline=""))
    problems: list[CurationProblem] = []
    header = next(rows, None)
    if header is None or tuple(cell.strip().lower() for cell in header) != HEADER:
        found = ",".join(header) if header else "nothing"
        reason = f"expected the header row {','.join(HEADER)}, found {found!r}"
        raise CurationError([CurationProblem(source, 1, reason)])
    decisions: dict[tuple[str, str, str], Decision] = {}
    for row in rows:
        line = rows.line_num
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        decision = _decision(cells, line, authorities)
        if isinstance(decision, str):
            problems.append(CurationProblem(source, line, decision))
            continue
        identity = (decision.country, slug(decision.name), decision.authority)
        if identity in decisions:
            problems.append(CurationProblem(
                source, line, f"a second decision for {decision.country} {decision.name!r} ({decision.authority}); "
                              f"the first is on line {decisions[identity].line}"))
            continue
        decisions[identity] = decision
    if problems:
        raise CurationError(problems)
    return Curation(source, decisions)


def _decision(cells: list[str], line: int, authorities: Authorities) -> Decision | str:
    """The decision of one row, or what is wrong with it."""
    if len(cells) != len(HEADER):
        hint = "; the file seems to use ';': save it comma-separated" if len(cells) == 1 and ";" in cells[0] else ""
        return f"expected {len(HEADER)} fields ({','.join(HEADER)}), found {len(cells)}{hint}"
    country, name, authority, identifier = cells
    country = country.upper()
    if not _known_country(country):
        return f"unknown country {cells[0]!r}: give its ISO 3166-1 alpha-2 code (FR, TG, …)"
    if not slug(name):
        return "no name: give the collectivity's name as the pages write it"
    authority = authority.lower()
    if authority not in AUTHORITIES:
        return f"unknown authority {cells[2]!r}: use {' or '.join(AUTHORITIES)}"
    if authority == INSEE and country != FRANCE:
        return f"the {INSEE} authority is for French collectivities (country FR), not {country}"
    if not identifier:
        return Decision(country, name, authority, None, line)
    found = _insee(identifier, name, authorities) if authority == INSEE else _geonames(identifier, country, authorities)
    return found if isinstance(found, str) else Decision(country, name, authority, found, line)


def _known_country(alpha2: str) -> bool:
    if not re.fullmatch(r"[A-Z]{2}", alpha2):
        return False
    try:
        countries.by_alpha2(alpha2)
    except KeyError:
        return False
    return True


def _insee(identifier: str, name: str, authorities: Authorities) -> Target | str:
    code = identifier.upper()
    if _SIREN.match(code):
        return (authorities.epci(code) or authorities.commune_by_siren(code)
                or f"unknown identifier {identifier!r}: no EPCI nor commune has this SIREN")
    if _COMMUNE_CODE.match(code):
        return authorities.commune(code) or f"unknown identifier {identifier!r}: no commune has this INSEE code"
    if _AREA_CODE.match(code):
        if read_name(name, FRANCE).kind is Kind.REGION:
            return (authorities.region(code)
                    or f"unknown identifier {identifier!r}: no région (current or before 2016) has this code")
        return authorities.department(code) or f"unknown identifier {identifier!r}: no département has this code"
    return (f"not an INSEE identifier: {identifier!r} (a commune's code: 79049; a SIREN: 217900497; "
            "a département's code: 79; a région's: 75)")


def _geonames(identifier: str, country: str, authorities: Authorities) -> Target | str:
    if not _GEONAMEID.match(identifier):
        return f"not a geonameid: {identifier!r} (digits, e.g. 2365560)"
    place = authorities.place(int(identifier))
    if place is None:
        return f"unknown identifier {identifier!r}: no GeoNames place has this geonameid"
    if place.country != country:
        return f"geonameid {identifier} is {place.name} in {place.country}, not in {country}"
    return place
