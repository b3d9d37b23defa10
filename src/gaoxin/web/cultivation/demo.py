"""This app's part of ``gaoxin demo`` (see ``gaoxin.web.platform.demo.DEMO_STEPS``): the ladder of the demo zone."""

from __future__ import annotations

import time


def populate(ctx) -> None:
    """Assess the demo zone's cultivation ladder for ``ctx.year`` and report its high-tech candidates."""
    from gaoxin.web.cultivation import services
    from gaoxin.web.cultivation.models import LadderEntry

    zone = ctx.zones[0]
    started = time.monotonic()
    run = services.run_assessment(zone, ctx.year, ctx.users.get("zone_admin") or ctx.users.get("admin"))
    seconds = time.monotonic() - started
    counts = services.status_counts(LadderEntry.objects.all(), run)["hightech"]
    ctx.report.append(
        f"  梯度培育 cultivation: {zone.name} {ctx.year} 年度评估 #{run.pk}（{run.assessed} 家，{seconds:.1f} 秒），"
        f"高新技术企业候选 {counts['qualifies']} 家已达标、{counts['near']} 家接近 / "
        f"cultivation ladder: {counts['qualifies']} firms qualify for high-tech, {counts['near']} are near"
    )
