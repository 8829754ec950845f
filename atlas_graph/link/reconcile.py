"""Reconciliation: a name, its country and the kind it says it is → a link, or why there is none.

A name with exactly one candidate of the kind expected is linked. Several candidates: ambiguous,
not linked; a French name that does not say its kind is also ambiguous when it names both a
commune and a département or région ("Vienne", "Mayenne"). No candidate: not found, or, when
the name matches something of another kind only (a région where a commune was expected, a
town where a foreign region was), wrong kind, not linked either. Nothing is guessed: what is
not linked is reported with its candidates, for curators to decide
(:mod:`atlas_graph.link.curation`), and their decisions win.

Every function here is pure but for the look-ups in the authorities.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from atlas_graph import countries
from atlas_graph.countries import FRANCE
from atlas_graph.link.authorities import GEONAMES, INSEE, Authorities, Commune, Target
from atlas_graph.link.curation import Curation, Decision
from atlas_graph.link.names import FRENCH_KINDS, Kind, Reading, name_key, read_name
from atlas_graph.model import Mention


class Status(StrEnum):
    AUTOMATIC = "automatic"  # exactly one candidate of the kind expected
    CURATED = "curated"  # a curator's decision
    AMBIGUOUS = "ambiguous"  # several candidates: not linked
    NOT_FOUND = "not found"  # no candidate: not linked
    WRONG_KIND = "wrong kind"  # candidates of another kind only: not linked
    BLOCKED = "blocked"  # a curator's decision never to link it


LINKED = frozenset({Status.AUTOMATIC, Status.CURATED})


@dataclass(frozen=True)
class Match:
    """What the authority holds for a name: the target when ``status`` is automatic, else the
    candidates that kept it from being linked (none when not found)."""

    status: Status
    target: Target | None = None
    candidates: tuple[Target, ...] = ()


def reconcile(name: str, country: str, authorities: Authorities) -> Match:
    """Match a collectivity's name, as written, in ``country`` (ISO alpha-2): French names
    against the Code officiel géographique, the others against GeoNames.

    A name that ends in parentheses is first looked for whole: when the authority has it so
    ("Zürich (Kreis 6)", "Halle (Saale)"), what the parentheses say is part of the name, and
    dropping it would link another place (Zürich) or make the name ambiguous (Halle)."""
    country = country.upper()
    reading = read_name(name, country)
    whole = read_name(name, country, whole=True)
    if whole.literal_key != reading.literal_key:
        match = match_reading(whole, country, authorities)
        if match.status in (Status.AUTOMATIC, Status.AMBIGUOUS):
            return match
    return match_reading(reading, country, authorities)


_DEPARTMENT_CODE = re.compile(r"^(\d{2,3}|2[ab])$")


def match_reading(reading: Reading, country: str, authorities: Authorities) -> Match:
    """:func:`reconcile` for a name already read."""
    if country == FRANCE:
        found = _french(reading.kind, reading.key, authorities)
        if reading.kind is Kind.COMMUNE and reading.department:
            found = _in_department(found, reading.department, authorities)
        if reading.worded and reading.literal_key != reading.key:
            found += authorities.communes(reading.literal_key)  # Ville-d'Avray, a commune
    else:
        found = authorities.places(country, reading.key) if reading.kind is Kind.PLACE else ()
        if reading.worded and reading.literal_key != reading.key:
            found += authorities.places(country, reading.literal_key)
    found = _distinct(found)
    if found and country == FRANCE and not reading.worded and not reading.department:
        # "Vienne", "Mayenne", "Paris": the commune, or the département of that name
        found += _distinct(authorities.departments(name_key(Kind.DEPARTMENT, reading.key))
                           + authorities.regions(name_key(Kind.REGION, reading.key)))
    if len(found) == 1:
        return Match(Status.AUTOMATIC, found[0])
    if found:
        return Match(Status.AMBIGUOUS, candidates=found)
    if country == FRANCE:
        others = tuple(target for kind in FRENCH_KINDS if kind is not reading.kind
                       for target in _french(kind, name_key(kind, reading.key), authorities))
    else:
        others = authorities.places(country, reading.key) if reading.kind is Kind.AREA else ()
    others = _distinct(others)
    return Match(Status.WRONG_KIND, candidates=others) if others else Match(Status.NOT_FOUND)


def _french(kind: Kind, key: str, authorities: Authorities) -> tuple[Target, ...]:
    if kind is Kind.COMMUNE:
        return authorities.communes(key)
    if kind is Kind.DEPARTMENT:
        return authorities.departments(key)
    if kind is Kind.REGION:
        return authorities.regions(key)
    return authorities.epcis(key)


def _in_department(communes: tuple[Commune, ...], department: str, authorities: Authorities) -> tuple[Commune, ...]:
    """The communes of the département a name gives in parentheses; all of them when what the
    parentheses hold is no département."""
    if _DEPARTMENT_CODE.match(department):
        named = authorities.department(department)
        codes = {named.code} if named else set()
    else:
        codes = {d.code for d in authorities.departments(name_key(Kind.DEPARTMENT, department))}
    if len(codes) != 1:
        return communes
    return tuple(commune for commune in communes if commune.department in codes)


def _distinct(targets: Iterable[Target]) -> tuple[Target, ...]:
    return tuple({(type(t).__name__, t.identifier): t for t in targets}.values())


# the entities of a batch of records, and their links ---------------------------------------------


@dataclass(frozen=True)
class Entity:
    """A distinct collectivity (or country) of the records, as linking sees it.

    One per node of the graph (``uri``): the mentions of one URI are one entity, so "KPALIME"
    and "Kpalimé" are one. ``name`` is the spelling shown (the node's ``skos:prefLabel``),
    ``kind`` what the name says it is. ``uri`` is None for a name reconciled on its own.
    """

    country: str
    name: str
    kind: Kind
    uri: str | None = None


#: The mention kinds that can name a collectivity or a country.
_LINKABLE_MENTIONS = frozenset({"foreign", "french", "organization", "country"})


def entity_of(uri: str, mention_kind: str, country: str | None, spellings: Counter) -> Entity | None:
    """The entity one node of the shared entities graph is, or None when it is nothing to link.

    ``spellings`` counts the labels of the node's mentions (``mention_kind`` and ``country`` are
    its first mention's). Partners are entities; an organisation (another partner, a funder)
    is one when its name says it is a French collectivity ("Région Poitou-Charentes",
    "Conseil départemental …"); a country is one, by its code. This is the one rule that both
    the graph's links and the report of ``atlas-graph links`` follow."""
    if mention_kind not in _LINKABLE_MENTIONS:
        return None
    if mention_kind == "country":
        return Entity(country, countries.by_alpha2(country).name_fr, Kind.COUNTRY, uri)
    name = preferred_spelling(spellings)
    if mention_kind == "organization":
        reading = read_name(name, FRANCE)
        return Entity(FRANCE, name, reading.kind, uri) if reading.worded else None
    return Entity(country, name, read_name(name, country).kind, uri)


def entities(mentions: Iterable[Mention]) -> list[Entity]:
    """Every entity the mentions name (:func:`entity_of`), in the order of their country, then
    the country itself, then their URIs: the same whatever the order of the mentions."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    first: dict[str, Mention] = {}
    for mention in mentions:
        spellings[mention.uri][mention.label] += 1
        first.setdefault(mention.uri, mention)
    found = [entity_of(uri, first[uri].kind, first[uri].country, spellings[uri]) for uri in first]
    return sorted((e for e in found if e is not None), key=entity_order)


def entity_order(entity: Entity) -> tuple:
    """The order of :func:`entities`: by country, the country itself first, then by URI."""
    return entity.country, entity.kind is not Kind.COUNTRY, entity.uri


def preferred_spelling(spellings: Counter) -> str:
    """The spelling to show: one not all in capitals, then the most accented, then the most
    frequent, then the first in code-point order (the order of the input does not count)."""

    return min(spellings, key=lambda s: (s.isupper(), -_accents(s), -spellings[s], s))


@lru_cache(maxsize=1 << 16)  # an entity's spellings are compared each time it is found
def _accents(text: str) -> int:
    return sum(1 for c in unicodedata.normalize("NFD", text) if unicodedata.combining(c))


@dataclass(frozen=True)
class Link:
    """How one entity is linked to one authority (``target`` when linked), or why it is not."""

    entity: Entity
    authority: str
    status: Status
    target: Target | None = None
    candidates: tuple[Target, ...] = ()

    @property
    def linked(self) -> bool:
        return self.status in LINKED


def primary_authority(entity: Entity) -> str:
    """The authority an entity is reconciled with: the COG for French collectivities,
    GeoNames for the others and for countries."""
    return INSEE if entity.country == FRANCE and entity.kind is not Kind.COUNTRY else GEONAMES


def link_entities(found: Iterable[Entity], authorities: Authorities, curation: Curation | None = None) -> list[Link]:
    """The links of every entity, in order (:func:`link_entity`)."""
    return [link for entity in found for link in link_entity(entity, authorities, curation)]


def link_entity(entity: Entity, authorities: Authorities, curation: Curation | None = None) -> list[Link]:
    """The entity's link to its primary authority, the curators' decision first; for a French
    collectivity, then its curated GeoNames link (a commune's place), if a curator gave one."""
    authority = primary_authority(entity)
    if entity.kind is Kind.COUNTRY:
        country = authorities.country(entity.country)
        return [Link(entity, authority, Status.AUTOMATIC if country else Status.NOT_FOUND, country)]
    decision = curation.decision(entity.country, entity.name, authority) if curation else None
    if decision is not None:
        links = [_curated(entity, decision)]
    else:
        match = reconcile(entity.name, entity.country, authorities)
        links = [Link(entity, authority, match.status, match.target, match.candidates)]
    place = curation.decision(entity.country, entity.name, GEONAMES) if curation and authority == INSEE else None
    if place is not None:
        links.append(_curated(entity, place))
    return links


def _curated(entity: Entity, decision: Decision) -> Link:
    status = Status.BLOCKED if decision.target is None else Status.CURATED
    return Link(entity, decision.authority, status, decision.target)


class Linker:
    """Links entities to the authorities, each entity reconciled once per run (an entity
    recurs in every chunk and every report that names it), the curators' decisions first.

    It is what the pipeline and the loader take to link (None: no links). It travels to the
    loader's processes by pickling: the authorities are reopened there on first use."""

    def __init__(self, authorities: Authorities, curation: Curation | None = None, curation_sha256: str | None = None):
        self.authorities = authorities
        self.curation = curation
        self.curation_sha256 = curation_sha256
        self._links: dict[Entity, list[Link]] = {}

    def links(self, entity: Entity) -> list[Link]:
        """:func:`link_entity`, remembered."""
        found = self._links.get(entity)
        if found is None:
            found = self._links[entity] = link_entity(entity, self.authorities, self.curation)
        return found

    def link_all(self, found: Iterable[Entity]) -> list[Link]:
        return [link for entity in found for link in self.links(entity)]

    def state(self) -> dict:
        """What the links depend on besides the records: the decisions file (its sha256, or
        None) and the version of each authority. Opens the authorities (AuthoritiesError)."""
        return {"links_file_sha256": self.curation_sha256,
                "authorities": {name: str(source) for name, source in self.authorities.sources().items()}}
