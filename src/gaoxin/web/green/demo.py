"""The green app's part of ``gaoxin demo``."""

from __future__ import annotations


def populate(ctx) -> None:
    """Add this app's demo rows (``ctx``: ``gaoxin.web.platform.demo.DemoContext``)."""
