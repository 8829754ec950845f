"""Validation: SHACL with pyshacl, and the project's shapes compiled into SPARQL for the load path."""
