# Viperatron: `make serve` to run it, `make test` to test it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
VENDOR := app/static/vendor

.PHONY: serve test test-sqlite test-postgres coverage coverage-sqlite coverage-postgres assets node-tools clients bench bench-delivery bench-import bench-export install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)
dev: $(DEV_STAMP)

# Front-end packages the pages serve from our own origin (GraphiQL and its React, Scalar's API
# reference), pinned exactly in $(VENDOR)/package.json with its package-lock.json (both committed);
# `npm ci` installs exactly the locked tree into $(VENDOR)/node_modules (git-ignored), again only
# when the lock file changes. Nothing is loaded from a CDN at run time.
NPM_STAMP := $(VENDOR)/node_modules/.installed

assets: $(NPM_STAMP)

$(NPM_STAMP): $(VENDOR)/package.json $(VENDOR)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js + npm, then run make assets (GraphiQL and /reference need the packages)" >&2; exit 1; }
	cd $(VENDOR) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# Node tools the tests run (graphql-schema-linter), pinned in package-lock.json: `npm ci` when the
# lock file is newer than the install (npm writes node_modules/.package-lock.json). Without npm the
# tests that need them skip (and fail under CI, whose .ci/run installs npm).
NODE_STAMP := node_modules/.package-lock.json

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-tools:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(NODE_STAMP); \
	else echo "npm not found: the graphql-schema-linter test will skip (install Node.js to run it)"; fi

# The client generators the tests run over /openapi.json (openapi-typescript), pinned with their
# lock file in tools/clients (never committed: node_modules). Without npm that test is skipped
# (failed under CI).
clients:
	@if command -v npm >/dev/null 2>&1; then \
		cd tools/clients && npm ci --silent --no-audit --no-fund; \
	else \
		echo "npm not found: the openapi-typescript test is skipped (install Node.js to run it)"; \
	fi

# VIPERATRON_SECRET_KEY keys the digests of session and link tokens (docs/accounts.md): when it
# is unset, one is generated once into the git-ignored .secret_key and used from there.
SECRET_FILE := .secret_key

$(SECRET_FILE):
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(48))" > $@

serve: $(STAMP) $(SECRET_FILE)
	-@$(MAKE) --no-print-directory assets
	VIPERATRON_SECRET_KEY="$${VIPERATRON_SECRET_KEY:-$$(cat $(SECRET_FILE))}" $(BIN)/viperatron serve

# SQLite always; PostgreSQL + Redis too when TEST_DATABASE_URL / TEST_REDIS_URL are set.
# Two pytest processes: Tortoise caches query executors per connection name, so the two
# backends must not share one process.
test: $(DEV_STAMP)
	-@$(MAKE) --no-print-directory assets
	@$(MAKE) --no-print-directory clients
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL + Redis half skipped (.ci/run sets it)"; fi

test-sqlite: $(DEV_STAMP) node-tools
	VIPERATRON_TEST_BACKEND=sqlite $(BIN)/pytest -q $(PYTEST_ARGS)

test-postgres: $(DEV_STAMP) node-tools
	VIPERATRON_TEST_BACKEND=postgres $(BIN)/pytest -q $(PYTEST_ARGS)

# `make test` under coverage.py ([tool.coverage] in pyproject.toml), subprocesses the tests start
# included: each half's total, then the combined report on stdout and in htmlcov/.
# Fails if either half failed, after reporting.
coverage: $(DEV_STAMP)
	-@$(MAKE) --no-print-directory assets
	@$(MAKE) --no-print-directory clients
	rm -rf .coverage .coverage.* .coverage-* htmlcov
	$(MAKE) --no-print-directory coverage-sqlite; sqlite=$$?; postgres=0; \
	if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory coverage-postgres; postgres=$$?; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL + Redis half skipped (.ci/run sets it)"; fi; \
	$(BIN)/coverage combine -q --keep $$(ls .coverage-sqlite .coverage-postgres 2>/dev/null) && \
	$(BIN)/coverage report && $(BIN)/coverage html -q && echo "HTML report: htmlcov/index.html" && \
	[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]

