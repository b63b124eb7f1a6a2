# Kasvu: every target installs what it needs first (make setup), so a fresh clone needs
# only `make test` or `make run`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup run test lint coverage bench calibrate calibration-check docs clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,app]"
	# Debian's chromium for the dashboard's browser test (never `playwright install`).
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y chromium) || echo "chromium not installed: browser test will be skipped"
	touch $(STAMP)

# The default run, about 3.5 minutes on two idle cores (a newcomer waits for it): Pirkanmaa acting
# separately vs. in an alliance, 36 months after a 12-month burn-in, with two paired
# replications and the alliance's effect attributed to its levers (--decompose: 18 more runs
# per replication); then a quick decision study of the same choice over every assumption's
# plausible range (scenarios/decisions/pirkanmaa-quick.toml); then the report of each
# (out/pirkanmaa/report/ and out/pirkanmaa-decision/report/). The full-size decision study:
# kasvu decide scenarios/decisions/pirkanmaa.toml (README, Decisions under uncertainty).
REPS ?= 2
RUN_MONTHS ?= 36
RUN_BURN_IN ?= 12
LANG_REPORT ?= fi
run: setup
	$(BIN)/kasvu compare pirkanmaa-separate pirkanmaa-alliance --reps $(REPS) \
		--months $(RUN_MONTHS) --set simulation.burn_in_months=$(RUN_BURN_IN) --decompose \
		--out out/pirkanmaa
	$(BIN)/kasvu decide scenarios/decisions/pirkanmaa-quick.toml --out out/pirkanmaa-decision
	$(BIN)/kasvu report out/pirkanmaa --lang $(LANG_REPORT)
	$(BIN)/kasvu report out/pirkanmaa-decision --lang $(LANG_REPORT)

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

# Coverage in two passes, about 5 minutes on two cores: every test with the JIT on (a
# compiled kernel runs unseen by the tracer), then the kernels' own tests against their slow
# references with the JIT off (kernels run as Python and are traced). Those take seconds
# that way; the other tests would run Pirkanmaa in pure Python for hours.
KERNEL_TESTS := tests/sim/labour/test_draws.py tests/sim/labour/test_firms.py \
	tests/sim/labour/test_flows.py \
	tests/sim/labour/test_matching.py tests/sim/labour/test_stocks.py \
	tests/sim/organising/test_payments.py \
	tests/sim/organising/test_public_money.py tests/sim/services/test_counts.py \
	tests/sim/services/test_eligibility.py tests/sim/services/test_learning.py \
	tests/sim/services/test_progress.py tests/sim/services/test_search.py \
	tests/sim/services/test_market.py
coverage: setup
	$(BIN)/python -m pytest --cov --cov-report= -m "not slow"
	NUMBA_DISABLE_JIT=1 $(BIN)/python -m pytest --cov --cov-append --cov-report=term-missing \
		-m "not slow" $(KERNEL_TESTS)

bench: setup
	$(BIN)/python benchmarks/run.py --out docs/benchmarks.md

# Calibration of the default Pirkanmaa parameters to public figures (calibration/targets.toml):
# a seeded Latin hypercube and a Nelder-Mead refinement, then the chosen values with fresh
# seeds; writes calibration/result.json and result.md, then the parameter reference.
# About 16 minutes on two cores. CALIBRATE_ARGS="--points 20 --refine 10" for less.
CALIBRATE_ARGS ?=
calibrate: setup
	$(BIN)/python -m analysis.calibration $(CALIBRATE_ARGS)
	$(BIN)/python -m analysis.paramdoc

# No search: the recorded values' moments measured again with the current model, on the
# record's final seeds (after a change to the model's numbers; about a minute).
calibration-check: setup
	$(BIN)/python -m analysis.calibration --check

# docs/parameters.md from the scenario schema (tests/analysis/test_paramdoc.py keeps it fresh).
docs: setup
	$(BIN)/python -m analysis.paramdoc

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .coverage htmlcov
