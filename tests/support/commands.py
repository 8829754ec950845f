"""The real command line in child processes, as users run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support.paths import ALL_RECORDS, REPO_ROOT

#: The installed command, as users run it.
ATLAS_GRAPH_SCRIPT = str(Path(sys.executable).with_name("atlas-graph"))


def clean_environment() -> dict[str, str]:
    """This process's environment without ATLAS_* variables, so that only arguments configure a run."""
    return {k: v for k, v in os.environ.items() if not k.startswith("ATLAS_")}


def run_atlas_graph(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a child process, as the ``atlas-graph`` script does."""
    environ = clean_environment() | (env or {})
    main = "import sys; from atlas_graph.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", main, *map(str, args)],
                          capture_output=True, text=True, env=environ, cwd=REPO_ROOT)


def load(store: Path, base: str, records=ALL_RECORDS, *options: str) -> subprocess.CompletedProcess:
    """``atlas-graph load RECORDS --store STORE --base-uri BASE [options]``, finished: a store
    with a current generation (some records may be rejected, exit 1) or a ``RuntimeError``."""
    loaded = subprocess.run([ATLAS_GRAPH_SCRIPT, "load", *map(str, records), "--store", str(store),
                             "--base-uri", base, *options],
                            capture_output=True, text=True, cwd=REPO_ROOT, env=clean_environment())
    if loaded.returncode not in (0, 1) or not (Path(store) / "current").exists():
        raise RuntimeError(f"could not load the store ({loaded.returncode}):\n{loaded.stdout}{loaded.stderr}")
    return loaded
