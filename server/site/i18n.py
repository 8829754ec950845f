"""The site's two languages: French first, English on request.

The language of a page is, in order: ``?lang=fr|en`` (which also sets a ``lang`` cookie, so the
switch in the header sticks), the ``lang`` cookie, the best of ``Accept-Language``, else French.
Every UI string is in :data:`MESSAGES` in both languages; templates call ``t("key")``. Amounts are
formatted for the language: ``114 200 €`` in French, ``€114,200`` in English. Every HTML
response varies on ``Accept-Language`` and ``Cookie``; pages with an ETag name the language in
it (see :func:`..linked_data.entity.validate`).
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from flask import Blueprint, Response, g, request

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

blueprint = Blueprint("i18n", __name__)

MESSAGES: dict[str, dict[str, str]] = {
    # frame
    "site.tagline": {"fr": "L’Atlas de la coopération décentralisée en données liées",
                     "en": "The Atlas of decentralised cooperation as linked data"},
    "skip": {"fr": "Aller au contenu", "en": "Skip to content"},
    "nav.label": {"fr": "Navigation principale", "en": "Main navigation"},
    "nav.home": {"fr": "Accueil", "en": "Home"},
    "nav.countries": {"fr": "Pays", "en": "Countries"},
    "nav.themes": {"fr": "Thématiques", "en": "Themes"},
    "nav.collectivities": {"fr": "Collectivités", "en": "Collectivities"},
    "nav.funders": {"fr": "Financeurs", "en": "Funders"},
    "nav.sparql": {"fr": "Éditeur de requêtes", "en": "Query editor"},
    "nav.data": {"fr": "Données", "en": "Data"},
    "search.label": {"fr": "Rechercher", "en": "Search"},
    "search.placeholder": {"fr": "Collectivité, pays, projet…", "en": "Collectivity, country, project…"},
    "search.button": {"fr": "Rechercher", "en": "Search"},
    "lang.switch": {"fr": "English", "en": "Français"},
    "lang.switch.label": {"fr": "Read this page in English", "en": "Lire cette page en français"},
    "footer.data": {"fr": "Données : Atlas français de la coopération décentralisée, ministère de l’Europe "
                          "et des Affaires étrangères (MEAE), sous",
                    "en": "Data: Atlas français de la coopération décentralisée, French Ministry for Europe "
                          "and Foreign Affairs (MEAE), under the"},
    "footer.licence": {"fr": "Licence Ouverte 2.0", "en": "Licence Ouverte 2.0 (Open Licence)"},
    # home
    "home.title": {"fr": "La coopération décentralisée française, en données ouvertes",
                   "en": "French decentralised cooperation, as open data"},
    "home.intro": {"fr": "Les partenariats entre collectivités territoriales françaises et étrangères, "
                         "recensés par l’Atlas français de la coopération décentralisée du ministère de "
                         "l’Europe et des Affaires étrangères (MEAE) : qui coopère avec qui, dans quel pays, "
                         "sur quels thèmes et avec quels financements.",
                   "en": "Partnerships between French and foreign local authorities, as recorded by the "
                         "Atlas français de la coopération décentralisée of the French Ministry for Europe "
                         "and Foreign Affairs (MEAE): who works with whom, in which country, on which "
                         "themes and with what funding."},
    "home.source": {"fr": "Source : pages de projets de l’Atlas, republiées sous Licence Ouverte 2.0 "
                          "sous forme de graphe RDF interrogeable.",
                    "en": "Source: the Atlas's project pages, republished under Licence Ouverte 2.0 as a "
                          "queryable RDF graph."},
    "home.figures": {"fr": "Chiffres clés", "en": "Key figures"},
    "home.partnerships": {"fr": "partenariats", "en": "partnerships"},
    "home.french": {"fr": "collectivités françaises", "en": "French collectivities"},
    "home.foreign": {"fr": "collectivités étrangères", "en": "foreign collectivities"},
    "home.countries": {"fr": "pays partenaires", "en": "partner countries"},
    "home.funding": {"fr": "de financements déclarés", "en": "of declared funding"},
    "home.explore": {"fr": "Explorer", "en": "Explore"},
    "home.countries.text": {"fr": "Les partenariats par pays partenaire.", "en": "Partnerships by partner country."},
    "home.themes.text": {"fr": "L’arbre des thématiques d’intervention.", "en": "The tree of themes."},
    "home.collectivities.text": {"fr": "Collectivités françaises et étrangères.",
                                 "en": "French and foreign collectivities."},
    "home.funders.text": {"fr": "Qui finance, et combien.", "en": "Who funds, and how much."},
    "home.query": {"fr": "Interroger les données", "en": "Query the data"},
    "home.query.text": {"fr": "L’éditeur de requêtes SPARQL propose des exemples de questions prêts à lancer.",
                        "en": "The SPARQL query editor comes with example questions ready to run."},
    "home.download": {"fr": "Télécharger", "en": "Download"},
    "home.dumps": {"fr": "Exports complets (Turtle, N-Triples, N-Quads)",
                   "en": "Full dumps (Turtle, N-Triples, N-Quads)"},
    "home.catalog": {"fr": "Catalogue DCAT-AP", "en": "DCAT-AP catalog"},
    "home.void": {"fr": "Description VoID", "en": "VoID description"},
    "home.ontology": {"fr": "Ontologie", "en": "Ontology"},
    "home.empty": {"fr": "Le graphe est vide : chargez des pages de l’Atlas avec « atlas-graph load ».",
                   "en": "The graph is empty: load Atlas pages with “atlas-graph load”."},
    # lists
    "countries.title": {"fr": "Pays partenaires", "en": "Partner countries"},
    "themes.title": {"fr": "Thématiques", "en": "Themes"},
    "collectivities.title": {"fr": "Collectivités", "en": "Collectivities"},
    "funders.title": {"fr": "Financeurs", "en": "Funders"},
    "col.country": {"fr": "Pays", "en": "Country"},
    "col.name": {"fr": "Nom", "en": "Name"},
    "col.kind": {"fr": "Type", "en": "Kind"},
    "col.partnerships": {"fr": "Partenariats", "en": "Partnerships"},
    "col.collectivities": {"fr": "Collectivités", "en": "Collectivities"},
    "col.total": {"fr": "Montant total", "en": "Total amount"},
    "col.rows": {"fr": "Lignes de financement", "en": "Funding rows"},
    "col.year": {"fr": "Année", "en": "Year"},
    "col.amount": {"fr": "Montant", "en": "Amount"},
    "filter.all": {"fr": "Toutes", "en": "All"},
    "filter.french": {"fr": "Françaises", "en": "French"},
    "filter.foreign": {"fr": "Étrangères", "en": "Foreign"},
    "filter.label": {"fr": "Filtrer", "en": "Filter"},
    "kind.french": {"fr": "Collectivité française", "en": "French collectivity"},
    "kind.foreign": {"fr": "Collectivité étrangère", "en": "Foreign collectivity"},
    "kind.organization": {"fr": "Organisation", "en": "Organisation"},
    "pagination.label": {"fr": "Pagination", "en": "Pagination"},
    "pagination.previous": {"fr": "Précédent", "en": "Previous"},
    "pagination.next": {"fr": "Suivant", "en": "Next"},
    "pagination.page": {"fr": "Page {page} sur {pages}", "en": "Page {page} of {pages}"},
    "list.empty": {"fr": "Rien à afficher.", "en": "Nothing to show."},
    # search
    "search.title": {"fr": "Recherche", "en": "Search"},
    "search.results": {"fr": "{count} résultat(s) pour « {query} »", "en": "{count} result(s) for “{query}”"},
    "search.none": {"fr": "Aucun résultat pour « {query} ».", "en": "No result for “{query}”."},
    "search.hint": {"fr": "Cherchez un nom de collectivité, de pays, de financeur ou un mot d’un projet. "
                          "Les accents et les majuscules sont ignorés.",
                    "en": "Search for a collectivity, country or funder name, or a word of a project. "
                          "Accents and case are ignored."},
    "search.more": {"fr": "et {count} autre(s)", "en": "and {count} more"},
    "group.partnership": {"fr": "Partenariats", "en": "Partnerships"},
    "group.french": {"fr": "Collectivités françaises", "en": "French collectivities"},
    "group.foreign": {"fr": "Collectivités étrangères", "en": "Foreign collectivities"},
    "group.organization": {"fr": "Organisations", "en": "Organisations"},
    "group.country": {"fr": "Pays", "en": "Countries"},
    "group.theme": {"fr": "Thématiques", "en": "Themes"},
    # entity pages
    "entity.partnerships": {"fr": "Partenariats", "en": "Partnerships"},
    "entity.partnerships.more": {"fr": "Les {shown} premiers partenariats sur {total} sont affichés.",
                                 "en": "The first {shown} of {total} partnerships are shown."},
    "entity.description": {"fr": "Description", "en": "Description"},
    "entity.property": {"fr": "Propriété", "en": "Property"},
    "entity.value": {"fr": "Valeur", "en": "Value"},
    "entity.funding": {"fr": "Financements", "en": "Funding"},
    "entity.funding.caption": {"fr": "Financements du partenariat, en euros, dans l’ordre du tableau de l’Atlas",
                               "en": "Funding of the partnership, in euros, in the order of the Atlas table"},
    "entity.funder": {"fr": "Financeur", "en": "Funder"},
    "entity.water": {"fr": "1 % eau (loi de 2005)", "en": "1% water (2005 law)"},
    "entity.total": {"fr": "Total", "en": "Total"},
    "entity.row": {"fr": "Ligne de financement {n}", "en": "Funding row {n}"},
    "entity.incoming": {"fr": "Liens entrants", "en": "Linked from"},
    "entity.resources": {"fr": "Ressources", "en": "Resources"},
    "entity.incoming.more": {"fr": "Les {shown} premiers liens sur {total} sont listés ; utilisez le",
                             "en": "The first {shown} of {total} links are listed; use the"},
    "entity.incoming.endpoint": {"fr": "point d’accès SPARQL pour les voir tous.",
                                 "en": "SPARQL endpoint for all of them."},
    "entity.data": {"fr": "Données", "en": "Data"},
    "entity.data.text": {"fr": "Cette description en données :", "en": "This description as data:"},
    "entity.funding.total": {"fr": "Financements déclarés : {total}", "en": "Declared funding: {total}"},
    "entity.links": {"fr": "Codes et liens vers les référentiels", "en": "Codes and links to the authorities"},
    "link.insee": {"fr": "Code INSEE", "en": "INSEE code"},
    "link.siren": {"fr": "SIREN", "en": "SIREN"},
    "link.department": {"fr": "Département", "en": "Département"},
    "link.region": {"fr": "Région", "en": "Région"},
    "link.replaced_by": {"fr": "Remplacée par", "en": "Replaced by"},
    "link.geonames": {"fr": "GeoNames", "en": "GeoNames"},
    "link.source.insee": {"fr": "Codes du Code officiel géographique de l’INSEE (paquet Etalab "
                                "@etalab/decoupage-administratif, Licence Ouverte).",
                          "en": "Codes from INSEE’s Code officiel géographique (Etalab’s package "
                                "@etalab/decoupage-administratif, Licence Ouverte)."},
    "link.source.geonames": {"fr": "Identifiant et coordonnées : GeoNames (geonames.org), sous licence CC BY 4.0.",
                             "en": "Identifier and coordinates: GeoNames (geonames.org), licensed CC BY 4.0."},
    "card.signed": {"fr": "signé en {year}", "en": "signed in {year}"},
    "card.with": {"fr": "Partenaires :", "en": "Partners:"},
    "chart.by_year": {"fr": "Financements par année", "en": "Funding by year"},
    "chart.by_country": {"fr": "Financements par pays partenaire", "en": "Funding by partner country"},
    "chart.desc": {"fr": "Diagramme en barres : {count} valeurs, la plus haute {top} ({max}).",
                   "en": "Bar chart: {count} values, the highest {top} ({max})."},
    "chart.table": {"fr": "Les données du graphique", "en": "The chart's data"},
    # query editor
    "sparql.title": {"fr": "Éditeur de requêtes SPARQL", "en": "SPARQL query editor"},
    "sparql.intro": {"fr": "Posez vos questions au graphe en SPARQL. Choisissez un exemple, modifiez-le, "
                           "puis lancez-le avec le bouton ▶ (ou Ctrl+Entrée).",
                     "en": "Ask the graph your questions in SPARQL. Pick an example, edit it, then run it "
                           "with the ▶ button (or Ctrl+Enter)."},
    "sparql.endpoint": {"fr": "Point d’accès SPARQL 1.1 :", "en": "SPARQL 1.1 endpoint:"},
    "sparql.readonly": {"fr": "En lecture seule.", "en": "It is read-only."},
    "sparql.update": {"fr": "Les mises à jour demandent un jeton.", "en": "Updates need a bearer token."},
    "sparql.union": {"fr": "Le graphe par défaut est l’union de tous les graphes nommés.",
                     "en": "The default graph is the union of all named graphs."},
    "sparql.examples": {"fr": "Exemples de questions", "en": "Example questions"},
    "sparql.load": {"fr": "Charger dans l’éditeur", "en": "Load into the editor"},
    "sparql.plain": {"fr": "Sans JavaScript", "en": "Without JavaScript"},
    "sparql.query": {"fr": "Requête", "en": "Query"},
    "sparql.format": {"fr": "Format du résultat", "en": "Result format"},
    "sparql.run": {"fr": "Lancer la requête", "en": "Run query"},
    "sparql.description": {"fr": "Description du service :", "en": "Service description:"},
    "sparql.noeditor": {"fr": "L’éditeur interactif n’est pas installé (lancez « make install ») ; "
                              "le formulaire ci-dessous fonctionne sans lui.",
                        "en": "The interactive editor is not installed (run “make install”); the form "
                              "below works without it."},
    # faceted search of partnerships
    "nav.partnerships": {"fr": "Partenariats", "en": "Partnerships"},
    "nav.map": {"fr": "Carte", "en": "Map"},
    "partnerships.title": {"fr": "Partenariats", "en": "Partnerships"},
    "partnerships.intro": {"fr": "Combinez les filtres : chaque facette compte les partenariats de la sélection. "
                                 "L’adresse de la page est la sélection : elle se partage telle quelle.",
                           "en": "Combine the filters: each facet counts the partnerships of the selection. "
                                 "The page's address is the selection: share it as it is."},
    "partnerships.count": {"fr": "{count} partenariat(s), {funding} de financements déclarés",
                           "en": "{count} partnership(s), {funding} of declared funding"},
    "partnerships.empty": {"fr": "Aucun partenariat ne correspond à ces filtres. Retirez-en un pour élargir la "
                                 "sélection.",
                           "en": "No partnership matches these filters. Remove one to widen the selection."},
    "partnerships.filters": {"fr": "Filtres", "en": "Filters"},
    "partnerships.active": {"fr": "Filtres actifs", "en": "Active filters"},
    "partnerships.remove": {"fr": "Retirer le filtre « {name} : {value} »",
                            "en": "Remove the filter “{name}: {value}”"},
    "partnerships.clear": {"fr": "Retirer tous les filtres", "en": "Remove every filter"},
    "partnerships.apply": {"fr": "Appliquer", "en": "Apply"},
    "partnerships.text": {"fr": "Mots du titre ou des textes", "en": "Words of the title or texts"},
    "partnerships.export": {"fr": "Exporter cette sélection :", "en": "Export this selection:"},
    "partnerships.on_map": {"fr": "Voir cette sélection sur la carte", "en": "See this selection on the map"},
    "partnerships.sort": {"fr": "Trier par", "en": "Sort by"},
    "partnerships.facet.more": {"fr": "et {count} autre(s)", "en": "and {count} more"},
    "partnerships.theme.top": {"fr": "Toutes les thématiques", "en": "All themes"},
    "partnerships.results": {"fr": "Résultats", "en": "Results"},
    "sort.-year": {"fr": "année (récentes d’abord)", "en": "year (latest first)"},
    "sort.year": {"fr": "année (anciennes d’abord)", "en": "year (earliest first)"},
    "sort.title": {"fr": "titre (A → Z)", "en": "title (A → Z)"},
    "sort.-title": {"fr": "titre (Z → A)", "en": "title (Z → A)"},
    "sort.-funding": {"fr": "financement (le plus élevé d’abord)", "en": "funding (highest first)"},
    "sort.funding": {"fr": "financement (le plus faible d’abord)", "en": "funding (lowest first)"},
    "facet.q": {"fr": "Texte", "en": "Text"},
    "facet.country": {"fr": "Pays", "en": "Country"},
    "facet.region": {"fr": "Région (partenaire français)", "en": "Région (French partner)"},
    "facet.department": {"fr": "Département (partenaire français)", "en": "Département (French partner)"},
    "facet.theme": {"fr": "Thématique", "en": "Theme"},
    "facet.status": {"fr": "Statut", "en": "Status"},
    "facet.form": {"fr": "Forme", "en": "Form"},
    "facet.funder": {"fr": "Financeur", "en": "Funder"},
    "facet.partner": {"fr": "Partenaire", "en": "Partner"},
    "facet.year": {"fr": "Année de signature", "en": "Signature year"},
    "facet.from": {"fr": "Signé à partir de", "en": "Signed from"},
    "facet.to": {"fr": "Signé jusqu’en", "en": "Signed until"},
    "col.title": {"fr": "Titre", "en": "Title"},
    "col.status": {"fr": "Statut", "en": "Status"},
    "col.partners": {"fr": "Partenaires", "en": "Partners"},
    "col.funding": {"fr": "Financements", "en": "Funding"},
    "selection.error.repeated": {"fr": "Le paramètre {parameter} est donné plusieurs fois ({value}) : une seule "
                                       "valeur est attendue.",
                                 "en": "The parameter {parameter} is given several times ({value}): one value is "
                                       "expected."},
    "selection.error.country": {"fr": "Pays « {value} » invalide : un code ISO 3166-1 alpha-2 est attendu (ML, TG…).",
                                "en": "Invalid country “{value}”: an ISO 3166-1 alpha-2 code is expected (ML, TG…)."},
    "selection.error.region": {"fr": "Région « {value} » invalide : un code INSEE de région est attendu (75, 84…).",
                               "en": "Invalid région “{value}”: an INSEE région code is expected (75, 84…)."},
    "selection.error.department": {"fr": "Département « {value} » invalide : un code INSEE est attendu "
                                         "(79, 2A, 971…).",
                                   "en": "Invalid département “{value}”: an INSEE code is expected (79, 2A, 971…)."},
    "selection.error.theme": {"fr": "Thématique « {value} » invalide : le chemin d’une thématique est attendu "
                                    "(eau-et-assainissement, …).",
                              "en": "Invalid theme “{value}”: a theme's path is expected (eau-et-assainissement, …)."},
    "selection.error.status": {"fr": "Statut « {value} » invalide : un identifiant de statut est attendu (en-cours…).",
                               "en": "Invalid status “{value}”: a status identifier is expected (en-cours…)."},
    "selection.error.form": {"fr": "Forme « {value} » invalide : un identifiant de forme est attendu (jumelage…).",
                             "en": "Invalid form “{value}”: a form identifier is expected (jumelage…)."},
    "selection.error.funder": {"fr": "Financeur « {value} » invalide : le chemin d’une collectivité ou d’une "
                                     "organisation est attendu (organization/…, collectivity/fr/…).",
                               "en": "Invalid funder “{value}”: the path of a collectivity or organisation is "
                                     "expected (organization/…, collectivity/fr/…)."},
    "selection.error.partner": {"fr": "Partenaire « {value} » invalide : le chemin d’une collectivité est attendu "
                                      "(collectivity/fr/bressuire).",
                                "en": "Invalid partner “{value}”: a collectivity's path is expected "
                                      "(collectivity/fr/bressuire)."},
    "selection.error.from": {"fr": "Année « {value} » invalide pour {parameter} : quatre chiffres sont attendus.",
                             "en": "Invalid year “{value}” for {parameter}: four digits are expected."},
    "selection.error.to": {"fr": "Année « {value} » invalide pour {parameter} : quatre chiffres sont attendus.",
                           "en": "Invalid year “{value}” for {parameter}: four digits are expected."},
    "selection.error.years": {"fr": "Années dans le désordre ({value}) : « from » doit précéder « to ».",
                              "en": "Years out of order ({value}): “from” must not be after “to”."},
    "selection.error.sort": {"fr": "Tri « {value} » inconnu : year, -year, title, -title, funding ou -funding.",
                             "en": "Unknown sort “{value}”: year, -year, title, -title, funding or -funding."},
    "selection.error.page": {"fr": "Page {value} invalide : un entier positif est attendu.",
                             "en": "Invalid page {value}: a positive integer is expected."},
    "selection.error.format": {"fr": "Format « {value} » inconnu : csv, xlsx, json ou geojson.",
                               "en": "Unknown format “{value}”: csv, xlsx, json or geojson."},
    # map
    "map.title": {"fr": "Carte des partenariats", "en": "Map of the partnerships"},
    "map.intro": {"fr": "Chaque cercle est une collectivité, d’autant plus grand qu’elle a de partenariats dans la "
                        "sélection ; les lignes relient les partenaires. Cliquez sur un cercle pour ouvrir sa fiche.",
                  "en": "Each circle is a collectivity, the larger the more partnerships it has in the selection; "
                        "lines join partners. Click a circle to open its page."},
    "map.label": {"fr": "Carte des collectivités partenaires", "en": "Map of the partner collectivities"},
    "map.summary": {"fr": "{count} partenariat(s) ; {located} collectivité(s) localisée(s) sur {places}.",
                    "en": "{count} partnership(s); {located} of {places} collectivities located."},
    "map.geojson": {"fr": "Les données de la carte (GeoJSON)", "en": "The map's data (GeoJSON)"},
    "map.as_list": {"fr": "Voir cette sélection en liste, avec ses facettes",
                    "en": "See this selection as a list, with its facets"},
    "map.list": {"fr": "Les collectivités de la sélection", "en": "The collectivities of the selection"},
    "map.list.more": {"fr": "Les {shown} premières collectivités sur {total} sont listées.",
                      "en": "The first {shown} of {total} collectivities are listed."},
    "map.noscript": {"fr": "La carte demande JavaScript ; les données et la liste ci-dessous n’en ont pas besoin.",
                     "en": "The map needs JavaScript; the data and the list below do not."},
    "map.missing": {"fr": "La carte n’est pas installée (lancez « make install ») : il manque {files}. Les données "
                          "et la liste ci-dessous fonctionnent sans elle.",
                    "en": "The map is not installed (run “make install”): {files} missing. The data and the list "
                          "below work without it."},
    "map.popup.partnerships": {"fr": "{count} partenariat(s) dans la sélection",
                               "en": "{count} partnership(s) in the selection"},
    "map.popup.page": {"fr": "Ouvrir la fiche", "en": "Open the page"},
    "map.cluster": {"fr": "{count} collectivités : zoomez pour les séparer",
                    "en": "{count} collectivities: zoom in to separate them"},
    "map.located": {"fr": "Localisée", "en": "Located"},
    "map.attribution": {"fr": "Fond de carte : Natural Earth", "en": "Basemap: Natural Earth"},
    "map.small": {"fr": "Carte de la collectivité et de ses partenaires",
                  "en": "Map of the collectivity and its partners"},
    "map.small.full": {"fr": "Ouvrir la grande carte", "en": "Open the full map"},
    "yes": {"fr": "oui", "en": "yes"},
    "no": {"fr": "non", "en": "no"},
    # errors
    "error.title": {"fr": "Erreur {status}", "en": "Error {status}"},
    "error.home": {"fr": "Retour à l’accueil", "en": "Back to the home page"},
    "error.page": {"fr": "Page {value} invalide : un entier positif est attendu.",
                   "en": "Invalid page {value}: a positive integer is expected."},
}


def language() -> str:
    """The language of the current request (computed once per request)."""
    if "atlas_lang" not in g:
        g.atlas_lang = _choose_language()
    return g.atlas_lang


def _choose_language() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    saved = request.cookies.get(COOKIE)
    if saved in LANGUAGES:
        return saved
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


def translate(key: str, **values) -> str:
    """The message ``key`` in the request's language, with ``{name}`` placeholders filled."""
    text = MESSAGES[key][language()]
    return text.format(**values) if values else text


