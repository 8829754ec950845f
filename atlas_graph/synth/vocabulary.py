"""Fixed word lists for :mod:`atlas_graph.synth.corpus`: countries, themes, forms, name parts, phrases.

Only data lives here; the generator decides how often each item is drawn. Every list is a
tuple so that its order (and therefore a seed's output) never changes between runs.
"""

from __future__ import annotations

# ~140 countries of the Atlas, most frequent first (the generator weights them Zipf-like by rank).
COUNTRY_CODES: tuple[str, ...] = tuple("""
SN MA BF ML MG BJ TG TN CM VN HT LB NE MR CI DZ GN CD CG GA TD CF BI RW DJ KM CV GH NG KE ET ZA
MZ TZ UG EG SL LR GM GW ST AO ZW ZM NA BW MW MU SD KH LA CN JP KR IN ID TH PH MN NP LK BD PK AF
MM MY KZ UZ AM GE AZ IL PS JO SY IQ IR TR YE AE DE IT ES PT GB IE BE NL LU CH AT PL CZ SK HU RO
BG GR HR SI RS BA ME MK AL XK MD UA BY RU LT LV EE FI SE NO DK CY CA US MX GT HN SV NI CR PA CU
DO BR AR CL PE BO EC CO VE UY PY VU
""".split())

# Everyday French spellings, the first one the usual; countries not listed are written with
# their name from atlas_graph.countries (pycountry's French translation).
COUNTRY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "VN": ("Vietnam", "Viêt Nam"),
    "CI": ("Côte d’Ivoire", "Côte d'Ivoire"),
    "CG": ("Congo", "République du Congo"),
    "CD": ("République démocratique du Congo", "RDC"),
    "CZ": ("République tchèque", "Tchéquie"),
    "CV": ("Cap-Vert", "Cap Vert"),
    "VE": ("Venezuela", "Vénézuela"),
    "GW": ("Guinée-Bissau", "Guinée Bissau"),
    "MK": ("Macédoine du Nord", "Macédoine"),
    "PS": ("Palestine", "Territoires palestiniens"),
    "RU": ("Russie",),
    "SY": ("Syrie",),
    "MM": ("Birmanie",),
}

# The theme tree: (top theme, ((sub-theme, (sub-sub-themes…)), …)).
THEMES: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    ("Education, Social et Recherche", (
        ("Santé", ("Accès aux soins", "Prévention et hygiène")),
        ("Education et formation", ("Scolarisation", "Formation professionnelle")),
        ("Action sociale", ()),
    )),
    ("Eau et assainissement", (
        ("Accès à l'eau potable", ()),
        ("Assainissement", ("Gestion des eaux usées",)),
        ("Gestion des ressources en eau", ()),
    )),
    ("Développement économique", (
        ("Micro-finance", ()),
        ("Tourisme", ()),
        ("Artisanat et commerce", ()),
    )),
    ("Culture, Patrimoine", (
        ("Patrimoine", ()),
        ("Echanges culturels", ()),
        ("Lecture publique", ()),
    )),
    ("Environnement, Climat et Energie", (
        ("Gestion des déchets", ("Collecte des ordures ménagères",)),
        ("Energies renouvelables", ()),
        ("Biodiversité", ()),
    )),
    ("Gouvernance locale", (
        ("Appui institutionnel", ("Maîtrise d'ouvrage", "Etat civil")),
        ("Urbanisme et aménagement", ()),
        ("Finances locales", ()),
    )),
    ("Santé", (
        ("Santé maternelle et infantile", ()),
        ("Lutte contre les épidémies", ()),
    )),
    ("Agriculture et sécurité alimentaire", (
        ("Filières agricoles", ()),
        ("Sécurité alimentaire", ("Cantines scolaires",)),
    )),
)

STATUSES = ("En cours", "Terminé", "En projet", "Suspendu", "En sommeil")
STATUS_WEIGHTS = (55, 38, 3, 2, 2)
FORMS = (
    "Projet de coopération décentralisée", "Jumelage", "Accord de coopération",
    "Convention de partenariat", "Pacte d'amitié", "Charte de coopération", "Protocole d'accord",
)
FORM_WEIGHTS = (50, 20, 12, 8, 4, 3, 3)
PRIORITIES = ("1", "2", "3", "Principale", "Secondaire")

MINISTRY = "Ministère de l'Europe et des Affaires étrangères"
OTHER_FUNDER = "Autre"

