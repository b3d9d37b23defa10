"""The benchmark app's business operations: views and the API call these; they never commit."""

from __future__ import annotations
