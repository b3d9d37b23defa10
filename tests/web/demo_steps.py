"""An app's demo step run on the platform fixture: the ``DemoContext`` the core demo would hand it."""

from __future__ import annotations

from pathlib import Path

from gaoxin.web.platform.demo import DemoContext


def demo_context(p, users: dict, firm, year: int = 2025, data_dir: Path | None = None) -> DemoContext:
    """The context of the platform fixture ``p``: its two zones, bank A, the done runs, the published
    white list, and the given ``users`` (role → user) and ``firm``; nothing is said."""
    return DemoContext(
        data_dir=data_dir or Path("."),
        year=year,
        data=None,
        zones=[p.zone_a, p.zone_b],
        bank=p.bank_a,
        users=users,
        runs=[p.run_a, p.run_b],
        published=p.published,
        firm=firm,
        say=lambda *a, **k: None,
    )