# Organisations that appear under "Autres partenaires du partenariat en France".
ORGANISATIONS = (
    "Agence de l'eau Seine-Normandie", "Agence de l'eau Loire-Bretagne",
    "Agence de l'eau Adour-Garonne", "Agence de l'eau Rhône Méditerranée Corse",
    "Agence de l'eau Rhin-Meuse", "Agence de l'eau Artois-Picardie",
    "Région Poitou-Charentes", "Région Rhône-Alpes", "Région Nouvelle-Aquitaine", "Région Bretagne",
    "Région Occitanie", "Région Grand Est", "Région Hauts-de-France", "Région Normandie",
    "Région Île-de-France", "Région Auvergne-Rhône-Alpes", "Région Centre-Val de Loire",
    "Région Pays de la Loire", "Région Bourgogne-Franche-Comté", "Région Provence-Alpes-Côte d'Azur",
    "Cités Unies France", "Agence française de développement", "Syndicat des eaux d'Île-de-France",
)
ASSOCIATION_PATTERNS = (
    "Association Les Amis de {place}", "Association Solidarité {place}",
    "Comité de jumelage de {place}", "Association {place} Développement",
)

# Name parts. French names: a root of two or three syllables, an optional prefix or suffix.
FRENCH_SYLLABLES = (
    "bres", "suire", "mont", "ville", "court", "bourg", "champ", "val", "roche", "fort", "bel",
    "ram", "bouil", "let", "gny", "ac", "an", "ier", "nay", "cel", "lès", "pré", "thé", "mé",
    "vé", "lou", "vain", "chal", "mar", "sé", "bé", "sau", "tour", "nans", "ber", "gé", "ro",
    "ché", "cey", "fou", "grè", "châ", "teau", "lin", "moy", "dé",
)
# Invented names (absent from the authorities): (prefix, weight, the kind the prefix says).
FRENCH_PREFIXES = (
    ("", 58, "commune"), ("Saint-", 8, "commune"), ("Sainte-", 2, "commune"), ("Ville de ", 8, "commune"),
    ("Commune de ", 6, "commune"), ("Communauté d'agglomération de ", 4, "epci"),
    ("Communauté de communes de ", 3, "epci"), ("Département ", 3, "department"), ("Région ", 2, "region"),
    ("Métropole de ", 2, "epci"), ("Conseil départemental de ", 4, "department"),
)
FRENCH_SUFFIXES = (
    ("", 80), ("-sur-Mer", 3), ("-les-Bains", 3), ("-en-Vexin", 2), ("-la-Forêt", 3),
    ("-sur-Loire", 3), ("-le-Château", 3), ("-des-Prés", 3),
)
FOREIGN_SYLLABLES = (
    "ka", "pa", "li", "mé", "ba", "dou", "go", "sa", "ti", "ou", "ma", "né", "kou", "ra", "zi",
    "fa", "to", "bé", "di", "lo", "nia", "ssa", "ya", "ga", "ké", "mo", "ri", "dja", "tè", "bou",
    "na", "sé", "fè", "kpa", "lé", "ha", "ï", "tan", "dan", "vo", "zè", "kar", "mou", "ni", "sou",
    "ta", "bo", "oua", "gui", "hô",
)
FOREIGN_PREFIXES = (
    ("", 60), ("Commune de ", 10), ("Ville de ", 7), ("Province de ", 5), ("District de ", 5),
    ("Municipalité de ", 6), ("Région ", 3), ("Département de ", 2), ("Cercle de ", 2),
)

# How the pages word the collectivities drawn from the authorities.
COMMUNE_WORDS = ("Ville", "Commune", "Mairie")
DEPARTMENT_WORDS = ("Département", "Conseil départemental", "Conseil général")
REGION_WORDS = ("Région", "Conseil régional")
FOREIGN_PLACE_WORDS = ("Commune", "Ville", "Municipalité", "Commune urbaine", "Commune rurale")
# For "de la Savoie", "du Gers", "de Paris": the départements and régions the rules of thumb
# (a plural takes "des", a name ending in e "de la", the others "du") get wrong.
AREAS_WITHOUT_ARTICLE = ("Paris", "Mayotte")
SINGULAR_AREAS = ("Paris", "Gers", "Calvados", "Doubs", "Pas")  # first words ending in s
MASCULINE_AREAS = ("Rhône", "Finistère", "Territoire", "Centre", "Grand", "Limousin", "Nord", "Languedoc")

