"""The policy app's API (mounted at /api/policy); same scope as the pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["policy"])
