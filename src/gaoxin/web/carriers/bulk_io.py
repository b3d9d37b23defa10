"""xlsx import and export of the carriers app's tables (``gaoxin.io.tables``)."""

from __future__ import annotations
