"""Package discovery for setuptools; everything else is in pyproject.toml.

The design card keeps ``server/``, ``ontology/`` and ``shapes/`` at the top of the repository,
installed as ``atlas_graph.server``, ``atlas_graph.ontology`` and ``atlas_graph.shapes``: each
folder is mapped to its package name, and every package below it is found, not listed.

A built package must carry the query editor (YASGUI), which is not in git: ``npm ci`` and
``scripts/vendor-yasgui.mjs`` copy it into ``server/static/vendor/yasgui/``. Building a wheel
without it is refused; an editable install serves the source tree and is not checked.
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
VENDORED_FRONT_END = [Path("server/static/vendor/yasgui") / name for name in ("yasgui.min.js", "yasgui.min.css")]


class BuildWithFrontEnd(build_py):
    """``build_py`` that refuses to build a package whose vendored front-end files are missing."""

    def run(self) -> None:
        missing = [str(path) for path in VENDORED_FRONT_END if not path.is_file()]
        if missing and not self.editable_mode:
            raise FileError(f"{', '.join(missing)} missing: the package would ship a query editor that does not "
                            "load. Run `npm ci && node scripts/vendor-yasgui.mjs` (`make install` does) first.")
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
    cmdclass={"build_py": BuildWithFrontEnd},
)
