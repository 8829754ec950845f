"""Synthetic Atlas project pages, in the real page format, for scale tests and benchmarks.

``write_corpus(directory, count, seed)`` writes ``synth_{n:06d}.txt`` (n = 1…count), each a
page laid out exactly like a real capture (``../shared/atlas/FORMAT.md``): the same labels in
the same order, tables written ``a | b |`` over a ``---|`` rule, the pagination debris after the
"Autres thématiques" table, the ``![]()`` flag cells, funding and contact rows whose empty cells
are dropped so the rest shift left (the year lands under a "1% Eau" column, the e-mail under
"Fonction"), padded with ``||`` cells on some rows, labels followed directly by the next label
when their value is empty, and paragraphs or whole blocks repeated in the texts. Other quirks
are drawn at realistic rates: collectivity names in capitals (~10 % of mentions) or without
accents (~10 %), typographic apostrophes, amounts with space or no-break-space thousands
separators and decimal commas, country names in everyday French ("Vietnam", "Côte d’Ivoire"),
CRLF line ends (~5 % of files) and a UTF-8 byte-order mark (~2 %).

Every page says it is synthetic, twice:

- an ``Identifiant`` label at the top, valued ``SYNTH-{seed}-{n:06d}``: the parser takes it as
  the record id, and a record id starting with ``SYNTH-`` marks the record synthetic
  (``atlas:synthetic true`` in the graph);
- the title ends with `` [synthétique]``.

The collectivities are drawn from the authorities of :mod:`atlas_graph.link` (the Code officiel
géographique and GeoNames) and written the ways real pages write them, homonyms included, with
about 5 % invented and absent from the authorities (:mod:`atlas_graph.synth.collectivities`).
Names of people are made up from short lists, and e-mails are on example.org. No page describes
a real partnership.

Output depends only on ``(count, seed)`` and the authorities file (the manifest records the
versions of its sources): one ``random.Random(seed)`` drives everything, so the same arguments
give byte-identical files. The pools (collectivities, organisations, paragraphs) are built once
per run, sized in proportion to ``count``; each page then only draws from them, with a skew, so
that a few collectivities are named by many records and most by one or two, in ~140 countries,
as in the real Atlas.

``synth-manifest.json`` records what each page states (the generator's own bookkeeping: record
id, title, partners with the name of the collectivity, its name as written and its slug, funding
rows and their sum, …), the link each distinct (country, name as written) should get
(``collectivities``: the authority and identifier when it has exactly one candidate, else
``ambiguous`` with the candidates, or ``absent``) and totals (records, sum of all amounts,
partnerships per country, collectivities per expected link), so that tests and benchmarks can
compare what the pipeline reports with what was written (:mod:`atlas_graph.synth.link_quality`).
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from atlas_graph import countries
from atlas_graph.link.authorities import Authorities, load_authorities
from atlas_graph.link.names import Kind
from atlas_graph.synth import vocabulary as vocab
from atlas_graph.synth.collectivities import OTHER_FORM_SHARE, Collectivity, CollectivityDrawer, Form, expected_link
from atlas_graph.uris import slug

SYNTH_ID_PREFIX = "SYNTH-"
TITLE_SUFFIX = " [synthétique]"
MANIFEST_NAME = "synth-manifest.json"
MAX_COUNT = 999_999  # the file names have six digits
FIRST_YEAR, LAST_YEAR = 1985, 2024
# Pool sizes per page. Records draw from the pools with a skew (a few places are in many
# records), so 12,000 pages use about 4,800 French and 9,900 foreign collectivities, as the Atlas.
FRENCH_POOL, FOREIGN_POOL = 0.45, 1.5

PAGE_HEADER = "Atlas français de la coopération décentralisée et des autres actions extérieures"
PAGINATION = ("<<", "< pagination.page.precedent", "1", "pagination.page.suivant >", ">>")
FLAG = "![]()"
FUNDING_COLUMNS = 7
FUNDING_HEADER = (
    "Nom du financeur | Montant en euros" + " | Montant 1% Eau (Loi 2005)" * 4 + " | Année |"
)
_PAGE_FILE = re.compile(r"^synth_(\d{6})\.txt$")


def page_file_name(n: int) -> str:
    return f"synth_{n:06d}.txt"


def synthetic_id(seed: int, n: int) -> str:
    return f"{SYNTH_ID_PREFIX}{seed}-{n:06d}"


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


# --- pools, built once per run ----------------------------------------------------------------


class _Random(random.Random):
    """``random.Random`` with a cheaper ``choice`` (one ``random()`` call): the generator
    draws some forty items per page."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