def money(amount: Decimal | int | float, lang: str | None = None) -> str:
    """Euros for the language: ``114 200 €`` / ``1 500,50 €`` in French, ``€114,200`` / ``€1,500.50`` in English."""
    amount = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    whole, _, cents = f"{amount:,.2f}".partition(".")
    if (lang or language()) == "en":
        return "€" + whole + ("." + cents if cents.strip("0") else "")
    text = whole.replace(",", "\u202f")  # narrow no-break space between thousands
    return text + ("," + cents if cents.strip("0") else "") + "\u00a0€"


def number(value: int, lang: str | None = None) -> str:
    """A count with thousands separators: ``12 000`` in French, ``12,000`` in English."""
    text = f"{value:,}"
    return text if (lang or language()) == "en" else text.replace(",", "\u202f")


def switch_url() -> str:
    """This page in the other language (the same path and query, ``lang`` replaced)."""
    other = "en" if language() == "fr" else "fr"
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", other)]
    return f"{request.script_root}{request.path}?{urlencode(args)}"


@blueprint.app_context_processor
def template_helpers() -> dict:
    return {"t": translate, "lang": language(), "lang_switch_url": switch_url()}


blueprint.add_app_template_filter(money, "money")
blueprint.add_app_template_filter(number, "number")


@blueprint.after_app_request
def remember_language(response: Response) -> Response:
    if request.args.get("lang") in LANGUAGES:
        response.set_cookie(COOKIE, request.args["lang"], max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    if response.mimetype == "text/html":
        response.vary.update(("Accept-Language", "Cookie"))
    return response
