"""Package discovery for setuptools; everything else is in pyproject.toml.

The design card keeps ``server/``, ``ontology/`` and ``shapes/`` at the top of the repository,
installed as ``atlas_graph.server``, ``atlas_graph.ontology`` and ``atlas_graph.shapes``: each
folder is mapped to its package name, and every package below it is found, not listed.

A built package must carry what the install step makes and git does not hold: the query editor
(YASGUI; ``npm ci`` and ``scripts/vendor-yasgui.mjs`` copy it into ``server/static/vendor/yasgui/``),
the map (Leaflet and the Natural Earth basemap; ``scripts/vendor-map.mjs`` writes
``server/static/vendor/leaflet/`` and ``server/static/vendor/basemap/``) and the authorities
the links come from (``scripts/build-authorities.py`` writes
``atlas_graph/link/data/authorities.sqlite``). Building a wheel without them is refused; an
editable install serves the source tree and is not checked.
"""

from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py
from setuptools.errors import FileError

FOLDERS = {
    "atlas_graph": "atlas_graph",
    "atlas_graph.server": "server",
    "atlas_graph.ontology": "ontology",
    "atlas_graph.shapes": "shapes",
}
BUILT_AT_INSTALL = {
    Path("server/static/vendor/yasgui/yasgui.min.js"): "npm ci && node scripts/vendor-yasgui.mjs",
    Path("server/static/vendor/yasgui/yasgui.min.css"): "npm ci && node scripts/vendor-yasgui.mjs",
    Path("server/static/vendor/leaflet/leaflet.js"): "npm ci && node scripts/vendor-map.mjs",
    Path("server/static/vendor/leaflet/leaflet.css"): "npm ci && node scripts/vendor-map.mjs",
    Path("server/static/vendor/basemap/countries.geojson"): "npm ci && node scripts/vendor-map.mjs",
    Path("atlas_graph/link/data/authorities.sqlite"): "npm ci && python scripts/build-authorities.py",
}


class BuildWithInstalledFiles(build_py):
    """``build_py`` that refuses to build a package without the files the install step makes."""

    def run(self) -> None:
        missing = {path: step for path, step in BUILT_AT_INSTALL.items() if not path.is_file()}
        if missing and not self.editable_mode:
            steps = " and ".join(f"`{step}`" for step in dict.fromkeys(missing.values()))
            raise FileError(f"{', '.join(map(str, missing))} missing: the package would not work without them. "
                            f"Run {steps} (`make install` does) first.")
        super().run()


setup(
    package_dir=FOLDERS,
    packages=[
        f"{name}.{sub}" if sub else name
        for name, folder in FOLDERS.items()
        for sub in ["", *find_packages(folder)]
    ],
    # The package data is exactly pyproject.toml's [tool.setuptools.package-data]: setuptools then
    # does not also infer it from the file list (and warn that data folders look like packages).
    include_package_data=False,
    cmdclass={"build_py": BuildWithInstalledFiles},
)
