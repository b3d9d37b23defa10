"""The carriers app's API (mounted at /api/carriers); same scope as the pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["carriers"])
