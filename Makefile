# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make serve   install, then serve the bundled records at http://localhost:8000/
#   make test    install (Python packages and the Debian packages the tests use), then run every test
# and, never part of the test suite:
#   make bench   the benchmarks of docs/benchmarks.md

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test bench install system-deps clean

# The query editor (YASGUI) comes from the npm registry and is copied into server/static/vendor/.
$(STAMP): pyproject.toml $(wildcard package-lock.json)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	if [ -f package.json ]; then npm ci --no-audit --no-fund --silent && node scripts/vendor-yasgui.mjs; fi
	$(BIN)/python scripts/build-authorities.py
	touch $(STAMP)

install: $(STAMP)

system-deps:
	@sh scripts/install-system-deps.sh

serve: install
	$(BIN)/atlas-graph serve

test: install system-deps
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache node_modules server/static/vendor
