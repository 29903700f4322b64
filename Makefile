# Viperatron: `make serve` to run it, `make test` to test it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
VENDOR := app/static/frontend

# Where `make serve` listens: `make serve PORT=8080 HOST=0.0.0.0`. Set on the command line only
# (an exported HOST or PORT in the environment does not move the server).
HOST = 127.0.0.1
PORT = 8000

.PHONY: serve test test-sqlite test-postgres coverage coverage-sqlite coverage-postgres assets assets-background node-tools clients bench bench-dashboard bench-delivery bench-import bench-export bench-first-send install dev clean

# Installing, as fast as the machine allows (a first `make serve` is mostly this):
# - uv when it is on PATH (parallel downloads and its own cache; it does not read pip's
#   configuration files), else the venv's pip, which every Python has: uv is optional, never required;
# - no byte-compiling at install time (--no-compile; uv doesn't by default): Python compiles the
#   modules it imports when it first imports them, a fraction of what is installed;
# - the venv's pip as Python ships it (no upgrade: any pip from 21.3 installs this editable
#   project), and no check for a newer pip on every run.
export PIP_DISABLE_PIP_VERSION_CHECK := 1
UV := $(shell command -v uv 2>/dev/null)
ifneq ($(UV),)
PIP_INSTALL := $(UV) pip install --quiet --python $(BIN)/python
else
PIP_INSTALL := $(BIN)/pip install --quiet --no-compile
endif

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(PIP_INSTALL) -e .
	touch $@

# The test tools (pytest, schemathesis, …) only for make test / coverage / bench, never for make serve.
$(DEV_STAMP): $(STAMP)
	$(PIP_INSTALL) -e '.[dev]'
	touch $@

install: $(STAMP)
dev: $(DEV_STAMP)

# Front-end packages the pages serve from our own origin (GraphiQL and its React, Scalar's API
# reference), pinned exactly in $(VENDOR)/package.json with its package-lock.json (both committed);
# `npm ci` installs exactly the locked tree into $(VENDOR)/node_modules (git-ignored), again only
# when the lock file changes. Nothing is loaded from a CDN at run time.
NPM_STAMP := $(VENDOR)/node_modules/.installed

# Two installs at once (make serve's in the background, make test's) would trip over each other in
# node_modules: where flock exists, one waits for the other, then finds the stamp fresh.
FLOCK := $(if $(shell command -v flock 2>/dev/null),flock $(VENDOR)/.assets.lock)
ASSETS_LOG := $(VENV)/assets.log

assets:
	@$(MAKE) --no-print-directory -q $(NPM_STAMP) 2>/dev/null || $(FLOCK) $(MAKE) --no-print-directory $(NPM_STAMP)

$(NPM_STAMP): $(VENDOR)/package.json $(VENDOR)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js + npm, then run make assets (GraphiQL and /reference need the packages)" >&2; exit 1; }
	cd $(VENDOR) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# make serve does not wait for the front-end packages (an npm ci of ~16 s): the API, the home
# page, Swagger UI and ReDoc work without them, and /reference and /graphql say to reload in a
# minute until they are there. Installed in the background at a lower priority (the server's first
# start comes first on a small machine), logged to .venv/assets.log.
assets-background:
	@if $(MAKE) --no-print-directory -q $(NPM_STAMP) 2>/dev/null; then :; \
	elif ! command -v npm >/dev/null 2>&1; then \
	  echo "npm not found: /reference and GraphiQL need their front-end packages (install Node.js + npm, then make assets); the API works without them" >&2; \
	else \
	  echo "installing the front-end packages of /reference and GraphiQL in the background (make assets; log: $(ASSETS_LOG))" >&2; \
	  (nice -n 10 $(MAKE) --no-print-directory assets >$(ASSETS_LOG) 2>&1 &); \
	fi

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
	@$(MAKE) --no-print-directory assets-background
	VIPERATRON_SECRET_KEY="$${VIPERATRON_SECRET_KEY:-$$(cat $(SECRET_FILE))}" $(BIN)/viperatron serve --host $(HOST) --port $(PORT)

# SQLite always; PostgreSQL + Redis too when TEST_DATABASE_URL / TEST_REDIS_URL are set.
# Two pytest processes: Tortoise caches query executors per connection name, so the two
# backends must not share one process. They run at the same time (each has its own database:
# a temporary SQLite file, TEST_DATABASE_URL): on 2 cores 320 s instead of 438 s one after the
# other. The SQLite half prints as it goes, the PostgreSQL half's output follows when both are
# done; TEST_JOBS=1 runs them in turn. Fails if either half failed.
TEST_JOBS ?= 2

