"""Shared test set-up: which database this run uses, named in pytest's header."""

from __future__ import annotations

import os


def pytest_report_header(config) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        where = url.rsplit("@", 1)[-1]  # never print the password
        return f"database: PostgreSQL ({where}; tests use test_<name>)"
    return "database: SQLite (in memory for tests)"
