"""The policy app's part of ``gaoxin demo``: the seeded example policies of next-round-rules §(a) in the
demo zone (marked as examples), department facts for them, one budget simulation and one official list
in publicity, so the policy office can take it from draft to payment batch."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from gaoxin.io import display
from gaoxin.policy.model import shipped


def populate(ctx) -> None:
    from gaoxin.web.policy import services
    from gaoxin.web.registry.models import Enterprise

    zone = ctx.zones[0]
    user = ctx.users.get("zone_admin") or ctx.users.get("admin")
    started = time.monotonic()
    policies = {}
    for path in shipped():
        p = services.save_draft(zone, path.read_text(encoding="utf-8"), user)
        policies[p.code] = p
    firms = list(Enterprise.objects.filter(zone=zone).order_by("uscc"))
    # the department facts the examples read (synthetic, for the demo): dictionary fields into the register
    services.put_register_facts(
        zone,
        [(e, ctx.year, "above_scale", i % 3 != 0) for i, e in enumerate(firms)],
        department="统计局（演示）",
        file_name="演示数据",
        user=user,
    )
    services.put_register_facts(
        zone,
        [(e, ctx.year, "local_contribution", Decimal(50 + (i * 37) % 400)) for i, e in enumerate(firms)],
        department="税务局（演示）",
        file_name="演示数据",
        user=user,
    )
    for e in firms:  # a declared input of the examples
        services.put_fact(
            zone,
            e,
            ctx.year,
            "city_hightech_award",
            Decimal(30),
            department="市科技局（演示）",
            file_name="演示数据",
        )
    dangshan = policies["dangshan-rd"]
    sim = services.match(dangshan, ctx.year, user)
    services.publish_policy(dangshan, user)
    official = services.match(dangshan, ctx.year, user, kind="official")
    today = dt.date.today()
    services.open_publicity(official, today, today + dt.timedelta(days=7), user)
    ctx.report.append(
        f"  政策兑现 policy: {len(policies)} 项示例政策（草稿），砀山研发投入奖励预算模拟 #{sim.pk}（{display.money(sim.summary['total'])}），"
        f"正式名单 #{official.pk} 公示至 {today + dt.timedelta(days=7)}（{time.monotonic() - started:.1f} 秒） / "
        f"policy engine: {len(policies)} example policies, a simulation and an official list in publicity"
    )
