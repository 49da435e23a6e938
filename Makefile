# Aula Consular — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-browser install install-dev system-deps browser-deps translations db seed \
	lint format translate-update serve bench fuzz clean

## run: install, create/upgrade the database, load content and demo accounts, serve on :5000
run: system-deps install translations db seed
	@echo "Aula Consular: http://$(HOST):$(PORT)"
	$(FLASK) run --host $(HOST) --port $(PORT)

## test: the whole suite, on every core (set TEST_DATABASE_URL to run it on PostgreSQL)
test: system-deps install-dev translations
	$(BIN)/python -m pytest -n $${PYTEST_WORKERS:-auto}

## test-browser: learner journeys in Debian's Chromium (installed with apt when missing)
test-browser: system-deps browser-deps install-dev translations
	$(BIN)/python -m pytest -m browser tests/browser --screenshot only-on-failure \
		--output test-artifacts

## system-deps: WeasyPrint's libraries and fonts (Debian packages), installed once
system-deps:
	@if ! ldconfig -p | grep -q libpangoft2-1.0 || ! ldconfig -p | grep -q libharfbuzz-subset || \
	    [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
		echo "Installing WeasyPrint's system libraries and fonts (apt-get)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; \
	fi

## browser-deps: Debian's Chromium, and axe-core from npm for the accessibility tests
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "Installing Chromium for the browser tests (apt-get)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; \
	fi
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "Installing Node.js and npm for axe-core (apt-get)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; \
	fi
	@if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then \
		npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error; \
	fi

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
serve: system-deps install translations
	$(BIN)/gunicorn --workers $${WORKERS:-3} --bind $(HOST):$(PORT) --access-logfile - 'app:create_app()'

## bench: lesson and course page throughput under gunicorn (see bench/README.md)
bench: system-deps install-dev translations
	$(BIN)/python bench/pages.py

## fuzz: the importers' property tests with many examples (AULA_FUZZ_EXAMPLES, default 2000)
fuzz: install-dev translations
	AULA_FUZZ_EXAMPLES=$${AULA_FUZZ_EXAMPLES:-2000} $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/security/test_fuzz_importers.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
