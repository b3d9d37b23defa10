"""The benchmark app's API (mounted at /api/benchmark); same scope as the pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["benchmark"])