GIVEN_NAMES = (
    "Edem", "Awa", "Moussa", "Fatou", "Ibrahima", "Aminata", "Kofi", "Mamadou", "Claire", "Jean",
    "Marie", "Hoang", "Lan", "Rija", "Hery", "Youssef", "Khadija", "Salif", "Mariam", "Adama",
    "Pierre", "Sophie", "Nadia", "Karim", "Fanta", "Ousmane", "Rachel", "Jacques", "Thu", "Minh",
)
FAMILY_NAMES = (
    "Samtou", "Diallo", "Traoré", "Ouédraogo", "Rakoto", "Nguyen", "Koné", "Sow", "Camara",
    "Mensah", "Diop", "Sawadogo", "Randria", "Benali", "Haddad", "Tran", "Dossou", "Agbodjan",
    "Kaboré", "Ndiaye", "Martin", "Bernard", "Petit", "Durand", "Lefèvre", "Moreau", "Joseph",
    "Pierre-Louis", "Andriamanana", "El Amrani",
)
FUNCTIONS = (
    "Maire", "Adjoint au maire", "Secrétaire général", "Chargé de coopération",
    "Directeur des services techniques", "Président du conseil", "Point focal coopération",
)
MISSIONS = ("VSI", "Service civique", "Volontariat de solidarité internationale", "Stage")

TITLE_PATTERNS = (
    "{action} de {foreign}", "{action} à {foreign}", "{action} de {foreign} ({phase})",
    "Jumelage {french} – {foreign}", "Coopération entre {french} et {foreign}",
    "Partenariat {french} - {foreign} : {action}",
)
TITLE_ACTIONS = (
    "Développement urbain économique et social", "Appui à la gestion de l'eau potable",
    "Renforcement des capacités de la maîtrise d'ouvrage locale", "Gestion des déchets ménagers",
    "Soutien à la scolarisation", "Amélioration de l'accès aux soins", "Valorisation du patrimoine",
    "Appui à la filière maraîchère", "Electrification rurale", "Programme d'échanges culturels",
    "Appui à l'état civil", "Aménagement du marché central",
)
TITLE_PHASES = ("final", "phase 2", "phase 3", "2010-2012", "2016-2018", "suite")

# Sentence parts for French-looking filler text.
SUBJECTS = (
    "La commune", "Le conseil municipal", "La population", "Les habitants", "Le comité de jumelage",
    "L'association partenaire", "La municipalité", "Les élus locaux", "Le service technique",
    "La coopérative des femmes", "Les jeunes du quartier", "Le centre de santé", "L'école primaire",
    "Le comité de gestion", "La collectivité partenaire", "L'agent de développement communal",
)
VERBS = (  # (singular, plural)
    ("souhaite renforcer", "souhaitent renforcer"), ("a engagé", "ont engagé"),
    ("poursuit", "poursuivent"), ("accompagne", "accompagnent"), ("soutient", "soutiennent"),
    ("développe", "développent"), ("met en œuvre", "mettent en œuvre"), ("améliore", "améliorent"),
    ("consolide", "consolident"), ("organise", "organisent"), ("finance", "financent"),
    ("étend", "étendent"), ("réhabilite", "réhabilitent"), ("anime", "animent"),
    ("coordonne", "coordonnent"), ("évalue", "évaluent"),
)
OBJECTS = (
    "la gestion des ordures ménagères", "l'accès à l'eau potable",
    "les capacités de la maîtrise d'ouvrage", "un réseau d'assainissement",
    "les échanges scolaires", "la formation des agents communaux",
    "un plan de développement communal", "la filière maraîchère", "le patrimoine bâti",
    "l'état civil", "les cantines scolaires", "un centre de lecture publique",
    "la micro-finance au profit des femmes", "l'éclairage public solaire",
    "la santé maternelle et infantile", "le tourisme solidaire",
)
COMPLEMENTS = (
    "dans les quartiers périphériques", "avec l'appui des services déconcentrés",
    "depuis plusieurs années", "en lien avec les associations locales",
    "au bénéfice de 2000 personnes", "pour la période 2010-2012", "malgré des moyens limités",
    "dans le cadre d'une convention triennale", "auprès des populations les plus démunies",
    "sur fond de crise économique et sociale", "avec une forte participation des habitants", "",
)
LINE_OPENERS = (
    ("", 70), ("- ", 10), ("Finalité générale : ", 3), ("Objectif de l’action : ", 4),
    ("Description sommaire : ", 4), ("1) ", 3), ("2) ", 3), ("3) ", 3),
)
PLACE_SENTENCES = (
    "{place}, {population} habitants, est l’une des principales agglomérations du pays, "
    "située à {km} km de la capitale.",
    "{place} compte environ {population} habitants ; l'économie locale repose sur l'agriculture et le commerce.",
    "Les liens entre {french} et {place} sont anciens et reposent sur de nombreux échanges entre habitants.",
    "Amélioration du mieux être des habitants de {place} au plan sanitaire, économique et culturel.",
)
