# PetitionFlow — `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
T ?= tests
WEB_STAMP := service/web/static/dist/.built
CHROMIUM := /usr/bin/chromium

.DEFAULT_GOAL := help

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) web chromium ## create .venv, install the project with its dev tools, build the web bundles

$(WEB_STAMP): package.json package-lock.json $(wildcard frontend/*)
	npm ci --no-audit --no-fund --loglevel=error
	node frontend/build.mjs
	touch $(WEB_STAMP)

web: $(WEB_STAMP) ## front-end bundles: npm ci + esbuild (bpmn-js viewer and modeler) into service/web/static/dist

chromium: ## Debian's chromium (+ CJK fonts) for the browser tests, when /usr/bin/chromium is missing
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) \
		|| echo "chromium could not be installed: the browser tests will skip with this reason"

run: $(STAMP) web ## serve on 127.0.0.1:$PORT (SQLite under var/, in-process worker, demo data)
	PORT=$(PORT) $(BIN)/petitionflow run --port $(PORT)

test: $(STAMP) web chromium lint ## lint, then the whole suite (PostgreSQL/Redis parts skip with a reason if absent)
	$(BIN)/python -m pytest -n 2 -q $(T)

quick: $(STAMP) web chromium ## the suite without lint or xdist; T=path for one file
	$(BIN)/python -m pytest -q $(T)

lint: $(STAMP) ## ruff, format check, mypy, import contracts, the one-commit-place and file-size checks
	$(BIN)/ruff check service tests bench
	$(BIN)/ruff format --check service tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	@bash .ci/checks

fmt: $(STAMP) ## format and auto-fix
	$(BIN)/ruff format service tests bench
	$(BIN)/ruff check --fix service tests bench

db-check: $(STAMP) ## migrations equal the models (alembic upgrade head + check on a scratch SQLite)
	rm -f var/db-check.sqlite3 && mkdir -p var
	DATABASE_URL=sqlite:///var/db-check.sqlite3 $(BIN)/alembic upgrade heads
	DATABASE_URL=sqlite:///var/db-check.sqlite3 $(BIN)/alembic check

bench: $(STAMP) ## benchmarks: lifecycle timings vs bare SpiffWorkflow, loop flatness
	$(BIN)/python -m bench

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) var

.PHONY: help install web chromium run test quick lint fmt db-check bench clean
