"""Atlas project page (text capture) → :class:`~atlas_graph.model.Record`.

The page is a sequence of labels, each followed by its value lines up to the next label
(``../shared/atlas/FORMAT.md``). Reading is label-driven and tolerant: labels are recognised
whatever their case, accents or apostrophes; table cells are read by what they are (a year, an
amount, an e-mail), because empty cells are dropped and the others shift left. Every problem is
reported with file, line, field, value and what is wrong; a broken value is left out, never
guessed; a capture that is not a record is rejected with a message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from atlas_graph.model import Contact, ForeignPartner, Funding, ParseResult, Problem, Record, ThemePath, Volunteer
from atlas_graph.uris import slug

# label slug → field name. Slugs make "Thématique d’intervention" and "Thematique d'intervention"
# the same label. Variants seen in captures are listed side by side.
LABELS: dict[str, str] = {
    "titre": "title",
    "identifiant": "atlas_id",
    "identifiant-du-projet": "atlas_id",
    "numero-du-projet": "atlas_id",
    "adresse-de-la-page": "source_url",
    "source": "source_url",
    "annee-de-signature-de-la-convention": "signature_year",
    "annee-de-premiere-signature-de-la-convention": "signature_year",
    "thematique-d-intervention": "theme1",
    "sous-thematique-d-intervention": "theme2",
    "sous-sous-thematique-d-intervention": "theme3",
    "autres-thematiques-mises-en-oeuvre-pour-le-partenariat": "other_themes",
    "annee-de-debut-du-partenariat": "start_year",
    "le-partenariat-est": "status",
    "date-de-fin-du-partenariat": "end_date",
    "contexte": "context",
    "historique": "history",
    "objectif-du-partenariat": "objective",
    "description-detaillee-du-partenariat": "description",
    "votre-partenariat-prend-la-forme-d-un-e": "form",
    "partenaires-etrangers-du-partenariat": "foreign_partners",
    "contacts-dans-les-partenaires-etrangers-du-partenariat": "foreign_contacts",
    "contacts-dans-le-poste-diplomatique": "diplomatic_contacts",
    "collectivites-territoriales-partenaires-du-partenariat": "french_partners",
    "autres-partenaires-du-partenariat-en-france": "other_french_partners",
    "le-partenariat-est-triennal": "triennial",
    "financement-du-partenariat": "funding",
}
# Labels long enough to be cut or reworded; matched by their start.
LABEL_PREFIXES: dict[str, str] = {
    "volontaires-impliques-dans-le-partenariat": "volunteers",
}
PAGE_HEADER = "atlas-francais-de-la-cooperation-decentralisee"
FIELD_NAMES = {  # how a field is named in messages: the page's own label
    "title": "Titre",
    "atlas_id": "Identifiant",
    "source_url": "Adresse de la page",
    "signature_year": "Année de signature de la convention",
    "theme1": "Thématique d'intervention",
    "theme2": "Sous-thématique d'intervention",
    "theme3": "Sous-sous-thématique d'intervention",
    "other_themes": "Autres thématiques mises en œuvre pour le partenariat",
    "start_year": "Année de début du partenariat",
    "status": "Le partenariat est :",
    "end_date": "Date de fin du partenariat",
    "context": "Contexte",
    "history": "Historique",
    "objective": "Objectif du partenariat",
    "description": "Description détaillée du partenariat",
    "form": "Votre partenariat prend la forme d'un(e)",
    "foreign_partners": "Partenaires étrangers du partenariat",
    "foreign_contacts": "Contacts dans les partenaires étrangers du partenariat",
    "diplomatic_contacts": "Contacts dans le poste diplomatique",
    "french_partners": "Collectivités territoriales partenaires du partenariat",
    "other_french_partners": "Autres partenaires du partenariat en France",
    "triennial": "Le partenariat est triennal",
    "funding": "Financement du partenariat",
    "volunteers": "Volontaires impliqués dans le partenariat",
}
PERSONAL_DATA = {"foreign_contacts", "diplomatic_contacts", "volunteers"}  # never quoted in problems
TEXTS = {"context", "history", "objective", "description"}
TABLES = {"other_themes", "foreign_partners", "foreign_contacts", "diplomatic_contacts",
          "french_partners", "funding", "volunteers"}

MIN_YEAR, MAX_YEAR = 1900, 2100
_PAGINATION = re.compile(r"^(<<|>>|<|>|\d{1,4}|<?\s*pagination\.page\.\w+\s*>?)$")
_RULE = re.compile(r"^\s*-{3,}\s*(\|\s*(-{3,}\s*)?)*\|?\s*$")
_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)$")
_EMAIL = re.compile(r"^[\w.!#$%&'*+/=?~-]+@[\w-]+(\.[\w-]+)+$")
_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_AMOUNT_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_PRIORITY = re.compile(r"^(\d{1,2}|oui|non|principale|secondaire|prioritaire)$", re.IGNORECASE)
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_ATLAS_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass
class _Line:
    number: int
    text: str


@dataclass
class _Section:
    field: str
    label_line: int
    lines: list[_Line] = field(default_factory=list)


MAX_LABEL_LENGTH = 200  # far beyond the longest label: longer lines (paragraphs) are not slugged


@lru_cache(maxsize=4096)
def label_field(text: str) -> str | None:
    """The field a line introduces, or None when the line is not a label.

    Called on every line of every page: cached (labels repeat on every page) and quick to say
    no to a paragraph."""
    if len(text) > MAX_LABEL_LENGTH:
        return None
    key = slug(text)
    if key in LABELS:
        return LABELS[key]
    for prefix, name in LABEL_PREFIXES.items():
        if key.startswith(prefix):
            return name
    return None


def parse_file(path: str | Path) -> ParseResult:
    """Read one capture from disk and parse it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _rejected(str(path), None, f"cannot read the file: {exc.strerror or exc}")
    return parse_bytes(data, source=str(path), stem=path.stem)


