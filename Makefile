# Kasvu: every target installs what it needs first (make setup), so a fresh clone needs
# only `make test` or `make run`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup run test lint coverage bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: setup
	$(BIN)/kasvu run pirkanmaa-separate --out out/pirkanmaa-separate

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

# Kernels count in coverage: with the JIT off, numba kernels run as Python and are traced.
coverage: setup
	NUMBA_DISABLE_JIT=1 $(BIN)/python -m pytest --cov --cov-report=term-missing -m "not slow"

bench: setup
	$(BIN)/python benchmarks/run.py --out docs/benchmarks.md

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .coverage htmlcov
