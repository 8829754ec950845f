"""Countries from their French names: pycountry (ISO 3166-1 and its French translation),
plus a small alias table for the everyday names pycountry does not know."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry

from atlas_graph.uris import slug
from atlas_graph.vocabulary import EU_COUNTRY


@dataclass(frozen=True)
class Country:
    alpha2: str
    alpha3: str
    name_fr: str
    name_en: str

    @property
    def eu_authority(self) -> str:
        """The country's IRI in the EU Publications Office authority table."""
        return EU_COUNTRY + self.alpha3


# Everyday French names the Atlas uses and pycountry's translation lacks.
ALIASES: dict[str, str] = {
    "Vietnam": "VN",
    "Palestine": "PS",
    "Territoires palestiniens": "PS",
    "Russie": "RU",
    "Congo": "CG",
    "Congo-Brazzaville": "CG",
    "RDC": "CD",
    "Congo-Kinshasa": "CD",
    "République Démocratique du Congo": "CD",
    "Corée du Sud": "KR",
    "Corée du Nord": "KP",
    "Birmanie": "MM",
    "Macédoine": "MK",
    "Moldavie": "MD",
    "Cap Vert": "CV",
    "Syrie": "SY",
    "Laos": "LA",
    "Tanzanie": "TZ",
    "Bolivie": "BO",
    "Iran": "IR",
    "Venezuela": "VE",
    "Micronésie": "FM",
    "Swaziland": "SZ",
    "Turquie": "TR",
    "République tchèque": "CZ",
    "Taïwan": "TW",
    "Vatican": "VA",
}

# Not in ISO 3166-1 but in the EU authority table (user-assigned code XK / XKX).
_EXTRA = {"XK": Country("XK", "XKX", "Kosovo", "Kosovo")}


@lru_cache(maxsize=1)
def _french():
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])


@cache
def by_alpha2(alpha2: str) -> Country:
    alpha2 = alpha2.upper()
    if alpha2 in _EXTRA:
        return _EXTRA[alpha2]
    entry = pycountry.countries.get(alpha_2=alpha2)
    if entry is None:
        raise KeyError(alpha2)
    name_en = getattr(entry, "common_name", None) or entry.name
    name_fr = _french().gettext(name_en)
    if "," in name_fr:  # "Russie, Fédération de": the everyday name reads better
        name_fr = next((alias for alias, code in ALIASES.items() if code == alpha2), name_fr)
    return Country(entry.alpha_2, entry.alpha_3, name_fr, name_en)


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """slug of every known name → alpha-2; names shared by two countries are left out."""
    fr = _french().gettext
    candidates: dict[str, set[str]] = {}

    def add(name: str | None, alpha2: str) -> None:
        if name:
            candidates.setdefault(slug(name), set()).add(alpha2)

    for entry in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(entry, attr, None)
            if not name:
                continue
            add(name, entry.alpha_2)
            add(fr(name), entry.alpha_2)
            # "Palestine, État de" → also "Palestine", when that part names one country only
            add(fr(name).split(",")[0], entry.alpha_2)
    index = {key: next(iter(codes)) for key, codes in candidates.items() if len(codes) == 1}
    for name, alpha2 in ALIASES.items():
        index[slug(name)] = alpha2
    index[slug("Kosovo")] = "XK"
    return index


def resolve(name: str) -> Country | None:
    """The country a French (or English) name designates, or None when it is unknown."""
    alpha2 = _index().get(slug(name))
    return by_alpha2(alpha2) if alpha2 else None


FRANCE = "FR"
