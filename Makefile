# Every target sets itself up: a fresh machine needs only python3 (with pip) and make.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
UV_VERSION := 0.13.9
# uv from PATH if present, else a pinned copy in a project-local tool venv (no network but PyPI).
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
PORT ?= 8000

.PHONY: setup demo test lint format bench clean

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --all-groups
	@touch $@

setup: .venv/.synced

demo: setup
	$(UV) run gaoxin demo

test: setup
	$(UV) run ruff check src tests bench
	$(UV) run ruff format --check src tests bench
	$(UV) run pytest

lint: setup
	$(UV) run ruff check src tests bench

format: setup
	$(UV) run ruff format src tests bench
	$(UV) run ruff check --fix src tests bench

bench: setup
	$(UV) run python -m bench.run

clean:
	rm -rf .venv .tools .pytest_cache .ruff_cache build dist
