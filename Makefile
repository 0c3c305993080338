# Two commands on a fresh machine: `make brief` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: brief test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

brief: $(STAMP)
	$(BIN)/storylens brief examples -o build/brief.html --json build/brief.json --md build/brief.md

test: $(DEV_STAMP)
	$(BIN)/python -m pytest -q

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(DEV_STAMP)
	$(BIN)/python bench/brief_speed.py
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/conflicts.py
	$(BIN)/python bench/conflicts.py --cases tests/fixtures/conflicts_holdout.jsonl
	$(BIN)/python bench/aliases.py
	$(BIN)/python bench/quotes.py
	$(BIN)/storylens eval quotes --data ../shared/data/quotes/polnear/dev
	$(BIN)/storylens eval entities --data ../shared/data/events/ecbplus
	$(BIN)/python bench/paraphrase.py
	$(BIN)/python bench/stories_multinews.py
	$(BIN)/python bench/cluster_scale.py --sizes 1000 10000 100000

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
