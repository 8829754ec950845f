"""Research questions the query editor offers, in French and English, each a runnable query.

They use only the ontology and labels (never an instance URI), so they work whatever the base
URI; each returns rows on the bundled real page (tests/server/site/test_routes.py runs them all).
The two by région and by département follow the links to the COG (``atlas:region``,
``atlas:department``: one property path from a French partner of any kind to the node, which
carries its code and name), so they return rows only on a linked store.
"""

from __future__ import annotations

from dataclasses import dataclass

from atlas_graph import vocabulary

PREFIXES = vocabulary.sparql_prefixes("atlas", "dct", "skos")


@dataclass(frozen=True)
class Example:
    key: str
    fr: str
    en: str
    body: str

    def title(self, language: str) -> str:
        return self.fr if language == "fr" else self.en

    @property
    def query(self) -> str:
        return f"# {self.fr}\n# {self.en}\n{PREFIXES}{self.body.strip()}\n"


EXAMPLES = [
    Example("funding-by-country", "Montants des financements par pays partenaire",
            "Funding amounts by partner country", """
SELECT ?country (SUM(?amount) AS ?total) (COUNT(DISTINCT ?p) AS ?partnerships) WHERE {
  { SELECT DISTINCT ?p ?c WHERE { ?p atlas:foreignPartner/atlas:country ?c } }
  ?p atlas:funding ?funding . ?funding atlas:amount ?amount .
  ?c skos:prefLabel ?country . FILTER(lang(?country) = "fr")
}
GROUP BY ?country
ORDER BY DESC(?total)"""),
    Example("funding-by-french-region", "Montants des financements par région française",
            "Funding amounts by French région", """
SELECT ?region ?code (SUM(?amount) AS ?total) (COUNT(DISTINCT ?p) AS ?partnerships) WHERE {
  { SELECT DISTINCT ?p ?r WHERE { ?p (atlas:frenchPartner|atlas:otherFrenchPartner)/atlas:region ?r } }
  ?p atlas:funding ?funding . ?funding atlas:amount ?amount .
  ?r atlas:inseeCode ?code ; skos:prefLabel ?region .
}
GROUP BY ?region ?code
ORDER BY DESC(?total)"""),
    Example("partnerships-by-department", "Nombre de partenariats par département",
            "Number of partnerships by département", """
SELECT ?department ?code (COUNT(DISTINCT ?p) AS ?partnerships) WHERE {
  ?p (atlas:frenchPartner|atlas:otherFrenchPartner)/atlas:department ?d .
  ?d atlas:inseeCode ?code ; skos:prefLabel ?department .
}
GROUP BY ?department ?code
ORDER BY DESC(?partnerships) ?code"""),
    Example("partnerships-by-theme", "Nombre de partenariats par grande thématique",
            "Number of partnerships by main theme", """
SELECT ?theme (COUNT(DISTINCT ?p) AS ?partnerships) WHERE {
  ?p atlas:theme ?t .
  ?t skos:broader* ?top . ?top skos:topConceptOf ?scheme ; skos:prefLabel ?theme .
}
GROUP BY ?theme
ORDER BY DESC(?partnerships)"""),
    Example("collectivities-of-a-country", "Les collectivités d’un pays (Togo) et leurs partenariats",
            "The collectivities of a country (Togo) and their partnerships", """
SELECT ?collectivity (COUNT(DISTINCT ?p) AS ?partnerships) WHERE {
  ?country atlas:isoCode "TG" .
  ?c atlas:country ?country ; skos:prefLabel ?collectivity .
  OPTIONAL { ?p atlas:foreignPartner ?c }
}
GROUP BY ?collectivity
ORDER BY DESC(?partnerships) ?collectivity"""),
    Example("funders", "Les principaux financeurs et leurs montants",
            "The main funders and their amounts", """
SELECT ?funder (SUM(?amount) AS ?total) (COUNT(DISTINCT ?p) AS ?partnerships) WHERE {
  ?p atlas:funding ?funding .
  ?funding atlas:funder ?f ; atlas:amount ?amount .
  ?f skos:prefLabel ?funder .
}
GROUP BY ?funder
ORDER BY DESC(?total)
LIMIT 50"""),
    Example("partnerships-by-year", "Nombre de partenariats par année de signature",
            "Number of partnerships by year of signature", """
SELECT ?year (COUNT(?p) AS ?partnerships) WHERE {
  ?p a atlas:Partnership ; atlas:signatureYear ?year .
}
GROUP BY ?year
ORDER BY ?year"""),
    Example("water", "Montants « 1 % Eau » (loi Oudin-Santini) par financeur",
            "“1% Water” amounts (Oudin-Santini law) by funder", """
SELECT ?funder (SUM(?water) AS ?water_total) WHERE {
  ?p atlas:funding ?funding .
  ?funding atlas:waterAmount ?water ; atlas:funder ?f .
  ?f skos:prefLabel ?funder .
  FILTER(?water > 0)
}
GROUP BY ?funder
ORDER BY DESC(?water_total)"""),
    Example("triennial", "Les partenariats triennaux", "Triennial partnerships", """
SELECT ?p ?title ?year WHERE {
  ?p a atlas:Partnership ; atlas:triennial true ; dct:title ?title .
  OPTIONAL { ?p atlas:signatureYear ?year }
}
ORDER BY ?year"""),
    Example("partnerships-of-a-french-collectivity",
            "Les partenariats d’une collectivité française (Bressuire)",
            "The partnerships of a French collectivity (Bressuire)", """
SELECT ?p ?title ?partner WHERE {
  ?c a atlas:FrenchCollectivity ; skos:prefLabel "Bressuire"@fr .
  ?p atlas:frenchPartner|atlas:otherFrenchPartner ?c ; dct:title ?title .
  OPTIONAL { ?p atlas:foreignPartner/skos:prefLabel ?partner }
}"""),
    Example("partnerships-by-status", "Les partenariats par statut (en cours, terminé…)",
            "Partnerships by status (ongoing, finished…)", """
SELECT ?status (COUNT(?p) AS ?partnerships) WHERE {
  ?p atlas:status/skos:prefLabel ?status .
}
GROUP BY ?status
ORDER BY DESC(?partnerships)"""),
    Example("french-collectivities-most-partners",
            "Les collectivités françaises qui ont le plus de partenaires étrangers",
            "The French collectivities with the most foreign partners", """
SELECT ?collectivity (COUNT(DISTINCT ?foreign) AS ?foreign_partners) WHERE {
  ?c a atlas:FrenchCollectivity ; skos:prefLabel ?collectivity .
  ?p atlas:frenchPartner|atlas:otherFrenchPartner ?c ; atlas:foreignPartner ?foreign .
}
GROUP BY ?collectivity
ORDER BY DESC(?foreign_partners)
LIMIT 50"""),
]
