"""Package discovery for setuptools; everything else is in pyproject.toml.

The design card keeps ``server/``, ``ontology/`` and ``shapes/`` at the top of the repository,
installed as ``atlas_graph.server``, ``atlas_graph.ontology`` and ``atlas_graph.shapes``: each
folder is mapped to its package name, and every package below it is found, not listed.
"""

from setuptools import find_packages, setup

FOLDERS = {
    "atlas_graph": "atlas_graph",
    "atlas_graph.server": "server",
    "atlas_graph.ontology": "ontology",
    "atlas_graph.shapes": "shapes",
}

setup(
    package_dir=FOLDERS,
    packages=[
        f"{name}.{sub}" if sub else name
        for name, folder in FOLDERS.items()
        for sub in ["", *find_packages(folder)]
    ],
)