class _Weighted:
    """Weighted draws without per-draw set-up: cumulative weights computed once."""

    def __init__(self, items, weights):
        self.items = tuple(items)
        self.cumulative = tuple(accumulate(weights))

    def draw(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _weighted_pairs(pairs) -> _Weighted:
    return _Weighted([item for item, _ in pairs], [weight for _, weight in pairs])


@dataclass(frozen=True)
class Pools:
    french: tuple[Collectivity, ...]
    foreign: tuple[Collectivity, ...]
    country_spellings: dict[str, tuple[str, ...]]
    organisations: tuple[str, ...]
    paragraphs: tuple[str, ...]
    theme_paths: tuple[tuple[str, ...], ...]  # every path of one to three levels
    organisation_forms: dict[str, Form]  # the other partners that are French collectivities


def country_spellings() -> dict[str, tuple[str, ...]]:
    """alpha-2 → the French spellings written for it, the usual one first."""
    return {
        code: vocab.COUNTRY_SPELLINGS.get(code, (countries.by_alpha2(code).name_fr,))
        for code in vocab.COUNTRY_CODES
    }


def theme_paths() -> tuple[tuple[str, ...], ...]:
    paths = []
    for top, subs in vocab.THEMES:
        paths.append((top,))
        for sub, subsubs in subs:
            paths.append((top, sub))
            paths.extend((top, sub, subsub) for subsub in subsubs)
    return tuple(paths)


def _name_root(rng: random.Random, syllables: tuple[str, ...], low: int, high: int) -> str:
    root = "".join(rng.choice(syllables) for _ in range(rng.randint(low, high)))
    return root[:1].upper() + root[1:]


def build_pools(rng: random.Random, count: int, authorities: Authorities | None = None) -> Pools:
    """Collectivities, organisations and paragraphs for a run of ``count`` pages.

    Collectivities are drawn from the authorities (:mod:`atlas_graph.synth.collectivities`).
    Every name has its own slug (the name key of the graph), across all pools and all the forms
    of a collectivity: two different collectivities never merge into one entity, and a funder's
    name designates one node only.
    """
    authorities = authorities or load_authorities()
    taken = {slug(vocab.MINISTRY), slug(vocab.OTHER_FUNDER)}

    def unique(make: Callable[[], str]) -> tuple[str, str]:
        while True:
            name = make()
            key = slug(name)
            if key not in taken:
                taken.add(key)
                return name, key

    organisations = [unique(lambda name=name: name)[0] for name in vocab.ORGANISATIONS]
    organisation_forms = {name: Form(name, Kind.REGION, name.removeprefix("Région "), True)
                          for name in organisations if name.startswith("Région ")}

    french_prefix = _Weighted([(prefix, Kind(kind)) for prefix, _, kind in vocab.FRENCH_PREFIXES],
                              [weight for _, weight, _ in vocab.FRENCH_PREFIXES])
    french_suffix = _weighted_pairs(vocab.FRENCH_SUFFIXES)

    def invent_french() -> tuple[str, Kind, str, bool]:
        prefix, kind = french_prefix.draw(rng)
        proper = _name_root(rng, vocab.FRENCH_SYLLABLES, 2, 3) + french_suffix.draw(rng)
        if kind is Kind.COMMUNE and not prefix.endswith(" "):  # Saint-…: a name, not a wording
            return prefix + proper, kind, prefix + proper, False
        return prefix + proper, kind, prefix + proper if kind is Kind.EPCI else proper, True

    foreign_prefix = _weighted_pairs(vocab.FOREIGN_PREFIXES)

    def invent_foreign() -> tuple[str, Kind, str]:
        proper = _name_root(rng, vocab.FOREIGN_SYLLABLES, 2, 4)
        return foreign_prefix.draw(rng) + proper, Kind.PLACE, proper

    drawer = CollectivityDrawer(rng, authorities, taken)
    french = tuple(drawer.french(invent_french) for _ in range(max(20, round(count * FRENCH_POOL))))
    codes = vocab.COUNTRY_CODES
    country = _Weighted(codes, [1 / rank ** 1.1 for rank in range(1, len(codes) + 1)])
    foreign = tuple(drawer.foreign(lambda: country.draw(rng), invent_foreign)
                    for _ in range(max(30, round(count * FOREIGN_POOL))))
    for _ in range(max(10, round(count * 0.03))):
        pattern = rng.choice(vocab.ASSOCIATION_PATTERNS)
        organisations.append(unique(lambda: pattern.format(place=rng.choice(foreign).name))[0])
    return Pools(
        french=french,
        foreign=foreign,
        country_spellings=country_spellings(),
        organisations=tuple(organisations),
        paragraphs=_paragraphs(rng, min(3000, max(300, count))),
        theme_paths=theme_paths(),
        organisation_forms=organisation_forms,
    )


def _sentence(rng: random.Random) -> str:
    complement = rng.choice(vocab.COMPLEMENTS)
    subject = rng.choice(vocab.SUBJECTS)
    singular, plural = rng.choice(vocab.VERBS)
    verb = plural if subject.startswith("Les ") else singular
    words = [subject, verb, rng.choice(vocab.OBJECTS)]
    if complement:
        words.append(complement)
    return " ".join(words) + "."


def _paragraphs(rng: random.Random, size: int) -> tuple[str, ...]:
    opener = _weighted_pairs(vocab.LINE_OPENERS)
    seen: dict[str, None] = {}
    while len(seen) < size:
        text = opener.draw(rng) + " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))
        seen[text] = None
    return tuple(seen)


# --- one page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One generated page: its bytes and what it states (for the manifest)."""

    file_name: str
    data: bytes
    facts: dict
    names: tuple[tuple[str, str, Form], ...]  # (country, name as written, its form) of each collectivity


def _skewed_index(rng: random.Random, size: int, power: float) -> int:
    """An index in ``range(size)``, low indices more likely (a few places in many records)."""
    return int(size * rng.random() ** power)


def _cents_text(cents: int) -> str:
    euros, fraction = divmod(cents, 100)
    return str(euros) if fraction == 0 else f"{euros}.{fraction:02d}"


class _PageMaker:
    """Draws the pages of one run, one after the other, from one random generator."""

    _levels = _Weighted((1, 2, 3), (15, 35, 50))
    _foreign_count = _Weighted((1, 2, 3), (80, 15, 5))
    _french_count = _Weighted((1, 2), (85, 15))
    _others_count = _Weighted((0, 1, 2), (55, 35, 10))
    _other_themes_count = _Weighted((0, 1, 2, 3), (55, 25, 13, 7))
    _paragraph_count = _Weighted((1, 2, 3, 4, 5), (25, 30, 25, 12, 8))
    _funding_count = _Weighted((1, 2, 3, 4, 5, 6), (25, 25, 20, 15, 10, 5))
    _status = _Weighted(vocab.STATUSES, vocab.STATUS_WEIGHTS)
    _form = _Weighted(vocab.FORMS, vocab.FORM_WEIGHTS)

    def __init__(self, rng: random.Random, pools: Pools, seed: int):
        self.rng = rng
        self.pools = pools
        self.seed = seed
        self.email_parts = {name: slug(name) for name in vocab.GIVEN_NAMES + vocab.FAMILY_NAMES}
        self.themes_by_depth = {
            depth: [path for path in pools.theme_paths if len(path) == depth] for depth in (1, 2, 3)
        }

    def form(self, place: Collectivity) -> Form:
        """The form one page writes a collectivity in: mostly the usual one."""
        if len(place.forms) == 1 or self.rng.random() >= OTHER_FORM_SHARE:
            return place.forms[0]
        return self.rng.choice(place.forms[1:])

    def spell(self, name: str) -> str:
        """A collectivity's name as one mention writes it: mostly as is, sometimes in
        capitals, without accents, in lower case, with a typographic apostrophe or spaces for
        hyphens."""
        r = self.rng.random()
        if r < 0.10:
            return (strip_accents(name) if r < 0.06 else name).upper()
        if r < 0.20:
            return strip_accents(name)
        if r < 0.22:
            return name.lower()
        if r < 0.30 and "'" in name:
            return name.replace("'", "’")
        if r < 0.35:  # "Saint Denis", "Conseil général de Haute Savoie"
            return name.replace("-", " ")
        return name

    def theme(self) -> tuple[str, ...]:
        return self.rng.choice(self.themes_by_depth[self._levels.draw(self.rng)])

    def distinct(self, draw: Callable[[], object], count: int, exclude=()) -> list:
        chosen: list = []
        for _ in range(count * 20):
            if len(chosen) == count:
                break
            item = draw()
            if item not in chosen and item not in exclude:
                chosen.append(item)
        return chosen

    def text(self, first: str | None = None) -> tuple[list[str], int]:
        """A text's lines (with repeats, as on the real pages) and its number of paragraphs."""
        rng, bank = self.rng, self.pools.paragraphs
        paragraphs = self.distinct(lambda: rng.choice(bank), self._paragraph_count.draw(rng))
        if first:
            paragraphs[0] = first
        lines = paragraphs
        if rng.random() < 0.5:
            start = rng.randrange(len(paragraphs))
            if rng.random() < 0.6:  # the page's short and full versions: a block twice
                lines = paragraphs + paragraphs[start:]
            else:  # one paragraph twice in a row
                lines = paragraphs[: start + 1] + paragraphs[start:]
        return lines, len(paragraphs)

    def amount_cents(self, low: int, high: int) -> int:
        rng = self.rng
        euros = low * (high / low) ** rng.random()
        r = rng.random()
        if r < 0.1:
            return int(euros * 100)
        step = 100 if r < 0.45 else 10 if r < 0.8 else 1
        return max(step, round(euros / step) * step) * 100

    def amount_text(self, cents: int) -> str:
        euros, fraction = divmod(cents, 100)
        r = self.rng.random()
        whole = str(euros)
        if euros >= 1000 and r < 0.35:
            whole = f"{euros:,}".replace(",", " " if r < 0.2 else "\u00a0")
        return whole if fraction == 0 else f"{whole},{fraction:02d}"

    def page(self, n: int) -> Page:
        rng, pools = self.rng, self.pools
        record_id = synthetic_id(self.seed, n)

        foreign = self.distinct(
            lambda: pools.foreign[_skewed_index(rng, len(pools.foreign), 1.25)], self._foreign_count.draw(rng))
        french = self.distinct(
            lambda: pools.french[_skewed_index(rng, len(pools.french), 1.4)], self._french_count.draw(rng))
        others = self.distinct(lambda: rng.choice(pools.organisations), self._others_count.draw(rng))
        theme = self.theme()
        other_themes = self.distinct(self.theme, self._other_themes_count.draw(rng), exclude=(theme,))

        signature_year = min(LAST_YEAR, FIRST_YEAR + int(40 * rng.random() ** 0.7))
        start_year = signature_year
        if rng.random() < 0.45:
            start_year = max(FIRST_YEAR, min(LAST_YEAR, signature_year + rng.randint(-2, 3)))
        status = self._status.draw(rng)
        end_date = None
        if status == "Terminé" and rng.random() < 0.6:
            end_date = (rng.randint(1, 28), rng.randint(1, 12), rng.randint(start_year, LAST_YEAR))
        last_funding_year = end_date[2] if end_date else LAST_YEAR

        foreign_forms = [self.form(place) for place in foreign]
        french_forms = [self.form(place) for place in french]
        foreign_bases = [form.written for form in foreign_forms]
        french_bases = [form.written for form in french_forms]
        foreign_written = [self.spell(name) for name in foreign_bases]
        french_written = [self.spell(name) for name in french_bases]
        title = rng.choice(vocab.TITLE_PATTERNS).format(
            action=rng.choice(vocab.TITLE_ACTIONS), phase=rng.choice(vocab.TITLE_PHASES),
            foreign=self.spell(foreign_bases[0]), french=self.spell(french_bases[0]),
        ) + TITLE_SUFFIX

        lines = [PAGE_HEADER, "Identifiant", record_id, "Titre", title]
        lines.append("Année de première signature de la convention" if rng.random() < 0.1
                     else "Année de signature de la convention")
        lines.append(str(signature_year))
        for label, depth in (("Thématique d'intervention", 0), ("Sous-thématique d'intervention", 1),
                             ("Sous-sous-thématique d'intervention", 2)):
            lines.append(label)
            if depth < len(theme):
                lines.append(theme[depth])
        lines += ["Autres thématiques mises en œuvre pour le partenariat",
                  "Thématique éligible | Sous-thématique | Sous-sous-thématique | Priorité |"]
        lines.append("---|---|---|---|" if other_themes else "---|")
        for path in other_themes:
            cells = list(path) + ([rng.choice(vocab.PRIORITIES)] if rng.random() < 0.5 else [])
            lines.append(" | ".join(cells) + " |")
        lines += PAGINATION
        lines += ["Année de début du partenariat", str(start_year), "Le partenariat est :", status,
                  "Date de fin du partenariat"]
        if end_date:
            lines.append("{:02d}/{:02d}/{:04d}".format(*end_date))

        paragraph_counts = {}
        place_sentence = None
        if rng.random() < 0.4:
            place_sentence = rng.choice(vocab.PLACE_SENTENCES).format(
                place=self.spell(foreign_bases[0]), french=self.spell(french_bases[0]),
                population=rng.randrange(2_000, 400_000, 1_000), km=rng.randint(10, 600))
        for label, key, first in (("Contexte", "context", place_sentence), ("Historique", "history", None),
                                  ("Objectif du partenariat", "objective", None),
                                  ("Description détaillée du partenariat", "description", None)):
            text_lines, paragraph_counts[key] = self.text(first)
            lines.append(label)
            lines += text_lines
        form = self._form.draw(rng)
        lines += ["Votre partenariat prend la forme d'un(e)", form]

        spellings = pools.country_spellings
        countries_written = [
            spellings[place.alpha2][0] if rng.random() < 0.8 else rng.choice(spellings[place.alpha2])
            for place in foreign
        ]
        lines += ["Partenaires étrangers du partenariat", "Nom de la collectivité étrangère | Pays | |",
                  "---|---|---|"]
        lines += [f"{name} | {country} | {FLAG} |"
                  for name, country in zip(foreign_written, countries_written, strict=True)]

        contacts = self.contact_rows(foreign_bases)
        lines += ["Contacts dans les partenaires étrangers du partenariat",
                  "Nom de la collectivité étrangère | Nom | Prénom | Fonction | Courriel |",
                  "---|---|---|---|---|" if contacts else "---|"]
        lines += contacts
        lines += ["Collectivités territoriales partenaires du partenariat", "Nom de la collectivité territoriale | |",
                  "---|---|"]
        lines += [f"{name} | {FLAG} |" for name in french_written]
        lines.append("Autres partenaires du partenariat en France")
        lines += others
        triennial = rng.random() < 0.3
        if triennial:
            lines.append("Le partenariat est triennal")

        funding = self.funding(foreign_bases, french_bases, others, start_year, last_funding_year)
        lines += ["Financement du partenariat", FUNDING_HEADER, "---|" * FUNDING_COLUMNS]
        lines += [row["line"] for row in funding]

        volunteers = self.volunteer_rows(foreign_bases)
        lines += ["Volontaires impliqués dans le partenariat (VSI, service civique, etc.) d'Échange et de Solidarité",
                  "Nom | Prénom | Mission | Champs d'action | Entité d'affectation |",
                  "---|---|---|---|---|" if volunteers else "---|"]
        lines += volunteers

        crlf, bom = rng.random() < 0.05, rng.random() < 0.02
        text = "\n".join(lines) + ("\n" if rng.random() < 0.3 else "")
        if crlf:
            text = text.replace("\n", "\r\n")
        data = ("\ufeff" + text if bom else text).encode("utf-8")

        amount_sum = sum(row["cents"] for row in funding)
        facts = {
            "file": page_file_name(n),
            "record_id": record_id,
            "title": title,
            "signature_year": signature_year,
            "start_year": start_year,
            "status": status,
            "end_date": "{:04d}-{:02d}-{:02d}".format(*end_date[::-1]) if end_date else None,
            "form": form,
            "triennial": triennial,
            "theme": list(theme),
            "other_themes": [list(path) for path in other_themes],
            "foreign_partners": [
                {"name": place.name, "key": slug(written), "written": written, "country": place.alpha2,
                 "country_written": country}
                for place, written, country in zip(foreign, foreign_written, countries_written, strict=True)
            ],
            "french_partners": [{"name": place.name, "key": slug(written), "written": written}
                                for place, written in zip(french, french_written, strict=True)],
            "other_french_partners": others,
            "paragraphs": paragraph_counts,
            "funding": [{"funder": row["funder"], "amount": _cents_text(row["cents"]),
                         "water": [_cents_text(c) for c in row["water"]], "year": row["year"]}
                        for row in funding],
            "funding_rows": len(funding),
            "amount_sum": _cents_text(amount_sum),
            "contacts": len(contacts),
            "volunteers": len(volunteers),
            "crlf": crlf,
            "bom": bom,
        }
        names = [(place.alpha2, written, form)
                 for place, written, form in zip(foreign, foreign_written, foreign_forms, strict=True)]
        names += [("FR", written, form) for written, form in zip(french_written, french_forms, strict=True)]
        names += [("FR", name, pools.organisation_forms[name]) for name in others if name in pools.organisation_forms]
        return Page(page_file_name(n), data, facts, tuple(names))

    def funding(self, foreign, french, others, first_year, last_year) -> list[dict]:
        rng = self.rng
        rows = []
        for _ in range(self._funding_count.draw(rng)):
            r = rng.random()
            if r < 0.35:
                funder = self.spell(rng.choice(french))
            elif r < 0.6 or (r < 0.72 and not others):
                funder = vocab.MINISTRY
            elif r < 0.72:
                funder = rng.choice(others)
            elif r < 0.82:
                funder = self.spell(rng.choice(foreign))
            else:
                funder = vocab.OTHER_FUNDER
            cents = self.amount_cents(500, 250_000)
            water = []
            if rng.random() < 0.4:
                for _ in range(2 if rng.random() < 0.08 else 1):
                    water.append(0 if rng.random() < 0.75 else self.amount_cents(100, 20_000))
            year = rng.randint(first_year, max(first_year, last_year))
            cells = [funder, self.amount_text(cents), *(self.amount_text(c) for c in water), str(year)]
            line = " | ".join(cells) + " |"
            if rng.random() < 0.65:  # padded with the dropped cells, as on the real page
                line += " " + "|" * (FUNDING_COLUMNS - len(cells))
            rows.append({"funder": funder, "cents": cents, "water": water, "year": year, "line": line})
        return rows

    def person(self) -> tuple[str, str, str]:
        rng = self.rng
        family, given = rng.choice(vocab.FAMILY_NAMES), rng.choice(vocab.GIVEN_NAMES)
        email = f"{self.email_parts[given]}.{self.email_parts[family]}{rng.randint(1, 99)}@example.org"
        return family, given, email

    def contact_rows(self, foreign) -> list[str]:
        rows = []
        for place in foreign:
            r = self.rng.random()
            for _ in range(2 if r < 0.1 else 1 if r < 0.55 else 0):
                family, given, email = self.person()
                cells = [self.spell(place), family, given]
                if self.rng.random() < 0.5:  # else the function is empty and the e-mail shifts left
                    cells.append(self.rng.choice(vocab.FUNCTIONS))
                rows.append(" | ".join(cells + [email]) + " |")
        return rows

    def volunteer_rows(self, foreign) -> list[str]:
        rng = self.rng
        if rng.random() >= 0.12:
            return []
        family, given, _ = self.person()
        cells = [family, given, rng.choice(vocab.MISSIONS), rng.choice(vocab.THEMES)[0],
                 self.spell(rng.choice(foreign))]
        return [" | ".join(cells) + " |"]


# --- a run ------------------------------------------------------------------------------------


def generate_pages(count: int, seed: int, authorities: Authorities | None = None) -> Iterator[Page]:
    """The pages of a run, in order; nothing is written."""
    rng = _Random(seed)
    maker = _PageMaker(rng, build_pools(rng, count, authorities), seed)
    for n in range(1, count + 1):
        yield maker.page(n)


class _Totals:
    """The manifest's totals, counted page by page (the pages themselves are not kept)."""

    def __init__(self):
        self.records = self.funding_rows = self.cents = self.water_cents = 0
        self.crlf_files = self.bom_files = 0
        self.per_country: dict[str, int] = {}
        self.foreign: set[tuple[str, str]] = set()
        self.french: set[str] = set()
        self.themes: set[tuple[str, ...]] = set()
        self.names: dict[tuple[str, str], Form] = {}

    def add_names(self, page: Page) -> None:
        for country, written, form in page.names:
            self.names.setdefault((country, written), form)

    def add(self, page: dict) -> None:
        self.records += 1
        self.crlf_files += page["crlf"]
        self.bom_files += page["bom"]
        for code in dict.fromkeys(p["country"] for p in page["foreign_partners"]):
            self.per_country[code] = self.per_country.get(code, 0) + 1
        self.foreign.update((p["country"], p["key"]) for p in page["foreign_partners"])
        self.french.update(p["key"] for p in page["french_partners"])
        for path in [page["theme"], *page["other_themes"]]:
            self.themes.update(tuple(path[:depth]) for depth in range(1, len(path) + 1))
        for row in page["funding"]:
            self.funding_rows += 1
            self.cents += _cents(row["amount"])
            self.water_cents += sum(_cents(w) for w in row["water"])

    def as_json(self) -> dict:
        return {
            "records": self.records,
            "funding_rows": self.funding_rows,
            "amount_sum": _cents_text(self.cents),
            "water_amount_sum": _cents_text(self.water_cents),
            "partnerships_per_country": dict(sorted(self.per_country.items())),
            "countries": len(self.per_country),
            "foreign_collectivities": len(self.foreign),
            "french_collectivities": len(self.french),
            "theme_concepts": len(self.themes),
            "crlf_files": self.crlf_files,
            "bom_files": self.bom_files,
        }


def _cents(text: str) -> int:
    euros, _, fraction = text.partition(".")
    return int(euros) * 100 + int(fraction or 0)


def remove_stale_pages(directory: Path, count: int) -> int:
    """Delete the ``synth_NNNNNN.txt`` pages of an earlier, larger run (n > count)."""
    removed = 0
    if directory.is_dir():
        for path in directory.iterdir():
            match = _PAGE_FILE.match(path.name)
            if match and int(match.group(1)) > count and path.is_file():
                path.unlink()
                removed += 1
    return removed


def expected_links(names: dict[tuple[str, str], Form], authorities: Authorities) -> list[dict]:
    """The manifest's ``collectivities``: for each distinct (country, name as written), the kind
    the generator meant and the link it should get (:func:`~atlas_graph.synth.collectivities.expected_link`),
    in (country, name) order. Spellings of one slug are one entity, and share their expectation."""
    by_slug: dict[tuple[str, str], dict] = {}
    found = []
    for (country, written), form in sorted(names.items()):
        expected = by_slug.get((country, slug(written)))
        if expected is None:
            link = expected_link(form, country, authorities)
            expected = by_slug[country, slug(written)] = {
                "kind": str(form.kind), "expected": link.status, "authority": link.authority,
                "identifier": link.identifier, "candidates": list(link.candidates)}
        found.append({"country": country, "written": written, **expected})
    return found


def link_totals(collectivities: list[dict]) -> dict:
    """Distinct entities (country and slug) per expected status, and per kind and status."""
    entities = {(c["country"], slug(c["written"])): c for c in collectivities}.values()
    per_status: dict[str, int] = {}
    per_kind: dict[str, dict[str, int]] = {}
    for entity in entities:
        per_status[entity["expected"]] = per_status.get(entity["expected"], 0) + 1
        kind = per_kind.setdefault(entity["kind"], {})
        kind[entity["expected"]] = kind.get(entity["expected"], 0) + 1
    return {"entities": len(entities), "per_status": dict(sorted(per_status.items())),
            "per_kind": {kind: dict(sorted(counts.items())) for kind, counts in sorted(per_kind.items())}}


def write_corpus(directory: Path, count: int, seed: int,
                 advance: Callable[[int], None] | None = None, authorities: Authorities | None = None) -> dict:
    """Write ``count`` pages and the manifest into ``directory`` (created if needed).

    The manifest is ``{"generator", "note", "seed", "count", "authorities", "files": [one object
    per page], "collectivities": [one object per distinct (country, name as written)], "totals"}``,
    streamed as the pages are written and put in place at the end (an interrupted run leaves no
    manifest). ``authorities`` (default: the package's) is where the collectivities are drawn
    from, and ``"authorities"`` the versions of its sources. ``advance(n)`` is called as pages
    are written (for a progress bar). Returns the manifest without its ``files`` and ``collectivities``.
    """
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be between 1 and {MAX_COUNT}, not {count}")
    if seed < 0:
        raise ValueError(f"seed must be zero or positive, not {seed}")
    authorities = authorities or load_authorities()
    sources = {name: str(source) for name, source in authorities.sources().items()}
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {"generator": "atlas-graph synth", "note": "synthetic data: describes no real partnership",
                "seed": seed, "count": count, "authorities": sources}
    totals = _Totals()
    partial = directory / (MANIFEST_NAME + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        out.write(json.dumps(manifest, ensure_ascii=False)[:-1] + ',\n"files":[\n')
        pending = 0
        for page in generate_pages(count, seed, authorities):
            (directory / page.file_name).write_bytes(page.data)
            if totals.records:
                out.write(",\n")
            out.write(json.dumps(page.facts, ensure_ascii=False, separators=(",", ":")))
            totals.add(page.facts)
            totals.add_names(page)
            pending += 1
            if advance and pending == 500:
                advance(pending)
                pending = 0
        collectivities = expected_links(totals.names, authorities)
        manifest["totals"] = {**totals.as_json(), "links": link_totals(collectivities)}
        out.write('\n],\n"collectivities":[\n')
        out.write(",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in collectivities))
        out.write('\n],\n"totals":' + json.dumps(manifest["totals"], ensure_ascii=False) + "}\n")
    if advance and pending:
        advance(pending)
    partial.replace(directory / MANIFEST_NAME)
    return manifest
