"""xlsx import and export of the policy app's tables (``gaoxin.io.tables``)."""

from __future__ import annotations
