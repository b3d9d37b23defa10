# Every target sets itself up: a fresh machine needs only python3 (with pip) and make.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# The system certificate store: networks that inspect TLS add their CA there.
export UV_NATIVE_TLS := 1
# Compile .pyc at install: with PYTHONDONTWRITEBYTECODE set, every start would otherwise recompile
# polars (about half a second of each `gaoxin` command).
export UV_COMPILE_BYTECODE := 1
UV_VERSION := 0.13.9
# uv from PATH if present, else a pinned copy in a project-local tool venv (no network but PyPI).
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
PORT ?= 8000

.PHONY: setup msgfmt demo test test-sqlite test-pg lint format bench bench-web bench-qualify bench-province bench-assets probe assets clean

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --locked --all-groups
	@touch $@

setup: .venv/.synced

# msgfmt (GNU gettext) compiles the translations (python -m gaoxin.web.platform.i18n); the compiled
# .mo files are committed, so only the tests (which check them) and translators need it.
msgfmt:
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing — install GNU gettext (Debian/Ubuntu: apt-get install gettext); the tests check the compiled translations with it" >&2; exit 1; }

# A fresh demo database in out/demo, three scored zones, one account per role, served on 127.0.0.1.
demo: setup
	$(UV) run gaoxin demo --port $(PORT)

# The whole suite on SQLite, then again on PostgreSQL when DATABASE_URL names a PostgreSQL server
# (.ci/run starts one and sets it; the role needs CREATEDB: pytest-django creates test_<name>).
# Both passes run even if the first fails; the target fails if either did.
test: setup msgfmt
	$(UV) run ruff check src tests bench
	$(UV) run ruff format --check src tests bench
	$(UV) run lint-imports
	$(UV) run mypy
	@status=0; \
	$(MAKE) --no-print-directory test-sqlite || status=1; \
	if [[ "$${DATABASE_URL:-}" == postgres* ]]; then \
	  $(MAKE) --no-print-directory test-pg || status=1; \
	else \
	  echo "PostgreSQL pass skipped: set DATABASE_URL=postgres://user:password@host:port/name to run it"; \
	fi; \
	exit $$status

test-sqlite: setup
	@echo "== the suite on SQLite"
	env -u DATABASE_URL $(UV) run pytest

test-pg: setup
	@[[ "$${DATABASE_URL:-}" == postgres* ]] || { echo "test-pg needs DATABASE_URL=postgres://…"; exit 2; }
	@echo "== the suite on PostgreSQL"
	$(UV) run pytest

lint: setup
	$(UV) run ruff check src tests bench

format: setup
	$(UV) run ruff format src tests bench
	$(UV) run ruff check --fix src tests bench

# bench.e2e: `gaoxin score` on two CSV files against hand-written Polars, DuckDB and pandas, as whole
# processes (BENCH_E2E_SIZES=500000,2000000 and BENCH_E2E_REPEAT=5 choose the sizes and runs).
bench: setup
	$(UV) run python -m bench.run
	$(UV) run python -m bench.e2e

# The cultivation ladder (gaoxin.cultivation.qualify) on 20,000 and 200,000 synthetic firms.
bench-qualify: setup
	$(UV) run python -m bench.qualify

# The web platform with 100,000 firms: import throughput, server time and queries of every page of
# every role, and PostgreSQL + gunicorn under concurrent readers (needs DATABASE_URL=postgres://… for
# that part). A smaller run: make bench-web BENCH_WEB_ARGS="--firms 20000 --no-load".
bench-web: setup
	$(UV) run python -m bench.web_bench $(BENCH_WEB_ARGS)

# A province through the task worker: PROVINCE_FIRMS firms in PROVINCE_ZONES zones on PostgreSQL (needs
# DATABASE_URL=postgres://…, a role with CREATEDB); score and ladder runs by real worker processes.
PROVINCE_FIRMS ?= 500000
PROVINCE_ZONES ?= 50
bench-province: setup
	$(UV) run python -m bench.province --firms $(PROVINCE_FIRMS) --zones $(PROVINCE_ZONES)

# A bounded attack probe (every role crawls, reads across tenants, posts out of scope, hostile files,
# fuzz, export scan) on a throw-away demo; figures into bench/results.md. PROBE_ARGS="--firms 30 --no-write".
probe: setup
	$(UV) run python -m bench.probe $(PROBE_ARGS)

# What the chart pages make the browser download and wait for, before/after (chromium, gunicorn).
bench-assets: setup
	$(UV) run python -m bench.assets

# Front-end assets from the npm registry (assets/package-lock.json), copied into the static files.
# Their output is committed, so neither the tests nor a deployment need npm.
assets:
	cd assets && npm ci --ignore-scripts
	cp assets/node_modules/plotly.js-finance-dist-min/plotly-finance.min.js \
	   assets/node_modules/plotly.js-finance-dist-min/LICENSE src/gaoxin/web/static/vendor/plotly/

clean:
	rm -rf .venv .tools .pytest_cache .ruff_cache build dist