def parse_bytes(data: bytes, source: str, stem: str) -> ParseResult:
    """Parse a capture's bytes. Never raises: returns a record or a rejection with a message."""
    if b"\x00" in data:
        return _rejected(source, None, "not a text capture: the file holds NUL bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return _rejected(source, line, f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded")
    return parse_text(text, source=source, stem=stem, content_hash=hashlib.sha256(data).hexdigest())


def parse_text(text: str, source: str, stem: str, content_hash: str | None = None) -> ParseResult:
    """Parse a capture's text (see the module docstring)."""
    if content_hash is None:
        content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    text = text.lstrip("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(line.strip() for line in lines):
        return _rejected(source, None, "empty capture: no text at all")
    preamble, sections = _split_sections(lines)
    if not any(section.field == "title" for section in sections):
        shown = [line.strip() for line in lines if line.strip()]
        first = next((line for line in shown if not slug(line).startswith(PAGE_HEADER)), shown[0])
        return _rejected(
            source, None,
            f"not an Atlas project page: no 'Titre' label (it reads: {first[:80]!r})",
        )
    return _Reader(source, stem, content_hash, preamble, sections).read()


def _rejected(source: str, line: int | None, message: str) -> ParseResult:
    return ParseResult(source, None, (Problem(source, line, "record", "", message),))


def _split_sections(lines: list[str]) -> tuple[list[_Line], list[_Section]]:
    preamble: list[_Line] = []
    sections: list[_Section] = []
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        name = label_field(text) if "|" not in text else None
        if name:
            sections.append(_Section(name, number))
        elif sections:
            sections[-1].lines.append(_Line(number, text))
        else:
            preamble.append(_Line(number, text))
    return preamble, sections


def _unique(lines: list[_Line]) -> list[_Line]:
    """Each distinct line once, in order: the pages repeat whole paragraphs and blocks."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        key = " ".join(line.text.split())
        if key not in seen:
            seen.add(key)
            kept.append(line)
    return kept


def _cells(line: _Line) -> list[str]:
    """A table row's cells, with empty cells and flag images dropped."""
    return [c.strip() for c in line.text.split("|") if c.strip() and not _IMAGE.match(c.strip())]


CONTACT_COLUMNS = {  # header slug → Contact field, in the foreign partners' table order
    "nom-de-la-collectivite-etrangere": "organisation",
    "nom": "family_name",
    "prenom": "given_name",
    "fonction": "role",
}


def _contact_column(header_cell: str) -> str | None:
    key = slug(header_cell)
    if key in ("courriel", "email", "e-mail", "adresse-electronique"):
        return "email"
    if "collectivite" in key or key in ("organisation", "organisme", "poste", "poste-diplomatique"):
        return "organisation"
    return CONTACT_COLUMNS.get(key)


def parse_amount(text: str) -> Decimal | None:
    """ "12 000" → 12000, "1 500,50" → 1500.50, "1.500,50" → 1500.50, "4666" → 4666; else None."""
    value = _AMOUNT_SPACES.sub("", text).removesuffix("€").removesuffix("EUR").strip()
    if "," in value and "." in value:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        value = value.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in value:
        value = value.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3}){2,}", value):
        value = value.replace(".", "")  # "1.234.567": French thousands points
    if not re.fullmatch(r"-?\d+(\.\d+)?", value):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _is_year(text: str) -> bool:
    return bool(_YEAR.match(text)) and MIN_YEAR <= int(text) <= MAX_YEAR


