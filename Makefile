# The two commands a newcomer needs: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test bench bench-sweep lint

$(INSTALLED): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(INSTALLED)
	$(BIN)/kam-bot run

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	.ci/with-postgres $(BIN)/pytest

bench: $(INSTALLED)
	$(BIN)/python bench/slash_commands.py

bench-sweep: $(INSTALLED)
	.ci/with-postgres $(BIN)/python bench/sweep.py --accounts 10000 100000
