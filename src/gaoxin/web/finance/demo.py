"""The finance part of ``gaoxin demo``: the demo bank's 创新积分贷, the zone's guarantee plan, a 信创
guidance fund, an interest subsidy and a 2 : 6 : 2 risk pool with a 3 % ceiling; a history of loans
(repaid, outstanding, two defaults that bring the pool close to its warning threshold); and one
PENDING application from the demo firm (which consented in the consent step) for the bank user to
approve and disburse in the browser.

Everything goes through ``finance.services`` (save_product, refresh_matches, apply, act), so the demo's
numbers are the platform's own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

LOAN = "创新积分贷"


def populate(ctx) -> None:
    from django.db import transaction

    from gaoxin.web.finance import services
    from gaoxin.web.finance.models import Application, Match

    zone, bank = ctx.zones[0], ctx.bank
    zone_admin, bank_user, firm_user = ctx.users["zone_admin"], ctx.users["bank"], ctx.users["firm"]
    with transaction.atomic():
        pool = services.save_product(
            zone_admin,
            zone=zone,
            kind="pool",
            name=f"{zone.name}科技信贷风险补偿资金池",
            description="政府 : 担保 : 银行 = 2 : 6 : 2；不良率不超过 3 %",
            rules={
                "split": {"government": "2", "guarantor": "6", "bank": "2"},
                "ceiling": "0.03",
                "warn_at": "0.8",
                "fund_size": "5000",
                "halt_ratio": "0.04",
                "coverage_multiple": "10",
                "borrower_share": "0.05",
            },
        )
        services.save_product(
            zone_admin,
            zone=zone,
            kind="guarantee",
            name="科技型企业政策性融资担保",
            rules={
                "eligibility": {"min_grade": "C"},
                "guarantee_share": "0.8",
                "fee_rate": "0.5",
                "max_amount": "1000",
            },
        )
        services.save_product(
            zone_admin,
            zone=zone,
            kind="fund",
            name="信创产业引导基金",
            description="聚焦信息技术应用创新（电子信息领域）",
            rules={
                "eligibility": {
                    "min_grade": "B",
                    "tech_fields": ["电子信息"],
                    "stages": ["growth", "mature"],
                },
                "ticket_min": "300",
                "ticket_max": "3000",
            },
        )
        services.save_product(
            zone_admin,
            zone=zone,
            kind="subsidy",
            name="创新积分贷贴息",
            rules={"eligibility": {"min_grade": "B"}, "subsidy_share": "0.5", "subsidy_cap": "20"},
        )
        loan = services.save_product(
            bank_user,
            zone=zone,
            kind="loan",
            name=LOAN,
            description="白名单企业免抵押信用贷款，排名越靠前额度越高",
            pool=pool,
            rules={
                "eligibility": {"whitelist": True, "min_grade": "C"},
                "line": {
                    "base": "100",
                    "cap": "500",
                    "step": "10",
                    "uplift": {"mode": "linear", "max": "1.5"},
                },
                "rate": "3.45",
                "term_months": 12,
            },
        )
        services.refresh_matches(zone)
        history = _history(services, Application, Match, loan, bank_user, ctx.firm)
        pending = services.apply(firm_user, loan, ctx.firm, Decimal("200"), 12, "研发投入与设备采购流动资金")
    pools = services.pools(type(pool).objects.filter(pk=pool.pk), Application.objects.all())
    state = pools[0].state
    ctx.report.append(
        f"  科创金融 finance: 5 个产品 / products（{LOAN}、担保、信创基金、贴息、风险池）；历史贷款 {history} 笔 / past loans；"
        f"风险池不良率 / pool bad-loan ratio {services.pct(state.ratio)}（上限 ceiling {services.pct(state.ceiling)}，"
        f"{ {'ok': '正常 ok', 'warning': '预警 warning', 'breached': '超限 breached'}[state.status] }）"
    )
    ctx.report.append(
        f"  待审批 / pending: {ctx.firm.name} → {bank.name}「{LOAN}」申请 #{pending.pk}（200 万元）："
        f"以 bank 登录在“银行工作台”审批并放款 / sign in as bank, approve and disburse in the workspace"
    )


def _history(services, Application, Match, product, bank_user, skip) -> int:
    """Past loans of eligible firms: most repaid or outstanding, two defaults (pool near its warning)."""
    today = dt.date.today()
    firms = list(
        Match.objects.filter(product=product)
        .exclude(enterprise=skip)
        .select_related("enterprise")
        .order_by("-total", "enterprise__uscc")[:24]
    )
    made, disbursed, to_default = 0, Decimal(0), []

    def stamp(app, day: dt.date, hour: int = 10) -> None:
        """Date the application's newest step (and its own dates) as it would have happened."""
        at = dt.datetime.combine(day, dt.time(hour), dt.UTC)
        step = app.history.order_by("-pk").first()
        type(step).objects.filter(pk=step.pk).update(at=at)
        if step.action == "apply":
            Application.objects.filter(pk=app.pk).update(applied_at=at)
        elif step.action in ("approve", "reject"):
            Application.objects.filter(pk=app.pk).update(decided_at=at)

    for n, m in enumerate(firms):
        on = today - dt.timedelta(days=300 - n * 7)  # the disbursement day (or when it would have been)
        amount = Decimal(min(m.line or Decimal(100), Decimal(300)))
        app = services.apply(bank_user, product, m.enterprise, amount, 12, "流动资金")
        stamp(app, on - dt.timedelta(days=21))
        made += 1
        if n % 8 == 7:
            stamp(services.act(bank_user, app, "reject", note="经营数据待补充"), on - dt.timedelta(days=10))
            continue
        app = services.act(bank_user, app, "approve", amount=amount, rate=Decimal("3.45"), term=12)
        stamp(app, on - dt.timedelta(days=10))
        if n % 8 == 6:
            continue  # approved, not yet disbursed
        app.refresh_from_db()
        app = services.act(bank_user, app, "disburse", on=on)
        stamp(app, on)
        disbursed += amount
        if n in (3, 11):
            to_default.append((app, on))
        elif n % 3 == 0:
            day = min(today, on + dt.timedelta(days=240))
            stamp(services.act(bank_user, app, "repay", on=day), day)
        elif n % 3 == 1:
            part = (amount / 4).quantize(Decimal("0.000001"))
            day = min(today, on + dt.timedelta(days=60))
            stamp(services.act(bank_user, app, "repay", amount=part, on=day), day)
    # Two defaults whose losses bring the pool to about 2.7 % (its warning starts at 2.4 %, the ceiling is
    # 3 %): each borrower repaid part of the principal first, the rest is lost.
    loss_each = (disbursed * Decimal("0.027") / max(1, len(to_default))).quantize(Decimal("0.000001"))
    for app, on in to_default:
        repaid = app.outstanding - loss_each
        if repaid > 0:
            day = on + dt.timedelta(days=90)
            app = services.act(bank_user, app, "repay", amount=repaid, on=day)
            stamp(app, day)
        day = on + dt.timedelta(days=200)
        stamp(services.act(bank_user, app, "default", on=day, note="逾期超过 90 天"), day)
    return made
