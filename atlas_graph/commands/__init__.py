"""The CLI verbs, one module each (see atlas_graph.cli)."""
