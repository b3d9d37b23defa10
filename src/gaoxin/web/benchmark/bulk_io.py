"""xlsx import and export of the benchmark app's tables (``gaoxin.io.tables``)."""

from __future__ import annotations
