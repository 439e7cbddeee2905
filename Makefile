# Two commands do everything on a fresh machine with only Python:
#   make run    creates .venv if missing, installs, runs scenarios/quickstart.yaml
#   make test   same set-up, then the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench sweep clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,dask]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/acdsim run scenarios/quickstart.yaml

test: $(STAMP)
	$(BIN)/python -m pytest

# The property tests on many more random scenarios than the suite runs (long: see README).
SWEEP_EXAMPLES ?= 5000
sweep: $(STAMP)
	ACDSIM_EXAMPLES=$(SWEEP_EXAMPLES) $(BIN)/python -m pytest -q tests/test_shortcuts.py tests/test_ordered_walk.py tests/test_work_conserving.py tests/test_invariants.py tests/test_long_queue.py \
		tests/test_fuzz_text.py tests/test_loader_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy src

bench: $(STAMP)
	@test $(VENV)/.installed-bench -nt pyproject.toml || { $(BIN)/python -m pip install --quiet -e '.[test,dask,bench]' && touch $(VENV)/.installed-bench; }
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
