"""The collectivities of a synthetic corpus, drawn from the authorities, and the link each name
as written should get.

French collectivities come from the Code officiel géographique: communes weighted by
population, départements (weighted by the population of their communes), régions (current and
before 2016) and EPCI (weighted by population), in the shares of :data:`FRENCH_KINDS`. Foreign
ones are GeoNames places of the partner's country, weighted by population. Each is written the
ways the pages write it (:class:`Form`): "Département de la Savoie", "Conseil général de la
Savoie", "CA du Grand Annecy", "Communauté d'agglomération du Grand Annecy", "Ville du Mans",
"St-Denis", "Saint-Denis (93)", an alternate name ("Palime" for Kpalimé). Homonyms are not
avoided: they occur as often as the authorities have them. About :data:`INVENTED_SHARE` of the
collectivities are invented, and checked absent from the authorities.

:func:`expected_link` states, from the authorities' look-ups by key and from what the generator
drew (the kind, the name proper, the département given in parentheses), what a name should be
linked to: the one candidate, or none when there are several or none. It never reads a name as
the reconciliation does (:mod:`atlas_graph.link.names`), so that the corpus can measure it.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from atlas_graph.link.authorities import GEONAMES, INSEE, Authorities, Target
from atlas_graph.link.names import Kind, key, name_key
from atlas_graph.synth import vocabulary as vocab
from atlas_graph.uris import slug

INVENTED_SHARE = 0.05
FRENCH_KINDS = ((Kind.COMMUNE, 78), (Kind.DEPARTMENT, 8), (Kind.REGION, 5), (Kind.EPCI, 9))
#: How often a collectivity is written in a form other than its usual one, when it has one.
OTHER_FORM_SHARE = 0.3

LINKED, AMBIGUOUS, ABSENT = "linked", "ambiguous", "absent"


@dataclass(frozen=True)
class Form:
    """One way the pages write a collectivity: ``written`` (before the case and accent
    variations of each mention), the ``kind`` it is, its ``proper`` name (without the words that
    say the kind: "Savoie" for "Conseil départemental de la Savoie"; the authority's own name for
    an EPCI), ``worded`` when such words are there, and the département ``department`` given in
    parentheses ("Saint-Denis (93)")."""

    written: str
    kind: Kind
    proper: str
    worded: bool = False
    department: str | None = None


@dataclass(frozen=True)
class Collectivity:
    """A collectivity of the corpus: its forms (the usual one first), its country, and the
    identifier of the authority's record it was drawn from (None: invented)."""

    forms: tuple[Form, ...]
    alpha2: str
    identifier: str | None

    @property
    def name(self) -> str:
        return self.forms[0].written

    @property
    def key(self) -> str:
        return slug(self.name)


@dataclass(frozen=True)
class ExpectedLink:
    """What reconciling one form should give: ``linked`` to ``identifier``, or not linked,
    ``ambiguous`` between ``candidates`` or ``absent``."""

    status: str
    authority: str
    identifier: str | None = None
    candidates: tuple[str, ...] = ()


def expected_link(form: Form, country: str, authorities: Authorities) -> ExpectedLink:
    authority = INSEE if country == "FR" else GEONAMES
    found = _distinct(_candidates(form, country, authorities))
    identifiers = tuple(target.identifier for target in found)
    if len(found) == 1:
        return ExpectedLink(LINKED, authority, identifiers[0])
    return ExpectedLink(AMBIGUOUS if found else ABSENT, authority, candidates=identifiers)


def _candidates(form: Form, country: str, authorities: Authorities) -> tuple[Target, ...]:
    proper = key(form.proper)
    if country != "FR":
        return authorities.places(country, proper)
    if form.kind is Kind.DEPARTMENT:
        return authorities.departments(name_key(Kind.DEPARTMENT, proper))
    if form.kind is Kind.REGION:
        return authorities.regions(name_key(Kind.REGION, proper))
    if form.kind is Kind.EPCI:
        return authorities.epcis(name_key(Kind.EPCI, proper))
    communes = authorities.communes(proper)
    if form.department:
        return tuple(commune for commune in communes if commune.department == form.department)
    if communes and not form.worded:  # "Vienne": the commune, or the département of that name
        return (communes + authorities.departments(name_key(Kind.DEPARTMENT, proper))
                + authorities.regions(name_key(Kind.REGION, proper)))
    return communes


def _distinct(targets: tuple[Target, ...]) -> tuple[Target, ...]:
    return tuple({(type(t).__name__, t.identifier): t for t in targets}.values())


def absent_everywhere(name: str, country: str, authorities: Authorities) -> bool:
    """Whether no authority has ``name`` (its key, and its key as each kind compares it)."""
    name_slug = key(name)
    if country != "FR":
        return not authorities.places(country, name_slug)
    return not (authorities.communes(name_slug) or authorities.departments(name_key(Kind.DEPARTMENT, name_slug))
                or authorities.regions(name_key(Kind.REGION, name_slug))
                or authorities.epcis(name_key(Kind.EPCI, name_slug)))