test: $(DEV_STAMP) node-tools
	-@$(MAKE) --no-print-directory assets
	@$(MAKE) --no-print-directory clients
	$(BIN)/lint-imports
	@if [ -z "$$TEST_DATABASE_URL" ]; then \
	  $(MAKE) --no-print-directory test-sqlite || exit 1; \
	  echo "TEST_DATABASE_URL not set: PostgreSQL + Redis half skipped (.ci/run sets it)"; \
	elif [ "$(TEST_JOBS)" = 1 ]; then \
	  $(MAKE) --no-print-directory test-sqlite; sqlite=$$?; \
	  $(MAKE) --no-print-directory test-postgres; postgres=$$?; \
	  [ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]; \
	else \
	  log=$$(mktemp); \
	  $(MAKE) --no-print-directory test-postgres >$$log 2>&1 & pid=$$!; \
	  $(MAKE) --no-print-directory test-sqlite; sqlite=$$?; \
	  wait $$pid; postgres=$$?; \
	  echo "--- PostgreSQL + Redis half (ran at the same time) ---"; cat $$log; rm -f $$log; \
	  echo "SQLite half: $$([ $$sqlite -eq 0 ] && echo passed || echo FAILED); PostgreSQL + Redis half: $$([ $$postgres -eq 0 ] && echo passed || echo FAILED)"; \
	  [ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]; \
	fi

# Bytecode caches on for the tests even where the environment turns them off
# (PYTHONDONTWRITEBYTECODE=1): the suite starts a few hundred Python processes (the CLI, servers,
# workers, schemathesis), and without caches each one compiles everything it imports again
# (the installs don't byte-compile): `import app.cli` takes ~3.5 s instead of ~1.3 s here.
PYCACHE := PYTHONDONTWRITEBYTECODE=

test-sqlite: $(DEV_STAMP) node-tools
	$(PYCACHE) VIPERATRON_TEST_BACKEND=sqlite $(BIN)/pytest -q $(PYTEST_ARGS)

test-postgres: $(DEV_STAMP) node-tools
	$(PYCACHE) VIPERATRON_TEST_BACKEND=postgres $(BIN)/pytest -q $(PYTEST_ARGS)

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
	$(PYCACHE) VIPERATRON_TEST_BACKEND=$* COVERAGE_FILE=.coverage-$* $(BIN)/coverage run -m pytest -q $(PYTEST_ARGS); status=$$?; \
	COVERAGE_FILE=.coverage-$* $(BIN)/coverage combine -q && \
	echo "coverage, $* half: $$(COVERAGE_FILE=.coverage-$* $(BIN)/coverage report --format=total)%"; \
	exit $$status

# Every benchmark, each even if one before it failed (make then fails), and last one table of
# their headline ratios against their own same-run references (bench/summary.py).
bench: $(DEV_STAMP)
	started=$$(date +%s); \
	$(BIN)/python -m bench.run; http=$$?; \
	$(BIN)/python -m bench.delivery; delivery=$$?; \
	$(BIN)/python -m bench.imports; imports=$$?; \
	$(BIN)/python -m bench.export; contacts_export=$$?; \
	$(BIN)/python -m bench.events; events=$$?; \
	$(BIN)/python -m bench.automations; automations=$$?; \
	$(BIN)/python -m bench.analytics; analytics=$$?; \
	$(BIN)/python -m bench.abuse; abuse=$$?; \
	$(BIN)/python -m bench.dashboard; dashboard=$$?; \
	$(BIN)/python -m bench.summary --since $$started; \
	[ $$dashboard -eq 0 ] && [ $$abuse -eq 0 ] && [ $$http -eq 0 ] && [ $$delivery -eq 0 ] && [ $$imports -eq 0 ] && [ $$contacts_export -eq 0 ] && \
	[ $$events -eq 0 ] && [ $$automations -eq 0 ] && [ $$analytics -eq 0 ]

# Time to the first send: git clone, make serve PORT=<free port>, the README's curl answered 202, per
# phase (bench/first_send.py; standard library only, so it needs no venv).
bench-first-send:
	$(PYTHON) bench/first_send.py $(BENCH_ARGS)

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

# Dashboard first screen: ms from navigation to the Messages list (and the Analytics page) usable in
# headless Chromium, cold and warm, over 1,000,000 events (bench/dashboard.py).
.PHONY: bench-dashboard
bench-dashboard: $(DEV_STAMP)
	$(BIN)/python -m bench.dashboard $(BENCH_ARGS)

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
