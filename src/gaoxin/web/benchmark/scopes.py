"""Scoping rules for the benchmark app's tables (applied by ``accounts.scoping``)."""

from __future__ import annotations
