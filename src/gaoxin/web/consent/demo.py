"""This app's part of ``gaoxin demo`` (see ``gaoxin.web.demo.DEMO_STEPS``)."""

from __future__ import annotations


def populate(ctx) -> None:
    """Add this app's demo data for ``ctx`` (a ``gaoxin.web.demo.DemoContext``)."""
