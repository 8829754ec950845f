"""The packaged Turtle files: the ontology and the SHACL shapes.

They ship as package data of ``atlas_graph.ontology`` and ``atlas_graph.shapes`` (the folders
``ontology/`` and ``shapes/`` of the source tree, see pyproject.toml).
"""

from __future__ import annotations

from importlib.resources import files

from rdflib import Graph


def ontology_turtle() -> str:
    """The ontology, as the Turtle text it is written in."""
    return files("atlas_graph.ontology").joinpath("atlas.ttl").read_text(encoding="utf-8")


def shapes_turtle() -> str:
    """The SHACL shapes, as the Turtle text they are written in."""
    return files("atlas_graph.shapes").joinpath("atlas.ttl").read_text(encoding="utf-8")


def ontology_graph() -> Graph:
    """A fresh graph of the ontology (callers may modify it)."""
    return Graph().parse(data=ontology_turtle(), format="turtle")


def shapes_graph() -> Graph:
    """A fresh graph of the SHACL shapes (callers may modify it)."""
    return Graph().parse(data=shapes_turtle(), format="turtle")


def ontology_html() -> str:
    """The ontology's HTML documentation, made by pyLODE (imported here: it is slow to load)."""
    from pylode import OntPub

    return OntPub(ontology=ontology_graph()).make_html()
