# Aula Consular — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev translations db seed lint format translate-update serve clean

## run: install, create/upgrade the database, load content and demo accounts, serve on :5000
run: install translations db seed
	@echo "Aula Consular: http://$(HOST):$(PORT)"
	$(FLASK) run --host $(HOST) --port $(PORT)

## test: the whole suite (set TEST_DATABASE_URL to run it on PostgreSQL)
test: install-dev translations
	$(BIN)/python -m pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: install
	$(BIN)/pybabel compile -d app/translations --statistics

db: install
	$(FLASK) db upgrade
	$(FLASK) content sync

seed: install
	$(FLASK) seed --demo

## lint: ruff lint and format check
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## translate-update: extract new strings into the es/en catalogs (then translate es)
translate-update: install
	$(FLASK) translate update

## serve: production-style gunicorn (set AULA_ENVIRONMENT, AULA_SECRET_KEY, AULA_DATABASE_URL)
serve: install translations
	$(BIN)/gunicorn --workers $${WORKERS:-3} --bind $(HOST):$(PORT) --access-logfile - 'app:create_app()'

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