class _Reader:
    """Reads the sections of one page into a Record, collecting problems on the way."""

    def __init__(self, source, stem, content_hash, preamble, sections):
        self.source = source
        self.stem = stem
        self.content_hash = content_hash
        self.preamble = preamble
        self.sections = sections
        self.problems: list[Problem] = []

    def problem(self, line: int | None, name: str, value: str, message: str) -> None:
        self.problems.append(Problem(self.source, line, FIELD_NAMES.get(name, name), value, message))

    def read(self) -> ParseResult:
        for line in self.preamble:
            if not slug(line.text).startswith(PAGE_HEADER):
                self.problem(line.number, "page", line.text[:80], "text before the first label, left out")
        by_field: dict[str, _Section] = {}
        for section in self.sections:
            if section.field in by_field:
                first = by_field[section.field]
                if [line.text for line in section.lines] != [line.text for line in first.lines]:
                    self.problem(section.label_line, section.field, "",
                                 f"label repeated with other values (first at line {first.label_line}); "
                                 "the first is kept")
                continue
            by_field[section.field] = section
        values = {}
        for name, section in by_field.items():
            reader = getattr(self, f"_read_{name}", None)
            if reader is None:
                reader = self._read_text if name in TEXTS else self._read_single
            values[name] = reader(section)

        title = values.get("title")
        if not title:
            self.problem(by_field["title"].label_line, "title", "", "the title is empty: a record needs one")
            return ParseResult(self.source, None, tuple(self.problems))
        atlas_id = values.get("atlas_id")
        record_id = atlas_id or self._id_from_stem()
        if not record_id:
            return ParseResult(self.source, None, tuple(self.problems))
        record = Record(
            source=self.source,
            record_id=record_id,
            content_hash=self.content_hash,
            atlas_id=atlas_id,
            source_url=values.get("source_url"),
            title=title,
            signature_year=values.get("signature_year"),
            start_year=values.get("start_year"),
            end_date=values.get("end_date"),
            status=values.get("status"),
            form=values.get("form"),
            theme=self._theme(values, by_field),
            other_themes=values.get("other_themes", ()),
            context=values.get("context", ()),
            history=values.get("history", ()),
            objective=values.get("objective", ()),
            description=values.get("description", ()),
            foreign_partners=values.get("foreign_partners", ()),
            french_partners=values.get("french_partners", ()),
            other_french_partners=values.get("other_french_partners", ()),
            triennial=values.get("triennial", False),
            funding=values.get("funding", ()),
            contacts=values.get("foreign_contacts", ()) + values.get("diplomatic_contacts", ()),
            volunteers=values.get("volunteers", ()),
            synthetic=bool(atlas_id and atlas_id.startswith("SYNTH-")),
        )
        return ParseResult(self.source, record, tuple(self.problems))

    def _id_from_stem(self) -> str | None:
        """The file's stem as record id; slugged when it is not safe in a URI."""
        if _ATLAS_ID.match(self.stem):
            return self.stem
        safe = slug(self.stem)
        if safe:
            self.problem(None, "record", self.stem, f"file name not usable in a URI; record id {safe!r} used")
            return safe
        self.problem(None, "record", self.stem,
                     "no 'Identifiant' and a file name with no letter or digit: no record id")
        return None

    # single values ---------------------------------------------------------------------------

    def _single_line(self, section: _Section) -> _Line | None:
        lines = _unique(section.lines)
        if len(lines) > 1:
            shown = " / ".join(line.text for line in lines)[:120]
            self.problem(lines[0].number, section.field, shown,
                         f"{len(lines)} different values where one is expected; left out")
            return None
        return lines[0] if lines else None

    def _read_single(self, section: _Section) -> str | None:
        line = self._single_line(section)
        return line.text if line else None

    def _read_title(self, section: _Section) -> str | None:
        lines = _unique(section.lines)  # a long title may wrap over several lines
        return " ".join(line.text for line in lines) or None

    def _read_atlas_id(self, section: _Section) -> str | None:
        line = self._single_line(section)
        if line and not _ATLAS_ID.match(line.text):
            self.problem(line.number, section.field, line.text,
                         "not an identifier (letters, digits, '.', '_' or '-'); the file name is used")
            return None
        return line.text if line else None

    def _read_source_url(self, section: _Section) -> str | None:
        line = self._single_line(section)
        if line and not _URL.match(line.text):
            self.problem(line.number, section.field, line.text[:120],
                         "not an http(s) address; the capture's hash names the source instead")
            return None
        return line.text if line else None

    def _read_year(self, section: _Section) -> int | None:
        line = self._single_line(section)
        if line is None:
            return None
        if not _is_year(line.text):
            self.problem(line.number, section.field, line.text,
                         f"not a year (four digits, {MIN_YEAR}–{MAX_YEAR}); left out")
            return None
        return int(line.text)

    _read_signature_year = _read_year
    _read_start_year = _read_year

    def _read_end_date(self, section: _Section) -> dt.date | None:
        line = self._single_line(section)
        if line is None:
            return None
        match = _DATE.match(line.text)
        try:
            if not match:
                raise ValueError("expected dd/mm/yyyy")
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        except ValueError as exc:
            self.problem(line.number, section.field, line.text, f"not a date ({exc}); left out")
            return None

    def _read_triennial(self, section: _Section) -> bool:
        line = self._single_line(section)
        if line is None:
            return True  # the flag line alone states it
        answer = slug(line.text)
        if answer in ("oui", "yes", "vrai", "true"):
            return True
        if answer in ("non", "no", "faux", "false"):
            return False
        self.problem(line.number, section.field, line.text, "expected no value, 'Oui' or 'Non'; taken as stated")
        return True

    def _theme(self, values: dict, by_field: dict) -> ThemePath | None:
        levels = [values.get(f"theme{n}") for n in (1, 2, 3)]
        present = [level for level in levels if level]
        for n in (2, 3):  # a level below an empty one would be an orphan
            if levels[n - 1] and not all(levels[: n - 1]):
                self.problem(by_field[f"theme{n}"].label_line, f"theme{n}", levels[n - 1],
                             "sub-theme given without its parent theme; the theme is left out")
                return None
        return ThemePath(tuple(present)) if present else None

    # texts -----------------------------------------------------------------------------------

    def _read_text(self, section: _Section) -> tuple[str, ...]:
        return tuple(line.text for line in _unique(section.lines))

    def _read_other_french_partners(self, section: _Section) -> tuple[str, ...]:
        return tuple(line.text for line in _unique(section.lines))

    # tables ----------------------------------------------------------------------------------

    def _rows(self, section: _Section) -> list[_Line]:
        return self._table(section)[1]

    def _table(self, section: _Section) -> tuple[list[str], list[_Line]]:
        """The header cells (the row above a ``---|`` rule; empty when there is none) and the
        data rows of a table section; the rule and pagination debris skipped."""
        header: list[str] = []
        rows = []
        lines = section.lines
        for i, line in enumerate(lines):
            if _RULE.match(line.text):
                continue
            if "|" not in line.text:
                if not _PAGINATION.match(line.text):
                    shown = "(personal data)" if section.field in PERSONAL_DATA else line.text[:80]
                    self.problem(line.number, section.field, shown, "a line that is not a table row; left out")
                continue
            if i + 1 < len(lines) and _RULE.match(lines[i + 1].text):
                header = header or _cells(line)
                continue
            rows.append(line)
        return header, rows

    def _read_foreign_partners(self, section: _Section) -> tuple[ForeignPartner, ...]:
        partners = []
        for line in self._rows(section):
            cells = _cells(line)
            if len(cells) < 2:
                self.problem(line.number, section.field, line.text, "a foreign partner without its country; left out")
                continue
            if len(cells) > 2:
                self.problem(line.number, section.field, line.text,
                             "more cells than name and country; extra cells left out")
            partners.append(ForeignPartner(cells[0], cells[1], line.number))
        return tuple(partners)

    def _read_french_partners(self, section: _Section) -> tuple[str, ...]:
        names = []
        for line in self._rows(section):
            cells = _cells(line)
            if cells:
                names.append(cells[0])
            if len(cells) > 1:
                self.problem(line.number, section.field, line.text, "more cells than a name; extra cells left out")
        return tuple(dict.fromkeys(names))

    def _read_other_themes(self, section: _Section) -> tuple[ThemePath, ...]:
        paths = []
        for line in self._rows(section):
            cells = _cells(line)
            if cells and _PRIORITY.match(cells[-1]) and len(cells) > 1:
                cells = cells[:-1]  # the "Priorité" column
            if len(cells) > 3:
                self.problem(line.number, section.field, line.text, "more than three theme levels; left out")
                continue
            if cells:
                paths.append(ThemePath(tuple(cells)))
        return tuple(dict.fromkeys(paths))

    def _read_funding(self, section: _Section) -> tuple[Funding, ...]:
        rows = []
        for line in self._rows(section):
            row = self._funding_row(section, line)
            if row:
                rows.append(row)
        return tuple(rows)

    def _funding_row(self, section: _Section, line: _Line) -> Funding | None:
        """``funder | amount | 1% Eau ×0..4 | year``, with empty cells dropped."""
        cells = _cells(line)
        if not cells:
            return None
        funder, values = cells[0], cells[1:]
        if parse_amount(funder) is not None:
            self.problem(line.number, section.field, line.text, "the row has no funder name; row left out")
            return None
        year = None
        if len(values) >= 2 and _is_year(values[-1]):
            year = int(values.pop())
        elif len(values) == 1 and _is_year(values[0]):
            self.problem(line.number, section.field, values[0],
                         "a single number that could be the amount or the year; left out")
            values = []
        elif len(values) >= 2 and _YEAR.match(values[-1]) is None and parse_amount(values[-1]) is None:
            self.problem(line.number, section.field, values[-1], "not a year nor an amount; left out")
            values.pop()
        amounts: list[Decimal | None] = []  # None: a broken cell, reported and left out
        for value in values:
            amount = parse_amount(value)
            if amount is None:
                self.problem(line.number, section.field, value, "not an amount; left out")
            elif amount < 0:
                self.problem(line.number, section.field, value, "a negative amount; left out")
                amount = None
            amounts.append(amount)
        if not amounts:
            self.problem(line.number, section.field, funder, "no amount for this funder")
        amount = amounts[0] if amounts else None
        water = tuple(a for a in amounts[1:] if a is not None)
        return Funding(funder, amount, water, year, line.number)

    def _read_contacts(self, section: _Section, kind: str) -> tuple[Contact, ...]:
        """Rows of ``[collectivité |] Nom | Prénom | Fonction | Courriel``: the e-mail is found by
        its form wherever it sits (empty cells are dropped); the other cells fill the header's
        other columns in order."""
        header, rows = self._table(section)
        columns = [name for name in map(_contact_column, header) if name and name != "email"]
        if not columns:
            columns = list(CONTACT_COLUMNS)
        contacts = []
        for line in rows:
            cells = _cells(line)
            emails = [c for c in cells if _EMAIL.match(c)]
            others = [c for c in cells if not _EMAIL.match(c)]
            if len(others) > len(columns) or len(emails) > 1:
                self.problem(line.number, section.field, "(personal data)",
                             "more cells than the header; extra cells left out")
            values = dict(zip(columns, others, strict=False))  # fewer cells: the rest are empty
            contacts.append(Contact(values.get("organisation", ""), values.get("family_name", ""),
                                    values.get("given_name", ""), values.get("role", ""),
                                    emails[0] if emails else "", kind))
        return tuple(contacts)

    def _read_foreign_contacts(self, section: _Section) -> tuple[Contact, ...]:
        return self._read_contacts(section, "foreign-partner")

    def _read_diplomatic_contacts(self, section: _Section) -> tuple[Contact, ...]:
        return self._read_contacts(section, "diplomatic-post")

    def _read_volunteers(self, section: _Section) -> tuple[Volunteer, ...]:
        volunteers = []
        for line in self._rows(section):
            cells = (_cells(line) + [""] * 5)[:5]
            volunteers.append(Volunteer(*cells))
        return tuple(volunteers)
