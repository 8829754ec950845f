"""The atlas-graph ontology (Turtle), shipped as package data."""