# --- how the pages write a name -----------------------------------------------------------------

_VOWELS = "AEIOUYÉÈÊÎÔÂ"  # an h is aspirated in most of these names: "de Haute-Savoie"


def _elided(name: str) -> bool:
    return name[:1].upper() in _VOWELS


def of_commune(name: str) -> str:
    """"de Bressuire", "du Mans", "des Abymes", "d'Angers", "de La Rochelle"."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    return ("d'" if _elided(name) and not name.startswith("L'") else "de ") + name


def of_area(name: str, articles: bool) -> str:
    """"de la Savoie", "du Nord", "des Landes", "de l'Ain" (``articles``: départements), or
    "de Bretagne", "d'Occitanie", "des Hauts-de-France" (régions)."""
    first = name.replace("-", " ").split()[0]
    if name in vocab.AREAS_WITHOUT_ARTICLE or name.startswith(("La ", "Le ", "L'")):
        return ("d'" if _elided(name) and not articles else "de ") + name
    if (first.endswith("s") and first not in vocab.SINGULAR_AREAS) or first == "Deux":
        return "des " + name
    if _elided(name):
        return ("de l'" if articles else "d'") + name
    if not articles:
        return "du " + name if first in vocab.MASCULINE_AREAS else "de " + name
    return ("de la " if first.endswith("e") and first not in vocab.MASCULINE_AREAS else "du ") + name


def saint_abbreviated(name: str) -> str:
    """"Saint-Denis" → "St-Denis", "Sainte-Marie" → "Ste-Marie"; the name itself when it has no Saint."""
    words = name.replace("-", " - ").split(" ")
    short = [{"Saint": "St", "Sainte": "Ste", "Saints": "Sts"}.get(word, word) for word in words]
    return " ".join(short).replace(" - ", "-")


def from_key(name_key: str) -> str:
    """A name written from its key, as pages without accents write it: "agome-palime" → "Agome-Palime"."""
    return "-".join(part.capitalize() for part in name_key.split("-"))


_EPCI_WORDS = (("CA ", "Communauté d'agglomération "), ("CC ", "Communauté de communes "),
               ("CU ", "Communauté urbaine "))


_EPCI_CONNECTOR = re.compile(r"^(CA|CC|CU) (du |de la |de l'|des |de |d')")


def epci_without_connector(name: str) -> str:
    """"CC du Pays de Mirepoix" → "CC Pays de Mirepoix", as pages often shorten it."""
    return _EPCI_CONNECTOR.sub(r"\1 ", name)


def epci_spelled_out(name: str) -> str:
    """"CA du Grand Annecy" → "Communauté d'agglomération du Grand Annecy"; the name itself
    when it does not start with an abbreviation."""
    for short, long in _EPCI_WORDS:
        if name.startswith(short):
            return long + name[len(short):]
    return name


# --- drawing ------------------------------------------------------------------------------------


def weighted_order(rng: random.Random, items, weight: Callable[[object], float]) -> Iterator:
    """The items in a random order where heavier ones tend to come first: a weighted sample
    without replacement (each item's exponential clock, ``-log(u) / weight``)."""
    keyed = [(-math.log(1.0 - rng.random()) / max(weight(item), 1), n) for n, item in enumerate(items)]
    return (items[n] for _, n in sorted(keyed))


class CollectivityDrawer:
    """Draws distinct collectivities, French or of one country, from one random generator.

    ``taken`` holds the slugs already used (by any pool): a form whose slug is taken is left
    out, and a collectivity with no form left is passed over, so that two collectivities never
    share a name."""

    def __init__(self, rng: random.Random, authorities: Authorities, taken: set[str]):
        self.rng = rng
        self.authorities = authorities
        self.taken = taken
        self._french: dict[Kind, Iterator] | None = None
        self._foreign: dict[str, Iterator | None] = {}
        self._french_kind = _cumulative(FRENCH_KINDS)

    # France

    def _french_orders(self) -> dict[Kind, Iterator]:
        if self._french is None:
            authorities, rng = self.authorities, self.rng
            communes = [c for c in authorities.every_commune() if c.current]
            people: dict[str, int] = {}
            for commune in communes:
                people[commune.department] = people.get(commune.department, 0) + (commune.population or 0)
            self._french = {
                Kind.COMMUNE: weighted_order(rng, communes, lambda c: c.population or 0),
                Kind.DEPARTMENT: weighted_order(rng, authorities.every_department(),
                                                lambda d: people.get(d.code, 0)),
                Kind.REGION: weighted_order(rng, authorities.every_region(), lambda r: 1),
                Kind.EPCI: weighted_order(rng, authorities.every_epci(), lambda e: e.population or 0),
            }
        return self._french

    def french(self, invent: Callable[[], tuple[str, Kind, str, bool]]) -> Collectivity:
        """A French collectivity; ``invent()`` gives a made-up name (name, kind, proper, worded)."""
        if self.rng.random() < INVENTED_SHARE:
            return self._invented("FR", invent)
        drawn = _draw(self.rng, self._french_kind)
        for kind in (drawn, Kind.COMMUNE):  # a kind all drawn gives way to the communes
            for target in self._french_orders()[kind]:
                found = self._keep(self._french_forms(kind, target), "FR", target.identifier)
                if found:
                    return found
        return self._invented("FR", invent)

    def _french_forms(self, kind: Kind, target) -> list[Form]:
        rng = self.rng
        name = target.name
        if kind is Kind.COMMUNE:
            usual = Form(name, kind, name)
            if rng.random() < 0.2:
                usual = Form(f"{rng.choice(vocab.COMMUNE_WORDS)} {of_commune(name)}", kind, name, True)
            forms = [usual, Form(saint_abbreviated(usual.written), kind, name, usual.worded)]
            if len(self.authorities.communes(key(name))) > 1 and rng.random() < 0.5:
                place = target.department if rng.random() < 0.6 else self.authorities.department(target.department).name
                forms.append(Form(f"{name} ({place})", kind, name, department=target.department))
            return forms
        if kind is Kind.DEPARTMENT:
            words = _shuffled(rng, vocab.DEPARTMENT_WORDS)
            return [Form(f"{word} {of_area(name, True)}", kind, name, True) for word in words[:2]]
        if kind is Kind.REGION:
            words = _shuffled(rng, vocab.REGION_WORDS)
            return [Form(f"{word} {name}" if word == "Région" else f"{word} {of_area(name, False)}", kind, name, True)
                    for word in words]
        forms = [Form(name, kind, name, True), Form(epci_spelled_out(name), kind, name, True)]
        forms = forms if rng.random() < 0.5 else forms[::-1]
        return forms + [Form(epci_without_connector(name), kind, name, True)]

    # abroad

    def foreign(self, countries: Callable[[], str], invent: Callable[[], tuple[str, Kind, str]]) -> Collectivity:
        """A place of a country drawn by ``countries()`` (another one when all of its places are
        taken); ``invent()`` gives a made-up name, its kind and its name proper ("Commune de Zorbala", "Zorbala")."""
        invented = self.rng.random() < INVENTED_SHARE
        for _ in range(50):
            country = countries()
            if invented:
                return self._invented(country, lambda: (*invent(), False))
            order = self._place_order(country)
            for place in order or ():
                found = self._keep(self._place_forms(place), country, place.identifier)
                if found:
                    return found
            self._foreign[country] = None
        return self._invented(country, lambda: (*invent(), False))

    def _place_order(self, country: str) -> Iterator | None:
        if country not in self._foreign:
            places = self.authorities.places_in(country)
            self._foreign[country] = weighted_order(self.rng, places, lambda p: p.population or 0) if places else None
        return self._foreign[country]

    def _place_forms(self, place) -> list[Form]:
        rng = self.rng
        usual = Form(place.name, Kind.PLACE, place.name)
        if rng.random() < 0.15:
            usual = Form(f"{rng.choice(vocab.FOREIGN_PLACE_WORDS)} {of_commune(place.name)}", Kind.PLACE,
                         place.name, True)
        forms = [usual, Form(saint_abbreviated(usual.written), Kind.PLACE, place.name, usual.worded)]
        if rng.random() < 0.3:
            others = [k for k in self.authorities.place_keys(place.country, place.geonameid)
                      if k != key(place.name) and len(k) >= 3 and not any(c.isdigit() for c in k)]
            if others:
                other = from_key(rng.choice(others))
                forms.append(Form(other, Kind.PLACE, other))
        return forms

    # both

    def _keep(self, forms: list[Form], country: str, identifier: str) -> Collectivity | None:
        kept, slugs = [], set()
        for form in forms:
            form_slug = slug(form.written)
            if form_slug and form_slug not in self.taken and form_slug not in slugs:
                kept.append(form)
                slugs.add(form_slug)
        if not kept:
            return None
        self.taken.update(slugs)
        return Collectivity(tuple(kept), country, identifier)

    def _invented(self, country: str, invent: Callable[[], tuple[str, Kind, str, bool]]) -> Collectivity:
        """A made-up name that no authority has, whole or without its wording."""
        while True:
            name, kind, proper, worded = invent()
            if slug(name) not in self.taken and absent_everywhere(proper, country, self.authorities) \
                    and absent_everywhere(name, country, self.authorities):
                self.taken.add(slug(name))
                return Collectivity((Form(name, kind, proper, worded),), country, None)


def _shuffled(rng: random.Random, items) -> list:
    items = list(items)
    rng.shuffle(items)
    return items


def _cumulative(pairs):
    total, cumulative = 0, []
    for item, weight in pairs:
        total += weight
        cumulative.append((total, item))
    return cumulative


def _draw(rng: random.Random, cumulative):
    point = rng.random() * cumulative[-1][0]
    return next(item for bound, item in cumulative if point < bound)
