"""Publication routes: dumps, VoID, the DCAT catalog and the ontology."""