# One half: the data files of pytest and of each subprocess, combined into .coverage-<backend>
# (not .coverage.<backend>: `coverage report` folds .coverage.* into .coverage and deletes them).
coverage-sqlite coverage-postgres: coverage-%: $(DEV_STAMP) node-tools
	rm -f .coverage-$* .coverage-$*.*
	VIPERATRON_TEST_BACKEND=$* COVERAGE_FILE=.coverage-$* $(BIN)/coverage run -m pytest -q $(PYTEST_ARGS); status=$$?; \
	COVERAGE_FILE=.coverage-$* $(BIN)/coverage combine -q && \
	echo "coverage, $* half: $$(COVERAGE_FILE=.coverage-$* $(BIN)/coverage report --format=total)%"; \
	exit $$status

# HTTP endpoints (bench/run.py), then delivery throughput (bench/delivery.py); both run even if
# the first reports failed requests, and make fails if either did.
bench: $(DEV_STAMP)
	$(BIN)/python -m bench.run; http=$$?; \
	$(BIN)/python -m bench.delivery; delivery=$$?; \
	$(BIN)/python -m bench.imports; imports=$$?; \
	$(BIN)/python -m bench.export; contacts_export=$$?; \
	$(BIN)/python -m bench.events; events=$$?; \
	$(BIN)/python -m bench.automations; automations=$$?; \
	$(BIN)/python -m bench.analytics; analytics=$$?; \
	$(BIN)/python -m bench.abuse; abuse=$$?; \
	[ $$abuse -eq 0 ] && [ $$http -eq 0 ] && [ $$delivery -eq 0 ] && [ $$imports -eq 0 ] && [ $$contacts_export -eq 0 ] && \
	[ $$events -eq 0 ] && [ $$automations -eq 0 ] && [ $$analytics -eq 0 ]

bench-delivery: $(DEV_STAMP)
	$(BIN)/python -m bench.delivery $(BENCH_ARGS)

# Contact import: 1,000,000-row CSV through the API job vs a raw asyncpg unnest upsert (bench/imports.py).
bench-import: $(DEV_STAMP)
	$(BIN)/python -m bench.imports $(BENCH_ARGS)

# Contact export: 1,000,000 contacts streamed as CSV/NDJSON over HTTP vs raw asyncpg COPY; server RSS (bench/export.py).
bench-export: $(DEV_STAMP)
	$(BIN)/python -m bench.export $(BENCH_ARGS)

# Event ingestion: batches of 500 through POST /api/v1/pipelines/events/batch vs raw asyncpg executemany (bench/events.py).
.PHONY: bench-events
bench-events: $(DEV_STAMP)
	$(BIN)/python -m bench.events $(BENCH_ARGS)

# Analytics latency: each query over 1,000,000 events and 100,000 contacts (bench/analytics.py).
.PHONY: bench-analytics
bench-analytics: $(DEV_STAMP)
	$(BIN)/python -m bench.analytics $(BENCH_ARGS)

# Automation throughput: runs/s of a one-step addTag automation, AutomationRunner in-process and
# in two processes, vs a raw asyncpg loop doing the same writes (bench/automations.py).
.PHONY: bench-automations
bench-automations: $(DEV_STAMP)
	$(BIN)/python -m bench.automations $(BENCH_ARGS)

# Abuse: organization B's one-row list while A (and a keyless caller) sends hostile requests:
# victim median/p99 per kind of abuse vs idle, same run (bench/abuse.py; --sqlite for the embedded default).
.PHONY: bench-abuse
bench-abuse: $(DEV_STAMP)
	$(BIN)/python -m bench.abuse $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(VENDOR)/node_modules node_modules viperatron.db* outbox
