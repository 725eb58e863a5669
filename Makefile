# The two commands a newcomer needs: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test bench bench-sweep lint catalog

CATALOG := handlers/locale
COMPILED := $(CATALOG)/sv/LC_MESSAGES/messages.mo

$(INSTALLED): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(COMPILED): $(CATALOG)/sv/LC_MESSAGES/messages.po $(INSTALLED)
	$(BIN)/pybabel -q compile --domain messages --directory $(CATALOG)

# After changing user-facing text: extract it, merge it into the Swedish catalog, translate.
catalog: $(INSTALLED)
	$(BIN)/pybabel -q extract --mapping babel.cfg --no-location --sort-output \
		--project kam-bot --output $(CATALOG)/messages.pot handlers scheduler bot
	$(BIN)/pybabel -q update --domain messages --input-file $(CATALOG)/messages.pot \
		--output-dir $(CATALOG) --no-fuzzy-matching --ignore-obsolete

run: $(INSTALLED) $(COMPILED)
	$(BIN)/kam-bot run

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint $(COMPILED)
	.ci/with-postgres $(BIN)/pytest

bench: $(INSTALLED)
	$(BIN)/python bench/slash_commands.py

bench-sweep: $(INSTALLED)
	.ci/with-postgres $(BIN)/python bench/sweep.py --accounts 10000 100000
