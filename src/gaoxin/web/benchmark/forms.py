"""The benchmark app's forms: validation lives here, not in views."""

from __future__ import annotations
