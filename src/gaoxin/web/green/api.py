"""The green app's API (mounted at /api/green); same scope as the pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["green"])
