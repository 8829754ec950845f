"""What a collectivity's name, as the pages write it, says it is, and the key to look it up by.

"Conseil départemental des Deux-Sèvres" says what it is (a département) and which one
(Deux-Sèvres); "CA du Bocage Bressuirais" an EPCI; "Bressuire" says only which one, and is
then taken for what a partner is unless its name says otherwise: a commune in France, a town
or village abroad. A foreign "Région de Kara" or "Préfecture du Kloto" is an area, not a town.

Keys are compared, never the names: the URI slug (case, accents, apostrophes, hyphens and
spaces do not count, see :func:`atlas_graph.uris.slug`), with "St"/"Ste" read as
"Saint"/"Sainte". The authorities file stores the keys of the authorities' names, so it is
built with this module: :data:`KEY_VERSION` changes whenever a key would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from atlas_graph.countries import FRANCE
from atlas_graph.uris import slug

#: Written into the authorities file by its build; a file of another version must be rebuilt.
KEY_VERSION = 1


class Kind(StrEnum):
    """What a name designates, as far as linking is concerned."""

    COMMUNE = "commune"  # a French commune (also a delegated or associated one)
    DEPARTMENT = "department"  # a French département
    REGION = "region"  # a French région, current or former (before 2016)
    EPCI = "epci"  # a French intercommunality: communauté de communes, d'agglomération, urbaine, métropole
    PLACE = "place"  # a foreign town or village
    AREA = "area"  # a foreign region, province, prefecture …: not a town
    COUNTRY = "country"


FRENCH_KINDS = (Kind.COMMUNE, Kind.DEPARTMENT, Kind.REGION, Kind.EPCI)

_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def key(text: str) -> str:
    """The lookup key of a name: "St-Denis", "SAINT DENIS" and "Saint-Denis" share one."""
    return "-".join(_SAINTS.get(word, word) for word in slug(text).split("-"))


_ARTICLES = ("la", "le", "les", "l")


def without_article(name_key: str) -> str:
    """The key without its leading article: "la-reunion" → "reunion", "l-ain" → "ain"."""
    for article in _ARTICLES:
        if name_key.startswith(article + "-"):
            return name_key[len(article) + 1:]
    return name_key


# The word that joins a kind to its name, and the article it stands for: "Ville du Mans" is
# Le Mans, "Département des Landes" the Landes, "Région d'Aquitaine" Aquitaine.
_CONNECTORS = (("de-la", "la-"), ("de-l", "l-"), ("du", "le-"), ("des", "les-"), ("de", ""), ("d", ""))

# Key prefixes that say the kind, longest first within each table.
_FRENCH_WORDING = (
    ("communaute-de-l-agglomeration", Kind.EPCI),
    ("communaute-d-agglomeration", Kind.EPCI),
    ("communaute-de-communes", Kind.EPCI),
    ("communaute-urbaine", Kind.EPCI),
    ("communaute-d-agglo", Kind.EPCI),
    ("collectivite-territoriale", Kind.REGION),  # de Corse, de Guyane, de Martinique
    ("conseil-departemental", Kind.DEPARTMENT),
    ("conseil-regional", Kind.REGION),
    ("conseil-general", Kind.DEPARTMENT),
    ("municipalite", Kind.COMMUNE),
    ("collectivite", Kind.REGION),  # de Corse, de Saint-Martin
    ("departement", Kind.DEPARTMENT),
    ("metropole", Kind.EPCI),
    ("commune", Kind.COMMUNE),
    ("mairie", Kind.COMMUNE),
    ("region", Kind.REGION),
    ("ville", Kind.COMMUNE),
    ("ca", Kind.EPCI),
    ("cc", Kind.EPCI),
    ("cu", Kind.EPCI),
)
# "Bordeaux Métropole", "Caux Seine Agglo", "Vitré Communauté".
_EPCI_SUFFIXES = ("communaute-d-agglomeration", "communaute-urbaine", "agglomeration", "communaute",
                  "metropole", "agglo")
# Words that make an EPCI of a French name wherever they are: "Tours Métropole Val de Loire",
# "Eurométropole de Strasbourg" (no commune's name has them).
_EPCI_WORDS = frozenset({"metropole", "eurometropole"})
_FOREIGN_WORDING = (
    ("conseil-departemental", Kind.AREA),
    ("conseil-provincial", Kind.AREA),
    ("conseil-regional", Kind.AREA),
    ("commune-urbaine", Kind.PLACE),
    ("commune-rurale", Kind.PLACE),
    ("gouvernorat", Kind.AREA),
    ("municipalite", Kind.PLACE),
    ("departement", Kind.AREA),
    ("prefecture", Kind.AREA),
    ("province", Kind.AREA),
    ("voivodie", Kind.AREA),
    ("commune", Kind.PLACE),
    ("mairie", Kind.PLACE),
    ("region", Kind.AREA),
    ("wilaya", Kind.AREA),
    ("oblast", Kind.AREA),
    ("comte", Kind.AREA),
    ("ville", Kind.PLACE),
    ("etat", Kind.AREA),
)
_TRAILING_PARENTHESES = re.compile(r"^(?P<name>.*\S)\s*\((?P<inside>[^()]*)\)\s*$")


@dataclass(frozen=True)
class Reading:
    """A name read: the kind expected, and the keys to look it up by.

    ``key`` is the name proper, without the words that said its kind ("deux-sevres" for
    "Conseil départemental des Deux-Sèvres"); ``literal_key`` is the key of the whole name,
    for the names that only look worded (the commune Ville-d'Avray). ``worded`` says whether
    the kind was read from the name, not assumed. ``department`` is the key of what a French
    name gives in trailing parentheses, "Saint-Denis (93)" or "Saint-Denis (La Réunion)": the
    département to look in, when it is one.
    """

    kind: Kind
    key: str
    literal_key: str
    worded: bool
    department: str | None = None


@lru_cache(maxsize=1 << 16)  # a name is read when its entity is found, linked and reported
def read_name(name: str, country: str, *, whole: bool = False) -> Reading:
    """What ``name`` says it is, for a collectivity of ``country`` (ISO alpha-2).

    Trailing parentheses are not part of the name ("Saint-Denis (93)", "Kpalimé (Kloto)")
    unless ``whole``: the authorities also have names that end so ("Halle (Saale)", "CA du
    Grand Avignon (COGA)")."""
    french = country.upper() == FRANCE
    department = None
    parentheses = None if whole else _TRAILING_PARENTHESES.match(name)
    if parentheses:
        name = parentheses["name"]
        if french:
            department = key(parentheses["inside"]) or None
    literal = key(name)
    for prefix, kind in _FRENCH_WORDING if french else _FOREIGN_WORDING:
        if literal.startswith(prefix + "-"):
            proper = _after_connector(literal[len(prefix) + 1:])
            return Reading(kind, name_key(kind, proper), literal, True, department)
    if french:
        for suffix in _EPCI_SUFFIXES:
            if literal.endswith("-" + suffix):
                return Reading(Kind.EPCI, name_key(Kind.EPCI, literal), literal, True, department)
        if _EPCI_WORDS.intersection(literal.split("-")):
            return Reading(Kind.EPCI, name_key(Kind.EPCI, literal), literal, True, department)
    return Reading(Kind.COMMUNE if french else Kind.PLACE, literal, literal, False, department)


def name_key(kind: Kind, proper: str) -> str:
    """The key a name proper is compared by for its kind.

    Communes and towns keep their article (Le Mans is not Mans); the names of départements,
    régions and areas are compared without it ("de la Savoie", "Savoie"); an EPCI's without
    its kind's words either ("CA Chartres Métropole" and "Communauté d'agglomération de
    Chartres" are both "chartres")."""
    if kind in (Kind.COMMUNE, Kind.PLACE):
        return proper
    if kind is Kind.EPCI:
        for prefix, wording in _FRENCH_WORDING:
            if wording is Kind.EPCI and proper.startswith(prefix + "-"):
                proper = _after_connector(proper[len(prefix) + 1:])
                break
        for suffix in _EPCI_SUFFIXES:
            if proper.endswith("-" + suffix):
                proper = proper[: -len(suffix) - 1]
                break
    return without_article(proper)


def _after_connector(rest: str) -> str:
    for connector, article in _CONNECTORS:
        if rest.startswith(connector + "-"):
            return article + rest[len(connector) + 1:]
    return rest
