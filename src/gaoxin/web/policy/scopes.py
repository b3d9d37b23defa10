"""Scoping rules for the policy app's tables (applied by ``accounts.scoping``)."""

from __future__ import annotations
