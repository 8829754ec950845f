"""The parser on the real page and on one small capture per quirk of FORMAT.md."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from atlas_graph.ingest.parse import parse_amount, parse_bytes, parse_file, parse_text
from atlas_graph.model import Contact, ForeignPartner, ThemePath, Volunteer

PROBLEM_LINE = re.compile(r"^(?P<file>\S+):(?P<line>\d+): (?P<field>[^:]+): (?P<value>'.*'|\".*\"): (?P<message>.+)$")


def parse(test_records: Path, name: str):
    result = parse_file(test_records / name)
    assert result.record is not None, [str(p) for p in result.problems]
    return result.record, result.problems


def funding_table(records):
    return [(f.funder, f.amount, f.water_amounts, f.year) for f in records.funding]


# the real page --------------------------------------------------------------------------------


def test_real_page(real_page):
    result = parse_file(real_page)
    assert result.problems == ()
    record = result.record
    assert record.record_id == "000_907021ef8160d5c3"
    assert record.title == "Développement urbain économique et social de kpalimé (final)"
    assert (record.signature_year, record.start_year, record.end_date) == (1991, 1991, None)
    assert record.theme == ThemePath(("Education, Social et Recherche", "Santé"))
    assert record.other_themes == ()
    assert (record.status, record.form) == ("En cours", "Projet de coopération décentralisée")
    assert record.foreign_partners == (ForeignPartner("Kpalime", "Togo", 79),)
    assert record.french_partners == ("Bressuire",)
    assert record.other_french_partners == ("Région Poitou-Charentes",)
    assert record.triennial is True
    assert record.contacts == (Contact("Kpalime", "Samtou", "Edem", "", "adjk1991@yahoo.fr", "foreign-partner"),)
    assert record.volunteers == ()
    minister = "Ministère de l'Europe et des Affaires étrangères"
    assert funding_table(record) == [
        ("Bressuire", 19300, (0,), 1991),
        (minister, 4666, (), 1991),
        (minister, 4668, (), 1993),
        (minister, 4666, (), 1992),
        ("Région Poitou-Charentes", 22600, (), 1991),
        ("Autre", 58300, (0,), 1991),
    ]
    assert len(record.context) == 3 and len(record.history) == 2 and len(record.objective) == 4


# one quirk per record -------------------------------------------------------------------------


def test_multi_row_tables(test_records):
    record, problems = parse(test_records, "multi_row_tables.txt")
    assert problems == ()
    assert record.theme == ThemePath(("Développement durable", "Eau et assainissement"))  # empty 3rd level
    assert record.other_themes == (ThemePath(("Culture", "Patrimoine")),
                                   ThemePath(("Gouvernance", "Appui institutionnel", "Etat civil")))
    assert [(p.name, p.country) for p in record.foreign_partners] == [("Porto-Novo", "Bénin"),
                                                                      ("Ouagadougou", "Burkina Faso")]
    assert record.french_partners == ("Lyon", "Métropole de Lyon")
    assert record.other_french_partners == ("Agence de l'eau Rhône Méditerranée Corse", "Association Lyon-Afrique")
    assert funding_table(record) == [
        ("Lyon", 50000, (10000,), 2005),
        ("Métropole de Lyon", 30000, (), 2006),
        ("Agence de l'eau Rhône Méditerranée Corse", 20000, (5000,), 2006),
        ("Porto-Novo", 2000, (), 2007),
    ]
    assert [(c.organisation, c.family_name, c.given_name, c.role, c.email) for c in record.contacts] == [
        ("Porto-Novo", "Dossou", "Awa", "Maire adjointe", "awa.dossou@example.org"),
        ("Ouagadougou", "Ouedraogo", "Paul", "Directeur", "paul.ouedraogo@example.org"),
    ]
    assert record.volunteers == (Volunteer("Martin", "Léa", "Service civique", "Eau", "Porto-Novo"),)
    # empty texts (label followed by a label) are empty, not the next label's name
    assert record.context == ("Deux villes jumelles.",)
    assert record.history == record.objective == record.description == ()
    assert record.end_date is None


def test_shifted_cells_read_by_what_they_are(test_records):
    record, problems = parse(test_records, "shifted_cells.txt")
    assert problems == ()
    # the e-mail sits under 'Fonction' in the first row; the second has no e-mail
    assert [(c.organisation, c.family_name, c.given_name, c.role, c.email) for c in record.contacts] == [
        ("Kpalime", "Samtou", "Edem", "", "adjk1991@yahoo.fr"),
        ("Kpalime", "Agbeko", "Komi", "Secrétaire général", ""),
    ]
    # the year sits under a '1% Eau' column; all four water cells; no year at all
    assert funding_table(record) == [
        ("Bressuire", 19300, (0,), 2010),
        ("Kpalime", 1000, (), 2011),
        ("Syndicat des eaux", 8000, (100, 200, 300, 400), 2012),
        ("Autre", 500, (), None),
    ]


def test_end_date_and_status(test_records):
    record, problems = parse(test_records, "end_date.txt")
    assert problems == ()
    assert record.end_date == dt.date(2015, 9, 15)
    assert record.status == "Terminé"
    assert record.start_year == 2009 and record.signature_year is None


def test_three_level_theme(test_records):
    record, _ = parse(test_records, "three_level_theme.txt")
    assert record.theme == ThemePath(("Développement économique", "Agriculture et sécurité alimentaire",
                                      "Filières agricoles"))


def test_other_themes_without_priority_and_pagination(test_records):
    record, problems = parse(test_records, "other_themes.txt")
    assert problems == ()
    assert record.other_themes == (
        ThemePath(("Education, Social et Recherche", "Santé")),
        ThemePath(("Développement économique", "Agriculture et sécurité alimentaire", "Filières agricoles")),
        ThemePath(("Culture",)),
    )


@pytest.mark.parametrize("name, says", [
    ("error_page.txt", "not an Atlas project page: no 'Titre' label (it reads: '<html>')"),
    ("not_found_page.txt", "not an Atlas project page: no 'Titre' label "
                           "(it reads: \"Erreur : la page demandée n'existe pas\")"),
    ("empty.txt", "empty capture: no text at all"),
])
def test_not_a_record_is_rejected_with_a_clear_message(test_records, name, says):
    result = parse_file(test_records / name)
    assert result.rejected
    assert [p.message for p in result.problems] == [says]
    assert str(result.problems[0]).startswith(str(test_records / name))


@pytest.mark.parametrize("data, says", [
    (b"   \n\t\n", "empty capture"),
    (b"Titre\n\x00\x01binary", "NUL bytes"),
    ("Titre\nCaf\u00e9".encode("latin-1"), "not UTF-8 text: byte 0xe9"),
    (b"Titre\n\nAnn\xc3\xa9e de signature de la convention\n1991\n", "the title is empty"),
])
def test_other_captures_that_are_not_records(data, says):
    result = parse_bytes(data, source="x.txt", stem="x")
    assert result.rejected
    assert says in " ".join(p.message for p in result.problems)


def test_broken_values_reported_and_left_out(test_records):
    record, problems = parse(test_records, "broken_values.txt")
    assert record.signature_year is None
    assert record.end_date is None
    assert funding_table(record) == [("Bressuire", None, (), 2012), ("Bressuire", 3000, (), 2013)]
    reported = [(p.line, p.field, p.value) for p in problems]
    assert reported == [
        (5, "Année de signature de la convention", "19x1"),
        (9, "Date de fin du partenariat", "31/02/2015"),
        (18, "Financement du partenariat", "12O00"),
    ]
    for problem in problems:  # file, line, field, value and message, on one line
        text = str(problem)
        assert "\n" not in text
        match = PROBLEM_LINE.match(text)
        assert match, text
        assert match["file"].endswith("broken_values.txt") and match["message"]
    # the unknown country is the mapping's business (the page itself is well formed)
    assert ("Cité perdue", "Atlantide") in [(p.name, p.country) for p in record.foreign_partners]


def test_crlf_and_bom(test_records):
    data = (test_records / "crlf_bom.txt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data  # git kept the bytes
    record, problems = parse(test_records, "crlf_bom.txt")
    assert problems == ()
    lf = parse_bytes(data[3:].replace(b"\r\n", b"\n"), source="lf.txt", stem="crlf_bom").record
    assert record.title == lf.title == "Fins de ligne Windows"
    assert (record.signature_year, record.foreign_partners, record.funding) == (
        lf.signature_year, lf.foreign_partners, lf.funding)
    assert funding_table(record) == [("Kpalime", 1500, (), 1998)]


def test_decimal_commas_and_thousands_separators(test_records):
    record, problems = parse(test_records, "decimal_commas.txt")
    assert problems == ()
    assert [(f.amount, f.water_amounts) for f in record.funding] == [
        (Decimal("12000"), ()), (Decimal("1500.50"), (Decimal("250.25"),)),
        (Decimal("3250"), ()), (Decimal("1234567.89"), ()),
    ]
    assert "\u00a0" in (test_records / "decimal_commas.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("text, amount", [
    ("12 000", "12000"), ("1 500,50", "1500.50"), ("1\u00a0500,50", "1500.50"), ("3\u202f250", "3250"),
    ("1.500,50", "1500.50"), ("1,500.50", "1500.50"), ("1.234.567", "1234567"), ("4666", "4666"),
    ("0", "0"), ("19300 €", "19300"), ("12,5", "12.5"),
])
def test_parse_amount(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["12O00", "", "abc", "1 2 3,4,5", "NaN", "Infinity", "1e5", "--3", "12-"])
def test_parse_amount_refuses_what_is_not_an_amount(text):
    assert parse_amount(text) is None


def test_curly_apostrophes(test_records):
    record, problems = parse(test_records, "curly_apostrophes.txt")
    assert problems == ()
    assert record.theme == ThemePath(("Gouvernance", "Appui institutionnel"))  # label spelled with ’
    assert record.foreign_partners[0].country == "Côte d’Ivoire"


def test_label_variant(test_records):
    record, problems = parse(test_records, "label_variant.txt")
    assert problems == () and record.signature_year == 1987


def test_atlas_id_names_the_record(test_records):
    record, _ = parse(test_records, "atlas_id.txt")
    assert record.atlas_id == record.record_id == "ATL-2012-0042"
    assert record.title == "Un identifiant Atlas"


def test_diplomatic_contacts_follow_their_own_header(test_records):
    record, problems = parse(test_records, "diplomatic_contacts.txt")
    assert problems == ()
    assert record.contacts == (
        Contact("", "Lefèvre", "Claire", "Attachée de coopération", "claire.lefevre@diplomatie.gouv.fr",
                "diplomatic-post"),
        Contact("", "Nguyen", "Minh", "", "minh.nguyen@diplomatie.gouv.fr", "diplomatic-post"),
    )


def test_spelling_variants_keep_their_spelling(test_records):
    names = [parse(test_records, f"spelling_variants_{x}.txt")[0].foreign_partners[0].name for x in "abc"]
    assert names == ["KPALIME", "Kpalime", "Kpalimé"]


# smaller cases, written inline -----------------------------------------------------------------

HEADER = "Atlas français de la coopération décentralisée et des autres actions extérieures\nTitre\nT\n"


def parse_page(body: str):
    return parse_text(HEADER + body, source="inline.txt", stem="inline")


def test_a_label_is_never_a_value():
    record = parse_page("Le partenariat est :\nDate de fin du partenariat\nContexte\nUn.\n").record
    assert record.status is None and record.end_date is None and record.context == ("Un.",)


def test_labels_matched_whatever_their_case_accents_and_apostrophes():
    record = parse_page("ANNEE DE SIGNATURE DE LA CONVENTION\n2001\nthematique d’intervention\nCulture\n").record
    assert record.signature_year == 2001 and record.theme == ThemePath(("Culture",))


def test_triennial_flag_absent_is_false():
    assert parse_page("Le partenariat est :\nEn cours\n").record.triennial is False


def test_two_values_for_a_single_field_are_reported():
    result = parse_page("Le partenariat est :\nEn cours\nTerminé\n")
    assert result.record.status is None
    assert "2 different values" in result.problems[0].message


def test_an_orphan_sub_theme_is_reported():
    result = parse_page("Sous-thématique d'intervention\nSanté\n")
    assert result.record.theme is None
    assert "without its parent" in result.problems[0].message


def test_a_source_address_that_is_not_a_url_is_reported():
    result = parse_page("Adresse de la page\nnot a <url>\n")
    assert result.record.source_url is None
    assert result.problems[0].value == "not a <url>"
    ok = parse_page("Adresse de la page\nhttps://pastel.diplomatie.gouv.fr/cncdext/dyn/public/atlas/x?id=1\n")
    assert ok.record.source_url.startswith("https://pastel.diplomatie.gouv.fr/")


def test_an_e_mail_that_cannot_be_an_iri_is_not_taken_as_an_e_mail():
    record = parse_page("Contacts dans les partenaires étrangers du partenariat\n"
                        "Nom de la collectivité étrangère | Nom | Prénom | Fonction | Courriel |\n"
                        "---|---|---|---|---|\n"
                        "Lomé | A | B | x<y>@z.tg |\n").record
    assert record.contacts[0].email == ""


def test_funding_row_with_a_single_year_like_number_is_reported():
    result = parse_page("Financement du partenariat\nNom du financeur | Montant en euros | Année |\n"
                        "---|---|---|\nLyon | 2012 |\n")
    assert result.record.funding[0].amount is None and result.record.funding[0].year is None
    assert "could be the amount or the year" in result.problems[0].message


def test_empty_table_is_a_header_and_a_bare_rule():
    record = parse_page("Partenaires étrangers du partenariat\nNom de la collectivité étrangère | Pays | |\n---|\n"
                        "Collectivités territoriales partenaires du partenariat\n"
                        "Nom de la collectivité territoriale | |\n"
                        "---|\n").record
    assert record.foreign_partners == () and record.french_partners == ()


def test_the_record_id_falls_back_to_a_safe_file_stem():
    result = parse_text(HEADER, source="dir/a b é.txt", stem="a b é")
    assert result.record.record_id == "a-b-e"
    assert "file name not usable in a URI" in result.problems[0].message
