"""The command line: ``main`` parses the verb and runs it (one module per verb)."""

from atlas_graph.cli.main import main

__all__ = ["main"]
