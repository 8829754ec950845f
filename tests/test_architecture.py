"""The import rules of docs/architecture.md, read from the code itself (``ast``, nothing run).

Stages import backwards only, no module imports a private name of another subpackage, and only
``cli/serve.py`` reaches into the server. A new import that breaks a rule fails here with the
file and the name; a rule that changes changes here and in docs/architecture.md together.
"""

from __future__ import annotations

import ast
from pathlib import Path

from support.paths import REPO_ROOT

SHARED = {"model", "vocabulary", "formats", "uris", "countries", "oxi", "resources"}
#: What each part of atlas_graph/ may import of the others (docs/architecture.md, "may import").
ALLOWED = {
    "model": set(),
    "vocabulary": set(),
    "formats": set(),
    "uris": {"vocabulary"},
    "countries": {"uris", "vocabulary"},
    "oxi": {"model"},
    "resources": {"vocabulary"},
    "link": SHARED,
    "ingest": SHARED | {"link"},
    "validation": SHARED | {"link", "ingest"},
    "store": SHARED | {"link", "ingest", "validation"},
    "publication": SHARED | {"link", "ingest", "validation", "store"},
    "remote": SHARED | {"link", "ingest", "validation", "store", "publication"},
    "synth": SHARED | {"link"},
    "cli": SHARED | {"link", "ingest", "validation", "store", "publication", "remote", "synth", "server"},
    "__main__": {"cli"},
}


def _part(module: str, names: list[str]) -> list[str]:
    """The parts of atlas_graph an import reaches: ``atlas_graph.store.loader`` → store;
    ``from atlas_graph import countries, vocabulary`` → countries, vocabulary."""
    pieces = module.split(".")
    if pieces[0] != "atlas_graph":
        return []
    if len(pieces) == 1:
        return names
    return [pieces[1]]


def _imports(path: Path):
    """(line, module, name) of every ``atlas_graph`` import in a file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                yield node.lineno, node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ""


def _sources(folder: str) -> list[Path]:
    return sorted(p for p in (REPO_ROOT / folder).rglob("*.py") if "static" not in p.parts)


def _owner(path: Path) -> str:
    relative = path.relative_to(REPO_ROOT / "atlas_graph").parts
    return relative[0] if len(relative) > 1 else Path(relative[0]).stem


def test_stages_import_backwards_only():
    broken = []
    for path in _sources("atlas_graph"):
        owner = _owner(path)
        if owner == "__init__":
            continue
        for line, module, name in _imports(path):
            for part in _part(module, [name]):
                if part != owner and part not in ALLOWED[owner]:
                    broken.append(f"{path.relative_to(REPO_ROOT)}:{line}: {owner} imports {module} {name}".strip())
    assert broken == []


def _package(path: Path) -> str:
    """The dotted package a source file belongs to, as installed (``server/`` is atlas_graph.server)."""
    folders = path.relative_to(REPO_ROOT).parts[:-1]
    if folders[0] == "server":
        folders = ("atlas_graph", *folders)
    return ".".join(folders)


def test_no_private_name_crosses_a_package():
    broken = []
    for folder in ("atlas_graph", "server"):
        for path in _sources(folder):
            package = _package(path)
            for line, module, name in _imports(path):
                if module.startswith("atlas_graph") and name.startswith("_") \
                        and package not in (module, module.rpartition(".")[0]):
                    broken.append(f"{path.relative_to(REPO_ROOT)}:{line}: {module}.{name}")
    assert broken == []


def test_only_the_serve_verb_reaches_into_the_server():
    reaching = sorted(str(path.relative_to(REPO_ROOT)) for path in _sources("atlas_graph")
                      if any(module.startswith("atlas_graph.server") for _, module, _ in _imports(path)))
    assert reaching == ["atlas_graph/cli/serve.py"]
