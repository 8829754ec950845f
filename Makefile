# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make serve   install, then serve the bundled records at http://localhost:8000/
#   make test    install (Python packages, the Debian packages the tests use, the built wheel in a
#                venv of its own), then lint (ruff) and run every test
# and, never part of the test suite:
#   make bench   the benchmarks of docs/benchmarks.md

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test bench install system-deps wheel clean

# The query editor (YASGUI), the map (Leaflet) and its basemap (world-atlas, turned into GeoJSON) come
# from the npm registry and are copied into server/static/vendor/.
$(STAMP): pyproject.toml $(wildcard package-lock.json)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	if [ -f package.json ]; then npm ci --no-audit --no-fund --silent && node scripts/vendor-yasgui.mjs && node scripts/vendor-map.mjs; fi
	$(BIN)/python scripts/build-authorities.py
	touch $(STAMP)

install: $(STAMP)

# The package as users get it, for tests/integration/test_wheel.py: a wheel of this tree installed
# with its dependencies into a venv of its own. Rebuilt when a file that goes into the wheel changes,
# appears or goes (the vendored front end is renewed only with $(STAMP)).
WHEEL_DIR := .wheel
WHEEL_STAMP := $(WHEEL_DIR)/.installed
PACKAGE_SOURCES := setup.py pyproject.toml $(shell find atlas_graph server ontology shapes -type f \
	! -path '*/__pycache__/*' ! -path 'server/static/vendor/*' 2>/dev/null | sort)

# The list of those files, rewritten only when it changes.
$(WHEEL_DIR)/sources.txt: FORCE
	@mkdir -p $(WHEEL_DIR)
	@printf '%s\n' $(PACKAGE_SOURCES) | cmp -s - $@ || printf '%s\n' $(PACKAGE_SOURCES) > $@

# build/ is setuptools' scratch folder: left over, it would carry files since deleted into the wheel.
$(WHEEL_STAMP): $(STAMP) $(WHEEL_DIR)/sources.txt $(PACKAGE_SOURCES)
	rm -rf $(WHEEL_DIR)/dist $(WHEEL_DIR)/venv build
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir $(WHEEL_DIR)/dist .
	$(PYTHON) -m venv $(WHEEL_DIR)/venv
	$(WHEEL_DIR)/venv/bin/pip install --quiet $(WHEEL_DIR)/dist/*.whl
	touch $(WHEEL_STAMP)

wheel: $(WHEEL_STAMP)

FORCE:

system-deps:
	@sh scripts/install-system-deps.sh

serve: install
	$(BIN)/atlas-graph serve

test: install system-deps wheel
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) $(WHEEL_DIR) build *.egg-info .pytest_cache node_modules server/static/vendor atlas_graph/link/data
